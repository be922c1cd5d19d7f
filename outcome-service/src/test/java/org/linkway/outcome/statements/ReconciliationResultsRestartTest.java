package org.linkway.outcome.statements;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.linkway.outcome.statements.Ledgers.referral;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkway.events.Milestone;
import org.linkway.outcome.analytics.CommissionerTotals;
import org.linkway.outcome.ledger.stream.CommissionerFunding;
import org.linkway.platform.streams.StoreQueries;
import org.linkway.platform.testing.ReferenceTables;
import org.linkway.platform.testing.SelfDescribingAvro;
import org.linkway.platform.testing.TestStack;
import org.linkway.state.FundingState;

/**
 * The reconciliation's last results survive a restart of the stream processor on an empty disk (a new instance), on a
 * real broker, exactly once as the service runs: the new instance answers them, restored from the store's changelog,
 * before its job has run at all.
 */
class ReconciliationResultsRestartTest {

  @TempDir
  Path stateDir;

  private final String input = "reconciliation-restart-" + UUID.randomUUID();
  private final String applicationId = "reconciliation-restart-test-" + UUID.randomUUID();

  @Test
  void givenResultsKept_whenTheStreamsAppStartsAgainOnAnEmptyDisk_thenItAnswersThemBeforeItsJobRuns() throws Exception {
    String bootstrap = TestStack.bootstrapServers();
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      admin.createTopics(List.of(new NewTopic(input, 2, (short) 1))).all().get();
    }
    List<FundingState> states = List.of(
        referral().at("2026-04-02T09:00:00Z").committed("200.00").due(Milestone.ENGAGEMENT, "50.00").build(),
        referral().at("2026-04-03T09:00:00Z").committed("120.00").build(),
        referral().commissioner("QXW").at("2026-04-03T09:00:00Z").committed("20.00").due(Milestone.ENGAGEMENT, "20.00")
            .due(Milestone.ENGAGEMENT, "20.00").build());
    write(bootstrap, states);

    Map<String, ReconciliationRun> ran = new HashMap<>();
    ReconciliationResults results = new ReconciliationResults();
    try (KafkaStreams streams = start(bootstrap, stateDir.resolve("first"), results)) {
      StoreQueries stores = over(streams);
      await().atMost(Duration.ofSeconds(60)).until(() -> CommissionerTotals.of(stores, "QMM").byStatus().values().stream()
          .mapToLong(Long::longValue).sum() == 2 && !stores.withPrefix(CommissionerFunding.STORE, "QXW", "QXW|").isEmpty());
      ReconciliationJob job = new ReconciliationJob(stores, ReferenceTables.of(Map.of()), results, () -> Set.of("1_0", "1_1"),
          Duration.ofMinutes(15), Clock.systemUTC());
      job.tick();
      for (String c : List.of("QMM", "QXW")) ran.put(c, job.last(c));
      await().atMost(Duration.ofSeconds(60)).until(() ->
          kept(streams, "QMM").isPresent() && kept(streams, "QXW").isPresent());
      assertThat(kept(streams, "QMM")).contains(ran.get("QMM"));
    }
    assertThat(ran.get("QMM").clean()).isTrue();
    assertThat(ran.get("QXW").clean()).isFalse();

    // a new instance: nothing on its disk, nothing handed over, its job not run (Kafka Streams not running, for it)
    ReconciliationResults none = new ReconciliationResults();
    try (KafkaStreams streams = start(bootstrap, stateDir.resolve("second"), none)) {
      ReconciliationJob job = new ReconciliationJob(over(streams), ReferenceTables.of(Map.of()), none, () -> null,
          Duration.ofMinutes(15), Clock.systemUTC());
      for (String c : List.of("QMM", "QXW")) {
        assertThat(job.last(c)).as(c).isEqualTo(ran.get(c));
        assertThat(job.last(c).ranAt()).isEqualTo(ran.get(c).ranAt());
      }
    }
  }

  private KafkaStreams start(String bootstrap, Path dir, ReconciliationResults results) {
    StreamsBuilder builder = new StreamsBuilder();
    ReconciliationResults.keep(builder, CommissionerFunding.keep(builder, SelfDescribingAvro.serdes(),
        SelfDescribingAvro.anyRecords(builder, input), CommissionerTotals.TALLY, CommissionerTotals.IN_TASK), results);
    Properties config = new Properties();
    config.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.put(StreamsConfig.STATE_DIR_CONFIG, dir.toString());
    config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    KafkaStreams streams = new KafkaStreams(builder.build(), config);
    streams.start();
    await().atMost(Duration.ofSeconds(90)).until(() -> streams.state() == KafkaStreams.State.RUNNING);
    return streams;
  }

  private static Optional<ReconciliationRun> kept(KafkaStreams streams, String commissioner) {
    return Optional.ofNullable(StoreOf.<String>store(streams, ReconciliationResults.STORE).get(commissioner))
        .map(ReconciliationResults::parse);
  }

  /** The reads the job makes, over the stores of every partition this one instance runs. */
  private static StoreQueries over(KafkaStreams streams) {
    StoreQueries stores = mock(StoreQueries.class);
    when(stores.get(anyString(), anyString()))
        .thenAnswer(call -> Optional.ofNullable(StoreOf.store(streams, call.getArgument(0)).get(call.getArgument(1))));
    when(stores.entriesWithPrefix(anyString(), anyString(), anyString()))
        .thenAnswer(call -> StoreOf.withPrefix(streams, call.getArgument(0), call.getArgument(2)));
    when(stores.withPrefix(anyString(), anyString(), anyString()))
        .thenAnswer(call -> new ArrayList<>(StoreOf.withPrefix(streams, call.getArgument(0), call.getArgument(2)).values()));
    doAnswer(call -> {
      Consumer<Object> action = call.getArgument(3);
      StoreOf.withPrefix(streams, call.getArgument(0), call.getArgument(2)).values().forEach(action);
      return null;
    }).when(stores).forEachWithPrefix(anyString(), anyString(), anyString(), any());
    when(stores.keys(anyString(), anyString(), anyString())).thenAnswer(call -> {
      List<String> keys = new ArrayList<>();
      try (KeyValueIterator<String, Object> it = StoreOf.store(streams, call.getArgument(0))
          .range(call.getArgument(1), call.getArgument(2))) {
        it.forEachRemaining(entry -> keys.add(entry.key));
      }
      return keys;
    });
    return stores;
  }

  private void write(String bootstrap, List<FundingState> states) throws Exception {
    Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(config, new StringSerializer(),
        new SelfDescribingAvro.AvroSerializer())) {
      for (FundingState state : states) producer.send(new ProducerRecord<>(input, state.getReferralId().toString(), state)).get();
    }
  }

  /** The stores of a running application, every partition it runs. */
  private static final class StoreOf {

    static <V> ReadOnlyKeyValueStore<String, V> store(KafkaStreams streams, String name) {
      return streams.store(StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.<String, V>keyValueStore()));
    }

    static Map<String, Object> withPrefix(KafkaStreams streams, String name, String prefix) {
      Map<String, Object> entries = new LinkedHashMap<>();
      StoreQueries.scan(StoreOf.<Object>store(streams, name), prefix, null, false, (key, value) -> {
        entries.put(key, value);
        return true;
      });
      return entries;
    }
  }
}
