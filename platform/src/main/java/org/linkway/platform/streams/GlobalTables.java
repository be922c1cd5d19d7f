package org.linkway.platform.streams;

import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.linkway.platform.kafka.AvroSerdes;
import org.linkway.platform.kafka.Topic;

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
 */
public final class GlobalTables {

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
    String store = storeOf(topic);
    // the topic is the store's changelog: no other
    builder.addGlobalStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(store), Serdes.String(),
            serdes.forTopic(topic)).withLoggingDisabled(),
        topic.name(), Consumed.with(Serdes.String(), serdes.forTopic(topic)), () -> new Update<V>(store, then));
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

  /** Keeps the latest value of each key; a tombstone deletes it. Then tells {@code then}. */
  private static final class Update<V> implements Processor<String, V, Void, Void> {
    private final String storeName;
    private final Applied<V> then;
    private ProcessorContext<Void, Void> context;
    private KeyValueStore<String, V> store;

    Update(String storeName, Applied<V> then) {
      this.storeName = storeName;
      this.then = then;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
      this.context = context;
      this.store = context.getStateStore(storeName);
    }

    @Override
    public void process(Record<String, V> record) {
      if (record.key() == null) return;
      if (record.value() == null) {
        store.delete(record.key());
      } else {
        store.put(record.key(), record.value());
      }
      then.applied(record.key(), record.value(), context);
    }
  }
}
