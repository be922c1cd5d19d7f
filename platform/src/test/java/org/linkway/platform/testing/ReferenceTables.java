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
      public List<V> underPrefix(TableIndex<V> index, String termPrefix) {
        return values().stream().flatMap(value -> index.termsOf(value).stream().filter(t -> t.startsWith(termPrefix))
            .map(t -> value)).toList();
      }

      @Override
      public List<V> values() {
        return List.copyOf(new TreeMap<>(rows).values());
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
