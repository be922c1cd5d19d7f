package org.linkway.platform.streams;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
   * A page of {@link #under}: the first {@code limit} values {@code index} holds under {@code term}, in key order, from
   * just after the record key {@code after} (from the first when null). Its {@code next} is the page's last key when
   * another value follows, else null. Read by a range of the index that stops one value after the page, so a page
   * costs its size however many values the term holds.
   */
  StoreQueries.Page<V> under(TableIndex<V> index, String term, String after, int limit);

  /**
   * One page of the table by the terms of {@code index}: the first {@code limit} terms after {@code after} (from the
   * first when null), in term order, each with the values filed under it in key order. Read by a range of the index
   * alone, which stops at the term after the page's last, so a page costs its terms' values, not the table.
   */
  Filed<V> filed(TableIndex<V> index, String after, int limit);

  /**
   * The first {@code limit} terms of {@code index} after {@code after} (from the first when null), in term order, each
   * with the first value filed under it (in key order): for a list of the terms alone (a provider's name with its id),
   * read one value a term, however many values each term holds.
   */
  Map<String, V> firstUnder(TableIndex<V> index, String after, int limit);

  /**
   * A page of an index's terms ({@link #filed}), each with its values, in term order; {@code next}, the page's last
   * term when another term follows (the {@code after} of the page after), else null.
   */
  record Filed<V>(Map<String, List<V>> byTerm, String next) {}

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
      public StoreQueries.Page<V> under(TableIndex<V> index, String term, String after, int limit) {
        return StoreQueries.pageAs(store.get(), index.entriesOf(term), after, limit, value);
      }

      @Override
      public Filed<V> filed(TableIndex<V> index, String after, int limit) {
        if (limit < 1) throw new IllegalArgumentException("a page holds at least one term");
        // every entry of a term is {entries}{term}{MARK}{key}: from the first term greater than after, to the index's end
        String from = index.entries() + (after == null ? "" : after + TableIndex.AFTER_TERM);
        String to = index.entries().substring(0, index.entries().length() - 1) + TableIndex.AFTER_TERM;
        Map<String, List<V>> byTerm = new LinkedHashMap<>();
        String last = null;
        try (KeyValueIterator<String, S> it = store.get().range(from, to)) {
          while (it.hasNext()) {
            var entry = it.next();
            String term = index.termOf(entry.key);
            if (!term.equals(last)) {
              if (byTerm.size() == limit) return new Filed<>(byTerm, last);
              byTerm.put(term, new ArrayList<>());
              last = term;
            }
            V filed = value.apply(entry.value);
            if (filed != null) byTerm.get(term).add(filed);
          }
        }
        return new Filed<>(byTerm, null);
      }

      @Override
      public Map<String, V> firstUnder(TableIndex<V> index, String after, int limit) {
        Map<String, V> first = new LinkedHashMap<>();
        String to = index.entries().substring(0, index.entries().length() - 1) + TableIndex.AFTER_TERM;
        String term = after;
        // a range a term, from just after the last one's entries: the rest of a term's values are never read
        while (first.size() < limit) {
          String from = index.entries() + (term == null ? "" : term + TableIndex.AFTER_TERM);
          try (KeyValueIterator<String, S> it = store.get().range(from, to)) {
            if (!it.hasNext()) break;
            var entry = it.next();
            term = index.termOf(entry.key);
            V filed = value.apply(entry.value);
            if (filed != null) first.put(term, filed);
          }
        }
        return first;
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
