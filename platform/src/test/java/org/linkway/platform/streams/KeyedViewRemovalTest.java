package org.linkway.platform.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkway.platform.testing.SelfDescribingAvro;
import org.linkway.state.OpenDataEntry;

/**
 * A {@link KeyedView} whose values leave it with the {@link PartyView#removal} headers, on Kafka Streams' test driver,
 * over many random changes and removals: the view holds exactly the values not removed, a {@link Tally} beside it is
 * exactly the sums over every value ever kept as it last was (removed ones included), and its {@link Tally#ofRemoved}
 * exactly the sums over those removed; a removal sent again changes nothing.
 */
class KeyedViewRemovalTest {

  private static final String VIEW = "entries";
  private static final Tally<OpenDataEntry> SUMS = new Tally<>("entry-sums", KeyedViewRemovalTest::cells);
  private static final Tally<OpenDataEntry> REMOVED = new Tally<>("entry-sums-removed", KeyedViewRemovalTest::cells);

  @TempDir
  Path stateDir;

  @Test
  void givenRandomChangesAndRemovals_whenTheViewAndItsSumsAreRead_thenTheyAreThoseOfTheValuesKeptAndRemoved() {
    StreamsBuilder builder = new StreamsBuilder();
    KeyedView.keep(builder, SelfDescribingAvro.serdes(), VIEW, OpenDataEntry.class, "entries-by-key",
        SelfDescribingAvro.anyRecords(builder, "values").mapValues(value -> (OpenDataEntry) value),
        (key, entry) -> key + "|" + entry.getReferralId(), SUMS, REMOVED.ofRemoved());
    try (TopologyTestDriver driver = SelfDescribingAvro.driver(builder, "platform-keyed-view-removal-test", stateDir)) {
      TestInputTopic<String, SpecificRecord> values = SelfDescribingAvro.input(driver, "values");
      Random random = new Random(61206L);
      Map<String, OpenDataEntry> kept = new HashMap<>();
      Map<String, OpenDataEntry> removed = new HashMap<>();
      List<UUID> ids = new ArrayList<>();
      for (int i = 0; i < 60; i++) ids.add(new UUID(random.nextLong(), random.nextLong()));
      for (int step = 0; step < 600; step++) {
        UUID id = ids.get(random.nextInt(ids.size()));
        String key = "k" + (id.hashCode() & 3);
        String at = key + "|" + id;
        if (removed.containsKey(at)) {
          // a removal sent again (a redelivery): nothing changes
          values.pipeInput(new TestRecord<>(key, removed.get(at), PartyView.removal()));
        } else if (kept.containsKey(at) && random.nextInt(5) == 0) {
          values.pipeInput(new TestRecord<>(key, kept.get(at), PartyView.removal()));
          removed.put(at, kept.remove(at));
        } else {
          OpenDataEntry entry = entry(id, random);
          values.pipeInput(key, entry);
          kept.put(at, entry);
        }
        if (step % 50 == 49) {
          assertThat(keys(driver, VIEW)).containsExactlyInAnyOrderElementsOf(kept.keySet());
          Map<String, OpenDataEntry> all = new HashMap<>(kept);
          all.putAll(removed);
          assertThat(texts(driver, SUMS.store())).isEqualTo(sums(all));
          assertThat(texts(driver, REMOVED.store())).isEqualTo(sums(removed));
        }
      }
      assertThat(removed).hasSizeGreaterThan(10);
    }
  }

  private static Map<String, List<BigDecimal>> cells(OpenDataEntry entry) {
    return Map.of(entry.getMonth(), List.of(BigDecimal.ONE, BigDecimal.valueOf(entry.getCounts().get(0))));
  }

  private static OpenDataEntry entry(UUID id, Random random) {
    return OpenDataEntry.newBuilder().setReferralId(id).setMonth("2026-0" + (1 + random.nextInt(3)))
        .setCommissioner("QMM").setProvider("p1").setNeeds(List.of()).setCounts(List.of((long) random.nextInt(9))).build();
  }

  /** The sums a tally of {@code values} (store key {@code {key}|{id}}) holds: zero cells left out, as text. */
  private static Map<String, String> sums(Map<String, OpenDataEntry> values) {
    Map<String, List<BigDecimal>> sums = new TreeMap<>();
    values.forEach((at, entry) -> cells(entry).forEach((cell, numbers) -> sums.merge(
        KeptBeside.keyOf(at) + "|" + cell, numbers, (a, b) -> List.of(a.get(0).add(b.get(0)), a.get(1).add(b.get(1))))));
    Map<String, String> texts = new TreeMap<>();
    sums.forEach((cell, numbers) -> {
      if (numbers.stream().anyMatch(n -> n.signum() != 0)) texts.put(cell, Tally.format(numbers));
    });
    return texts;
  }

  private static List<String> keys(TopologyTestDriver driver, String store) {
    List<String> keys = new ArrayList<>();
    try (KeyValueIterator<String, Object> it = driver.<String, Object>getKeyValueStore(store).all()) {
      it.forEachRemaining(entry -> keys.add(entry.key));
    }
    return keys;
  }

  private static Map<String, String> texts(TopologyTestDriver driver, String store) {
    Map<String, String> texts = new TreeMap<>();
    KeyValueStore<String, String> sums = driver.getKeyValueStore(store);
    try (KeyValueIterator<String, String> it = sums.all()) {
      it.forEachRemaining((KeyValue<String, String> entry) -> texts.put(entry.key, entry.value));
    }
    return texts;
  }
}
