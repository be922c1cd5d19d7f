package org.linkway.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.linkway.platform.pages.SignInCookie;
import org.linkway.platform.testing.TestStack;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.Disposable;

/**
 * A provider stops seeing the person once its offer ends without its acceptance: declined by it,
 * expired, or cancelled by the referrer. Over real HTTP, as that provider: its queue (whatever status it asks
 * for), its live stream, its inbox pages and the referral's summary, view and audit in
 * referral-service show no name, NHS number, contact details or notes (referral-service answers 404);
 * only the reference, the dates and its decision remain. A provider that accepted still sees them,
 * also once the referrer cancels.
 */
class EndedOfferIT {

  /** Its own commissioner, so that no other test's services take its referrals. */
  static final String COMMISSIONER = "QEO";
  /** Offers to QXT must be answered within 4 s (RunningPlatform): the expired offer. */
  static final String QUICK_COMMISSIONER = "QXT";
  static final String PROVIDER = "ended-gardens";
  static final List<String> NEEDS = List.of("NATURE");
  /** What the referral says of the person ({@link JourneyScenario#referralBody}); none of it may reach an ended offer's provider. */
  static final List<String> IDENTITY = List.of(JourneyScenario.NHS_NUMBER, JourneyScenario.FAMILY_NAME, "1950-12-10",
      "10 December 1950", "NR1 3SR", "01603 000000", "lives alone since bereavement");
  static final ParameterizedTypeReference<List<Map<String, Object>>> LIST = new ParameterizedTypeReference<>() {};
  static final ParameterizedTypeReference<ServerSentEvent<String>> SSE = new ParameterizedTypeReference<>() {};

  private final RunningPlatform platform = EmbeddedPlatform.get();

  @Test
  void givenOffersThatEndedWithoutTheProvider_whenTheProviderLooks_thenOnlyTheReferenceDatesAndDecisionRemain() {
    platform.providerService().post().uri("/providers").bodyValue(Map.of("providerId", PROVIDER, "name", "Ended Gardens",
            "services", List.of(Map.of("serviceId", PROVIDER + "-plot", "name", "Garden plot", "needs", NEEDS,
                "commissioners", List.of(COMMISSIONER, QUICK_COMMISSIONER), "capacity", 20))))
        .exchange().expectStatus().isCreated();
    // the listing is decided and on the directory before any referral is routed, as the other journeys await it
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> platform.providerService().get().uri("/providers").exchange()
        .expectStatus().isOk().expectBody().jsonPath("$[?(@.providerId == '" + PROVIDER + "')]").exists());
    List<ServerSentEvent<String>> streamed = new CopyOnWriteArrayList<>();
    Disposable stream = platform.providerServiceStreams().get().uri("/providers/{p}/referrals/stream", PROVIDER)
        .retrieve().bodyToFlux(SSE).subscribe(streamed::add);
    try {
      String declined = offered(COMMISSIONER);
      // while offered, the provider sees who the person is, over the stream too
      await().atMost(Duration.ofSeconds(30)).until(() -> event(streamed, declined, "offer") != null);
      assertThat(event(streamed, declined, "offer").data()).contains(JourneyScenario.FAMILY_NAME);
      platform.providerService().post().uri("/providers/{p}/referrals/{r}/decline", PROVIDER, declined)
          .bodyValue(Map.of("reason", "CAPACITY", "note", "full until spring")).exchange().expectStatus().isOk();

      // offered to this provider and not answered in 4 s (awaiting the offer could outlast it on a busy machine)
      String expired = JourneyScenario.refer(platform, QUICK_COMMISSIONER, NEEDS);
      String cancelled = offered(COMMISSIONER);
      platform.referralService().post().uri("/referrals/{r}/cancel", cancelled).bodyValue(Map.of("reason", "moved away"))
          .exchange().expectStatus().isAccepted();
      JourneyScenario.awaitReferral(platform, declined, "UNPLACED", PROVIDER);
      JourneyScenario.awaitReferral(platform, expired, "UNPLACED", PROVIDER);
      JourneyScenario.awaitReferral(platform, cancelled, "CANCELLED", PROVIDER);
      List<String> ended = List.of(declined, expired, cancelled);
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(statusesOf(ended))
          .containsExactly("DECLINED", "DECLINED", "CANCELLED"));

      // the queue, unfiltered and in every status: the ended offers keep their reference, dates and decision only
      for (String status : statusFilters()) {
        for (Map<String, Object> offer : queue(status)) {
          if (!ended.contains((String) offer.get("referralId"))) continue;
          assertThat(offer).as("%s in the queue?status=%s", offer.get("referralId"), status)
              .containsEntry("person", null).containsEntry("notes", null).containsEntry("needs", List.of())
              .containsKeys("offeredAt", "status", "taskStatus");
          assertThat(String.valueOf(offer)).doesNotContain(IDENTITY);
        }
      }
      assertThat(queue("DECLINED")).extracting(o -> o.get("referralId")).contains(declined, expired);
      assertThat(queue("CANCELLED")).extracting(o -> o.get("referralId")).contains(cancelled);

      // the stream's events as each offer ended carry no identity either
      await().atMost(Duration.ofSeconds(30)).until(() -> event(streamed, declined, "declined") != null
          && event(streamed, expired, "declined") != null && event(streamed, cancelled, "cancelled") != null);
      for (ServerSentEvent<String> e : List.of(event(streamed, declined, "declined"), event(streamed, expired, "declined"),
          event(streamed, cancelled, "cancelled"))) {
        assertThat(e.data()).as("the stream's %s event %s", e.event(), e.id()).doesNotContain(IDENTITY);
      }

      // the inbox and each ended referral's page: named by the reference, nothing of the person
      String inbox = page("provider-service", "/app/inbox", 200);
      assertThat(inbox).contains("Referral " + declined.substring(0, 8)).doesNotContain(IDENTITY);
      for (String referralId : ended) {
        assertThat(page("provider-service", "/app/inbox/referrals/" + referralId, 200))
            .as("the inbox page of %s", referralId).contains("Referral " + referralId.substring(0, 8))
            .doesNotContain(IDENTITY);
        // referral-service: the referral, its summary (the person) and audit are no longer this provider's to read
        for (String path : List.of("/referrals/{r}", "/referrals/{r}/summary", "/referrals/{r}/audit")) {
          platform.referralService().get().uri(path, referralId)
              .headers(h -> h.setBearerAuth(TestStack.issuer().provider(PROVIDER))).exchange()
              .expectStatus().isNotFound().expectBody(String.class)
              .value(body -> assertThat(body).doesNotContain(IDENTITY));
        }
        assertThat(page("referral-service", "/app/referrals/" + referralId, 404)).doesNotContain(IDENTITY);
        // the referring practice still reads its summary, with the person
        platform.referralService().get().uri("/referrals/{r}/summary", referralId).exchange().expectStatus().isOk()
            .expectBody().jsonPath("$.person.familyName").isEqualTo(JourneyScenario.FAMILY_NAME);
      }

      // a provider that accepted still sees the person, and reads the summary
      String accepted = offered(COMMISSIONER);
      platform.providerService().post().uri("/providers/{p}/referrals/{r}/accept", PROVIDER, accepted).exchange()
          .expectStatus().isOk();
      JourneyScenario.awaitReferral(platform, accepted, "ACCEPTED", PROVIDER);
      assertThat(queue("ACCEPTED")).filteredOn(o -> accepted.equals(o.get("referralId"))).singleElement()
          .satisfies(o -> assertThat(String.valueOf(o)).contains(JourneyScenario.NHS_NUMBER, JourneyScenario.FAMILY_NAME,
              "01603 000000", "lives alone since bereavement"));
      platform.referralService().get().uri("/referrals/{r}/summary", accepted)
          .headers(h -> h.setBearerAuth(TestStack.issuer().provider(PROVIDER))).exchange().expectStatus().isOk()
          .expectBody().jsonPath("$.person.familyName").isEqualTo(JourneyScenario.FAMILY_NAME);
      assertThat(page("provider-service", "/app/inbox/referrals/" + accepted, 200)).contains(JourneyScenario.FAMILY_NAME);

      // the referrer cancels after the acceptance: the provider was involved and keeps what it was given
      platform.referralService().post().uri("/referrals/{r}/cancel", accepted).bodyValue(Map.of("reason", "moved away"))
          .exchange().expectStatus().isAccepted();
      JourneyScenario.awaitReferral(platform, accepted, "CANCELLED", PROVIDER);
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(queue("CANCELLED"))
          .filteredOn(o -> accepted.equals(o.get("referralId"))).singleElement()
          .satisfies(o -> assertThat(String.valueOf(o)).contains(JourneyScenario.NHS_NUMBER, JourneyScenario.FAMILY_NAME)));
      platform.referralService().get().uri("/referrals/{r}/summary", accepted)
          .headers(h -> h.setBearerAuth(TestStack.issuer().provider(PROVIDER))).exchange().expectStatus().isOk()
          .expectBody().jsonPath("$.person.familyName").isEqualTo(JourneyScenario.FAMILY_NAME);
    } finally {
      stream.dispose();
    }
  }

  private String offered(String commissioner) {
    return JourneyScenario.referAndAwaitOffer(platform, commissioner, NEEDS, PROVIDER);
  }

  /** No filter, then each status an offer can be in. */
  private static List<String> statusFilters() {
    List<String> filters = new ArrayList<>();
    filters.add(null);
    filters.addAll(Arrays.asList("OFFERED", "ACCEPTING", "ACCEPTED", "DECLINED", "COMPLETED", "CANCELLED"));
    return filters;
  }

  private List<Map<String, Object>> queue(String status) {
    return platform.providerService().get()
        .uri(u -> u.path("/providers/{p}/referrals").queryParamIfPresent("status", java.util.Optional.ofNullable(status))
            .build(PROVIDER))
        .exchange().expectStatus().isOk().expectBody(LIST).returnResult().getResponseBody();
  }

  private List<Object> statusesOf(List<String> referralIds) {
    List<Map<String, Object>> queue = queue(null);
    return referralIds.stream().map(id -> queue.stream().filter(o -> id.equals(o.get("referralId")))
        .map(o -> o.get("status")).findFirst().orElse(null)).toList();
  }

  private static ServerSentEvent<String> event(List<ServerSentEvent<String>> events, String referralId, String name) {
    return events.stream().filter(e -> name.equals(e.event()) && e.id() != null && e.id().startsWith(referralId))
        .reduce((first, last) -> last).orElse(null);
  }

  /** A page as the provider signed in to it sees it. */
  private String page(String service, String path, int status) {
    return WebTestClient.bindToServer().baseUrl(platform.baseUrl(service)).responseTimeout(Duration.ofSeconds(30)).build()
        .get().uri(path).cookie(SignInCookie.NAME, TestStack.issuer().provider(PROVIDER)).exchange()
        .expectStatus().isEqualTo(status).expectBody(String.class).returnResult().getResponseBody();
  }
}
