package org.linkway.platform.streams;

import java.util.function.Function;
import java.util.function.ToLongFunction;
import java.util.regex.Pattern;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.ContextualFixedKeyProcessor;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
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
 * {@code {party}|{id}}. A state that leaves the service's hot stores ({@link Retention}) is taken out of its list by
 * sending it on with the {@link #removal} headers: what it was is still what its party's list holds, so whatever
 * the list's readers kept from it (its changelog's tail) sees a delete, not a change of the state.
 *
 * <p>Read with {@link StoreQueries#page}, after the {@link #prefix} of the party, on the instance
 * {@code KeyOwners} routes the party's key to.
 *
 * <p>A party may have several lists, one for each value of {@code list} (a provider's offers in each status): an item is
 * kept under {@code {party}|{list}|{order}|{id}}, in one list of its party at a time, and moves from one to another as
 * its {@code list} changes; its index is still {@code {party}|{id}}, so one change is one read of the index, whatever
 * the number of lists.
 *
 * @param store the view's store; its index is {@code {store}-keys}
 * @param party whose list an item belongs in now
 * @param list which of the party's lists it is in now; null for a view of one list per party
 * @param order the item's place in the list, as epoch milliseconds (or any non-negative number)
 * @param newestFirst whether the list runs from the greatest {@code order} down
 * @param id the item's own id, unique within the party
 */
public record PartyView<V extends SpecificRecord>(String store, Function<V, String> party, Function<V, String> list,
    ToLongFunction<V> order, boolean newestFirst, Function<V, String> id) {

  /** A view of one list per party. */
  public PartyView(String store, Function<V, String> party, ToLongFunction<V> order, boolean newestFirst,
      Function<V, String> id) {
    this(store, party, null, order, newestFirst, id);
  }

  /** What comes after a list's prefix in a key (its party's, or of one of its party's lists), and so what a cursor ({@code ?after=}) of the list is. */
  public static final Pattern CURSOR = Pattern.compile("\\d{19}\\|[A-Za-z0-9-]{1,64}");

  /** The header that asks the keeper to take the item out of its party's list, whatever the state says. */
  static final String REMOVE = "linkway-view-removal";

  /** Headers for a state sent on to leave its party's list (it left the hot stores, see {@link Retention}). */
  public static Headers removal() {
    return new RecordHeaders().add(REMOVE, new byte[0]);
  }

  /**
   * {@code headers} without the {@link #removal} header (taken out in place): what a processor does to the headers of a
   * record from outside (a GP system's request) or of an input whose headers it sends on with a state, so that only the
   * platform's own archiving can take an item out of a view.
   */
  public static Headers withoutRemoval(Headers headers) {
    if (headers != null) headers.remove(REMOVE);
    return headers;
  }

  /** Whether a record carries the {@link #removal} headers: a state leaving the views kept from it, not a change of it. */
  public static boolean isRemoval(Headers headers) {
    return headers != null && headers.lastHeader(REMOVE) != null;
  }

  /**
   * The stream without the records sent on to leave their views ({@link #removal}): for a view that keeps what it holds
   * when the state it came from leaves the hot stores (a person's wallet).
   */
  public static <K, V> KStream<K, V> withoutRemovals(KStream<K, V> stream) {
    return stream.processValues(() -> new ContextualFixedKeyProcessor<K, V, V>() {
      @Override
      public void process(FixedKeyRecord<K, V> record) {
        if (!isRemoval(record.headers())) context().forward(record);
      }
    });
  }

  /** The store remembering where each item of each party is in the view. */
  public String indexStore() {
    return store + "-keys";
  }

  /** The start of every key of one party's list. */
  public static String prefix(String party) {
    return party + "|";
  }

  /** The start of every key of one of a party's lists ({@code list}). */
  public static String prefix(String party, String list) {
    return prefix(party) + list + "|";
  }

  /** The item's key in its party's list. */
  public String keyOf(V value) {
    long at = order.applyAsLong(value);
    String start = list == null ? prefix(party.apply(value)) : prefix(party.apply(value), list.apply(value));
    return start + FixedWidth.digits(newestFirst ? Long.MAX_VALUE - at : at, 19) + "|" + id.apply(value);
  }

  /**
   * Keeps the view of the states in {@code byParty}, each keyed by a party whose list it is, or was,
   * in; they are repartitioned by that party as {@code repartition}, so each party's list is in the
   * partition of its key.
   *
   * @return the states as they reach their party's task, for more of the party's views to be kept there
   *     ({@link #keepInTask}), on the instance holding this one
   */
  public KStream<String, V> keep(StreamsBuilder builder, AvroSerdes serdes, Class<V> type, KStream<String, V> byParty,
      String repartition) {
    KStream<String, V> inTask = byParty.repartition(Repartitioned.<String, V>as(repartition)
        .withKeySerde(Serdes.String()).withValueSerde(serdes.forValues(type)));
    keepInTask(builder, serdes, type, inTask);
    return inTask;
  }

  /**
   * Keeps the view of states already in the task of the key they are partitioned by (another view's {@link #keep}
   * returned them), with no repartition of their own: so this view is read on the same instance as that one. Each
   * state comes keyed by a party whose list it is, or was, in.
   */
  public void keepInTask(StreamsBuilder builder, AvroSerdes serdes, Class<V> type, KStream<String, V> byParty) {
    Topologies.addStore(builder, serdes, store, type);
    builder.addStateStore(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(indexStore()), Serdes.String(), Serdes.String()));
    byParty.process(() -> new Keeper<>(this), store, indexStore());
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
      boolean removed = isRemoval(record.headers());
      String now = !removed && party.equals(view.party().apply(value)) ? view.keyOf(value) : null;
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
