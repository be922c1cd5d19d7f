package org.linkway.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.linkway.platform.testing.TestStack;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;

/**
 * A service id is decided once, in order, by the directory's one decider: providers racing to
 * claim one new id through HTTP at the same moment get one winner, and every other claim is
 * refused, so no provider can squat or overwrite another's listing by a race. Commissioner QRC is
 * used only here.
 */
class ServiceIdRaceIT {

  static final int PROVIDERS = 8;
  static final String CLAIMED = "race-claimed-service";

  record Answer(String providerId, int status, String contentType, String body) {}

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

    WebClient client = WebClient.create(platform.baseUrl("provider-service"));
    List<Answer> answers = Flux.fromIterable(providers)
        .flatMap(provider -> client.put().uri("/providers/{p}/services/{s}", provider, CLAIMED)
            .headers(h -> h.setBearerAuth(TestStack.issuer().provider(provider)))
            .bodyValue(Map.of("name", "Claimed by " + provider, "needs", List.of("NATURE"), "capacity", 3))
            .exchangeToMono(response -> response.bodyToMono(String.class).defaultIfEmpty("")
                .map(body -> new Answer(provider, response.statusCode().value(),
                    response.headers().contentType().map(Object::toString).orElse(""), body))), PROVIDERS)
        .collectList()
        .block(Duration.ofSeconds(60));

    List<Answer> won = answers.stream().filter(a -> a.status() == 200).toList();
    assertThat(won).as("%s", answers).hasSize(1);
    String winner = won.get(0).providerId();
    // a loser is refused by the decider (409); one arriving after the directory already shows the
    // winner is refused before it gets that far (400 naming serviceId): either way, never listed
    assertThat(answers).filteredOn(a -> a.status() != 200).hasSize(PROVIDERS - 1)
        .allSatisfy(a -> {
          assertThat(a.status()).as("%s", a).isIn(409, 400);
          assertThat(a.contentType()).as("%s", a).startsWith("application/problem+json");
          assertThat(a.body()).as("%s", a).contains("belongs to another provider");
        });
    System.out.printf("service id race: %d claims, winner %s, refusals %s%n", answers.size(), winner,
        answers.stream().filter(a -> a.status() != 200).map(Answer::status).toList());

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
}
