package org.linkway.platform.testing;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.linkway.platform.streams.ReferenceTable;

/** Reference tables holding given rows, for unit tests: read live from the map, so a test may change it. */
public final class ReferenceTables {

  private ReferenceTables() {}

  public static <V> ReferenceTable<V> of(Map<String, V> rows) {
    return new ReferenceTable<>() {
      @Override
      public Optional<V> get(String key) {
        return Optional.ofNullable(rows.get(key));
      }

      @Override
      public List<V> withPrefix(String prefix) {
        return List.copyOf(new TreeMap<>(rows).subMap(prefix, prefix + Character.MAX_VALUE).values());
      }

      @Override
      public List<V> values() {
        return List.copyOf(new TreeMap<>(rows).values());
      }
    };
  }

  /** A table with nothing in it. */
  public static <V> ReferenceTable<V> empty() {
    return of(Map.of());
  }
}
