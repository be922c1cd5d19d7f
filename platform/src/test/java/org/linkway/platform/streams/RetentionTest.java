package org.linkway.platform.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Retention} on {@link TopologyTestDriver}'s wall clock, with a processor whose states are {@code live} or the
 * epoch millis they ended at: after many random ends and reopenings, each sweep leaves exactly the states a whole-store
 * computation keeps (live, or ended within the period), hands each expired one over with when it ended and what was noted, works a
 * backlog off a batch at a time, and notes once the states that ended before the index existed.
 */
class RetentionTest {

  private static final Duration AFTER = Duration.ofDays(90);
  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
  private static final String STATES = "states";
  private static final String FILLED = "retention-test-filled";

  @TempDir
  Path stateDir;

  private TopologyTestDriver driver;
  private TestInputTopic<String, String> changes;
  private KeyValueStore<String, String> states;
  private final List<String> handed = new ArrayList<>();

  @BeforeEach
  void setUp() {
    Retention retention = new Retention("test-ended", AFTER);
    StreamsBuilder builder = new StreamsBuilder();
    builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STATES), Serdes.String(), Serdes.String()));
    retention.addStore(builder);
    ViewFill.addStore(builder, FILLED);
    builder.stream("changes", Consumed.with(Serdes.String(), Serdes.String()))
        .process(() -> new Ends(retention, handed), STATES, retention.store(), FILLED);
    Properties config = new Properties();
    config.put(StreamsConfig.APPLICATION_ID_CONFIG, "retention-test");
    config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9");
    config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    driver = new TopologyTestDriver(builder.build(), config, START);
    changes = driver.createInputTopic("changes", new StringSerializer(), new StringSerializer());
    states = driver.getKeyValueStore(STATES);
  }

  @AfterEach
  void tearDown() {
    driver.close();
  }

  /** Keeps each state as it comes; notes an end, takes the note back when it is live again; deletes what expires. */
  static final class Ends extends ContextualProcessor<String, String, Void, Void> {
    private final Retention retention;
    private final List<String> handed;
    private KeyValueStore<String, String> states;
    private KeyValueStore<String, String> index;

    Ends(Retention retention, List<String> handed) {
      this.retention = retention;
      this.handed = handed;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
      super.init(context);
      states = context.getStateStore(STATES);
      index = context.getStateStore(retention.store());
      retention.<String>fillOnce(context, FILLED, STATES, RetentionTest::endedAt, s -> "noted " + s);
      retention.schedule(context, (id, endedAt, value) -> {
        assertThat(endedAt).isEqualTo(endedAt(states.get(id)).orElseThrow());
        assertThat(value).isEqualTo("noted " + states.get(id));
        handed.add(id);
        states.delete(id);
      });
    }

    @Override
    public void process(Record<String, String> record) {
      String before = states.get(record.key());
      if (before != null) endedAt(before).ifPresent(at -> retention.reopened(index, at, record.key()));
      states.put(record.key(), record.value());
      endedAt(record.value()).ifPresent(at -> retention.ended(index, at, record.key(), "noted " + record.value()));
    }
  }

  static Optional<Instant> endedAt(String state) {
    return state.equals("live") ? Optional.empty() : Optional.of(Instant.ofEpochMilli(Long.parseLong(state)));
  }

  @Test
  void givenRandomEndsAndReopenings_whenTheClockRuns_thenEachSweepKeepsWhatAWholeStoreComputationKeeps() {
    Random random = new Random(16);
    Map<String, String> expected = new HashMap<>();
    Instant now = START;
    for (int round = 0; round < 40; round++) {
      for (int i = 0; i < 50; i++) {
        String id = "r" + random.nextInt(400);
        // ended up to 120 days before now (some already past the period), or live again
        String state = random.nextInt(4) == 0 ? "live"
            : String.valueOf(now.minus(Duration.ofHours(random.nextInt(120 * 24))).toEpochMilli());
        changes.pipeInput(id, state);
        expected.put(id, state);
      }
      now = now.plus(Duration.ofDays(random.nextInt(5))).plus(Retention.EVERY);
      advanceTo(now);
      Instant swept = now;
      expected.values().removeIf(s -> endedAt(s).filter(at -> !at.isAfter(swept.minus(AFTER))).isPresent());
      assertThat(stored()).isEqualTo(new TreeMap<>(expected));
      assertThat(indexed()).isEqualTo(expected.entrySet().stream().filter(e -> !e.getValue().equals("live")).count());
    }
    assertThat(handed).isNotEmpty();
  }

  @Test
  void givenAnEndedState_whenThePeriodHasNotQuitePassed_thenItStaysAndAtThePeriodItGoes() {
    changes.pipeInput("r1", String.valueOf(START.toEpochMilli()));
    changes.pipeInput("r2", "live");

    driver.advanceWallClockTime(AFTER.minus(Duration.ofSeconds(1)));
    assertThat(stored()).containsOnlyKeys("r1", "r2");

    driver.advanceWallClockTime(Retention.EVERY);
    assertThat(stored()).containsOnlyKeys("r2");
    assertThat(handed).containsExactly("r1");
  }

  @Test
  void givenMoreDueThanABatch_whenSwept_thenABatchGoesEachSweepUntilNoneIsLeft() {
    for (int i = 0; i < Retention.BATCH + 10; i++) changes.pipeInput(String.format("r%05d", i), String.valueOf(START.toEpochMilli()));

    driver.advanceWallClockTime(AFTER.plus(Retention.EVERY));
    assertThat(stored()).hasSize(10);
    driver.advanceWallClockTime(Retention.EVERY);
    assertThat(stored()).isEmpty();
  }

  @Test
  void givenStatesThatEndedBeforeTheIndexExisted_whenTheTaskHasRunASecond_thenTheyAreNotedOnceAndGoInTime() {
    states.put("old", String.valueOf(START.minus(AFTER).toEpochMilli()));
    states.put("recent", String.valueOf(START.toEpochMilli()));
    states.put("open", "live");

    driver.advanceWallClockTime(Duration.ofSeconds(1));
    assertThat(indexed()).isEqualTo(2);
    driver.advanceWallClockTime(Retention.EVERY);
    assertThat(stored()).containsOnlyKeys("recent", "open");
    driver.advanceWallClockTime(AFTER);
    assertThat(stored()).containsOnlyKeys("open");
  }

  @Test
  void givenNoPeriodOrANegativeOne_whenMade_thenItIsRefused() {
    assertThatThrownBy(() -> new Retention("x", Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Retention("x", Duration.ofDays(-1))).isInstanceOf(IllegalArgumentException.class);
  }

  private Instant clock = START;

  private void advanceTo(Instant time) {
    driver.advanceWallClockTime(Duration.between(clock, time));
    clock = time;
  }

  private Map<String, String> stored() {
    Map<String, String> all = new TreeMap<>();
    try (KeyValueIterator<String, String> it = states.all()) {
      it.forEachRemaining(kv -> all.put(kv.key, kv.value));
    }
    return all;
  }

  private long indexed() {
    long count = 0;
    KeyValueStore<String, String> index = driver.getKeyValueStore("test-ended");
    try (KeyValueIterator<String, String> it = index.all()) {
      while (it.hasNext()) {
        it.next();
        count++;
      }
    }
    return count;
  }
}
