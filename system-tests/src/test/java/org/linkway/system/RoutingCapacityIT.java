package org.linkway.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.linkway.events.ProviderEvent;
import org.linkway.events.ReferralCancelled;
import org.linkway.events.ReferralDeclined;
import org.linkway.events.ReferralEvent;
import org.linkway.events.ReferralOffered;
import org.linkway.events.ReferralUnplaced;
import org.linkway.events.ServiceLoad;
import org.linkway.platform.kafka.Topics;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Strict capacity with two instances of referral-service (and of the others): a service with two places and one
 * with three, both for nature, and twenty referrals needing it sent at once, half to each instance. Each instance
 * used to count only the referrals of the partitions it ran, so a service could be offered up to twice its places;
 * now each service's places are taken by its one place decider, and the rest are unplaced. A place given back (an
 * offer cancelled, or declined) is taken by the next referral. Checked from the events written, in time order.
 */
class RoutingCapacityIT extends TwoInstancesOfEachService {

  private static final String TWO_PLACES = "a-nature-two-places";
  private static final String THREE_PLACES = "b-nature-three-places";
  private static final int REFERRALS = 20;

  @Test
  void givenServicesWithTwoAndThreePlaces_when20ReferralsNeedThemAtOnce_thenNoneIsOfferedMoreThanItsPlacesAndTheRestAreUnplaced()
      throws Exception {
    list("two-places-trust", TWO_PLACES, 2);
    list("three-places-trust", THREE_PLACES, 3);

    // a first referral takes a place and, cancelled, gives it back: the directory has reached referral-service
    String first = refer(platform.instance("referral-service", 1));
    String firstAt = awaitStatus(first, "OFFERED").get("serviceId").toString();
    // sent again while not ready (503): once cancelled, a repeat is refused (409)
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> List.of(202, 409).contains(
        platform.referralService().post().uri("/referrals/{id}/cancel", first).exchange().returnResult(Void.class)
            .getStatus().value()));
    awaitStatus(first, "CANCELLED");
    await().atMost(Duration.ofSeconds(30)).until(() -> load(firstAt).map(l -> l.getOpenOffers() == 0).orElse(false));

    List<String> referrals = referAtOnce();
    List<Map<String, Object>> ended = referrals.stream().map(id -> awaitStatus(id, "OFFERED", "UNPLACED")).toList();

    Map<Object, Long> offeredTo = new HashMap<>();
    ended.stream().filter(r -> "OFFERED".equals(r.get("status")))
        .forEach(r -> offeredTo.merge(r.get("serviceId"), 1L, Long::sum));
    assertThat(offeredTo).containsExactlyInAnyOrderEntriesOf(Map.of(TWO_PLACES, 2L, THREE_PLACES, 3L));
    assertThat(ended).filteredOn(r -> "UNPLACED".equals(r.get("status"))).hasSize(REFERRALS - 5);
    assertThat(load(TWO_PLACES)).hasValueSatisfying(l -> assertThat(l.getOpenOffers()).isEqualTo(2));
    assertThat(load(THREE_PLACES)).hasValueSatisfying(l -> assertThat(l.getOpenOffers()).isEqualTo(3));
    List<ReferralUnplaced> unplaced = platform.events(Topics.REFERRALS).stream()
        .filter(e -> referrals.contains(e.getMetadata().getReferralId().toString()))
        .map(ReferralEvent::getPayload).filter(ReferralUnplaced.class::isInstance).map(ReferralUnplaced.class::cast).toList();
    // unplaced by a place decider (every candidate asked was full) or, once the load table showed both full, by routing
    assertThat(unplaced).hasSize(REFERRALS - 5).allSatisfy(u -> assertThat(u.getReason())
        .containsAnyOf("no suitable service has a free place", "no active service with an open place"));

    // the two-places service declines one: the place is free again, and the next referral is offered it
    String declined = ended.stream().filter(r -> TWO_PLACES.equals(r.get("serviceId"))).findFirst()
        .orElseThrow().get("referralId").toString();
    JourneyScenario.awaitOffer(platform, "two-places-trust", declined);
    String declineKey = UUID.randomUUID().toString();
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() ->
        platform.providerService().post().uri("/providers/{p}/referrals/{r}/decline", "two-places-trust", declined)
            .header("Idempotency-Key", declineKey).bodyValue(Map.of("reason", "CAPACITY")).exchange()
            .returnResult(Void.class).getStatus().value() == 200);
    awaitStatus(declined, "UNPLACED");
    // routing ranks by the load table, which follows the place decider by a commit
    await().atMost(Duration.ofSeconds(30)).until(() -> load(TWO_PLACES).map(l -> l.getOpenOffers() == 1).orElse(false));
    String next = refer(platform.instance("referral-service", 2));
    assertThat(awaitStatus(next, "OFFERED", "UNPLACED")).containsEntry("serviceId", TWO_PLACES);

    assertThat(mostHeldAtOnce(TWO_PLACES)).isEqualTo(2);
    assertThat(mostHeldAtOnce(THREE_PLACES)).isEqualTo(3);
  }

  /** Twenty referrals, sent at once, half to each instance of referral-service. */
  private List<String> referAtOnce() throws Exception {
    ExecutorService senders = Executors.newFixedThreadPool(8);
    try {
      List<Future<String>> sent = IntStream.range(0, REFERRALS)
          .mapToObj(i -> senders.submit(() -> refer(platform.instance("referral-service", 1 + i % 2)))).toList();
      List<String> ids = new ArrayList<>();
      for (Future<String> one : sent) ids.add(one.get());
      return ids;
    } finally {
      senders.shutdownNow();
    }
  }

  /**
   * The most referrals that held a place at the service at one time, from the events in the order they
   * occurred: an offer takes a place; a cancellation, the provider's decline or completion gives it back.
   */
  private int mostHeldAtOnce(String serviceId) {
    record Change(Instant at, String referralId, int by) {}
    List<Change> changes = new ArrayList<>();
    Map<String, String> offeredTo = new HashMap<>();
    List<ReferralEvent> referralEvents = new ArrayList<>(platform.events(Topics.REFERRALS));
    referralEvents.sort(Comparator.comparing(e -> e.getMetadata().getOccurredAt()));
    for (ReferralEvent event : referralEvents) {
      String referralId = event.getMetadata().getReferralId().toString();
      if (event.getPayload() instanceof ReferralOffered offer) {
        offeredTo.put(referralId, offer.getServiceId());
        if (offer.getServiceId().equals(serviceId)) changes.add(new Change(event.getMetadata().getOccurredAt(), referralId, 1));
      } else if (event.getPayload() instanceof ReferralCancelled && serviceId.equals(offeredTo.get(referralId))) {
        changes.add(new Change(event.getMetadata().getOccurredAt(), referralId, -1));
      }
    }
    for (ProviderEvent event : platform.events(Topics.PROVIDER_EVENTS)) {
      if (event.getPayload() instanceof ReferralDeclined decline && decline.getServiceId().equals(serviceId)) {
        changes.add(new Change(event.getMetadata().getOccurredAt(), event.getMetadata().getReferralId().toString(), -1));
      }
    }
    // at one instant a place given back counts before one taken: the decider saw the release first
    changes.sort(Comparator.comparing(Change::at).thenComparingInt(Change::by));
    int held = 0;
    int most = 0;
    for (Change change : changes) {
      held += change.by();
      most = Math.max(most, held);
    }
    return most;
  }

  /** The service's load as its place decider last wrote it on service-load. */
  private Optional<ServiceLoad> load(String serviceId) {
    return platform.events(Topics.SERVICE_LOAD).stream().filter(l -> l.getServiceId().equals(serviceId))
        .reduce((a, b) -> b);
  }

  /** A provider with one nature service in NR1 for the commissioner, with {@code places} places. */
  private void list(String providerId, String serviceId, int places) {
    platform.providerService().post().uri("/providers").bodyValue(Map.of(
            "providerId", providerId, "name", providerId, "services", List.of(Map.of(
                "serviceId", serviceId, "name", serviceId, "needs", List.of("NATURE"),
                "commissioners", List.of(JourneyScenario.COMMISSIONER), "postcodeDistricts", List.of("NR1"),
                "capacity", places, "status", "ACTIVE"))))
        .exchange().expectStatus().isCreated();
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(platform.events(Topics.PROVIDER_DIRECTORY))
        .anySatisfy(listed -> assertThat(listed.getServiceId()).isEqualTo(serviceId)));
  }

  /**
   * A referral needing nature, sent as a GP system would: again with the same {@code Idempotency-Key} while the answer
   * is a 503 (the decision not ready in time, on a busy machine), so that it is one referral however often it is sent.
   */
  private static String refer(WebTestClient referralService) {
    String key = UUID.randomUUID().toString();
    return await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> {
      var answer = referralService.post().uri("/referrals").header("Idempotency-Key", key)
          .bodyValue(JourneyScenario.referralBody(JourneyScenario.COMMISSIONER, List.of("NATURE")))
          .exchange().expectBody(new ParameterizedTypeReference<Map<String, Object>>() {}).returnResult();
      // 202 the first time it is decided, 200 for a resend answered with the referral it made; 503 not ready yet
      assertThat(answer.getStatus().value()).as("accepted, or not ready yet").isIn(200, 202, 503);
      return answer.getStatus().value() == 503 ? null
          : (String) Objects.requireNonNull(answer.getResponseBody()).get("referralId");
    }, Objects::nonNull);
  }

  /** The referral once it is in one of these statuses, as referral-service answers for it. */
  private Map<String, Object> awaitStatus(String referralId, String... statuses) {
    return await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(
        () -> platform.referralService().get().uri("/referrals/{id}", referralId).exchange()
            .expectBody(new ParameterizedTypeReference<Map<String, Object>>() {}).returnResult().getResponseBody(),
        referral -> referral != null && List.of(statuses).contains(referral.get("status")));
  }
}
