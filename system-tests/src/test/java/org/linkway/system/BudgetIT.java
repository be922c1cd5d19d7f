package org.linkway.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.linkway.platform.domain.Funding;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

/**
 * A commissioner's budget on the real broker: concurrent acceptances never reserve more than the
 * budget, the ones it cannot cover get a 409 that says the budget is spent and their offers stay
 * open, a cancellation gives back what was not earned, and routing prefers the funded service.
 * ICB QXB is used only here.
 */
@SuppressWarnings("unchecked")
class BudgetIT {

  static final String COMMISSIONER = "QXB";
  static final String FUNDED = "budget-funded-arts";
  static final String UNFUNDED = "budget-unfunded-arts";
  static final ParameterizedTypeReference<Map<String, Object>> MAP = new ParameterizedTypeReference<>() {};

  @Test
  void givenABudgetForThreeReferrals_whenFiveAreAcceptedAtOnce_thenThreeAreAndTwoAreRefusedUntilACancellationFreesRoom()
      throws Exception {
    RunningPlatform platform = EmbeddedPlatform.get();
    String year = Funding.financialYear(Instant.now());
    var dates = Funding.financialYearDates(year).orElseThrow();
    // the most one referral can earn is 100.00 (a completion fee); the budget covers three
    platform.outcomeService().put().uri("/commissioners/{c}/contracts/qxb-arts", COMMISSIONER)
        .bodyValue(Map.of("providerId", FUNDED, "validFrom", dates[0].toString(), "validTo", dates[1].toString(),
            "completionFee", 100.00))
        .exchange().expectStatus().isOk();
    platform.outcomeService().put().uri("/commissioners/{c}/budgets/{y}", COMMISSIONER, year)
        .bodyValue(Map.of("amount", 300.00)).exchange().expectStatus().isOk()
        .expectBody().jsonPath("$.budget").isEqualTo(300.0).jsonPath("$.free").isEqualTo(300.0);
    register(platform, FUNDED);
    register(platform, UNFUNDED);

    // routing prefers the service whose places are paid for, whatever the load
    List<String> referrals = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      referrals.add(JourneyScenario.referAndAwaitOffer(platform, COMMISSIONER, List.of("ARTS_AND_CULTURE"), FUNDED));
    }

    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(referrals.size());
    List<Future<EntityExchangeResult<Map<String, Object>>>> answers = new ArrayList<>();
    for (String referralId : referrals) {
      answers.add(pool.submit(() -> {
        start.await();
        return platform.providerService().post().uri("/providers/{p}/referrals/{r}/accept", FUNDED, referralId)
            .exchange().expectBody(MAP).returnResult();
      }));
    }
    start.countDown();
    List<String> accepted = new ArrayList<>();
    List<String> refused = new ArrayList<>();
    for (int i = 0; i < referrals.size(); i++) {
      EntityExchangeResult<Map<String, Object>> answer = answers.get(i).get();
      if (answer.getStatus().value() == 200) {
        accepted.add(referrals.get(i));
      } else {
        assertThat(answer.getStatus().value()).isEqualTo(409);
        assertThat((String) answer.getResponseBody().get("detail"))
            .contains("the budget of QXB for " + year + " is spent").contains("100.00");
        refused.add(referrals.get(i));
      }
    }
    pool.shutdown();
    assertThat(accepted).hasSize(3);
    assertThat(refused).hasSize(2);

    platform.outcomeService().get().uri("/commissioners/{c}/budget", COMMISSIONER).exchange().expectStatus().isOk()
        .expectBody().jsonPath("$.financialYear").isEqualTo(year).jsonPath("$.budget").isEqualTo(300.0)
        .jsonPath("$.committed").isEqualTo(300.0).jsonPath("$.reserved").isEqualTo(300.0)
        .jsonPath("$.due").isEqualTo(0.0).jsonPath("$.released").isEqualTo(0.0).jsonPath("$.free").isEqualTo(0.0);
    // a refused acceptance leaves the offer open with the provider
    for (String referralId : refused) JourneyScenario.awaitOffer(platform, FUNDED, referralId);
    for (String referralId : accepted) JourneyScenario.awaitReferral(platform, referralId, "ACCEPTED", FUNDED);

    // the referrer cancels an accepted referral: its 100.00 comes back, and a refused offer can now be accepted
    platform.referralService().post().uri("/referrals/{id}/cancel", accepted.get(0)).exchange().expectStatus().isAccepted();
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        platform.outcomeService().get().uri("/commissioners/{c}/budget", COMMISSIONER).exchange().expectBody()
            .jsonPath("$.released").isEqualTo(100.0).jsonPath("$.free").isEqualTo(100.0));
    platform.providerService().post().uri("/providers/{p}/referrals/{r}/accept", FUNDED, refused.get(0)).exchange()
        .expectStatus().isOk();
    platform.providerService().post().uri("/providers/{p}/referrals/{r}/accept", FUNDED, refused.get(1)).exchange()
        .expectStatus().isEqualTo(409);

    platform.outcomeService().get().uri("/commissioners/{c}/budget", COMMISSIONER).exchange().expectBody()
        .jsonPath("$.committed").isEqualTo(400.0).jsonPath("$.released").isEqualTo(100.0)
        .jsonPath("$.reserved").isEqualTo(300.0).jsonPath("$.free").isEqualTo(0.0);
    // a run from now, again until it has read the whole ledger (the commissioner's view follows it a moment later)
    await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
      Reconciliations.runNow(platform.outcomeService(), COMMISSIONER);
      platform.outcomeService().get().uri("/commissioners/{c}/ledger/reconciliation", COMMISSIONER).exchange()
          .expectBody().jsonPath("$.clean").isEqualTo(true)
          .jsonPath("$.totals.committed").isEqualTo(400.0)
          .jsonPath("$.invariants[?(@.name == 'withinBudget')].holds").isEqualTo(List.of(true));
    });
    platform.outcomeService().get().uri("/commissioners/{c}/ledger/reconciliation", COMMISSIONER).exchange()
        .expectBody(String.class).value(body -> System.out.println("reconciliation of " + COMMISSIONER + ": " + body));
  }

  private static void register(RunningPlatform platform, String providerId) {
    platform.providerService().post().uri("/providers").bodyValue(Map.of("providerId", providerId, "name", providerId,
            "services", List.of(Map.of("serviceId", providerId + "-svc", "name", "Creative wellbeing",
                "needs", List.of("ARTS_AND_CULTURE"), "commissioners", List.of(COMMISSIONER), "capacity", 20))))
        .exchange().expectStatus().isCreated();
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> platform.providerService().get().uri("/providers")
        .exchange().expectBody().jsonPath("$[?(@.providerId == '" + providerId + "')]").exists());
  }
}
