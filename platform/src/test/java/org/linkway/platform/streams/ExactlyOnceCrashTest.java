package org.linkway.platform.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkway.platform.testing.TestStack;
import org.rocksdb.Options;

/**
 * Exactly once across a crash, on the real broker: a Kafka Streams application in a process of its own counts what it
 * reads into a RocksDB store, commits nothing, and is killed (SIGKILL) once some of those uncommitted counts are on
 * disk. Started again on the same state directory, it must count every record once: the counts of the transaction
 * that never committed must not survive in the store. (Kafka Streams 4.1 kept the checkpoint file it wrote when the
 * task's restoration ended, so the restart took the store as it was and replayed the changelog onto it, uncommitted
 * writes and all; a service's running totals then counted a referral's first state twice, or not at all.)
 */
class ExactlyOnceCrashTest {

  private static final String STORE = "counts";
  private static final int RECORDS = 4_000;

  @TempDir
  Path stateDir;

  private Process crashing;
  private KafkaStreams restarted;

  @AfterEach
  void stop() {
    if (crashing != null) {
      try {
        crashing.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (restarted != null) restarted.close(Duration.ofSeconds(10));
  }

  @Test
  void whenTheApplicationIsKilledWithWritesOnDiskThatNeverCommitted_thenTheRestartCountsEveryRecordOnce() throws Exception {
    String bootstrap = TestStack.bootstrapServers();
    String topic = "crash-counts-" + UUID.randomUUID();
    String applicationId = "crash-counts-" + UUID.randomUUID();
    TestStack.admin().createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
    write(bootstrap, topic);

    Path log = Files.createDirectories(Path.of("target", "exactly-once-crash")).resolve(applicationId + ".log");
    crashing = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
        "-cp", System.getProperty("java.class.path"), CountingApplication.class.getName(),
        bootstrap, topic, applicationId, stateDir.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    Path storeDir = stateDir.resolve(applicationId).resolve("0_0").resolve("rocksdb").resolve(STORE);
    // Kafka Streams runs RocksDB without its write-ahead log, so only flushed files outlive the kill; with one flush
    // thread, a second file means the first memtable (a few hundred counts, none committed) is wholly on disk
    await().atMost(Duration.ofSeconds(90))
        .failFast("the application ended by itself; its log: " + log.toAbsolutePath(), () -> !crashing.isAlive())
        .until(() -> sstFiles(storeDir) >= 2);
    crashing.destroyForcibly();
    assertThat(crashing.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(committedOffset(applicationId, topic)).as("what the killed process committed").isNull();

    restarted = new KafkaStreams(CountingApplication.topology(topic),
        CountingApplication.config(bootstrap, applicationId, stateDir.toString(), 100));
    restarted.start();
    await().atMost(Duration.ofSeconds(90)).until(() -> {
      OffsetAndMetadata committed = committedOffset(applicationId, topic);
      return committed != null && committed.offset() == RECORDS;
    });
    // read again if the store is between owners for a moment (a rebalance)
    await().atMost(Duration.ofSeconds(30)).ignoreException(InvalidStateStoreException.class).untilAsserted(() ->
        assertThat(keysByCount()).as("keys by how many times their one record was counted").isEqualTo(Map.of(1L, RECORDS)));
  }

  private Map<Long, Integer> keysByCount() {
    ReadOnlyKeyValueStore<String, Long> counts =
        restarted.store(StoreQueryParameters.fromNameAndType(STORE, QueryableStoreTypes.keyValueStore()));
    Map<Long, Integer> keysByCount = new HashMap<>();
    try (KeyValueIterator<String, Long> all = counts.all()) {
      all.forEachRemaining(entry -> keysByCount.merge(entry.value, 1, Integer::sum));
    }
    return keysByCount;
  }

  private static long sstFiles(Path storeDir) throws IOException {
    if (!Files.isDirectory(storeDir)) return 0;
    try (Stream<Path> files = Files.list(storeDir)) {
      return files.filter(f -> f.toString().endsWith(".sst")).count();
    }
  }

  private static OffsetAndMetadata committedOffset(String applicationId, String topic) throws Exception {
    return TestStack.admin().listConsumerGroupOffsets(applicationId).partitionsToOffsetAndMetadata().get()
        .get(new TopicPartition(topic, 0));
  }

  /** One record for each of {@link #RECORDS} keys, long enough that the store's small memtable is flushed to disk. */
  private static void write(String bootstrap, String topic) throws Exception {
    Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
      List<Future<?>> sent = new ArrayList<>();
      for (int i = 0; i < RECORDS; i++) {
        sent.add(producer.send(new ProducerRecord<>(topic, "key-" + i + "-" + "x".repeat(200), "one")));
      }
      for (Future<?> s : sent) s.get();
    }
  }

  /** The application: counts each key's records in {@link #STORE}, exactly once. Run alone, it never commits. */
  public static final class CountingApplication {

    public static void main(String[] args) {
      // a commit interval far longer than the test: nothing it counts is ever committed
      Properties config = config(args[0], args[2], args[3], 600_000);
      // its member leaves the group within seconds of the kill, not the default 45, so that the restart gets the task
      config.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 6_000);
      KafkaStreams streams = new KafkaStreams(topology(args[1]), config);
      streams.start();
    }

    static Topology topology(String topic) {
      StreamsBuilder builder = new StreamsBuilder();
      builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(), Serdes.Long()));
      builder.stream(topic, Consumed.with(Serdes.String(), Serdes.String())).process(Counter::new, STORE);
      return builder.build();
    }

    static Properties config(String bootstrap, String applicationId, String stateDir, long commitIntervalMs) {
      Properties config = new Properties();
      config.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
      config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir);
      config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
      config.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitIntervalMs);
      config.put(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG), 900_000);
      config.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, SmallMemtable.class);
      return config;
    }
  }

  /** Adds one to the key's count. */
  private static final class Counter extends ContextualProcessor<String, String, Void, Void> {
    private KeyValueStore<String, Long> counts;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
      super.init(context);
      counts = context.getStateStore(STORE);
    }

    @Override
    public void process(Record<String, String> record) {
      Long was = counts.get(record.key());
      counts.put(record.key(), was == null ? 1L : was + 1);
    }
  }

  /** A memtable of 64 KiB, so that uncommitted writes reach disk within a few hundred records. */
  public static final class SmallMemtable implements RocksDBConfigSetter {
    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
      options.setWriteBufferSize(64 * 1024);
    }

    @Override
    public void close(String storeName, Options options) {}
  }
}
