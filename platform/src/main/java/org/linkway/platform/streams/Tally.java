package org.linkway.platform.streams;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Running sums kept beside a {@link KeyedView}, so that a key's totals (a commissioner's referrals by status, its
 * money, its referrals by month) are read as a handful of cells rather than by decoding every value the view holds
 * for the key. Each value contributes numbers to named cells ({@code cells}); when the view's value under a store
 * key changes, the task takes the old value's contributions away and adds the new one's, in the transaction that
 * changed the view. So a cell is always the sum over the values the view holds now, whatever their number, and
 * reading a key's cells costs the number of cells, not the number of values.
 *
 * <p>A tally added to a view that already holds values is filled from them once per task ({@link KeptBeside}).
 *
 * @param store the sums: {@code {key}|{cell}} to the cell's numbers, as text ({@code 1;12.50;0.00})
 * @param cells what one value contributes: cell name to numbers, each cell the same count of numbers every time
 */
public record Tally<V>(String store, Function<V, Map<String, List<BigDecimal>>> cells) implements KeptBeside<V> {

  private static final String SEPARATOR = ";";

  /** The cells of one key, by name (a cell all zeros is not kept), from the instance that owns the key. */
  public Map<String, List<BigDecimal>> of(StoreQueries stores, String key) {
    return parsed(stores.<String>entriesWithPrefix(store, key, prefix(key)));
  }

  /**
   * The cells of one key whose names start with {@code cellPrefix} (a range of its cells: a month's), by the rest of
   * their names, from the instance that owns the key.
   */
  public Map<String, List<BigDecimal>> of(StoreQueries stores, String key, String cellPrefix) {
    return parsed(stores.<String>entriesWithPrefix(store, key, prefix(key) + cellPrefix));
  }

  /** The cells of one key, by name, read from the sums' store itself (a test's). */
  public static Map<String, List<BigDecimal>> of(ReadOnlyKeyValueStore<String, String> sums, String key) {
    Map<String, String> cells = new LinkedHashMap<>();
    try (KeyValueIterator<String, String> it = sums.prefixScan(prefix(key), new StringSerializer())) {
      it.forEachRemaining(entry -> cells.put(entry.key.substring(prefix(key).length()), entry.value));
    }
    return parsed(cells);
  }

  private static Map<String, List<BigDecimal>> parsed(Map<String, String> cells) {
    Map<String, List<BigDecimal>> parsed = new LinkedHashMap<>();
    cells.forEach((cell, text) -> parsed.put(cell, parse(text)));
    return parsed;
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

  /**
   * The same sums of the values taken out of the view by a removal ({@link PartyView#removal}) alone, kept beside the
   * view in this tally's store: what left the hot stores still counts here (an archived referral's money, for the
   * reconciliation to add to what the view holds). A change of a value in the view does not touch them, and they are
   * never refilled from the view.
   */
  public KeptBeside<V> ofRemoved() {
    return new OfRemoved<>(this);
  }

  /** {@link #ofRemoved}. */
  private record OfRemoved<V>(Tally<V> sums) implements KeptBeside<V> {

    @Override
    public String store() {
      return sums.store();
    }

    @Override
    public void change(KeyValueStore<String, String> kept, String key, V before, V after) {}

    @Override
    public void removed(KeyValueStore<String, String> kept, String key, V value) {
      sums.change(kept, key, null, value);
    }

    @Override
    public void fillOnce(ProcessorContext<?, ?> context, String view) {}
  }

  /**
   * Every cell of {@code key} whose name starts with {@code cellPrefix}, summed by cell name over the partitions this
   * instance holds: with a tally kept under one key per task ({@link #perTask}), a few cells per task, whatever the
   * view holds.
   */
  public Map<String, List<BigDecimal>> sumsHere(StoreQueries stores, String key, String cellPrefix) {
    Map<String, List<BigDecimal>> sums = new LinkedHashMap<>();
    String from = prefix(key) + cellPrefix;
    stores.<String>forEachEntry(store, from, from + Character.MAX_VALUE, (at, text) ->
        sums.merge(at.substring(prefix(key).length()), parse(text), Tally::plus));
    return sums;
  }

  /**
   * This tally kept beside a view under one key, {@code key}, in each task, whatever the key of the view's value: the
   * sums over every value the task's view holds (for a gauge: {@link #sumsHere(StoreQueries, String, String)}; or the
   * keys it holds, a cell each), read as a few cells per task, not one per key.
   */
  public KeptBeside<V> perTask(String key) {
    Tally<V> tally = this;
    return new KeptBeside<>() {
      @Override
      public String store() {
        return tally.store();
      }

      @Override
      public void change(KeyValueStore<String, String> sums, String ofView, V before, V after) {
        tally.change(sums, key, before, after);
      }
    };
  }

  /** Takes {@code before}'s contributions to the key's cells away and adds {@code after}'s; either may be null. */
  @Override
  public void change(KeyValueStore<String, String> sums, String key, V before, V after) {
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

  private static String prefix(String key) {
    return KeptBeside.prefix(key);
  }

  /** A cell's numbers, from their text. */
  public static List<BigDecimal> parse(String text) {
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
