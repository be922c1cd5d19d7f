package org.linkway.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.linkway.platform.web.IdempotencyKeys;
import org.springframework.http.HttpHeaders;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Losing an instance: two instances of each service (each keeping a warm standby copy of the other's
 * state), then the second instance of every service is lost as a machine would be, without leaving its
 * group. The first instance takes the lost one's partitions when its session times out and serves every
 * referral again; meanwhile each answer is either right or 503 with {@code Retry-After}, never a 404 or a
 * partial list; and afterwards the provider's commands are taken and the commissioner's money reconciles.
 * Prints how long each service took to serve everything again (the figure docs/operations.md quotes).
 *
 * <p>provider-service serves everything again when its queue (one partition, the provider's) and each
 * referral's offer (the partitions its commands go to) are read right. Its commands are then sent as a
 * provider's system sends them: with an {@code Idempotency-Key}, and again after a 503 (which must say
 * when), so that one whose answer was late is answered as the first time, never applied twice.
 */
class FailoverIT extends TwoInstancesOfEachService {

  private static final int REFERRALS = 8;
  private static final List<String> SERVICES = List.of("referral-service", "provider-service", "outcome-service");

  @Test
  void givenTwoInstancesOfEachService_whenTheSecondOfEachIsLost_thenTheFirstServesEverythingAgainAndNothingIsWrongMeanwhile() {
    List<String> referralIds = new ArrayList<>();
    for (int i = 0; i < REFERRALS; i++) {
      referralIds.add(submit(platform.instance("referral-service", 1 + i % 2)));
    }
    for (String referralId : referralIds) {
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
          assertThat(get("referral-service", 1, "/referrals/" + referralId).getResponseBody()).contains("\"status\":\"OFFERED\""));
    }
    // half of them accepted before the loss: their money is in the ledger
    List<String> acceptedBefore = referralIds.subList(0, REFERRALS / 2);
    acceptedBefore.forEach(id -> accept(1 + referralIds.indexOf(id) % 2, id).expectStatus().isOk());
    for (String referralId : acceptedBefore) {
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
          assertThat(ledger(referralId).getResponseBody()).contains("COMMITTED"));
    }

    long lost = System.nanoTime();
    SERVICES.forEach(service -> platform.loseInstance(service, 2));

    // every read asked of the survivor until each service answers all of them: right, or 503 with Retry-After
    Map<String, Long> servedAgainMillis = new ConcurrentHashMap<>();
    AtomicLong unavailable = new AtomicLong();
    await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100)).until(() -> {
      Map<String, Boolean> allServed = new HashMap<>();
      for (String referralId : referralIds) {
        boolean accepted = acceptedBefore.contains(referralId);
        allServed.merge("referral-service", answered(get("referral-service", 1, "/referrals/" + referralId),
            accepted ? "\"status\":\"ACCEPTED\"" : "\"status\":\"OFFERED\"", unavailable), Boolean::logicalAnd);
        if (accepted) {
          allServed.merge("outcome-service", answered(ledger(referralId), "COMMITTED", unavailable), Boolean::logicalAnd);
        }
      }
      // the provider's queue: every referral in it, or 503, never a queue short of the lost instance's referrals
      EntityExchangeResult<String> queue = get("provider-service", 1, "/providers/" + JourneyScenario.FIRST_PROVIDER + "/referrals");
      allServed.put("provider-service", referralIds.stream().allMatch(id -> answered(queue, id, unavailable)));
      // and each referral's offer, on the partition that decides its commands (accepted: ACCEPTING or ACCEPTED)
      for (String referralId : referralIds) {
        allServed.merge("provider-service", answered(get("provider-service", 1, offerPath(referralId)),
            acceptedBefore.contains(referralId) ? "\"status\":\"ACCEPT" : "\"status\":\"OFFERED\"", unavailable),
            Boolean::logicalAnd);
      }
      allServed.forEach((service, served) -> {
        if (served) servedAgainMillis.putIfAbsent(service, Duration.ofNanos(System.nanoTime() - lost).toMillis());
      });
      return servedAgainMillis.keySet().containsAll(SERVICES);
    });

    // the provider's commands on the rest are taken by the survivor, and the commissioner's money adds up there
    AtomicLong commandsUnavailable = new AtomicLong();
    referralIds.subList(REFERRALS / 2, REFERRALS).forEach(id -> acceptAsAProviderSystemDoes(id, commandsUnavailable));
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
      String ledger = get("outcome-service", 1, "/commissioners/" + JourneyScenario.COMMISSIONER + "/ledger").getResponseBody();
      assertThat(ledger).contains(referralIds);
    });
    Reconciliations.runNow(platform.instance("outcome-service", 1), JourneyScenario.COMMISSIONER);
    assertThat(get("outcome-service", 1, "/commissioners/" + JourneyScenario.COMMISSIONER + "/ledger/reconciliation")
        .getResponseBody()).contains("\"clean\":true");

    System.out.printf("failover: after losing the second instance of each service, the first served every referral again "
        + "after %d ms (referral-service), %d ms (provider-service), %d ms (outcome-service); %d answers were 503 meanwhile, "
        + "none wrong; then %d answers to the %d accepts were 503, each accept sent again until taken%n", servedAgainMillis.get("referral-service"),
        servedAgainMillis.get("provider-service"), servedAgainMillis.get("outcome-service"), unavailable.get(),
        commandsUnavailable.get(), REFERRALS - REFERRALS / 2);
  }

  /**
   * Accepts the offer on the survivor with an Idempotency-Key, sending it again while the answer is 503 with
   * {@code Retry-After}; any other answer than 200 (a 409: applied twice, or refused) fails the test at once.
   */
  private void acceptAsAProviderSystemDoes(String referralId, AtomicLong unavailable) {
    String idempotencyKey = UUID.randomUUID().toString();
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> answered(
        platform.instance("provider-service", 1).post().uri(offerPath(referralId) + "/accept")
            .header(IdempotencyKeys.HEADER, idempotencyKey).exchange().expectBody(String.class).returnResult(),
        "\"status\":\"ACCEPT", unavailable));
  }

  private static String offerPath(String referralId) {
    return "/providers/" + JourneyScenario.FIRST_PROVIDER + "/referrals/" + referralId;
  }

  /**
   * Whether a read during the move was answered with what it should say; a 503 must say when to try again,
   * and any other answer (a 404, a wrong status) fails the test at once.
   */
  private static boolean answered(EntityExchangeResult<String> result, String expected, AtomicLong unavailable) {
    int status = result.getStatus().value();
    if (status == 503) {
      assertThat(result.getResponseHeaders().getFirst(HttpHeaders.RETRY_AFTER)).as("a 503 says when to try again").isNotBlank();
      unavailable.incrementAndGet();
      return false;
    }
    assertThat(status).as("answer while partitions move: %s", result.getResponseBody()).isEqualTo(200);
    assertThat(result.getResponseBody()).contains(expected);
    return true;
  }

  private EntityExchangeResult<String> get(String service, int instance, String path) {
    return platform.instance(service, instance).get().uri(path).exchange().expectBody(String.class).returnResult();
  }

  private EntityExchangeResult<String> ledger(String referralId) {
    return get("outcome-service", 1, "/commissioners/" + JourneyScenario.COMMISSIONER + "/ledger?referralId=" + referralId);
  }

  private WebTestClient.ResponseSpec accept(int instance, String referralId) {
    return platform.instance("provider-service", instance).post()
        .uri("/providers/{p}/referrals/{r}/accept", JourneyScenario.FIRST_PROVIDER, referralId).exchange();
  }
}
