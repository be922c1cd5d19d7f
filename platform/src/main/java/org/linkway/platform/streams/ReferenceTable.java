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
 * ({@link StoreQueries#global}). Its store also holds the table's indexes, read by {@link #under}.
 */
public interface ReferenceTable<V> {

  Optional<V> get(String key);

  /** The values whose keys start with {@code prefix}, in key order. */
  List<V> withPrefix(String prefix);

  /**
   * The values {@code index} holds under {@code term}, in key order: those whose value has the term, read by a prefix
   * of the index, not by reading every value ({@link TableIndex}).
   */
  List<V> under(TableIndex<V> index, String term);

  /**
   * The values {@code index} holds under every term that starts with {@code termPrefix} (a commissioner's contracts
   * with any provider: {@link TableIndex#party} of the commissioner and ""), in the index's order; a value filed under
   * several such terms comes once for each.
   */
  List<V> underPrefix(TableIndex<V> index, String termPrefix);

  /**
   * Every value, in key order. For the small tables (the directory, the contracts) where a use needs them all; routing
   * and funding read by key or by an index, and a request's page by key or prefix.
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
        if (prefix.isEmpty()) return values();
        try (KeyValueIterator<String, S> it = store.get().prefixScan(prefix, keys)) {
          return collect(it);
        }
      }

      @Override
      public List<V> under(TableIndex<V> index, String term) {
        return withPrefix(index.entriesOf(term));
      }

      @Override
      public List<V> underPrefix(TableIndex<V> index, String termPrefix) {
        return withPrefix(index.entries() + termPrefix);
      }

      @Override
      public List<V> values() {
        // from the first record's key: the entries of the table's indexes sort before it
        try (KeyValueIterator<String, S> it = store.get().range(TableIndex.FIRST_RECORD_KEY, null)) {
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
