package org.linkway.platform.streams;

import java.util.ArrayList;
import java.util.List;
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
 * instance {@code KeyOwners} routes the key to; with a {@link Tally}, the key's running sums are kept beside it, and
 * with {@link Lines}, entries derived from its values, keyed to be read by range. (A list
 * shown in an order that changes: {@link PartyView}.) A value sent on with the {@link PartyView#removal} headers (what
 * it was decided from left the hot stores, {@link Retention}) leaves the view, and what is kept beside it keeps its
 * part ({@link KeptBeside#removed}): running sums do not lose what left.
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
    repartitioned(serdes, type, repartition, byKey).process(() -> new Keeper<>(store, storeKey, List.of()), store);
  }

  /**
   * {@link #keep}, with what is kept {@code beside} the view from its values (running sums: {@link Tally}; entries
   * derived from each value: {@link Lines}); the store keys must be {@code {key}|…}.
   *
   * @return the values as they reach the key's task, for more of the key's views to be kept from in that same task
   *     (so on the instance holding this view, which {@code KeyOwners} routes the key to)
   */
  @SafeVarargs
  public static <V extends SpecificRecord> KStream<String, V> keep(StreamsBuilder builder, AvroSerdes serdes,
      String store, Class<V> type, String repartition, KStream<String, V> byKey, BiFunction<String, V, String> storeKey,
      KeptBeside<V>... beside) {
    Topologies.addStore(builder, serdes, store, type);
    List<KeptBeside<V>> kept = List.of(beside);
    List<String> stores = new ArrayList<>(List.of(store));
    for (KeptBeside<V> b : kept) {
      b.addStores(builder);
      stores.add(b.store());
      stores.add(b.filledStore());
    }
    KStream<String, V> inTask = repartitioned(serdes, type, repartition, byKey);
    inTask.process(() -> new Keeper<>(store, storeKey, kept), stores.toArray(String[]::new));
    return inTask;
  }

  private static <V extends SpecificRecord> KStream<String, V> repartitioned(AvroSerdes serdes, Class<V> type,
      String repartition, KStream<String, V> byKey) {
    return byKey.repartition(Repartitioned.<String, V>as(repartition).withKeySerde(Serdes.String())
        .withValueSerde(serdes.forValues(type)));
  }

  /** Puts each value at its key in the view, and changes what is kept beside it. */
  private static final class Keeper<V> extends ContextualProcessor<String, V, Void, Void> {

    private final String store;
    private final BiFunction<String, V, String> storeKey;
    private final List<KeptBeside<V>> beside;
    private final List<KeyValueStore<String, String>> besideStores = new ArrayList<>();
    private KeyValueStore<String, V> view;

    Keeper(String store, BiFunction<String, V, String> storeKey, List<KeptBeside<V>> beside) {
      this.store = store;
      this.storeKey = storeKey;
      this.beside = beside;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
      super.init(context);
      this.view = context.getStateStore(store);
      for (KeptBeside<V> b : beside) {
        besideStores.add(context.getStateStore(b.store()));
        b.fillOnce(context, store);
      }
    }

    @Override
    public void process(Record<String, V> record) {
      if (record.key() == null || record.value() == null) return;
      String key = storeKey.apply(record.key(), record.value());
      if (PartyView.isRemoval(record.headers())) {
        V was = view.get(key);
        if (was == null) return;
        view.delete(key);
        for (int i = 0; i < beside.size(); i++) beside.get(i).removed(besideStores.get(i), record.key(), was);
        return;
      }
      V before = beside.isEmpty() ? null : view.get(key);
      // put as it comes: Avro's equals fails on a uuid inside a union (FundingState's ledger), so values are not compared
      view.put(key, record.value());
      for (int i = 0; i < beside.size(); i++) beside.get(i).change(besideStores.get(i), record.key(), before, record.value());
    }
  }
}
