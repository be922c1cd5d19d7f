package org.linkway.platform.streams;

import java.util.List;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.linkway.platform.kafka.AvroSerdes;

/**
 * A list kept keyed by the party that reads it (a provider's offers, a practice's referrals), so that
 * the instance owning the party's key holds the whole list and answers it with a bounded range: each
 * state is sent on keyed by its party through a repartition topic (in the same transaction as the
 * state itself), and kept under {@code {party}|{order}|{id}}, {@code order} a fixed-width number so
 * that the keys sort as the list is shown (oldest or newest first). A state whose order changes (an
 * offer made again) moves, and one sent to a party it no longer belongs to (an offer now another
 * provider's) leaves that party's list: a second store remembers each item's key under
 * {@code {party}|{id}}.
 *
 * <p>Read with {@link StoreQueries#page}, after the {@link #prefix} of the party, on the instance
 * {@code KeyOwners} routes the party's key to.
 *
 * @param store the view's store; its index is {@code {store}-keys}
 * @param party whose list an item belongs in now
 * @param order the item's place in the list, as epoch milliseconds (or any non-negative number)
 * @param newestFirst whether the list runs from the greatest {@code order} down
 * @param id the item's own id, unique within the party
 */
public record PartyView<V extends SpecificRecord>(String store, Function<V, String> party, ToLongFunction<V> order,
    boolean newestFirst, Function<V, String> id) {

  /** What comes after a party's prefix in a key, and so what a cursor ({@code ?after=}) of the list is. */
  public static final Pattern CURSOR = Pattern.compile("\\d{19}\\|[A-Za-z0-9-]{1,64}");

  /** The store remembering where each item of each party is in the view. */
  public String indexStore() {
    return store + "-keys";
  }

  /** The start of every key of one party's list. */
  public static String prefix(String party) {
    return party + "|";
  }

  /** The item's key in its party's list. */
  public String keyOf(V value) {
    long at = order.applyAsLong(value);
    return prefix(party.apply(value)) + String.format("%019d", newestFirst ? Long.MAX_VALUE - at : at) + "|" + id.apply(value);
  }

  /**
   * Keeps the view of the states in {@code byParty}, each keyed by a party whose list it is, or was,
   * in; they are repartitioned by that party as {@code repartition}, so each party's list is in the
   * partition of its key.
   */
  public void keep(StreamsBuilder builder, AvroSerdes serdes, Class<V> type, KStream<String, V> byParty, String repartition) {
    keep(builder, serdes, type, byParty, repartition, List.of());
  }

  /**
   * Keeps this view and {@code beside}, other views of the same states by the same parties (in another order), from
   * one repartition of {@code byParty}: each in its own stores, in the same task as this one.
   */
  public void keep(StreamsBuilder builder, AvroSerdes serdes, Class<V> type, KStream<String, V> byParty, String repartition,
      List<PartyView<V>> beside) {
    KStream<String, V> repartitioned = byParty.repartition(
        Repartitioned.<String, V>as(repartition).withKeySerde(Serdes.String()).withValueSerde(serdes.forValues(type)));
    for (PartyView<V> view : Stream.concat(Stream.of(this), beside.stream()).toList()) {
      Topologies.addStore(builder, serdes, view.store(), type);
      builder.addStateStore(Stores.keyValueStoreBuilder(
          Stores.persistentKeyValueStore(view.indexStore()), Serdes.String(), Serdes.String()));
      repartitioned.process(() -> new Keeper<>(view), view.store(), view.indexStore());
    }
  }

  /** Puts each state in its party's list at its place, taking it out of where it was. */
  static final class Keeper<V extends SpecificRecord> extends ContextualProcessor<String, V, Void, Void> {

    private final PartyView<V> view;
    private KeyValueStore<String, V> items;
    private KeyValueStore<String, String> index;

    Keeper(PartyView<V> view) {
      this.view = view;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
      super.init(context);
      this.items = context.getStateStore(view.store());
      this.index = context.getStateStore(view.indexStore());
    }

    @Override
    public void process(Record<String, V> record) {
      String party = record.key();
      V value = record.value();
      if (party == null || value == null) return;
      String indexKey = prefix(party) + view.id().apply(value);
      String was = index.get(indexKey);
      String now = party.equals(view.party().apply(value)) ? view.keyOf(value) : null;
      if (was != null && !was.equals(now)) items.delete(was);
      if (now == null) {
        if (was != null) index.delete(indexKey);
        return;
      }
      items.put(now, value);
      if (!now.equals(was)) index.put(indexKey, now);
    }
  }
}
