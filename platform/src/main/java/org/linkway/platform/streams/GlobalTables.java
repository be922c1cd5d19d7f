package org.linkway.platform.streams;

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

  /** The name of the store that holds {@code topic}. */
  public static String storeOf(Topic<?> topic) {
    return topic.name() + "-table";
  }

  /** Adds the global table of {@code topic} to the topology. */
  public static <V extends SpecificRecord> void add(StreamsBuilder builder, AvroSerdes serdes, Topic<V> topic) {
    String store = storeOf(topic);
    // the topic is the store's changelog: no other
    builder.addGlobalStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(store), Serdes.String(),
            serdes.forTopic(topic)).withLoggingDisabled(),
        topic.name(), Consumed.with(Serdes.String(), serdes.forTopic(topic)), () -> new Update<V>(store));
  }

  /** Adds the global table of {@code topic} to the topology, and gives the HTTP side's reads of it ({@link StoreQueries#global}). */
  public static <V extends SpecificRecord> ReferenceTable<V> add(StreamsBuilder builder, AvroSerdes serdes, Topic<V> topic,
      StoreQueries stores) {
    add(builder, serdes, topic);
    return stores.global(storeOf(topic));
  }

  /** The global table of {@code topic} as a processor reads it, from its context (call from {@code init}). */
  public static <V extends SpecificRecord> ReferenceTable<V> in(ProcessorContext<?, ?> context, Topic<V> topic) {
    KeyValueStore<String, V> store = context.getStateStore(storeOf(topic));
    return ReferenceTable.over(() -> store, value -> value);
  }

  /** Keeps the latest value of each key; a tombstone deletes it. */
  private static final class Update<V> implements Processor<String, V, Void, Void> {
    private final String storeName;
    private KeyValueStore<String, V> store;

    Update(String storeName) {
      this.storeName = storeName;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
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
    }
  }
}
