package org.linkway.platform.testing;

import java.util.AbstractMap;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Supplier;
import org.linkway.platform.streams.ReferenceTable;
import org.linkway.platform.streams.StoreQueries;
import org.linkway.platform.streams.TableIndex;

/**
 * Reference tables holding given rows, for unit tests: read live from the map, so a test may change it. An index is read
 * by keeping the rows that have the term, as the whole table would be read without one.
 */
public final class ReferenceTables {

  private ReferenceTables() {}

  public static <V> ReferenceTable<V> of(Map<String, V> rows) {
    return new ReferenceTable<>() {
      @Override
      public Optional<V> get(String key) {
        // as a store: no null key
        return Optional.ofNullable(rows.get(Objects.requireNonNull(key, "key cannot be null")));
      }

      @Override
      public List<V> withPrefix(String prefix) {
        return List.copyOf(new TreeMap<>(rows).subMap(prefix, prefix + Character.MAX_VALUE).values());
      }

      @Override
      public List<V> under(TableIndex<V> index, String term) {
        return values().stream().filter(value -> index.termsOf(value).contains(term)).toList();
      }

      @Override
      public StoreQueries.Page<V> under(TableIndex<V> index, String term, String after, int limit) {
        TreeMap<String, V> under = new TreeMap<>();
        rows.forEach((key, value) -> {
          if (index.termsOf(value).contains(term)) under.put(key, value);
        });
        List<Map.Entry<String, V>> page = List.copyOf((after == null ? under : under.tailMap(after, false)).entrySet());
        if (page.size() <= limit) return new StoreQueries.Page<>(page.stream().map(Map.Entry::getValue).toList(), null);
        return new StoreQueries.Page<>(page.subList(0, limit).stream().map(Map.Entry::getValue).toList(),
            page.get(limit - 1).getKey());
      }

      @Override
      public Filed<V> filed(TableIndex<V> index, String after, int limit) {
        TreeMap<String, List<V>> byTerm = new TreeMap<>();
        values().forEach(value -> index.termsOf(value).forEach(term ->
            byTerm.computeIfAbsent(term, t -> new java.util.ArrayList<>()).add(value)));
        Map<String, List<V>> page = new LinkedHashMap<>();
        (after == null ? byTerm : byTerm.tailMap(after, false)).forEach((term, values) -> {
          if (page.size() <= limit) page.put(term, values);
        });
        if (page.size() <= limit) return new Filed<>(page, null);
        String more = List.copyOf(page.keySet()).get(limit);
        page.remove(more);
        return new Filed<>(page, List.copyOf(page.keySet()).get(limit - 1));
      }

      @Override
      public Map<String, V> firstUnder(TableIndex<V> index, String after, int limit) {
        Map<String, V> first = new LinkedHashMap<>();
        filed(index, after, limit).byTerm().forEach((term, values) -> {
          if (!values.isEmpty()) first.put(term, values.get(0));
        });
        return first;
      }

      @Override
      public List<V> values() {
        return List.copyOf(new TreeMap<>(rows).values());
      }
    };
  }

  /**
   * A table of {@code rows} that fails a read of it whole ({@link ReferenceTable#values}, or a prefix of every key): for
   * a test that a request path reads it by key, prefix or index only.
   */
  public static <V> ReferenceTable<V> readByKeyOnly(Map<String, V> rows) {
    ReferenceTable<V> table = of(rows);
    return new ReferenceTable<>() {
      @Override
      public Optional<V> get(String key) {
        return table.get(key);
      }

      @Override
      public List<V> withPrefix(String prefix) {
        if (prefix.isEmpty()) throw new AssertionError("the table was read whole");
        return table.withPrefix(prefix);
      }

      @Override
      public List<V> under(TableIndex<V> index, String term) {
        return table.under(index, term);
      }

      @Override
      public StoreQueries.Page<V> under(TableIndex<V> index, String term, String after, int limit) {
        return table.under(index, term, after, limit);
      }

      @Override
      public Filed<V> filed(TableIndex<V> index, String after, int limit) {
        return table.filed(index, after, limit);
      }

      @Override
      public Map<String, V> firstUnder(TableIndex<V> index, String after, int limit) {
        return table.firstUnder(index, after, limit);
      }

      @Override
      public List<V> values() {
        throw new AssertionError("the table was read whole");
      }
    };
  }

  /** A table of the rows {@code rows} gives at each read, keyed by {@code keyOf} (the first row of a key): a test may change them. */
  public static <V> ReferenceTable<V> listed(Supplier<? extends Collection<V>> rows, Function<V, String> keyOf) {
    return of(new AbstractMap<>() {
      @Override
      public Set<Entry<String, V>> entrySet() {
        Map<String, V> byKey = new LinkedHashMap<>();
        rows.get().forEach(row -> byKey.putIfAbsent(keyOf.apply(row), row));
        return byKey.entrySet();
      }
    });
  }

  /** A table with nothing in it. */
  public static <V> ReferenceTable<V> empty() {
    return of(Map.of());
  }
}
