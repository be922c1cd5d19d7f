package org.linkway.platform.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
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
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkway.events.ServiceListed;
import org.linkway.platform.kafka.Topic;
import org.linkway.platform.kafka.Topics;
import org.linkway.platform.testing.SelfDescribingAvro;
import org.linkway.platform.testing.TestStack;

/**
 * A global table's index at restarts, on a real broker, exactly once as the services run. Kafka Streams restores a
 * global table from its checkpoint, reading again only the records written since: the index is made again from the
 * store at each start, so a store kept before the index was declared is indexed whole, and the records written while
 * no instance ran move, add and remove services as they do live. From an empty state directory, every record is read
 * again and the index is the same.
 */
class GlobalTableIndexRestartTest {

  @TempDir
  Path stateDir;

  @TempDir
  Path emptyStateDir;

  private final Topic<ServiceListed> topic = new Topic<>("global-index-" + UUID.randomUUID(), ServiceListed.class, 2,
      Topics.PROVIDER_SERVICE, true);
  private final TableIndex<ServiceListed> byCommissioner =
      new TableIndex<>(topic, "by-commissioner", ServiceListed::getCommissioners);
  private final String applicationId = "global-index-test-" + UUID.randomUUID();

  @Test
  void givenATableKeptBeforeItsIndex_whenItRestartsWithChangesWrittenWhileDown_thenTheIndexHoldsEachServiceUnderItsCommissionersNow()
      throws Exception {
    String bootstrap = TestStack.bootstrapServers();
    writeThreeServices(bootstrap);
    try (KafkaStreams streams = start(bootstrap, stateDir, List.of(), new AtomicLong())) {
      assertThat(table(streams).values()).hasSize(3);
    }

    write(bootstrap, "svc-1", TableIndexTest.service("svc-1", "QOC", "QUE"));
    write(bootstrap, "svc-2", null);
    write(bootstrap, "svc-4", TableIndexTest.service("svc-4", "QMM"));
    AtomicLong read = new AtomicLong();
    try (KafkaStreams streams = start(bootstrap, stateDir, List.of(byCommissioner), read)) {
      assertThat(read).as("records read at the restart: those written since the checkpoint").hasValue(3);
      assertThat(ids(streams, "QMM")).containsExactly("svc-4");
      assertThat(ids(streams, "QOC")).containsExactly("svc-1", "svc-3");
      assertThat(ids(streams, "QUE")).containsExactly("svc-1");
      assertThat(table(streams).values()).extracting(ServiceListed::getServiceId).containsExactly("svc-1", "svc-3", "svc-4");
    }

    write(bootstrap, "svc-3", TableIndexTest.service("svc-3", "QMM"));
    AtomicLong readAgain = new AtomicLong();
    try (KafkaStreams streams = start(bootstrap, stateDir, List.of(byCommissioner), readAgain)) {
      assertThat(readAgain).hasValue(1);
      assertThat(ids(streams, "QMM")).containsExactly("svc-3", "svc-4");
      assertThat(ids(streams, "QOC")).containsExactly("svc-1");
      assertThat(ids(streams, "QUE")).containsExactly("svc-1");
    }

    try (KafkaStreams streams = start(bootstrap, emptyStateDir, List.of(byCommissioner), new AtomicLong())) {
      assertThat(ids(streams, "QMM")).as("loaded from the start of the topic").containsExactly("svc-3", "svc-4");
      assertThat(ids(streams, "QOC")).containsExactly("svc-1");
      assertThat(ids(streams, "QUE")).containsExactly("svc-1");
    }
  }

  /**
   * Kafka Streams starts two processors of a global table at each start (the restore's, then the live one's): the
   * index is made again from the store once, not twice.
   */
  @Test
  void givenAnIndexedTable_whenItRestartsWithNothingWrittenSince_thenEachRecordIsFiledOnceAtTheStart() throws Exception {
    String bootstrap = TestStack.bootstrapServers();
    writeThreeServices(bootstrap);
    AtomicLong filed = new AtomicLong();
    TableIndex<ServiceListed> counted = new TableIndex<>(topic, "by-commissioner", service -> {
      filed.incrementAndGet();
      return service.getCommissioners();
    });
    try (KafkaStreams streams = start(bootstrap, stateDir, List.of(counted), new AtomicLong())) {
      assertThat(table(streams).under(counted, "QMM")).hasSize(2);
    }

    filed.set(0);
    AtomicLong read = new AtomicLong();
    try (KafkaStreams streams = start(bootstrap, stateDir, List.of(counted), read)) {
      assertThat(read).as("nothing written since the checkpoint").hasValue(0);
      assertThat(filed).as("each of the three records filed once at the start").hasValue(3);
      assertThat(table(streams).under(counted, "QMM")).extracting(ServiceListed::getServiceId).containsExactly("svc-1", "svc-2");
      assertThat(table(streams).under(counted, "QOC")).extracting(ServiceListed::getServiceId).containsExactly("svc-1", "svc-3");
    }
  }

  /** Makes the table's topic and lists svc-1 (QMM and QOC), svc-2 (QMM) and svc-3 (QOC) on it. */
  private void writeThreeServices(String bootstrap) throws Exception {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      admin.createTopics(List.of(new NewTopic(topic.name(), topic.partitions(), (short) 1)
          .configs(Map.of("cleanup.policy", "compact")))).all().get();
    }
    write(bootstrap, "svc-1", TableIndexTest.service("svc-1", "QMM", "QOC"));
    write(bootstrap, "svc-2", TableIndexTest.service("svc-2", "QMM"));
    write(bootstrap, "svc-3", TableIndexTest.service("svc-3", "QOC"));
  }

  /** Starts the application keeping {@code indexes}, and waits until it runs: its global table is loaded by then. */
  private KafkaStreams start(String bootstrap, Path state, List<TableIndex<ServiceListed>> indexes, AtomicLong read) {
    StreamsBuilder builder = new StreamsBuilder();
    GlobalTables.add(builder, SelfDescribingAvro.serdes(), topic, (key, value, context) -> {}, indexes);
    return GlobalTableRestartTest.started(builder, bootstrap, applicationId, state, read);
  }

  private ReferenceTable<ServiceListed> table(KafkaStreams streams) {
    ReadOnlyKeyValueStore<String, ServiceListed> store = streams.store(StoreQueryParameters.fromNameAndType(
        GlobalTables.storeOf(topic), QueryableStoreTypes.keyValueStore()));
    return ReferenceTable.over(() -> store, value -> value);
  }

  private List<String> ids(KafkaStreams streams, String commissioner) {
    return table(streams).under(byCommissioner, commissioner).stream().map(ServiceListed::getServiceId).toList();
  }

  private void write(String bootstrap, String key, ServiceListed value) throws Exception {
    Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(config, new StringSerializer(),
        new SelfDescribingAvro.AvroSerializer())) {
      producer.send(new ProducerRecord<>(topic.name(), key, value)).get();
    }
  }
}
