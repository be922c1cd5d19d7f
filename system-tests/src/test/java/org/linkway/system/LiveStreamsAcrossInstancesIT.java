package org.linkway.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;

/**
 * A commissioner's live streams with two instances of each service: whichever instance a client connects
 * to, it gets every outcome and every ledger entry, of the referrals whose state either instance holds,
 * each once the transaction that made it has committed; and a client that resumes on the other instance
 * with {@code Last-Event-ID} gets exactly what it had not had, no gap and nothing twice.
 */
class LiveStreamsAcrossInstancesIT extends TwoInstancesOfEachService {

  private static final int REFERRALS = 6;
  private static final ParameterizedTypeReference<ServerSentEvent<Map<String, Object>>> SSE = new ParameterizedTypeReference<>() {};

  @Test
  void givenAStreamOnEachInstance_whenReferralsHeldByBothEnd_thenEachStreamHasEveryOutcomeAndResumesOnTheOther() {
    List<ServerSentEvent<Map<String, Object>>> onFirst = new CopyOnWriteArrayList<>();
    List<ServerSentEvent<Map<String, Object>>> onSecond = new CopyOnWriteArrayList<>();
    List<ServerSentEvent<Map<String, Object>>> ledgerOnSecond = new CopyOnWriteArrayList<>();
    Disposable first = stream(1, "/outcomes/stream", null).subscribe(onFirst::add);
    Disposable second = stream(2, "/outcomes/stream", null).subscribe(onSecond::add);
    Disposable ledger = stream(2, "/ledger/stream", null).subscribe(ledgerOnSecond::add);
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
        assertThat(referralsIn(onFirst)).containsExactlyInAnyOrderElementsOf(referralIds);
        assertThat(referralsIn(onSecond)).containsExactlyInAnyOrderElementsOf(referralIds);
      });
      // and every ledger entry: committed on acceptance, then the engagement fee due, for each
      await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
          assertThat(referralsIn(ledgerOnSecond)).containsAll(referralIds).hasSizeGreaterThanOrEqualTo(2 * REFERRALS));
      assertThat(ids(ledgerOnSecond)).doesNotHaveDuplicates();

      // a client that had the first half on the first instance resumes on the second: the rest, once each
      List<String> order = ids(onFirst);
      String resumeAfter = order.get(REFERRALS / 2 - 1);
      List<ServerSentEvent<Map<String, Object>>> resumed = new CopyOnWriteArrayList<>();
      Disposable again = stream(2, "/outcomes/stream", resumeAfter).subscribe(resumed::add);
      try {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
            assertThat(ids(resumed)).containsExactlyElementsOf(order.subList(REFERRALS / 2, REFERRALS)));
      } finally {
        again.dispose();
      }
    } finally {
      first.dispose();
      second.dispose();
      ledger.dispose();
    }
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
