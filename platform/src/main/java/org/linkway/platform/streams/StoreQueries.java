package org.linkway.platform.streams;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.BiPredicate;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.linkway.platform.web.ProblemException;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;

/**
 * Reads the service's Kafka Streams state stores for HTTP queries. While a store is being restored
 * from its changelog the answer is 503, never a stale or empty result; the health indicator is
 * DOWN until the stream processor is running.
 */
public final class StoreQueries implements HealthIndicator {

  private static final StringSerializer KEYS = new StringSerializer();

  private final StreamsBuilderFactoryBean factory;
  private final InstanceAddress self;

  public StoreQueries(StreamsBuilderFactoryBean factory) {
    this.factory = factory;
    this.self = new InstanceAddress(factory);
  }

  /**
   * The value of {@code key}. Where this instance is the key's active owner, only the key's own partition
   * is read, so that a partition still being restored here (taken over from a lost instance) answers 503
   * rather than "no such key": reading every partition skips one that is not ready without a word.
   */
  public <V> Optional<V> get(String storeName, String key) {
    try {
      return Optional.ofNullable(this.<V>storeOf(storeName, key).get(key));
    } catch (InvalidStateStoreException e) {
      throw notReady(storeName);
    }
  }

  /** The store where {@code key} is: on the key's active owner, only the key's partition ({@link #get}). */
  private <V> ReadOnlyKeyValueStore<String, V> storeOf(String storeName, String key) {
    KafkaStreams streams = running(storeName);
    StoreQueryParameters<ReadOnlyKeyValueStore<String, V>> query =
        StoreQueryParameters.fromNameAndType(storeName, QueryableStoreTypes.keyValueStore());
    HostInfo here = self.get();
    if (here != null) {
      // several instances (one alone has no address, and Streams then gives no metadata by key)
      KeyQueryMetadata owner = streams.queryMetadataForKey(storeName, key, KEYS);
      if (owner == null || owner.partition() < 0) throw notReady(storeName);
      if (owner.activeHost().equals(here)) query = query.withPartition(owner.partition());
    }
    return streams.store(query);
  }

  /** The keys of the store from {@code from} to {@code to} (inclusive), over every partition this instance holds. */
  public List<String> keys(String storeName, String from, String to) {
    try {
      ReadOnlyKeyValueStore<String, Object> store = store(storeName);
      List<String> keys = new ArrayList<>();
      try (KeyValueIterator<String, Object> it = store.range(from, to)) {
        while (it.hasNext()) keys.add(it.next().key);
      }
      return keys;
    } catch (InvalidStateStoreException e) {
      throw notReady(storeName);
    }
  }

  /** One page of a list: its values, and the cursor to ask for the page after them; null when nothing follows. */
  public record Page<V>(List<V> values, String next) {}

  /**
   * Up to {@code limit} values whose keys start with {@code prefix} and that pass {@code filter}, in key order,
   * from just after the key {@code prefix + after} (from the first when {@code after} is null). The page's
   * {@code next} is the part after the prefix of its last key, when another value follows; reading stops at
   * that one, so a page costs its size, not the list's. The keys of one prefix are all in the partition of
   * {@code partitionKey} (a {@link PartyView}: the party), which alone is read on its owner, as {@link #get} reads.
   */
  public <V> Page<V> page(String storeName, String partitionKey, String prefix, String after, int limit,
      Predicate<V> filter) {
    try {
      return page(this.<V>storeOf(storeName, partitionKey), prefix, after, limit, filter);
    } catch (InvalidStateStoreException e) {
      throw notReady(storeName);
    }
  }

  /** Every value whose key starts with {@code prefix}, in key order, all in the partition of {@code partitionKey} ({@link #page}). */
  public <V> List<V> withPrefix(String storeName, String partitionKey, String prefix) {
    List<V> values = new ArrayList<>();
    this.<V>forEachWithPrefix(storeName, partitionKey, prefix, values::add);
    return values;
  }

  /**
   * Every entry whose key starts with {@code prefix}, in key order, by the rest of its key; all in the partition of
   * {@code partitionKey} ({@link #page}).
   */
  public <V> Map<String, V> entriesWithPrefix(String storeName, String partitionKey, String prefix) {
    Map<String, V> entries = new LinkedHashMap<>();
    try {
      try (KeyValueIterator<String, V> it = this.<V>storeOf(storeName, partitionKey).prefixScan(prefix, KEYS)) {
        while (it.hasNext()) {
          var entry = it.next();
          entries.put(entry.key.substring(prefix.length()), entry.value);
        }
      }
    } catch (InvalidStateStoreException e) {
      throw notReady(storeName);
    }
    return entries;
  }

  /**
   * Hands each value whose key starts with {@code prefix} to {@code action} as it is read, in key order, holding
   * none; the keys are all in the partition of {@code partitionKey}, which alone is read on its owner ({@link #page}).
   */
  public <V> void forEachWithPrefix(String storeName, String partitionKey, String prefix, Consumer<V> action) {
    try {
      try (KeyValueIterator<String, V> it = this.<V>storeOf(storeName, partitionKey).prefixScan(prefix, KEYS)) {
        while (it.hasNext()) action.accept(it.next().value);
      }
    } catch (InvalidStateStoreException e) {
      throw notReady(storeName);
    }
  }

  /**
   * Hands each entry whose key starts with {@code prefix} to {@code action}, by the rest of its key, in key order (or,
   * {@code descending}, last key first), from just after the key {@code prefix + after} (from the first when
   * {@code after} is null), for as long as {@code action} returns true: so a read stops where its caller has enough,
   * and costs what it read. The keys are all in the partition of {@code partitionKey}, which alone is read on its owner
   * ({@link #page}).
   */
  public <V> void scan(String storeName, String partitionKey, String prefix, String after, boolean descending,
      BiPredicate<String, V> action) {
    try {
      scan(this.<V>storeOf(storeName, partitionKey), prefix, after, descending, action);
    } catch (InvalidStateStoreException e) {
      throw notReady(storeName);
    }
  }

  /** {@link #scan(String, String, String, String, boolean, BiPredicate)} of one store. */
  public static <V> void scan(ReadOnlyKeyValueStore<String, V> store, String prefix, String after, boolean descending,
      BiPredicate<String, V> action) {
    String at = after == null ? null : prefix + after;
    String last = prefix + Character.MAX_VALUE;
    try (KeyValueIterator<String, V> it = descending ? store.reverseRange(prefix, at == null ? last : at)
        : store.range(at == null ? prefix : at, last)) {
      while (it.hasNext()) {
        var entry = it.next();
        if (!entry.key.startsWith(prefix) || entry.key.equals(at)) continue;
        if (!action.test(entry.key.substring(prefix.length()), entry.value)) return;
      }
    }
  }

  /** {@link #page(String, String, String, String, int, Predicate)} of one store. */
  public static <V> Page<V> page(ReadOnlyKeyValueStore<String, V> store, String prefix, String after, int limit,
      Predicate<V> filter) {
    return pageAs(store, prefix, after, limit, value -> filter.test(value) ? value : null);
  }

  /**
   * A page of one store's values under {@code prefix}, after the cursor {@code after}, each stored value turned into the
   * page's by {@code value} (null: passed over, as a value the filter refuses), and the cursor of the page after it.
   */
  public static <S, V> Page<V> pageAs(ReadOnlyKeyValueStore<String, S> store, String prefix, String after, int limit,
      Function<S, V> value) {
    if (limit < 1) throw new IllegalArgumentException("a page holds at least one value");
    String from = after == null ? prefix : prefix + after;
    List<V> values = new ArrayList<>();
    String last = null;
    try (KeyValueIterator<String, S> it = store.range(from, prefix + Character.MAX_VALUE)) {
      while (it.hasNext()) {
        var entry = it.next();
        if (!entry.key.startsWith(prefix) || (after != null && entry.key.equals(from))) continue;
        V shown = value.apply(entry.value);
        if (shown == null) continue;
        if (values.size() == limit) return new Page<>(values, last.substring(prefix.length()));
        values.add(shown);
        last = entry.key;
      }
    }
    return new Page<>(values, null);
  }

  /** Hands each entry of the store this instance holds to {@code action}, key and value, as it is read. */
  public <V> void forEachEntry(String storeName, BiConsumer<String, V> action) {
    try {
      ReadOnlyKeyValueStore<String, V> store = store(storeName);
      try (KeyValueIterator<String, V> it = store.all()) {
        while (it.hasNext()) {
          var entry = it.next();
          action.accept(entry.key, entry.value);
        }
      }
    } catch (InvalidStateStoreException e) {
      throw notReady(storeName);
    }
  }

  /**
   * Hands each entry of the store whose key is from {@code from} to {@code to} (inclusive) to {@code action}, key and
   * value, as it is read, over every partition this instance holds (partition by partition).
   */
  public <V> void forEachEntry(String storeName, String from, String to, BiConsumer<String, V> action) {
    try {
      ReadOnlyKeyValueStore<String, V> store = store(storeName);
      try (KeyValueIterator<String, V> it = store.range(from, to)) {
        while (it.hasNext()) {
          var entry = it.next();
          action.accept(entry.key, entry.value);
        }
      }
    } catch (InvalidStateStoreException e) {
      throw notReady(storeName);
    }
  }

  /** Hands each value of the store to {@code action} as it is read, holding none of them afterwards. */
  public <V> void forEach(String storeName, Consumer<V> action) {
    try {
      ReadOnlyKeyValueStore<String, V> store = store(storeName);
      try (KeyValueIterator<String, V> it = store.all()) {
        while (it.hasNext()) action.accept(it.next().value);
      }
    } catch (InvalidStateStoreException e) {
      throw notReady(storeName);
    }
  }

  public <V> List<V> all(String storeName, Predicate<V> filter) {
    List<V> values = new ArrayList<>();
    this.<V>forEach(storeName, value -> {
      if (filter.test(value)) values.add(value);
    });
    return values;
  }

  /**
   * A global table ({@link GlobalTables}), which every instance holds whole: read here whatever the key. It is
   * complete once Kafka Streams runs (a rebalance moves no global table); before, the answer is 503. The store
   * is looked up once per Kafka Streams client and kept, so that a stream thread reading it while the client
   * shuts down still can, until the store itself closes.
   */
  public <V> ReferenceTable<V> global(String storeName) {
    AtomicReference<Map.Entry<KafkaStreams, ReadOnlyKeyValueStore<String, V>>> found = new AtomicReference<>();
    ReferenceTable<V> table = ReferenceTable.over(() -> {
      KafkaStreams streams = factory.getKafkaStreams();
      var known = found.get();
      if (known != null && known.getKey() == streams) return known.getValue();
      KafkaStreams.State state = streams == null ? null : streams.state();
      if (state != KafkaStreams.State.RUNNING && state != KafkaStreams.State.REBALANCING) throw notReady(storeName);
      ReadOnlyKeyValueStore<String, V> store = streams.store(
          StoreQueryParameters.fromNameAndType(storeName, QueryableStoreTypes.keyValueStore()));
      found.set(Map.entry(streams, store));
      return store;
    }, value -> value);
    return new ReferenceTable<>() {
      @Override
      public Optional<V> get(String key) {
        return ready(storeName, () -> table.get(key));
      }

      @Override
      public List<V> withPrefix(String prefix) {
        return ready(storeName, () -> table.withPrefix(prefix));
      }

      @Override
      public List<V> under(TableIndex<V> index, String term) {
        return ready(storeName, () -> table.under(index, term));
      }

      @Override
      public Page<V> under(TableIndex<V> index, String term, String after, int limit) {
        return ready(storeName, () -> table.under(index, term, after, limit));
      }

      @Override
      public Filed<V> filed(TableIndex<V> index, String after, int limit) {
        return ready(storeName, () -> table.filed(index, after, limit));
      }

      @Override
      public Map<String, V> firstUnder(TableIndex<V> index, String after, int limit) {
        return ready(storeName, () -> table.firstUnder(index, after, limit));
      }

      @Override
      public List<V> values() {
        return ready(storeName, table::values);
      }
    };
  }

  private static <T> T ready(String storeName, Supplier<T> read) {
    try {
      return read.get();
    } catch (InvalidStateStoreException e) {
      throw notReady(storeName);
    }
  }

  private <V> ReadOnlyKeyValueStore<String, V> store(String storeName) {
    return running(storeName).store(StoreQueryParameters.fromNameAndType(storeName, QueryableStoreTypes.keyValueStore()));
  }

  private KafkaStreams running(String storeName) {
    KafkaStreams streams = factory.getKafkaStreams();
    if (streams == null || streams.state() != KafkaStreams.State.RUNNING) {
      throw notReady(storeName);
    }
    return streams;
  }

  private static ProblemException.Unavailable notReady(String storeName) {
    return new ProblemException.Unavailable("the " + storeName + " store is not ready yet (starting or rebalancing); try again shortly");
  }

  @Override
  public Health health() {
    KafkaStreams streams = factory.getKafkaStreams();
    KafkaStreams.State state = streams == null ? null : streams.state();
    Health.Builder health = state == KafkaStreams.State.RUNNING ? Health.up() : Health.down();
    return health.withDetail("streams", String.valueOf(state)).build();
  }
}
