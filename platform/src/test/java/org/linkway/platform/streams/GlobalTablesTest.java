package org.linkway.platform.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkway.events.PersonKey;
import org.linkway.platform.kafka.Topics;
import org.linkway.platform.testing.SelfDescribingAvro;

/**
 * A compacted topic as a global table ({@link GlobalTables}), driven by {@link TopologyTestDriver}: read by key, by
 * key prefix and whole, a tombstone deletes, a processor reads it from its context, and a service hears of each record
 * applied ({@link GlobalTables.Applied}).
 */
class GlobalTablesTest {

  @TempDir
  Path stateDir;

  private TopologyTestDriver driver;
  private TestInputTopic<String, SpecificRecord> keys;
  private TestInputTopic<String, String> asks;
  private TestOutputTopic<String, String> answers;
  private ReferenceTable<PersonKey> table;

  @BeforeEach
  void setUp() {
    StreamsBuilder builder = new StreamsBuilder();
    GlobalTables.add(builder, SelfDescribingAvro.serdes(), Topics.PERSON_KEYS);
    // a processor that answers, for each person asked about, how many data keys the table holds of theirs
    builder.stream("asks", Consumed.with(Serdes.String(), Serdes.String()))
        .process(KeysCounter::new)
        .to("answers", Produced.with(Serdes.String(), Serdes.String()));
    driver = SelfDescribingAvro.driver(builder, "global-tables-test", stateDir);
    keys = SelfDescribingAvro.input(driver, Topics.PERSON_KEYS);
    asks = driver.createInputTopic("asks", new StringSerializer(), new StringSerializer());
    answers = driver.createOutputTopic("answers", new StringDeserializer(), new StringDeserializer());
    table = ReferenceTable.over(() -> driver.<String, PersonKey>getKeyValueStore(GlobalTables.storeOf(Topics.PERSON_KEYS)),
        value -> value);
  }

  @AfterEach
  void tearDown() {
    driver.close();
  }

  @Test
  void givenKeysOfTwoPeople_whenReadByPrefix_thenOnlyThatPersonsKeysComeBack() {
    keys.pipeInput("p-1/k-1", key("p-1", "k-1"));
    keys.pipeInput("p-1/k-2", key("p-1", "k-2"));
    keys.pipeInput("p-10/k-3", key("p-10", "k-3"));

    assertThat(table.withPrefix("p-1/")).extracting(PersonKey::getKeyId).containsExactly("k-1", "k-2");
    assertThat(table.get("p-10/k-3")).map(PersonKey::getPersonId).contains("p-10");
    assertThat(table.values()).hasSize(3);
  }

  @Test
  void givenAKey_whenItsTombstoneArrives_thenTheTableNoLongerHoldsIt() {
    keys.pipeInput("p-1/k-1", key("p-1", "k-1"));

    keys.pipeInput("p-1/k-1", (SpecificRecord) null);

    assertThat(table.get("p-1/k-1")).isEmpty();
    assertThat(table.withPrefix("p-1/")).isEmpty();
  }

  @Test
  void givenTheTable_whenAProcessorReadsItFromItsContext_thenItSeesWhatTheTopicHolds() {
    keys.pipeInput("p-1/k-1", key("p-1", "k-1"));
    keys.pipeInput("p-1/k-2", key("p-1", "k-2"));

    asks.pipeInput("p-1", "how many");
    asks.pipeInput("p-2", "how many");

    assertThat(answers.readKeyValuesToMap()).containsEntry("p-1", "2").containsEntry("p-2", "0");
  }

  @Test
  void givenATableThatTellsWhatItApplies_whenAKeyAndItsTombstoneArrive_thenItIsToldOfEachOnceTheStoreHoldsIt() {
    List<String> told = new ArrayList<>();
    StreamsBuilder builder = new StreamsBuilder();
    GlobalTables.add(builder, SelfDescribingAvro.serdes(), Topics.PERSON_ERASURES);
    GlobalTables.<PersonKey>add(builder, SelfDescribingAvro.serdes(), Topics.PERSON_KEYS, mock(StoreQueries.class),
        (key, value, context) -> {
          ReferenceTable<PersonKey> self = GlobalTables.loaded(context, Topics.PERSON_KEYS).orElseThrow();
          told.add(key + (value == null ? " deleted" : " put") + ", held: " + self.get(key).isPresent()
              + ", erasures loaded: " + GlobalTables.loaded(context, Topics.PERSON_ERASURES).isPresent());
        });
    try (TopologyTestDriver appliedDriver = SelfDescribingAvro.driver(builder, "global-tables-applied-test", stateDir.resolve("applied"))) {
      TestInputTopic<String, SpecificRecord> input = SelfDescribingAvro.input(appliedDriver, Topics.PERSON_KEYS);
      input.pipeInput("p-1/k-1", key("p-1", "k-1"));
      input.pipeInput("p-1/k-1", (SpecificRecord) null);
    }

    assertThat(told).containsExactly("p-1/k-1 put, held: true, erasures loaded: true",
        "p-1/k-1 deleted, held: false, erasures loaded: true");
  }

  private static final class KeysCounter implements Processor<String, String, String, String> {
    private ProcessorContext<String, String> context;
    private ReferenceTable<PersonKey> keys;

    @Override
    public void init(ProcessorContext<String, String> context) {
      this.context = context;
      this.keys = GlobalTables.in(context, Topics.PERSON_KEYS);
    }

    @Override
    public void process(Record<String, String> record) {
      context.forward(record.withValue(String.valueOf(keys.withPrefix(record.key() + "/").size())));
    }
  }

  static PersonKey key(String personId, String keyId) {
    return new PersonKey(personId, keyId, ByteBuffer.allocate(12), ByteBuffer.allocate(48),
        Instant.now().truncatedTo(ChronoUnit.MILLIS));
  }
}
