package org.linkway.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.linkway.platform.security.LiveStreams;
import org.linkway.platform.testing.TestStack;
import org.linkway.stack.LocalIssuer;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import reactor.core.Disposable;

/**
 * The API's live streams, over real HTTP: each ends by itself when the token that opened it expires
 * (the provider's queue, the practice's referrals, the commissioner's ledger and outcomes), and one
 * caller holds at most {@link LiveStreams#DEFAULT_PER_CALLER} at once: one more is refused with 429
 * problem+json, another caller is not affected, and a place is free again once a stream is closed.
 */
class LiveStreamsIT {

  static final String COMMISSIONER = "QLS";
  static final String PROVIDER = "streams-walks";
  static final String OTHER_PROVIDER = "streams-choir";
  static final ParameterizedTypeReference<ServerSentEvent<String>> SSE = new ParameterizedTypeReference<>() {};

  private final RunningPlatform platform = EmbeddedPlatform.get();

  /** How a stream ended: completed, or the error it ended with. */
  record Ended(Instant at, Throwable error) {}

  @Test
  void givenAShortToken_whenItExpires_thenEachApiStreamOpenedWithItEndsByItself() {
    LocalIssuer issuer = TestStack.issuer();
    Duration lifetime = Duration.ofSeconds(4);
    Instant issued = Instant.now();
    Map<String, String> streams = Map.of(
        "provider-service /providers/" + PROVIDER + "/referrals/stream",
        issuer.token("provider", LocalIssuer.PROVIDER_CLAIM, PROVIDER, lifetime),
        "referral-service /referrers/" + OwnerTokens.PRACTICE + "/referrals/stream",
        issuer.token("gp", LocalIssuer.ODS_CLAIM, OwnerTokens.PRACTICE, lifetime),
        "outcome-service /commissioners/" + COMMISSIONER + "/ledger/stream",
        issuer.token("commissioner", LocalIssuer.ODS_CLAIM, COMMISSIONER, lifetime),
        "outcome-service /commissioners/" + COMMISSIONER + "/outcomes/stream",
        issuer.token("commissioner", LocalIssuer.ODS_CLAIM, COMMISSIONER, lifetime));
    Map<String, AtomicReference<Ended>> ended = new java.util.HashMap<>();
    List<Disposable> open = new ArrayList<>();
    streams.forEach((stream, token) -> {
      String[] serviceAndPath = stream.split(" ");
      AtomicReference<Ended> end = new AtomicReference<>();
      ended.put(stream, end);
      open.add(WebClient.create(platform.baseUrl(serviceAndPath[0])).get().uri(serviceAndPath[1])
          .headers(h -> h.setBearerAuth(token)).accept(MediaType.TEXT_EVENT_STREAM)
          .retrieve().bodyToFlux(SSE)
          .subscribe(e -> {}, error -> end.set(new Ended(Instant.now(), error)), () -> end.set(new Ended(Instant.now(), null))));
    });
    try {
      await().atMost(Duration.ofSeconds(60)).until(() -> ended.values().stream().allMatch(e -> e.get() != null));
      ended.forEach((stream, end) -> {
        assertThat(end.get().error()).as("%s ended with an error", stream).isNull();
        // the token's exp is in whole seconds: the stream lasted until about then, not a moment
        assertThat(end.get().at()).as("%s ended", stream).isAfter(issued.plus(lifetime).minusSeconds(1));
      });
    } finally {
      open.forEach(Disposable::dispose);
    }
  }

  @Test
  void givenACallerHoldingItsMostStreams_whenItOpensOneMore_thenRefused429_anotherCallerIsNot_andAClosedOneFreesAPlace() {
    // each provider has an offer waiting, so that a stream that is open says so at once (it sends the offer first)
    for (String provider : List.of(PROVIDER, OTHER_PROVIDER)) {
      platform.providerService().post().uri("/providers").bodyValue(Map.of("providerId", provider, "name", provider,
              "services", List.of(Map.of("serviceId", provider + "-group", "name", "Group",
                  "needs", List.of(provider.equals(PROVIDER) ? "PHYSICAL_ACTIVITY" : "ARTS_AND_CULTURE"),
                  "commissioners", List.of(COMMISSIONER), "capacity", 50))))
          .exchange().expectStatus().isCreated();
    }
    JourneyScenario.awaitOffer(platform, PROVIDER, JourneyScenario.refer(platform, COMMISSIONER, List.of("PHYSICAL_ACTIVITY")));
    JourneyScenario.awaitOffer(platform, OTHER_PROVIDER, JourneyScenario.refer(platform, COMMISSIONER, List.of("ARTS_AND_CULTURE")));

    List<Disposable> open = new ArrayList<>();
    try {
      for (int i = 0; i < LiveStreams.DEFAULT_PER_CALLER; i++) open.add(openStream(PROVIDER));

      platform.providerService().get().uri("/providers/{p}/referrals/stream", PROVIDER).accept(MediaType.TEXT_EVENT_STREAM)
          .exchange().expectStatus().isEqualTo(429)
          .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
          .expectBody()
          .jsonPath("$.status").isEqualTo(429)
          .jsonPath("$.detail").value(detail -> assertThat((String) detail).contains("provider " + PROVIDER,
              "already has " + LiveStreams.DEFAULT_PER_CALLER + " live streams open", LiveStreams.PER_CALLER));

      open.add(openStream(OTHER_PROVIDER));

      open.remove(0).dispose();
      // the service frees the place when it sees the client gone: until then one more is still refused
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
          open.add(openStream(PROVIDER)));
    } finally {
      open.forEach(Disposable::dispose);
    }
  }

  /** A stream of the provider's queue, open once its first event (the offer waiting) has arrived; a refusal is thrown. */
  private Disposable openStream(String provider) {
    AtomicReference<Object> first = new AtomicReference<>();
    Disposable stream = platform.providerServiceStreams().get().uri("/providers/{p}/referrals/stream", provider)
        .accept(MediaType.TEXT_EVENT_STREAM).retrieve().bodyToFlux(SSE)
        .subscribe(e -> first.compareAndSet(null, e), error -> first.compareAndSet(null, error));
    await().atMost(Duration.ofSeconds(30)).until(() -> first.get() != null);
    if (first.get() instanceof WebClientResponseException refused) {
      throw new AssertionError("the stream of " + provider + " was refused: " + refused.getStatusCode() + " "
          + refused.getResponseBodyAsString());
    }
    assertThat(first.get()).isInstanceOf(ServerSentEvent.class);
    return stream;
  }
}
