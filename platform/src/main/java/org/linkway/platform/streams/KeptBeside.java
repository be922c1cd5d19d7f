package org.linkway.platform.streams;

import java.util.List;
import java.util.function.UnaryOperator;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * Something kept beside a {@link KeyedView} in a text store of its own, from the view's values: running sums
 * ({@link Tally}) or entries derived from each value ({@link Lines}). When the view's value under a store key changes,
 * the view's keeper hands the old value and the new one to {@link #change}, in the transaction that changed the view,
 * so what is kept is always what the values the view holds now make. Its store keys start {@code {key}|}, the key
 * of the view's value, so that a key's part is in the key's partition and read with one prefix or range.
 *
 * <p>A value taken out of the view by a removal ({@link PartyView#removal}) is not a change of it: what is kept beside
 * keeps its part ({@link #removed}), so running sums keep the figures of what left the hot stores.
 *
 * <p>One added to a view that already holds values is filled from them once per task, a second after the task
 * first starts with it: its store is emptied and rebuilt from the view, and a per-task store remembers it was done.
 * So one added after values were removed from the view counts only those it still holds.
 */
public interface KeptBeside<V> {

  /** Its store: text keys ({@code {key}|…}) to text values. */
  String store();

  /** Takes {@code before}'s part of the key's entries away and adds {@code after}'s; either may be null. */
  void change(KeyValueStore<String, String> kept, String key, V before, V after);

  /**
   * What a value taken out of the view by a removal ({@link PartyView#removal}: it left the hot stores, {@link Retention})
   * leaves here: by default nothing, its part stays as it was, since it is not a change of the value. One that keeps
   * what left ({@link Tally#ofRemoved}) adds it.
   */
  default void removed(KeyValueStore<String, String> kept, String key, V value) {}

  /** The per-task store that remembers it was filled from its view. */
  default String filledStore() {
    return store() + "-filled";
  }

  /**
   * Its store and the store remembering the fill, to connect to the view's keeper. Its store is cached: a running
   * sum's cell (a commissioner's day, a provider's month) changes with every value of the view under it, and a
   * cached store writes it to RocksDB and its changelog once per commit, not once per change (no stream follows
   * these changelogs; the views' own stores, which the live streams follow, are not cached).
   */
  default void addStores(StreamsBuilder builder) {
    builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(store()), Serdes.String(), Serdes.String())
        .withCachingEnabled());
    ViewFill.addStore(builder, filledStore());
  }

  /**
   * Once per task, a second after its first start with this: its store rebuilt from {@code view} (each store key
   * {@code {key}|…}). Call from the keeper's {@code init}, with both stores connected to it.
   */
  default void fillOnce(ProcessorContext<?, ?> context, String view) {
    fillOnce(context, view, KeptBeside::keyOf);
  }

  /**
   * {@link #fillOnce(ProcessorContext, String)} from any store of the processor ({@code source}), each of whose
   * entries counts under the key {@code keyOf} gives for its store key (a processor keeping sums beside its own
   * store: one key for the task).
   */
  default void fillOnce(ProcessorContext<?, ?> context, String source, UnaryOperator<String> keyOf) {
    KeyValueStore<String, String> kept = context.getStateStore(store());
    ViewFill.<V>once(context, filledStore(), store(), source, List.of(kept),
        (key, value) -> change(kept, keyOf.apply(key), null, value));
  }

  /** The start of every store key of {@code key}. */
  static String prefix(String key) {
    return key + "|";
  }

  /** The key of the view's value a store key of the view belongs to: what comes before its first {@code |}. */
  static String keyOf(String storeKey) {
    int bar = storeKey.indexOf('|');
    if (bar < 0) throw new IllegalStateException("a view's store keys are {key}|…: " + storeKey);
    return storeKey.substring(0, bar);
  }
}
