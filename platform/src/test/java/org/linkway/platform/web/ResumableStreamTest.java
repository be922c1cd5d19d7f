package org.linkway.platform.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.springframework.http.codec.ServerSentEvent;
import reactor.core.Disposable;
import reactor.core.publisher.Sinks;

class ResumableStreamTest {

  /** A state as a stream sends it: an item, its status and when it last changed. */
  record Change(String item, String status, long at) {}

  private static final ResumableStream.Keys<Change> STATES =
      ResumableStream.Keys.ofStates(Change::item, c -> Instant.ofEpochMilli(c.at()));

  private final Sinks.Many<Change> live = Sinks.many().multicast().directBestEffort();
  private final List<ServerSentEvent<String>> received = new CopyOnWriteArrayList<>();
  private final AtomicReference<Throwable> failed = new AtomicReference<>();

  @Test
  void givenNoLastEventId_whenConnecting_thenWhatIsRecordedComesInOrderThenWhatIsLive() {
    Disposable stream = connect(STATES, missed -> List.of(new Change("b", "offer", 20), new Change("a", "offer", 10)), null);
    await().atMost(Duration.ofSeconds(5)).until(() -> ids().size() == 2);
    live.tryEmitNext(new Change("c", "offer", 30));

    await().atMost(Duration.ofSeconds(5)).until(() -> ids().size() == 3);
    assertThat(ids()).containsExactly("a@10", "b@20", "c@30");
    assertThat(received.get(2).event()).isEqualTo("offer");
    stream.dispose();
  }

  @Test
  void givenTheIdOfAStateSentByAnotherInstance_whenResuming_thenOnlyWhatChangedAfterItOnceEach() {
    List<Change> recorded = List.of(new Change("a", "accepted", 10), new Change("b", "offer", 20),
        new Change("c", "offer", 30), new Change("a", "completed", 40));
    Disposable stream = connect(STATES, missed -> recorded.stream().filter(missed).toList(), "b@20");
    await().atMost(Duration.ofSeconds(5)).until(() -> ids().size() == 2);
    // this instance's tail is behind: what the client had, and what was just replayed, come live again
    live.tryEmitNext(new Change("b", "offer", 20));
    live.tryEmitNext(new Change("c", "offer", 30));
    live.tryEmitNext(new Change("b", "accepted", 50));

    await().atMost(Duration.ofSeconds(5)).until(() -> ids().size() == 3);
    assertThat(ids()).containsExactly("c@30", "a@40", "b@50");
    stream.dispose();
  }

  @Test
  void givenTheIdOfARecordedEvent_whenResuming_thenTheEventsRecordedAfterIt() {
    ResumableStream.Keys<Change> events = new ResumableStream.Keys<>(Change::item, c -> Instant.ofEpochMilli(c.at()));
    List<Change> recorded = List.of(new Change("e3", "outcome", 30), new Change("e1", "outcome", 10),
        new Change("e2", "outcome", 20));
    Disposable stream = connect(events, missed -> recorded.stream().filter(missed).toList(), "e1");

    await().atMost(Duration.ofSeconds(5)).until(() -> ids().size() == 2);
    assertThat(ids()).containsExactly("e2", "e3");
    stream.dispose();
  }

  @Test
  void givenAStoreThatCannotBeRead_whenConnecting_thenTheStreamFailsBeforeSendingAnything() throws InterruptedException {
    CountDownLatch liveSent = new CountDownLatch(1);
    Disposable stream = connect(STATES, missed -> {
      try {
        liveSent.await(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      throw new ProblemException.Unavailable("the partition is moving");
    }, "a@10");
    // a live event arrives while the store is being read
    await().atMost(Duration.ofSeconds(5)).until(() -> live.currentSubscriberCount() == 1);
    live.tryEmitNext(new Change("b", "offer", 20));
    liveSent.countDown();

    await().atMost(Duration.ofSeconds(5)).until(() -> failed.get() != null);
    assertThat(failed.get()).isInstanceOf(ProblemException.Unavailable.class);
    assertThat(ids()).isEmpty();
    stream.dispose();
  }

  @Test
  void givenIds_whenReadForTheirTime_thenOnlyAStatesIdCarriesOne() {
    assertThat(ResumableStream.stateAt("7c9e-1@1733450000000")).contains(Instant.ofEpochMilli(1733450000000L));
    assertThat(ResumableStream.stateAt("3f2b6a3e-1b1c-4d2e-9a7f-0c1d2e3f4a5b")).isEmpty();
    assertThat(ResumableStream.stateAt("a@")).isEmpty();
    assertThat(ResumableStream.stateAt(null)).isEmpty();
  }

  @Test
  void givenAStateStreamsIds_whenReadForTheirPosition_thenOnlyAWholeVectorAfterTheMomentIsOne() {
    String id = "7c9e-1@1733450000000~0.41_1.-1_2.17";
    assertThat(ResumableStream.positionIn(id)).contains(org.linkway.platform.streams.Position.of(41, -1, 17));
    assertThat(ResumableStream.positionIn(id).orElseThrow()).hasToString("0.41_1.-1_2.17");
    assertThat(ResumableStream.withoutPosition(id)).isEqualTo("7c9e-1@1733450000000");
    assertThat(ResumableStream.stateAt(ResumableStream.withoutPosition(id))).contains(Instant.ofEpochMilli(1733450000000L));
    assertThat(ResumableStream.positionIn("7c9e-1@1733450000000")).isEmpty();
    assertThat(ResumableStream.positionIn("7c9e-1@1733450000000~1.41_0.3")).as("out of order").isEmpty();
    assertThat(ResumableStream.positionIn("7c9e-1@1733450000000~0.x")).isEmpty();
    assertThat(ResumableStream.positionIn("7c9e-1@1733450000000~0.-2")).isEmpty();
    assertThat(ResumableStream.positionIn(null)).isEmpty();
  }

  private Disposable connect(ResumableStream.Keys<Change> keys, Function<Predicate<Change>, List<Change>> recorded,
      String lastEventId) {
    return ResumableStream.of(Change::status, live.asFlux(), recorded, keys, lastEventId, Change::item)
        .subscribe(received::add, failed::set);
  }

  private List<String> ids() {
    return received.stream().filter(e -> e.data() != null).map(ServerSentEvent::id).toList();
  }
}
