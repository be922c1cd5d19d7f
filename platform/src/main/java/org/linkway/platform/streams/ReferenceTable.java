package org.linkway.platform.streams;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The latest value per key of a compacted topic that every instance holds whole: a global table
 * ({@link GlobalTables}), on disk, read by key, by key prefix, or whole. The stream threads read it
 * from their processor's context ({@link GlobalTables#in}), the HTTP side by interactive query
 * ({@link StoreQueries#global}).
 */
public interface ReferenceTable<V> {

  Optional<V> get(String key);

  /** The values whose keys start with {@code prefix}, in key order. */
  List<V> withPrefix(String prefix);

  /**
   * Every value, in key order. For the small tables read whole by routing and funding rules (the directory,
   * the contracts); a request's page reads by key or prefix.
   */
  List<V> values();

  /** A table read from a key-value store, each stored value turned into the table's by {@code value} (null: none). */
  static <S, V> ReferenceTable<V> over(Supplier<? extends ReadOnlyKeyValueStore<String, S>> store, Function<S, V> value) {
    StringSerializer keys = new StringSerializer();
    return new ReferenceTable<>() {
      @Override
      public Optional<V> get(String key) {
        S stored = store.get().get(key);
        return stored == null ? Optional.empty() : Optional.ofNullable(value.apply(stored));
      }

      @Override
      public List<V> withPrefix(String prefix) {
        try (KeyValueIterator<String, S> it = store.get().prefixScan(prefix, keys)) {
          return collect(it);
        }
      }

      @Override
      public List<V> values() {
        try (KeyValueIterator<String, S> it = store.get().all()) {
          return collect(it);
        }
      }

      private List<V> collect(KeyValueIterator<String, S> it) {
        List<V> values = new ArrayList<>();
        while (it.hasNext()) {
          V next = value.apply(it.next().value);
          if (next != null) values.add(next);
        }
        return values;
      }
    };
  }
}
