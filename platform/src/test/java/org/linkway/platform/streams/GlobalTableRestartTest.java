package org.linkway.platform.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkway.events.PersonKey;
import org.linkway.platform.kafka.Topic;
import org.linkway.platform.kafka.Topics;
import org.linkway.platform.testing.SelfDescribingAvro;
import org.linkway.platform.testing.TestStack;

/**
 * A global table on a real broker, exactly once as the services run: loaded from the start of its topic at the first
 * start, and at a restart from where it stopped (its checkpoint), not from offset 0 again, as the restore listener's
 * counts show. A record it cannot read is left out of the store even when loading from scratch.
 */
class GlobalTableRestartTest {

  private static final int FIRST = 200;
  private static final int LATER = 10;

  @TempDir
  Path stateDir;

  private final Topic<PersonKey> topic = new Topic<>("global-restart-" + UUID.randomUUID(), PersonKey.class, 2,
      Topics.REFERRAL_SERVICE, true);
  private final String applicationId = "global-restart-test-" + UUID.randomUUID();

  @Test
  void givenATableLoadedOnce_whenTheServiceRestarts_thenOnlyTheRecordsWrittenSinceAreRead() throws Exception {
    String bootstrap = TestStack.bootstrapServers();
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      admin.createTopics(List.of(new NewTopic(topic.name(), topic.partitions(), (short) 1)
          .configs(Map.of("cleanup.policy", "compact")))).all().get();
    }
    write(bootstrap, 0, FIRST);
    writeGarbage(bootstrap);

    AtomicLong firstLoad = new AtomicLong();
    try (KafkaStreams streams = start(bootstrap, firstLoad)) {
      // the record no one can read is read too (whether the listener counts it is Kafka Streams' business) but not kept
      assertThat(firstLoad.get()).as("records read at the first start").isBetween((long) FIRST, FIRST + 1L);
      assertThat(count(streams)).as("readable records held").isEqualTo(FIRST);
    }

    write(bootstrap, FIRST, LATER);
    AtomicLong secondLoad = new AtomicLong();
    try (KafkaStreams streams = start(bootstrap, secondLoad)) {
      assertThat(secondLoad).as("records read at the restart: those written since, from the checkpoint").hasValue(LATER);
      assertThat(count(streams)).isEqualTo(FIRST + LATER);
    }
  }

  /** Starts the application and waits until it runs: its global table is loaded by then. */
  private KafkaStreams start(String bootstrap, AtomicLong restored) {
    StreamsBuilder builder = new StreamsBuilder();
    GlobalTables.add(builder, SelfDescribingAvro.serdes(), topic);
    return started(builder, bootstrap, applicationId, stateDir, restored);
  }

  /**
   * Starts {@code builder}'s topology as the services run it (exactly once), counting in {@code restored} the records
   * its global tables read before it runs, and waits until it runs: its global tables are loaded by then.
   */
  static KafkaStreams started(StreamsBuilder builder, String bootstrap, String applicationId, Path stateDir,
      AtomicLong restored) {
    Properties config = new Properties();
    config.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    // the services dead-letter what they cannot read and go on; here it is logged, and reading goes on
    config.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class);
    KafkaStreams streams = new KafkaStreams(builder.build(), config);
    streams.setGlobalStateRestoreListener(new StateRestoreListener() {
      @Override
      public void onRestoreStart(TopicPartition partition, String store, long start, long end) {}

      @Override
      public void onBatchRestored(TopicPartition partition, String store, long batchEnd, long count) {
        restored.addAndGet(count);
      }

      @Override
      public void onRestoreEnd(TopicPartition partition, String store, long total) {}
    });
    streams.start();
    await().atMost(Duration.ofSeconds(60)).until(() -> streams.state() == KafkaStreams.State.RUNNING);
    return streams;
  }

  private long count(KafkaStreams streams) {
    ReadOnlyKeyValueStore<String, PersonKey> store = streams.store(StoreQueryParameters.fromNameAndType(
        GlobalTables.storeOf(topic), QueryableStoreTypes.keyValueStore()));
    return ReferenceTable.over(() -> store, value -> value).values().size();
  }

  /** A record the table's deserializer cannot read (not what the topic carries). */
  private void writeGarbage(String bootstrap) throws Exception {
    Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>(topic.name(), "garbage", "not a record".getBytes(StandardCharsets.UTF_8))).get();
    }
  }

  private void write(String bootstrap, int from, int count) throws Exception {
    Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(config, new StringSerializer(),
        new SelfDescribingAvro.AvroSerializer())) {
      for (int i = from; i < from + count; i++) {
        producer.send(new ProducerRecord<>(topic.name(), "p-" + i + "/k", GlobalTablesTest.key("p-" + i, "k"))).get();
      }
    }
  }
}
