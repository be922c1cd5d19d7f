package org.linkway.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.linkway.platform.testing.TestStack;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;

/**
 * A service id, and a contract id, is decided once, in order, by one decider: providers (or
 * commissioners) racing to claim one new id through HTTP at the same moment get one winner, and
 * every other claim is refused, so nobody can squat or overwrite another's listing or contract by
 * a race. Commissioners QRC and QR1-QR8 are used only here.
 */
class IdRaceIT {

  static final int PROVIDERS = 8;
  static final String CLAIMED = "race-claimed-service";

  /** One claim's answer; {@code claimant} is the provider or the commissioner that made it. */
  record Answer(String claimant, int status, String contentType, String body) {}

  @Test
  void givenProvidersClaimingOneNewServiceIdAtOnce_whenTheClaimsAreDecided_thenOneWinsAndTheOthersAreRefused() {
    RunningPlatform platform = EmbeddedPlatform.get();
    List<String> providers = IntStream.rangeClosed(1, PROVIDERS).mapToObj(i -> "race-claimer-" + i).toList();
    for (String provider : providers) {
      platform.providerService().post().uri("/providers").bodyValue(Map.of("providerId", provider, "name", provider,
              "services", List.of(Map.of("serviceId", provider + "-group", "name", "Group", "needs", List.of("NATURE"),
                  "commissioners", List.of("QRC"), "capacity", 5))))
          .exchange().expectStatus().isCreated();
    }
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> platform.providerService().get().uri("/providers")
        .exchange().expectBody().jsonPath("$[?(@.providerId == 'race-claimer-" + PROVIDERS + "')]").exists());

    String winner = oneWinner("service id", "belongs to another provider", race(platform, "provider-service", providers,
        (client, provider) -> client.put().uri("/providers/{p}/services/{s}", provider, CLAIMED)
            .headers(h -> h.setBearerAuth(TestStack.issuer().provider(provider)))
            .bodyValue(Map.of("name", "Claimed by " + provider, "needs", List.of("NATURE"), "capacity", 3))));

    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> platform.providerService().get().uri("/providers")
        .exchange().expectBody()
        .jsonPath("$[*].services[?(@.serviceId == '" + CLAIMED + "')].name").value(names ->
            assertThat(names.toString()).isEqualTo("[\"Claimed by " + winner + "\"]"))
        .jsonPath("$[?(@.providerId == '" + winner + "')].services[?(@.serviceId == '" + CLAIMED + "')]").exists());

    // and the winner's listing is not overwritten by a later claim either
    platform.providerService().put().uri("/providers/{p}/services/{s}", providers.stream().filter(p -> !p.equals(winner))
            .findFirst().orElseThrow(), CLAIMED)
        .bodyValue(Map.of("name", "Taken over", "needs", List.of("NATURE"), "capacity", 3))
        .exchange().expectStatus().value(status -> assertThat(status).isIn(400, 409));
  }

  @Test
  void givenCommissionersAgreeingOneNewContractIdAtOnce_whenTheAgreementsAreDecided_thenOneWinsAndTheOthersAreRefused() {
    RunningPlatform platform = EmbeddedPlatform.get();
    List<String> commissioners = IntStream.rangeClosed(1, PROVIDERS).mapToObj(i -> "QR" + i).toList();
    String contractId = "race-claimed-contract";

    String winner = oneWinner("contract id", "belongs to another commissioner", race(platform, "outcome-service", commissioners,
        (client, icb) -> client.put().uri("/commissioners/{c}/contracts/{id}", icb, contractId)
            .headers(h -> h.setBearerAuth(TestStack.issuer().commissioner(icb)))
            .bodyValue(Map.of("providerId", "race-claimer-1", "validFrom", "2026-04-01", "validTo", "2027-03-31",
                "engagementFee", 50))));

    // the winner's contract stands: its list shows it, and no other commissioner's list does
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> platform.outcomeService().get()
        .uri("/commissioners/{c}/contracts", winner).exchange().expectStatus().isOk()
        .expectBody().jsonPath("$[?(@.contractId == '" + contractId + "')]").exists());
    for (String icb : commissioners) {
      if (icb.equals(winner)) continue;
      platform.outcomeService().get().uri("/commissioners/{c}/contracts", icb).exchange().expectStatus().isOk()
          .expectBody().jsonPath("$[?(@.contractId == '" + contractId + "')]").doesNotExist();
    }
  }

  /** Every claimant's request sent at once, each with its own token; the answers as they came. */
  private static List<Answer> race(RunningPlatform platform, String service, List<String> claimants,
      BiFunction<WebClient, String, WebClient.RequestHeadersSpec<?>> claim) {
    WebClient client = WebClient.create(platform.baseUrl(service));
    return Flux.fromIterable(claimants)
        .flatMap(claimant -> claim.apply(client, claimant)
            .exchangeToMono(response -> response.bodyToMono(String.class).defaultIfEmpty("")
                .map(body -> new Answer(claimant, response.statusCode().value(),
                    response.headers().contentType().map(Object::toString).orElse(""), body))), claimants.size())
        .collectList()
        .block(Duration.ofSeconds(60));
  }

  /**
   * Exactly one claim won; every other was refused, as problem+json giving the reason. A loser is
   * refused by the decider (409); one arriving after the table already shows the winner is refused
   * before it gets that far (400 naming the id): either way, never written.
   */
  private static String oneWinner(String what, String reason, List<Answer> answers) {
    List<Answer> won = answers.stream().filter(a -> a.status() == 200).toList();
    assertThat(won).as("%s", answers).hasSize(1);
    assertThat(answers).filteredOn(a -> a.status() != 200).hasSize(answers.size() - 1)
        .allSatisfy(a -> {
          assertThat(a.status()).as("%s", a).isIn(409, 400);
          assertThat(a.contentType()).as("%s", a).startsWith("application/problem+json");
          assertThat(a.body()).as("%s", a).contains(reason);
        });
    System.out.printf("%s race: %d claims, winner %s, refusals %s%n", what, answers.size(), won.get(0).claimant(),
        answers.stream().filter(a -> a.status() != 200).map(Answer::status).toList());
    return won.get(0).claimant();
  }
}
