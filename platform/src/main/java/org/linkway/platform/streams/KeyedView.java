package org.linkway.platform.streams;

import java.util.function.BiFunction;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.linkway.platform.kafka.AvroSerdes;

/**
 * A view of values kept by another key than the one they are decided under (a commissioner's referrals, a
 * person's wallet): each value, sent on keyed by the view's key, goes through a repartition topic (in the
 * same transaction as what produced it) to the task of that key, and is kept in the view's store under the
 * key {@code storeKey} gives, replacing the one there. So the instance owning a key holds everything of that
 * key, and answers it with one prefix read ({@link StoreQueries#withPrefix(String, String, String)}), on the
 * instance {@code KeyOwners} routes the key to; with a {@link Tally}, the key's running sums are kept beside it. (A list
 * shown in an order that changes: {@link PartyView}.)
 */
public final class KeyedView {

  private KeyedView() {}

  /**
   * Keeps {@code byKey}'s values in {@code store}, each under {@code storeKey(key, value)}, which must start
   * with the key; {@code repartition} names the topic they go through.
   */
  public static <V extends SpecificRecord> void keep(StreamsBuilder builder, AvroSerdes serdes, String store, Class<V> type,
      String repartition, KStream<String, V> byKey, BiFunction<String, V, String> storeKey) {
    Topologies.addStore(builder, serdes, store, type);
    repartitioned(serdes, type, repartition, byKey).process(() -> new Keeper<>(store, storeKey, null), store);
  }

  /**
   * {@link #keep}, with running sums of the key's values kept beside the view ({@link Tally}); the store keys
   * must be {@code {key}|…}.
   *
   * @return the values as they reach the key's task, for more of the key's views to be kept from in that same task
   *     (so on the instance holding this view, which {@code KeyOwners} routes the key to)
   */
  public static <V extends SpecificRecord> KStream<String, V> keep(StreamsBuilder builder, AvroSerdes serdes, String store,
      Class<V> type, String repartition, KStream<String, V> byKey, BiFunction<String, V, String> storeKey, Tally<V> tally) {
    Topologies.addStore(builder, serdes, store, type);
    tally.addStores(builder);
    KStream<String, V> inTask = repartitioned(serdes, type, repartition, byKey);
    inTask.process(() -> new Keeper<>(store, storeKey, tally), store, tally.store(), tally.filledStore());
    return inTask;
  }

  private static <V extends SpecificRecord> KStream<String, V> repartitioned(AvroSerdes serdes, Class<V> type,
      String repartition, KStream<String, V> byKey) {
    return byKey.repartition(Repartitioned.<String, V>as(repartition).withKeySerde(Serdes.String())
        .withValueSerde(serdes.forValues(type)));
  }

  /** Puts each value at its key in the view. */
  private static final class Keeper<V> extends ContextualProcessor<String, V, Void, Void> {

    private final String store;
    private final BiFunction<String, V, String> storeKey;
    private final Tally<V> tally;
    private KeyValueStore<String, V> view;
    private Tally<V>.Kept sums;

    /** @param tally the running sums kept beside the view, or null */
    Keeper(String store, BiFunction<String, V, String> storeKey, Tally<V> tally) {
      this.store = store;
      this.storeKey = storeKey;
      this.tally = tally;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
      super.init(context);
      this.view = context.getStateStore(store);
      if (tally != null) this.sums = tally.keep(context, store, Tally::keyBeforeBar);
    }

    @Override
    public void process(Record<String, V> record) {
      if (record.key() == null || record.value() == null) return;
      String key = storeKey.apply(record.key(), record.value());
      V before = tally == null ? null : view.get(key);
      // put as it comes: Avro's equals fails on a uuid inside a union (FundingState's ledger), so values are not compared
      view.put(key, record.value());
      if (tally != null) sums.change(record.key(), before, record.value());
    }
  }
}
