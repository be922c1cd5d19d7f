package org.linkway.platform.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.Mockito.mock;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkway.events.PersonErased;
import org.linkway.events.PersonKey;
import org.linkway.platform.kafka.Topic;
import org.linkway.platform.kafka.Topics;
import org.linkway.platform.testing.SelfDescribingAvro;
import org.linkway.platform.testing.TestStack;

/**
 * What a global table's {@link GlobalTables.Applied} can read of another global table at a restart, on a real broker:
 * Kafka Streams restores global tables in the order they were added, reading again the records written since their
 * checkpoint. A key written while the application was down meets an older erasure when the erasures' table was added
 * first (as referral-service adds it), and would not when it was added last.
 */
class GlobalTablesRestoreOrderTest {

  @TempDir
  Path stateDir;

  private final String run = UUID.randomUUID().toString();
  private final Topic<PersonErased> erasures = new Topic<>("restore-order-erasures-" + run, PersonErased.class, 2,
      Topics.REFERRAL_SERVICE, true);
  private final Topic<PersonKey> keys = new Topic<>("restore-order-keys-" + run, PersonKey.class, 2,
      Topics.REFERRAL_SERVICE, true);
  /** What the keys' table was told at each record: the key, and whether the erasures' table held its person then. */
  private final List<String> told = new CopyOnWriteArrayList<>();

  @Test
  void givenTheErasuresAddedFirst_whenAKeyWrittenWhileDownIsRestored_thenItMeetsItsPersonsErasure() throws Exception {
    String bootstrap = createTopics();
    Instant erasedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    write(bootstrap, erasures, "p-1", new PersonErased("p-1", erasedAt));
    runOnce(bootstrap, true, "first");

    write(bootstrap, keys, "p-1/k", GlobalTablesTest.key("p-1", "k"));
    runOnce(bootstrap, true, "first");

    assertThat(told).containsExactly("p-1/k: erasure held");
  }

  @Test
  void givenTheErasuresAddedLast_whenAKeyWrittenWhileDownIsRestored_thenTheErasuresAreNotThereYet() throws Exception {
    String bootstrap = createTopics();
    write(bootstrap, erasures, "p-1", new PersonErased("p-1", Instant.now().truncatedTo(ChronoUnit.MILLIS)));
    runOnce(bootstrap, false, "last");

    write(bootstrap, keys, "p-1/k", GlobalTablesTest.key("p-1", "k"));
    runOnce(bootstrap, false, "last");

    assertThat(told).containsExactly("p-1/k: erasures not loaded");
  }

  private String createTopics() throws Exception {
    String bootstrap = TestStack.bootstrapServers();
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      admin.createTopics(List.of(
          new NewTopic(erasures.name(), erasures.partitions(), (short) 1).configs(Map.of("cleanup.policy", "compact")),
          new NewTopic(keys.name(), keys.partitions(), (short) 1).configs(Map.of("cleanup.policy", "compact"))))
          .all().get();
    }
    return bootstrap;
  }

  /** Starts the application, waits until it runs (every global table loaded by then) and stops it. */
  private void runOnce(String bootstrap, boolean erasuresFirst, String name) {
    StreamsBuilder builder = new StreamsBuilder();
    GlobalTables.Applied<PersonKey> tell = (key, value, context) -> told.add(key + ": "
        + GlobalTables.loaded(context, erasures).map(table -> table.get(value.getPersonId()).isPresent()
            ? "erasure held" : "no erasure").orElse("erasures not loaded"));
    if (erasuresFirst) GlobalTables.add(builder, SelfDescribingAvro.serdes(), erasures);
    GlobalTables.add(builder, SelfDescribingAvro.serdes(), keys, mock(StoreQueries.class), tell);
    if (!erasuresFirst) GlobalTables.add(builder, SelfDescribingAvro.serdes(), erasures);
    Properties config = new Properties();
    config.put(StreamsConfig.APPLICATION_ID_CONFIG, "restore-order-" + name + "-" + run);
    config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    try (KafkaStreams streams = new KafkaStreams(builder.build(), config)) {
      streams.start();
      await().atMost(Duration.ofSeconds(60)).until(() -> streams.state() == KafkaStreams.State.RUNNING);
    }
  }

  private <V extends SpecificRecord> void write(String bootstrap, Topic<V> topic, String key, V value) throws Exception {
    Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(config, new StringSerializer(),
        new SelfDescribingAvro.AvroSerializer())) {
      producer.send(new ProducerRecord<>(topic.name(), key, value)).get();
    }
  }
}
