package org.linkway.platform.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.linkway.events.EventMetadata;
import org.linkway.platform.kafka.Topic;
import org.linkway.platform.streams.ResumableFeed;
import org.linkway.platform.streams.TailedFeed;
import org.linkway.platform.testing.SelfDescribingAvro;
import org.linkway.platform.testing.TestStack;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;

/**
 * A party's stream ({@link ResumableStream#of}) of states followed on a changelog, or of events recorded for good, on
 * the real test broker: each instance is a {@link ResumableFeed} of its own (its own tail, as every instance of a
 * service has), the topic one of three partitions written to by the test. A state or event is an
 * {@link EventMetadata}: its item (a state's) or id (an event's) the correlation id, its party the producer, its
 * moment {@code occurredAt}; the moments are written out of the order the partitions are read in, as two records
 * committed close together on different partitions can be.
 */
class ResumableStreamTest {

  private static final int PARTITIONS = 3;
  private static final Instant T0 = Instant.parse("2025-06-01T09:00:00Z");
  private static final ResumableStream.Keys<EventMetadata> KEYS =
      ResumableStream.Keys.ofStates(EventMetadata::getCorrelationId, EventMetadata::getOccurredAt);
  /** Events recorded for good: the id is the correlation id. */
  private static final ResumableStream.Keys<EventMetadata> EVENTS =
      new ResumableStream.Keys<>(EventMetadata::getCorrelationId, EventMetadata::getOccurredAt);
  private static final Function<Predicate<EventMetadata>, List<EventMetadata>> NOTHING_STORED = missed -> List.of();

  private static Admin admin;
  private static KafkaProducer<String, SpecificRecord> producer;

  private Topic<EventMetadata> changelog;
  private final List<ResumableFeed<EventMetadata>> instances = new ArrayList<>();
  private final List<Disposable> streams = new ArrayList<>();

  /** What one client received. */
  record Client(List<ServerSentEvent<String>> events, AtomicReference<Throwable> failed) {
    List<String> ids() {
      return events.stream().filter(e -> e.data() != null).map(ServerSentEvent::id).toList();
    }

    /** The states received, as {@code {item}@{millis}}: the same whichever instance sent them. */
    List<String> states() {
      return ids().stream().map(ResumableStream::withoutPosition).toList();
    }
  }

  @BeforeAll
  static void connect() {
    String servers = TestStack.bootstrapServers();
    admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers));
    producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers, ProducerConfig.ACKS_CONFIG, "all"),
        new StringSerializer(), new SelfDescribingAvro.AvroSerializer());
  }

  @AfterAll
  static void close() {
    producer.close();
    admin.close();
  }

  @BeforeEach
  void newChangelog() throws ExecutionException, InterruptedException {
    changelog = new Topic<>("test-things-" + UUID.randomUUID() + "-changelog", EventMetadata.class, PARTITIONS, "test", true);
    admin.createTopics(List.of(new NewTopic(changelog.name(), PARTITIONS, (short) 1))).all().get();
  }

  @AfterEach
  void stop() {
    streams.forEach(Disposable::dispose);
    instances.forEach(ResumableFeed::stop);
  }

  @Test
  void givenChangesReadInAnotherOrderThanTheirMoments_whenAStreamIsCutAndResumedOnAnotherInstance_thenExactlyTheRest() {
    ResumableFeed<EventMetadata> first = instance();
    ResumableFeed<EventMetadata> second = instance();
    Client reference = connect(first, "x", null, Long.MAX_VALUE);
    Client cut = connect(first, "x", null, 3);

    write(0, "x", "a1", 40);
    write(1, "x", "b1", 10);
    write(2, "x", "c1", 30);
    write(0, "x", "a2", 50);
    write(1, "x", "b2", 20);
    await().atMost(Duration.ofSeconds(20)).until(() -> cut.ids().size() == 3 && reference.ids().size() == 5);
    String cutAt = cut.ids().get(2);
    assertThat(cut.states()).containsExactlyElementsOf(reference.states().subList(0, 3));
    // committed while the client is away, one of them changed before the moment of the last it had
    write(2, "x", "c2", 5);
    write(0, "x", "a3", 60);

    Client resumed = connect(second, "x", cutAt, Long.MAX_VALUE);
    await().atMost(Duration.ofSeconds(20)).until(() -> resumed.ids().size() == 4);
    write(1, "x", "b3", 1);
    write(2, "x", "c3", 70);

    await().atMost(Duration.ofSeconds(20)).until(() -> reference.ids().size() == 9 && resumed.ids().size() == 6);
    assertThat(resumed.failed().get()).isNull();
    assertExactlyTheRest(resumed, reference, 3);
    assertThat(resumed.states()).as("changes earlier than the moment the client had, a resume by moment would miss")
        .contains("c2@" + T0.plusSeconds(5).toEpochMilli(), "b3@" + T0.plusSeconds(1).toEpochMilli());

    // and back on the first instance, from a change the second replayed, then from one it sent live
    Client fromReplayed = connect(first, "x", resumed.ids().get(1), Long.MAX_VALUE);
    Client fromLive = connect(first, "x", resumed.ids().get(4), Long.MAX_VALUE);
    await().atMost(Duration.ofSeconds(20)).until(() -> fromReplayed.ids().size() == 4 && fromLive.ids().size() == 1);
    assertExactlyTheRest(fromReplayed, resumed, 2);
    assertThat(fromLive.states()).containsExactlyElementsOf(resumed.states().subList(5, 6));
    write(0, "x", "a4", 80);
    await().atMost(Duration.ofSeconds(20)).until(() -> fromLive.ids().size() == 2);
    assertThat(fromLive.states()).endsWith("a4@" + T0.plusSeconds(80).toEpochMilli());
  }

  @Test
  void givenOtherPartiesChangesAfterTheIdResumedFrom_whenResuming_thenOnlyThisPartysAndEachOnce() {
    ResumableFeed<EventMetadata> first = instance();
    ResumableFeed<EventMetadata> second = instance();
    Client reference = connect(first, "x", null, Long.MAX_VALUE);
    Client cut = connect(first, "x", null, 2);

    write(0, "x", "a1", 30);
    write(1, "y", "y1", 5);
    write(2, "x", "c1", 20);
    write(0, "y", "y2", 1);
    write(1, "x", "b1", 10);
    await().atMost(Duration.ofSeconds(20)).until(() -> cut.ids().size() == 2 && reference.ids().size() == 3);
    write(2, "y", "y3", 2);
    write(0, "x", "a2", 40);
    write(1, "y", "y4", 3);

    Client resumed = connect(second, "x", cut.ids().get(1), Long.MAX_VALUE);
    write(2, "x", "c2", 50);
    write(2, "y", "y5", 4);
    write(1, "x", "b2", 60);

    await().atMost(Duration.ofSeconds(20)).until(() -> reference.ids().size() == 6 && resumed.ids().size() == 4);
    assertExactlyTheRest(resumed, reference, 2);
    assertThat(resumed.states()).noneMatch(state -> state.startsWith("y"));
  }

  @Test
  void givenAnIdWithNoPosition_whenResuming_thenTheStatesChangedAfterItsMomentFromTheStoreThenTheLiveOnes() {
    ResumableFeed<EventMetadata> only = instance();
    List<EventMetadata> stored = List.of(state("x", "a1", 10), state("x", "b1", 30), state("x", "c1", 20));
    Function<Predicate<EventMetadata>, List<EventMetadata>> store = missed -> stored.stream().filter(missed).toList();
    String olderClients = "a1@" + T0.plusSeconds(10).toEpochMilli();
    String otherPartitions = "a1@" + T0.plusSeconds(10).toEpochMilli() + "~0.4_1.7";

    Client older = connect(only, "x", olderClients, Long.MAX_VALUE, store);
    Client other = connect(only, "x", otherPartitions, Long.MAX_VALUE, store);
    await().atMost(Duration.ofSeconds(20)).until(() -> older.ids().size() == 2 && other.ids().size() == 2);
    write(1, "x", "b2", 40);
    write(0, "x", "a0", 5); // changed before the moment resumed from: not sent

    await().atMost(Duration.ofSeconds(20)).until(() -> older.ids().size() == 3 && other.ids().size() == 3);
    for (Client client : List.of(older, other)) {
      assertThat(client.states()).containsExactly("c1@" + T0.plusSeconds(20).toEpochMilli(),
          "b1@" + T0.plusSeconds(30).toEpochMilli(), "b2@" + T0.plusSeconds(40).toEpochMilli());
      assertThat(client.ids().get(0)).as("read from the store: no position").doesNotContain("~");
      assertThat(ResumableStream.positionIn(client.ids().get(2))).as("live: a position").isPresent();
    }
  }

  @Test
  void givenAPositionFurtherBackThanAResumeReads_whenResuming_thenByItsMomentFromTheStoreNotTheWholeChangelog() {
    // a resume reads at most 3 records of the changelog; the client's position is 4 records back
    ResumableFeed<EventMetadata> near = new ResumableFeed<>(changelog, readers(TestStack.bootstrapServers()).of(changelog), KEYS,
        Duration.ofSeconds(10), 3);
    near.start();
    instances.add(near);
    Client reference = connect(near, "x", null, Long.MAX_VALUE);
    write(0, "x", "a1", 10);
    await().atMost(Duration.ofSeconds(20)).until(() -> reference.ids().size() == 1);
    String had = reference.ids().get(0);
    write(1, "x", "b1", 30);
    await().atMost(Duration.ofSeconds(20)).until(() -> reference.ids().size() == 2);
    write(2, "y", "y1", 25);
    write(0, "x", "a2", 5); // changed before the moment the client had: a resume by moment does not send it
    write(2, "x", "c1", 20);
    await().atMost(Duration.ofSeconds(20)).until(() -> reference.ids().size() == 4);
    List<EventMetadata> stored = List.of(state("x", "a2", 5), state("x", "b1", 30), state("x", "c1", 20));
    Function<Predicate<EventMetadata>, List<EventMetadata>> store = missed -> stored.stream().filter(missed).toList();

    Client resumed = connect(near, "x", had, Long.MAX_VALUE, store);

    await().atMost(Duration.ofSeconds(20)).until(() -> resumed.ids().size() == 2);
    assertThat(resumed.states()).containsExactly("c1@" + T0.plusSeconds(20).toEpochMilli(),
        "b1@" + T0.plusSeconds(30).toEpochMilli());
    assertThat(resumed.ids()).as("read from the store: no position").noneMatch(id -> id.contains("~"));
    // from its next change, within the bound, it resumes from its position: exactly the rest, a2 included
    Client near1 = connect(near, "x", reference.ids().get(1), Long.MAX_VALUE, store);
    await().atMost(Duration.ofSeconds(20)).until(() -> near1.ids().size() == 2);
    assertThat(near1.states()).containsExactlyInAnyOrder("a2@" + T0.plusSeconds(5).toEpochMilli(),
        "c1@" + T0.plusSeconds(20).toEpochMilli());
  }

  @Test
  void givenAChangelogThatCannotBeRead_whenResumingFromAPosition_thenA503AndNothingSent() {
    String nowhere = "127.0.0.1:" + TestStack.freePort();
    ResumableFeed<EventMetadata> unreachable = new ResumableFeed<>(changelog, readers(nowhere).of(changelog), KEYS,
        Duration.ofSeconds(1), ResumableFeed.REPLAY_AT_MOST);
    String lastEventId = "a1@" + T0.toEpochMilli() + "~0.4_1.7_2.-1";

    Client client = connect(unreachable, "x", lastEventId, Long.MAX_VALUE);
    await().atMost(Duration.ofSeconds(20)).until(() -> client.failed().get() != null);
    assertThat(client.failed().get()).isInstanceOf(ProblemException.Unavailable.class);
    assertThat(client.events()).isEmpty();

    WebTestClient http = WebTestClient.bindToController(new Streams(unreachable)).controllerAdvice(new ProblemHandler())
        .configureClient().responseTimeout(Duration.ofSeconds(20)).build();
    http.get().uri("/stream").accept(MediaType.TEXT_EVENT_STREAM).header("Last-Event-ID", lastEventId).exchange()
        .expectStatus().isEqualTo(HttpStatus.SERVICE_UNAVAILABLE)
        .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectHeader().valueEquals(HttpHeaders.RETRY_AFTER, String.valueOf(ProblemHandler.RETRY_AFTER_SECONDS));
  }

  @Test
  void givenEventsReadInAnotherOrderThanTheirTimes_whenAStreamIsCutAndResumedOnAnotherInstance_thenExactlyTheRest() {
    ResumableFeed<EventMetadata> first = instance(EVENTS);
    ResumableFeed<EventMetadata> second = instance(EVENTS);
    Client reference = connect(first, "x", null, Long.MAX_VALUE);
    Client cut = connect(first, "x", null, 2);

    write(0, "x", "a1", 40);
    write(1, "y", "y1", 5);
    write(1, "x", "b1", 10);
    write(2, "x", "c1", 30);
    await().atMost(Duration.ofSeconds(20)).until(() -> cut.ids().size() == 2 && reference.ids().size() == 3);
    String cutAt = cut.ids().get(1);
    assertThat(cutAt).as("the event's own id, then the stream's position").startsWith(cut.states().get(1) + "~");
    // recorded while the client is away, one of them before the time of the last it had
    write(2, "x", "c2", 1);
    write(0, "y", "y2", 2);

    Client resumed = connect(second, "x", cutAt, Long.MAX_VALUE);
    await().atMost(Duration.ofSeconds(20)).until(() -> resumed.ids().size() == 2);
    write(1, "x", "b2", 3);

    await().atMost(Duration.ofSeconds(20)).until(() -> reference.ids().size() == 5 && resumed.ids().size() == 3);
    assertThat(resumed.failed().get()).isNull();
    assertExactlyTheRest(resumed, reference, 2);
    assertThat(resumed.states()).as("events earlier than the time of the one the client had").contains("c2", "b2");
  }

  @Test
  void givenTheIdOfAnEventSentFromTheList_whenResuming_thenThoseRecordedAfterItInTheOrderOfTheirTimesThenTheLiveOnes() {
    ResumableFeed<EventMetadata> only = instance(EVENTS);
    List<EventMetadata> recorded = List.of(state("x", "e3", 30), state("x", "e1", 10), state("x", "e2", 20));
    Function<Predicate<EventMetadata>, List<EventMetadata>> list = missed -> recorded.stream().filter(missed).toList();

    Client fromList = connect(only, "x", null, Long.MAX_VALUE, list);
    Client resumed = connect(only, "x", "e1", Long.MAX_VALUE, list);
    Client unknown = connect(only, "x", "gone", Long.MAX_VALUE, list);
    await().atMost(Duration.ofSeconds(20))
        .until(() -> fromList.ids().size() == 3 && resumed.ids().size() == 2 && unknown.ids().size() == 3);
    write(1, "x", "e4", 40);

    await().atMost(Duration.ofSeconds(20)).until(() -> resumed.ids().size() == 3);
    assertThat(fromList.ids().subList(0, 3)).as("from the list: no position").containsExactly("e1", "e2", "e3");
    assertThat(resumed.states()).containsExactly("e2", "e3", "e4");
    assertThat(ResumableStream.positionIn(resumed.ids().get(2))).as("live: a position").isPresent();
    assertThat(unknown.states().subList(0, 3)).as("an id the list does not hold: all of it").containsExactly("e1", "e2", "e3");
  }

  @Test
  void givenAPageMadeAtItsFeedsPosition_whenItsStreamConnects_thenWhatFollowedFromTheTopicAndNeverTheList() {
    ResumableFeed<EventMetadata> only = instance(EVENTS);
    write(0, "x", "e1", 10);
    // the page: where the feed's reader is once past e1, then its list (which holds e1) read
    await().atMost(Duration.ofSeconds(20)).until(() -> only.position().filter(p -> p.last(0) >= 0).isPresent());
    String pageId = ResumableStream.idAt("", only.position().orElseThrow());
    write(1, "x", "e2", 5);
    write(2, "y", "y1", 6);
    AtomicInteger listReads = new AtomicInteger();

    Client page = connect(only, "x", pageId, Long.MAX_VALUE, missed -> {
      listReads.incrementAndGet();
      return List.of(state("x", "e1", 10), state("x", "e2", 5));
    });
    await().atMost(Duration.ofSeconds(20)).until(() -> page.ids().size() == 1);
    write(0, "x", "e3", 30);

    await().atMost(Duration.ofSeconds(20)).until(() -> page.ids().size() == 2);
    assertThat(page.states()).as("what followed the page, from the topic, then live").containsExactly("e2", "e3");
    assertThat(listReads.get()).as("the list is not read").isZero();
    assertThat(page.failed().get()).isNull();
  }

  @Test
  void givenRecordsAfterThePositionDeletedByRetention_whenResuming_thenFromTheListNotWithAGap() throws Exception {
    ResumableFeed<EventMetadata> only = instance(EVENTS);
    Client reference = connect(only, "x", null, Long.MAX_VALUE);
    write(0, "x", "e1", 10);
    await().atMost(Duration.ofSeconds(20)).until(() -> reference.ids().size() == 1);
    String had = reference.ids().get(0);
    write(0, "x", "e2", 20);
    write(0, "x", "e3", 30);
    await().atMost(Duration.ofSeconds(20)).until(() -> reference.ids().size() == 3);
    // the topic's retention takes e1 and e2 from the broker: the position after e1 cannot be read on from
    admin.deleteRecords(Map.of(new TopicPartition(changelog.name(), 0), RecordsToDelete.beforeOffset(2))).all().get();
    List<EventMetadata> recorded = List.of(state("x", "e1", 10), state("x", "e2", 20), state("x", "e3", 30));

    Client resumed = connect(only, "x", had, Long.MAX_VALUE, missed -> recorded.stream().filter(missed).toList());

    await().atMost(Duration.ofSeconds(20)).until(() -> resumed.ids().size() == 2);
    assertThat(resumed.ids()).as("from the list, after the event the client had").containsExactly("e2", "e3");
  }

  @Test
  void givenAListThatCannotBeRead_whenResumingWithNoPosition_thenTheStreamFailsBeforeSendingAnything() {
    ResumableFeed<EventMetadata> only = instance(EVENTS);
    CountDownLatch liveSent = new CountDownLatch(1);
    Client client = connect(only, "x", "e1", Long.MAX_VALUE, missed -> {
      try {
        liveSent.await(20, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      throw new ProblemException.Unavailable("the partition is moving");
    });
    // a live event arrives while the list is being read
    Client watching = connect(only, "x", null, Long.MAX_VALUE);
    write(0, "x", "e2", 20);
    await().atMost(Duration.ofSeconds(20)).until(() -> watching.ids().size() == 1);
    liveSent.countDown();

    await().atMost(Duration.ofSeconds(20)).until(() -> client.failed().get() != null);
    assertThat(client.failed().get()).isInstanceOf(ProblemException.Unavailable.class);
    assertThat(client.ids()).isEmpty();
  }

  @Test
  void givenIds_whenReadForTheirTime_thenOnlyAStatesIdCarriesOne() {
    assertThat(ResumableStream.stateAt("7c9e-1@1733450000000")).contains(Instant.ofEpochMilli(1733450000000L));
    assertThat(ResumableStream.stateAt("3f2b6a3e-1b1c-4d2e-9a7f-0c1d2e3f4a5b")).isEmpty();
    assertThat(ResumableStream.stateAt("a@")).isEmpty();
    assertThat(ResumableStream.stateAt(null)).isEmpty();
  }

  @Test
  void givenAStreamsIds_whenReadForTheirPosition_thenOnlyAWholeVectorAfterTheIdIsOne() {
    String id = "7c9e-1@1733450000000~0.41_1.-1_2.17";
    assertThat(ResumableStream.positionIn(id)).contains(org.linkway.platform.streams.Position.of(41, -1, 17));
    assertThat(ResumableStream.positionIn(id).orElseThrow()).hasToString("0.41_1.-1_2.17");
    assertThat(ResumableStream.withoutPosition(id)).isEqualTo("7c9e-1@1733450000000");
    assertThat(ResumableStream.stateAt(ResumableStream.withoutPosition(id))).contains(Instant.ofEpochMilli(1733450000000L));
    String event = "3f2b6a3e-1b1c-4d2e-9a7f-0c1d2e3f4a5b~0.4_1.-1";
    assertThat(ResumableStream.positionIn(event)).contains(org.linkway.platform.streams.Position.of(4, -1));
    assertThat(ResumableStream.withoutPosition(event)).isEqualTo("3f2b6a3e-1b1c-4d2e-9a7f-0c1d2e3f4a5b");
    assertThat(ResumableStream.positionIn("7c9e-1@1733450000000")).isEmpty();
    assertThat(ResumableStream.positionIn("7c9e-1@1733450000000~1.41_0.3")).as("out of order").isEmpty();
    assertThat(ResumableStream.positionIn("7c9e-1@1733450000000~0.x")).isEmpty();
    assertThat(ResumableStream.positionIn("7c9e-1@1733450000000~0.-2")).isEmpty();
    assertThat(ResumableStream.positionIn(null)).isEmpty();
  }

  @RestController
  static class Streams {
    private final ResumableFeed<EventMetadata> feed;

    Streams(ResumableFeed<EventMetadata> feed) {
      this.feed = feed;
    }

    @GetMapping(path = "/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    Flux<ServerSentEvent<String>> stream(@RequestHeader(name = "Last-Event-ID", required = false) String lastEventId) {
      return ResumableStream.of(feed, s -> s.getProducer().equals("x"), s -> "thing", NOTHING_STORED, lastEventId,
          EventMetadata::getCorrelationId);
    }
  }

  /**
   * What the resumed client got is exactly what the reference stream (never cut) sent after the first {@code had}:
   * each once, and in the same order on each partition (the item's letter is its partition).
   */
  private static void assertExactlyTheRest(Client resumed, Client reference, int had) {
    List<String> rest = reference.states().subList(had, reference.states().size());
    assertThat(resumed.states()).containsExactlyInAnyOrderElementsOf(rest);
    for (String partition : List.of("a", "b", "c")) {
      assertThat(resumed.states().stream().filter(s -> s.startsWith(partition)).toList()).as("partition of " + partition)
          .containsExactlyElementsOf(rest.stream().filter(s -> s.startsWith(partition)).toList());
    }
  }

  /** Another instance of the service: a feed of states with a tail of its own, started. */
  private ResumableFeed<EventMetadata> instance() {
    return instance(KEYS);
  }

  /** Another instance of the service: a feed with a tail of its own, started. */
  private ResumableFeed<EventMetadata> instance(ResumableStream.Keys<EventMetadata> keys) {
    ResumableFeed<EventMetadata> feed = new ResumableFeed<>(changelog, readers(TestStack.bootstrapServers()), keys);
    feed.start();
    instances.add(feed);
    return feed;
  }

  /** The readers a service has (its client settings through the platform's), with values read without a registry. */
  private static TailedFeed.Readers readers(String servers) {
    Map<String, Object> client = new HashMap<>();
    client.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
    return new TailedFeed.Readers(client, SelfDescribingAvro.serdes(), 50);
  }

  private Client connect(ResumableFeed<EventMetadata> feed, String party, String lastEventId, long cutAfter) {
    return connect(feed, party, lastEventId, cutAfter, NOTHING_STORED);
  }

  /** A client of the party's stream, which disconnects after {@code cutAfter} events. */
  private Client connect(ResumableFeed<EventMetadata> feed, String party, String lastEventId, long cutAfter,
      Function<Predicate<EventMetadata>, List<EventMetadata>> stored) {
    Client client = new Client(new CopyOnWriteArrayList<>(), new AtomicReference<>());
    streams.add(ResumableStream.of(feed, s -> s.getProducer().equals(party), s -> "thing", stored, lastEventId,
            EventMetadata::getCorrelationId)
        .filter(e -> e.data() != null).take(cutAfter)
        .subscribe(client.events()::add, client.failed()::set));
    return client;
  }

  /** Commits the party's item's state, changed {@code second}s after T0, to a partition of the changelog. */
  private void write(int partition, String party, String item, long second) {
    try {
      producer.send(new ProducerRecord<>(changelog.name(), partition, item, state(party, item, second))).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e);
    }
  }

  private static EventMetadata state(String party, String item, long second) {
    return EventMetadata.newBuilder().setEventId(UUID.randomUUID()).setOccurredAt(T0.plusSeconds(second))
        .setCorrelationId(item).setProducer(party).build();
  }
}
