package org.linkway.platform.streams;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * Running sums kept beside a store of values, so that totals (a commissioner's referrals by status, its money, its
 * referrals by month; a service's referrals by status for its gauges) are read as a handful of cells rather than by
 * decoding every value the store holds. Each value contributes numbers to named cells ({@code cells}); when a value
 * changes, the task takes the old value's contributions away and adds the new one's, in the transaction that
 * changed the value. So a cell is always the sum over the values the store holds now, whatever their number, and
 * reading cells costs the number of cells, not the number of values. The sums are kept per key: beside a
 * {@link KeyedView}, the view's key (a commissioner), read on the key's owner; beside a processor's own store, one
 * key for the task ({@link #keep}), summed over the tasks an instance runs ({@link #sumsHere}).
 *
 * <p>A tally added to a store that already holds values is filled from them once per task, a second after the task
 * first starts with it (the sums of the task are rebuilt from the store, and a per-task store remembers it was done).
 *
 * @param store the sums: {@code {key}|{cell}} to the cell's numbers, as text ({@code 1;12.50;0.00})
 * @param cells what one value contributes: cell name to numbers, each cell the same count of numbers every time
 */
public record Tally<V>(String store, Function<V, Map<String, List<BigDecimal>>> cells) {

  private static final String SEPARATOR = ";";

  /** The per-task store that remembers the tally was filled from its view. */
  public String filledStore() {
    return store + "-filled";
  }

  /** The sums' store and the store remembering the fill, to connect to the processor that keeps the tally. */
  public void addStores(StreamsBuilder builder) {
    builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(store), Serdes.String(), Serdes.String()));
    ViewFill.addStore(builder, filledStore());
  }

  /** The cells of one key, by name (a cell all zeros is not kept), from the instance that owns the key. */
  public Map<String, List<BigDecimal>> of(StoreQueries stores, String key) {
    return parsed(stores.<String>entriesWithPrefix(store, key, prefix(key)));
  }

  /** The cells of one key, by name, read from the sums' store itself (a test's). */
  public static Map<String, List<BigDecimal>> of(ReadOnlyKeyValueStore<String, String> sums, String key) {
    Map<String, String> cells = new LinkedHashMap<>();
    try (KeyValueIterator<String, String> it = sums.prefixScan(prefix(key), new StringSerializer())) {
      it.forEachRemaining(entry -> cells.put(entry.key.substring(prefix(key).length()), entry.value));
    }
    return parsed(cells);
  }

  /**
   * Every cell over the keys this instance holds, summed by cell name: for a gauge, which each instance reports for
   * the partitions it runs (the metrics system sums the instances).
   */
  public Map<String, List<BigDecimal>> sumsHere(StoreQueries stores) {
    Map<String, List<BigDecimal>> sums = new LinkedHashMap<>();
    stores.<String>forEachEntry(store, (key, text) ->
        sums.merge(key.substring(key.indexOf('|') + 1), parse(text), Tally::plus));
    return sums;
  }

  private static Map<String, List<BigDecimal>> parsed(Map<String, String> cells) {
    Map<String, List<BigDecimal>> parsed = new LinkedHashMap<>();
    cells.forEach((cell, text) -> parsed.put(cell, parse(text)));
    return parsed;
  }

  /**
   * The tally as one task keeps it, beside {@code source} (a store of the same processor, connected to it with the
   * tally's stores): filled once from {@code source}, each of whose entries counts under the key {@code keyOf} gives
   * for its store key. Call from the processor's {@code init}.
   */
  public Kept keep(ProcessorContext<?, ?> context, String source, UnaryOperator<String> keyOf) {
    Kept kept = new Kept(context.getStateStore(store));
    KeyValueStore<String, Long> filled = context.getStateStore(filledStore());
    KeyValueStore<String, V> values = context.getStateStore(source);
    Cancellable[] schedule = new Cancellable[1];
    schedule[0] = context.schedule(Duration.ofSeconds(1), PunctuationType.WALL_CLOCK_TIME, now -> {
      if (filled.get(store) == null) {
        kept.clear();
        try (KeyValueIterator<String, V> all = values.all()) {
          all.forEachRemaining(entry -> kept.change(keyOf.apply(entry.key), null, entry.value));
        }
        filled.put(store, now);
      }
      schedule[0].cancel();
    });
    return kept;
  }

  /** The tally in one task, to change as the values it sums change. */
  public final class Kept {

    private final KeyValueStore<String, String> sums;

    private Kept(KeyValueStore<String, String> sums) {
      this.sums = sums;
    }

    /** Takes {@code before}'s contributions to the key's cells away and adds {@code after}'s; either may be null. */
    public void change(String key, V before, V after) {
      Map<String, List<BigDecimal>> delta = new LinkedHashMap<>();
      if (before != null) cells.apply(before).forEach((cell, numbers) -> delta.merge(cell, negate(numbers), Tally::plus));
      if (after != null) cells.apply(after).forEach((cell, numbers) -> delta.merge(cell, numbers, Tally::plus));
      delta.forEach((cell, numbers) -> {
        if (isZero(numbers)) return;
        String at = prefix(key) + cell;
        String was = sums.get(at);
        List<BigDecimal> now = was == null ? numbers : plus(parse(was), numbers);
        if (isZero(now)) sums.delete(at);
        else sums.put(at, format(now));
      });
    }

    private void clear() {
      List<String> stale = new ArrayList<>();
      try (KeyValueIterator<String, String> all = sums.all()) {
        all.forEachRemaining(entry -> stale.add(entry.key));
      }
      stale.forEach(sums::delete);
    }
  }

  /** The key of a view's store key {@code {key}|…}: what comes before the first bar. */
  public static String keyBeforeBar(String storeKey) {
    int bar = storeKey.indexOf('|');
    if (bar < 0) throw new IllegalStateException("a tallied view's store keys are {key}|…: " + storeKey);
    return storeKey.substring(0, bar);
  }

  private static String prefix(String key) {
    return key + "|";
  }

  static List<BigDecimal> parse(String text) {
    List<BigDecimal> numbers = new ArrayList<>();
    for (String number : text.split(SEPARATOR, -1)) numbers.add(new BigDecimal(number));
    return numbers;
  }

  static String format(List<BigDecimal> numbers) {
    return String.join(SEPARATOR, numbers.stream().map(BigDecimal::toPlainString).toList());
  }

  private static List<BigDecimal> plus(List<BigDecimal> a, List<BigDecimal> b) {
    if (a.size() != b.size()) throw new IllegalStateException("a cell has " + a.size() + " numbers, not " + b.size());
    List<BigDecimal> sum = new ArrayList<>(a.size());
    for (int i = 0; i < a.size(); i++) sum.add(a.get(i).add(b.get(i)));
    return sum;
  }

  private static List<BigDecimal> negate(List<BigDecimal> numbers) {
    return numbers.stream().map(BigDecimal::negate).toList();
  }

  private static boolean isZero(List<BigDecimal> numbers) {
    return numbers.stream().allMatch(n -> n.signum() == 0);
  }
}
