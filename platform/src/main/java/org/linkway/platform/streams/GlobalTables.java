package org.linkway.platform.streams;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.WeakHashMap;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.linkway.platform.kafka.AvroSerdes;
import org.linkway.platform.kafka.Topic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compacted topics held whole by every instance of a service as Kafka Streams global stores, in RocksDB
 * under the state directory. At a restart a table goes on from its checkpoint, not from the start of its
 * topic, and Kafka Streams is not RUNNING before every global table has caught up with its topic's end,
 * so nothing is decided on a half-loaded table. Under exactly-once the global consumer reads committed
 * records only.
 *
 * <p>A global store with its own update processor, not {@code StreamsBuilder#globalTable}: a global table
 * restores by copying the topic's bytes into its store unread, so a record no one can read (dead-lettered
 * when it was first read) would land in the store at the next load from scratch and fail every reader of it.
 * A global store's processor reads its records on restore too (Kafka Streams reprocesses them), and an
 * unreadable one goes to the topic's -dlt twin through the Streams deserialization handler.
 *
 * <p>A table's indexes ({@link TableIndex}, declared with its topic) are kept by the same processor in the table's own
 * store, beside its records, each entry under its own key: as a record is applied, the entries of the terms its old
 * value had and its new one has not are deleted and those of the new one put. They are derived, not restored: at each
 * start the processor makes them again from the records the store holds (before Kafka Streams reads the records
 * written since the checkpoint, which keep them up to date as any record does). So a store written before an index was
 * declared, or left with an index entry and not its record (or the other way) by a crash, is indexed whole again; this
 * reads the table once per start, which is small (the directory, the contracts). Once, though Kafka Streams starts
 * two of the table's processors at each start, both in the global thread's one context: one for the restore (before
 * the records written since the checkpoint) and one for the live records after it; only the first indexes, and the
 * second finds the index it kept up to date.
 */
public final class GlobalTables {

  private static final Logger log = LoggerFactory.getLogger(GlobalTables.class);

  private GlobalTables() {}

  /**
   * What a service does once its global table has applied a record (its value, or null when the key was deleted), on
   * the global stream thread: for every record read live, and again for the records read at a restore, since the
   * update reads those too. It must not block or throw: the one global thread keeps every global table of the service.
   * Another global table read here may still be loading at a restore ({@link #loaded}).
   */
  @FunctionalInterface
  public interface Applied<V> {
    void applied(String key, V value, ProcessorContext<?, ?> context);
  }

  /** The name of the store that holds {@code topic}. */
  public static String storeOf(Topic<?> topic) {
    return topic.name() + "-table";
  }

  /** Adds the global table of {@code topic} to the topology. */
  public static <V extends SpecificRecord> void add(StreamsBuilder builder, AvroSerdes serdes, Topic<V> topic) {
    add(builder, serdes, topic, (key, value, context) -> {});
  }

  private static <V extends SpecificRecord> void add(StreamsBuilder builder, AvroSerdes serdes, Topic<V> topic,
      Applied<V> then) {
    add(builder, serdes, topic, then, TableIndex.of(topic));
  }

  /** Adds the global table of {@code topic}, keeping {@code indexes}: those declared for it, or a test's. */
  static <V extends SpecificRecord> void add(StreamsBuilder builder, AvroSerdes serdes, Topic<V> topic,
      Applied<V> then, List<TableIndex<V>> indexes) {
    String store = storeOf(topic);
    // the contexts (one per start) in which a processor of this table has indexed it: the restore's, then the live one's
    Set<ProcessorContext<?, ?>> indexedIn = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));
    // the topic is the store's changelog: no other
    builder.addGlobalStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(store), Serdes.String(),
            serdes.forTopic(topic)).withLoggingDisabled(),
        topic.name(), Consumed.with(Serdes.String(), serdes.forTopic(topic)), () -> new Update<V>(store, then, indexes, indexedIn));
  }

  /** Adds the global table of {@code topic} to the topology, and gives the HTTP side's reads of it ({@link StoreQueries#global}). */
  public static <V extends SpecificRecord> ReferenceTable<V> add(StreamsBuilder builder, AvroSerdes serdes, Topic<V> topic,
      StoreQueries stores) {
    return add(builder, serdes, topic, stores, (key, value, context) -> {});
  }

  /**
   * Adds the global table of {@code topic} to the topology, which tells {@code then} of each record it applies; gives
   * the HTTP side's reads of it. Kafka Streams restores global tables in the order they were added.
   */
  public static <V extends SpecificRecord> ReferenceTable<V> add(StreamsBuilder builder, AvroSerdes serdes, Topic<V> topic,
      StoreQueries stores, Applied<V> then) {
    add(builder, serdes, topic, then);
    return stores.global(storeOf(topic));
  }

  /** The global table of {@code topic} as a processor reads it, from its context (call from {@code init}). */
  public static <V extends SpecificRecord> ReferenceTable<V> in(ProcessorContext<?, ?> context, Topic<V> topic) {
    KeyValueStore<String, V> store = context.getStateStore(storeOf(topic));
    return ReferenceTable.over(() -> store, value -> value);
  }

  /**
   * The global table of {@code topic} as a global table's {@link Applied} reads it, once it is there: empty while
   * Kafka Streams restores the global tables at a start and has not come to this one yet.
   */
  public static <V extends SpecificRecord> Optional<ReferenceTable<V>> loaded(ProcessorContext<?, ?> context, Topic<V> topic) {
    KeyValueStore<String, V> store = context.getStateStore(storeOf(topic));
    return store == null ? Optional.empty() : Optional.of(ReferenceTable.over(() -> store, value -> value));
  }

  /**
   * Keeps the latest value of each key; a tombstone deletes it. Keeps the table's indexes with it (made again whole at
   * the first {@code init} of a start, which Kafka Streams calls before it reads the records written since the
   * checkpoint).
   * Then tells {@code then}.
   */
  private static final class Update<V> implements Processor<String, V, Void, Void> {
    private final String storeName;
    private final Applied<V> then;
    private final List<TableIndex<V>> indexes;
    private final Set<ProcessorContext<?, ?>> indexedIn;
    private ProcessorContext<Void, Void> context;
    private KeyValueStore<String, V> store;

    Update(String storeName, Applied<V> then, List<TableIndex<V>> indexes, Set<ProcessorContext<?, ?>> indexedIn) {
      this.storeName = storeName;
      this.then = then;
      this.indexes = indexes;
      this.indexedIn = indexedIn;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
      this.context = context;
      this.store = context.getStateStore(storeName);
      // once per start: the restore's processor indexes, the live one's (same context) goes on with its index
      if (!indexes.isEmpty() && indexedIn.add(context)) indexAgain();
    }

    @Override
    public void process(Record<String, V> record) {
      if (record.key() == null) return;
      if (record.key().compareTo(TableIndex.FIRST_RECORD_KEY) < 0) {
        log.warn("a record of {} keyed empty or from the NUL character is not kept: those keys are its indexes'", storeName);
        return;
      }
      V before = indexes.isEmpty() ? null : store.get(record.key());
      if (record.value() == null) {
        store.delete(record.key());
      } else {
        store.put(record.key(), record.value());
      }
      for (TableIndex<V> index : indexes) {
        if (before != null) {
          for (String term : index.termsOf(before)) {
            if (record.value() == null || !index.termsOf(record.value()).contains(term)) {
              store.delete(index.entriesOf(term) + record.key());
            }
          }
        }
        if (record.value() != null) file(index, record.key(), record.value());
      }
      then.applied(record.key(), record.value(), context);
    }

    /** Deletes every index entry (of an index no longer declared too), then files each record the store holds. */
    private void indexAgain() {
      List<String> entries = new ArrayList<>();
      try (KeyValueIterator<String, V> it = store.prefixScan(TableIndex.MARK, new StringSerializer())) {
        it.forEachRemaining(entry -> entries.add(entry.key));
      }
      entries.forEach(store::delete);
      try (KeyValueIterator<String, V> it = store.range(TableIndex.FIRST_RECORD_KEY, null)) {
        it.forEachRemaining(record -> indexes.forEach(index -> file(index, record.key, record.value)));
      }
    }

    private void file(TableIndex<V> index, String key, V value) {
      for (String term : index.termsOf(value)) store.put(index.entriesOf(term) + key, value);
    }
  }
}
