package org.linkway.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;

/**
 * The live streams with two instances of each service: a commissioner's outcomes and ledger, a provider's
 * offers and a practice's referrals. Whichever instance a client connects to, it gets every event of the
 * referrals whose state either instance holds, each once the transaction that made it has committed; and a
 * client that resumes on the other instance with {@code Last-Event-ID} gets exactly what it had not had, no gap
 * and nothing twice (for the provider's and the practice's, each offer or referral that changed since, once, as
 * it is now). No test here completes a referral but the commissioner's, so that its outcomes are only its own.
 */
class LiveStreamsAcrossInstancesIT extends TwoInstancesOfEachService {

  private static final int REFERRALS = 6;
  private static final ParameterizedTypeReference<ServerSentEvent<Map<String, Object>>> SSE = new ParameterizedTypeReference<>() {};

  @Test
  void givenAStreamOnEachInstance_whenReferralsHeldByBothEnd_thenEachStreamHasEveryOutcomeAndResumesOnTheOther() {
    List<ServerSentEvent<Map<String, Object>>> onFirst = new CopyOnWriteArrayList<>();
    List<ServerSentEvent<Map<String, Object>>> onSecond = new CopyOnWriteArrayList<>();
    List<ServerSentEvent<Map<String, Object>>> ledgerOnSecond = new CopyOnWriteArrayList<>();
    List<Throwable> failed = new CopyOnWriteArrayList<>();
    Disposable first = stream(1, "/outcomes/stream", null).subscribe(onFirst::add, failed::add);
    Disposable second = stream(2, "/outcomes/stream", null).subscribe(onSecond::add, failed::add);
    Disposable ledger = stream(2, "/ledger/stream", null).subscribe(ledgerOnSecond::add, failed::add);
    try {
      List<String> referralIds = new ArrayList<>();
      for (int i = 0; i < REFERRALS; i++) {
        String referralId = submit(platform.instance("referral-service", 1 + i % 2));
        referralIds.add(referralId);
        JourneyScenario.awaitReferral(platform, referralId, "OFFERED", JourneyScenario.FIRST_PROVIDER);
        int instance = 1 + i % 2;
        // provider-service reads the offer from the referrals topic a moment later: until then there is none (404)
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
            platform.instance("provider-service", instance).post()
                .uri("/providers/{p}/referrals/{r}/accept", JourneyScenario.FIRST_PROVIDER, referralId).exchange()
                .expectStatus().isOk());
        JourneyScenario.attendOnceAndComplete(platform, JourneyScenario.FIRST_PROVIDER, referralId);
      }

      // every outcome on both streams, once, whichever instance held the referral
      await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
        assertThat(failed).as("streams that failed").isEmpty();
        // what each had, keep-alive comments (every 15 s) included: none at all is a stream never answered
        assertThat(referralsIn(onFirst)).as("outcomes on instance 1, of %d things sent", onFirst.size())
            .containsExactlyInAnyOrderElementsOf(referralIds);
        assertThat(referralsIn(onSecond)).as("outcomes on instance 2, of %d things sent", onSecond.size())
            .containsExactlyInAnyOrderElementsOf(referralIds);
      });
      // and every ledger entry: committed on acceptance, then the engagement fee due, for each
      await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
          assertThat(referralsIn(ledgerOnSecond)).containsAll(referralIds).hasSizeGreaterThanOrEqualTo(2 * REFERRALS));
      assertThat(changes(ids(ledgerOnSecond))).doesNotHaveDuplicates();

      // a client that had the first half on the first instance resumes on the second from the id it last had (which
      // carries its position in the topic): exactly what the first sent after it, each outcome once
      List<String> order = ids(onFirst);
      String resumeAfter = order.get(REFERRALS / 2 - 1);
      assertThat(resumeAfter).as("a live event's id carries its position").contains("~");
      List<ServerSentEvent<Map<String, Object>>> resumed = new CopyOnWriteArrayList<>();
      Disposable again = stream(2, "/outcomes/stream", resumeAfter).subscribe(resumed::add, failed::add);
      try {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(changes(ids(resumed)))
            .as("resumed, of %d things sent; streams that failed: %s", resumed.size(), failed)
            .doesNotHaveDuplicates()
            .containsExactlyInAnyOrderElementsOf(changes(order.subList(REFERRALS / 2, REFERRALS))));
      } finally {
        again.dispose();
      }
    } finally {
      first.dispose();
      second.dispose();
      ledger.dispose();
    }
  }

  @Test
  void givenProviderAndPracticeStreamsOnEachInstance_whenReferralsHeldByBothAreAccepted_thenEachHasEveryOneAndResumesOnTheOther() {
    // from now: what changes after this moment is replayed to a stream that connects late, then is live
    String fromNow = "start@" + Instant.now().toEpochMilli();
    Map<String, List<ServerSentEvent<Map<String, Object>>>> received = new LinkedHashMap<>();
    List<Disposable> open = new ArrayList<>();
    for (int instance = 1; instance <= 2; instance++) {
      for (String party : List.of("provider", "practice")) {
        List<ServerSentEvent<Map<String, Object>>> events = new CopyOnWriteArrayList<>();
        received.put(party + " on " + instance, events);
        open.add(partyStream(party, instance, fromNow).subscribe(events::add));
      }
    }
    try {
      List<String> referralIds = new ArrayList<>();
      for (int i = 0; i < REFERRALS; i++) {
        int instance = 1 + i % 2;
        String referralId = submit(platform.instance("referral-service", instance));
        referralIds.add(referralId);
        JourneyScenario.awaitReferral(platform, referralId, "OFFERED", JourneyScenario.FIRST_PROVIDER);
        // provider-service reads the offer from the referrals topic a moment later: until then there is none (404)
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
            platform.instance("provider-service", instance).post()
                .uri("/providers/{p}/referrals/{r}/accept", JourneyScenario.FIRST_PROVIDER, referralId).exchange()
                .expectStatus().isOk());
      }

      // every referral accepted, on each of the four streams, each event once, whichever instance held the referral
      await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> received.forEach((stream, events) -> {
        assertThat(acceptedIn(events)).as(stream).containsAll(referralIds);
        assertThat(ids(events)).as(stream).doesNotHaveDuplicates();
      }));

      // a client that had the first half on the first instance resumes on the second from the id it last had
      // (which carries its position in the changelog): exactly what the first sent after it, no gap, nothing twice
      for (String party : List.of("provider", "practice")) {
        List<ServerSentEvent<Map<String, Object>>> first = received.get(party + " on 1");
        List<String> had = idsOf(referralIds, first);
        String resumeAfter = had.get(had.size() / 2);
        assertThat(resumeAfter).as("a live event's id carries its position").contains("~");
        List<ServerSentEvent<Map<String, Object>>> resumed = new CopyOnWriteArrayList<>();
        Disposable again = partyStream(party, 2, resumeAfter).subscribe(resumed::add);
        try {
          await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<String> sent = idsOf(referralIds, first);
            List<String> owed = changes(sent.subList(sent.indexOf(resumeAfter) + 1, sent.size()));
            assertThat(owed).as("what a client resuming there is owed").isNotEmpty();
            List<String> got = changes(idsOf(referralIds, resumed));
            assertThat(got).as(party).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(owed);
            // each referral's changes in the order they happened (the order across partitions is the stream's own)
            assertThat(byReferral(got)).as(party).isEqualTo(byReferral(owed));
          });
        } finally {
          again.dispose();
        }
      }
    } finally {
      open.forEach(Disposable::dispose);
    }
  }

  /** A provider's ({@code FIRST_PROVIDER}) or a practice's stream, on one instance of its service. */
  private Flux<ServerSentEvent<Map<String, Object>>> partyStream(String party, int instance, String lastEventId) {
    var request = party.equals("provider")
        ? platform.streams("provider-service", instance).get()
            .uri("/providers/{p}/referrals/stream", JourneyScenario.FIRST_PROVIDER)
        : platform.streams("referral-service", instance).get()
            .uri("/referrers/{ods}/referrals/stream", OwnerTokens.PRACTICE);
    return request.accept(MediaType.TEXT_EVENT_STREAM).header("Last-Event-ID", lastEventId).retrieve().bodyToFlux(SSE);
  }

  /** The ids of the events about the referrals (a stream may carry others' too: the same provider's, the same practice's). */
  private static List<String> idsOf(List<String> referralIds, List<ServerSentEvent<Map<String, Object>>> events) {
    return ids(events).stream().filter(id -> referralIds.contains(referralOf(id))).toList();
  }

  /** The referrals sent as accepted (the provider's {@code accepted}, the practice's status {@code ACCEPTED}). */
  private static List<String> acceptedIn(List<ServerSentEvent<Map<String, Object>>> events) {
    return events.stream().filter(e -> e.data() != null && "ACCEPTED".equals(e.data().get("status")))
        .map(e -> (String) e.data().get("referralId")).distinct().toList();
  }

  /**
   * The changes or events the ids name ({@code {referralId}-{n}@{millis}}, an outcome's or ledger entry's event id),
   * without the position that follows ({@code ~…}): the same on every instance, with its own position on each.
   */
  private static List<String> changes(List<String> ids) {
    return ids.stream().map(id -> id.contains("~") ? id.substring(0, id.indexOf('~')) : id).toList();
  }

  /** The changes of each referral, in the order given. */
  private static Map<String, List<String>> byReferral(List<String> changes) {
    Map<String, List<String>> each = new TreeMap<>();
    changes.forEach(c -> each.computeIfAbsent(referralOf(c), r -> new ArrayList<>()).add(c));
    return each;
  }

  /** The referral an offer's or a referral's event id is of: its first 36 characters, a uuid. */
  private static String referralOf(String id) {
    return id.length() < 36 ? id : id.substring(0, 36);
  }

  private Flux<ServerSentEvent<Map<String, Object>>> stream(int instance, String path, String lastEventId) {
    var request = platform.streams("outcome-service", instance).get()
        .uri("/commissioners/{code}" + path, JourneyScenario.COMMISSIONER).accept(MediaType.TEXT_EVENT_STREAM);
    if (lastEventId != null) request = request.header("Last-Event-ID", lastEventId);
    return request.retrieve().bodyToFlux(SSE);
  }

  private static List<String> referralsIn(List<ServerSentEvent<Map<String, Object>>> events) {
    return events.stream().filter(e -> e.data() != null).map(e -> (String) e.data().get("referralId")).toList();
  }

  private static List<String> ids(List<ServerSentEvent<Map<String, Object>>> events) {
    return events.stream().filter(e -> e.data() != null).map(ServerSentEvent::id).toList();
  }
}
