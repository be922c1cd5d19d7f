package org.linkway.provider.offers.stream;

import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.linkway.platform.streams.FixedWidth;
import org.linkway.platform.streams.StoreQueries;
import org.linkway.platform.streams.ViewFill;
import org.linkway.state.OfferState;
import org.linkway.state.OfferStatus;

/**
 * The offers waiting for their provider's answer, kept by each task of the {@link OfferProcessor} as it changes
 * them, for the gauges ({@code OfferMetrics}): how many wait, and since when the oldest has. Each task keeps its open
 * offers by the moment they were made ({@value #SINCE}: {@code {offeredAt, 19 digits}|{referralId}}) and its two
 * figures ({@value #FIGURES}: {@code count} and {@code oldest}, epoch millis), so that a scrape reads two figures per
 * task instead of every offer. Filled once per task from the offers the task held before, a second after its first
 * start with them (rebuilt whole, so a change made in that second is not counted twice).
 */
final class OpenOffers {

  static final String SINCE = "offers-open-since";
  static final String FIGURES = "offers-open";
  private static final String COUNT = "count";
  private static final String OLDEST = "oldest";

  /** What a scrape reads: how many offers wait over this instance's tasks, and since when the oldest has (or null). */
  record Open(long count, Instant oldest) {}

  private final KeyValueStore<String, String> since;
  private final KeyValueStore<String, Long> figures;

  private OpenOffers(KeyValueStore<String, String> since, KeyValueStore<String, Long> figures) {
    this.since = since;
    this.figures = figures;
  }

  static void addStores(StreamsBuilder builder) {
    builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SINCE), Serdes.String(), Serdes.String()));
    builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(FIGURES), Serdes.String(), Serdes.Long()));
  }

  /**
   * The open offers of the processor's task, filled once from {@code offers} (its store of offer states); call from
   * {@code init}, with both stores, {@code offers} and {@code filledStore} connected.
   */
  static OpenOffers in(ProcessorContext<?, ?> context, String offers, String filledStore) {
    OpenOffers open = new OpenOffers(context.getStateStore(SINCE), context.getStateStore(FIGURES));
    ViewFill.<OfferState>once(context, filledStore, FIGURES, offers, List.of(open.since, open.figures),
        (referralId, state) -> open.change(null, state));
    return open;
  }

  /** An offer changed from {@code before} (null: new) to {@code after}. */
  void change(OfferState before, OfferState after) {
    boolean was = isOpen(before);
    boolean is = isOpen(after);
    if (was) since.delete(keyOf(before));
    if (is) since.put(keyOf(after), "");
    if (was == is && (!was || keyOf(before).equals(keyOf(after)))) return;
    long count = figures.get(COUNT) == null ? 0 : figures.get(COUNT);
    figures.put(COUNT, count - (was ? 1 : 0) + (is ? 1 : 0));
    try (KeyValueIterator<String, String> first = since.all()) {
      if (first.hasNext()) figures.put(OLDEST, Long.parseLong(first.next().key.substring(0, 19)));
      else figures.delete(OLDEST);
    }
  }

  /** The figures over the tasks this instance runs. */
  static Open here(StoreQueries stores) {
    long[] count = {0};
    Long[] oldest = {null};
    stores.<Long>forEachEntry(FIGURES, (figure, value) -> {
      if (figure.equals(COUNT)) count[0] += value;
      else if (oldest[0] == null || value < oldest[0]) oldest[0] = value;
    });
    return new Open(count[0], oldest[0] == null ? null : Instant.ofEpochMilli(oldest[0]));
  }

  private static boolean isOpen(OfferState state) {
    return state != null && state.getStatus() == OfferStatus.OFFERED;
  }

  private static String keyOf(OfferState state) {
    return FixedWidth.digits(state.getOfferedAt().toEpochMilli(), 19) + "|" + state.getReferralId();
  }
}
