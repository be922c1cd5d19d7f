package org.linkway.provider.offers.stream;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.linkway.platform.kafka.AvroSerdes;
import org.linkway.platform.streams.PartyView;
import org.linkway.platform.streams.StoreQueries;
import org.linkway.state.OfferState;
import org.linkway.state.OfferStatus;

/**
 * Each provider's offers, held together by the instance that owns the provider's id: every change of
 * an offer's state is sent on keyed by its provider (and, when the referral was offered to another
 * provider since, keyed by the one it was offered to before, to leave that provider's list) through a
 * repartition topic, and kept here under {@code {providerId}|{offeredAt}|{referralId}}, oldest first.
 * So a provider's queue and inbox are read from one instance by a bounded range, complete whichever
 * instance holds the referrals.
 *
 * <p>In the same task, the provider's offers by status ({@link #BY_STATUS}): each offer is in the list of its
 * provider and status now, {@code {providerId}|{status}|{offeredAt}|{referralId}}, and leaves the list of the status
 * it had (one index for the provider's lists, so a change reads it once). So the offers waiting
 * for an answer, those being worked with, those ended, or those in one status, are each read a page at a time, oldest
 * first or newest first, whatever the provider's history holds in other statuses. And its offers by last change
 * ({@link #CHANGES}), what its streams resumed from a moment send.
 */
public final class ProviderOffers {

  /** The view: {@code {providerId}|{offeredAt, 19 digits}|{referralId}} to the offer's state. */
  public static final PartyView<OfferState> VIEW = new PartyView<>("provider-offers", s -> s.getOffer().getProviderId(),
      s -> s.getOfferedAt().toEpochMilli(), false, s -> s.getReferralId().toString());
  public static final String STORE = VIEW.store();
  /**
   * The provider's offers by status, a list per status: {@code {providerId}|{status}|{offeredAt, 19 digits}|{referralId}}
   * to the offer's state, read in the partition of the provider ({@link #inStatus}, {@link #newestFirst}). (Kept until
   * 2026-12 as {@code provider-offers-by-status}, each change sent to every status list of its provider and indexed
   * by list: that store and its changelog are no longer read; this one is filled from the offers at its first start.)
   */
  public static final PartyView<OfferState> BY_STATUS = new PartyView<>("provider-offers-in-status",
      s -> s.getOffer().getProviderId(), s -> s.getStatus().name(), s -> s.getOfferedAt().toEpochMilli(), false,
      s -> s.getReferralId().toString());
  /**
   * The provider's offers by their last change: {@code {providerId}|{made or last changed status, newest first, 19
   * digits}|{referralId}} ({@link OfferFeed#changedAt}), so that "what changed after a moment" is the start of the
   * provider's range, read a page at most ({@link #changedLately}: what a provider's stream resumed from a moment
   * sends), not the whole list.
   */
  public static final PartyView<OfferState> CHANGES = new PartyView<>("provider-changes", s -> s.getOffer().getProviderId(),
      s -> OfferFeed.changedAt(s).toEpochMilli(), true, s -> s.getReferralId().toString());
  /** Waiting for the provider's answer. */
  public static final List<OfferStatus> OPEN = List.of(OfferStatus.OFFERED);
  /** Accepted (or being accepted, while the budget decides): the people the provider is working with. */
  public static final List<OfferStatus> ACTIVE = List.of(OfferStatus.ACCEPTING, OfferStatus.ACCEPTED);
  /** Every other status: finished, declined, cancelled, withdrawn. */
  public static final List<OfferStatus> ENDED = Arrays.stream(OfferStatus.values())
      .filter(s -> !OPEN.contains(s) && !ACTIVE.contains(s)).toList();
  /** Per task, whether the offers stored before the view have been sent to it ({@code ViewFill}). */
  static final String FILLED = "offer-view-filled";

  private ProviderOffers() {}

  /**
   * The offer as its provider's lists keep it: its state without what only its decider reads (the ids of the commands
   * it applied, the commands it remembers for their idempotency keys, an accept waiting for the budget), which grows
   * with every command and would otherwise be written again into each of the three lists, and the repartition topic
   * before them, at every change. Nothing that reads a list (the queue, the inbox, the streams) reads those.
   */
  static OfferState listed(OfferState state) {
    if (state.getProcessedCommandIds().isEmpty() && state.getRememberedCommands().isEmpty()
        && state.getPendingAccept() == null) {
      return state;
    }
    // the constructor, not a builder: a builder copies every field deeply, and the rest is shared as it is
    return new OfferState(state.getReferralId(), state.getStatus(), state.getOffer(), state.getOfferedAt(),
        state.getDeclinedBy(), state.getSessionsAttended(), List.of(), state.getSessionsMissed(), state.getMissedInARow(),
        state.getRespondBy(), state.getReminded(), state.getBaseline(), null, state.getAccepted(), List.of(),
        state.getDeclineReason(), state.getChangedAt(), state.getPrescriptions());
  }

  /** The start of the keys of a provider's list of its offers in one status. */
  static String list(String providerId, OfferStatus status) {
    return PartyView.prefix(providerId, status.name());
  }

  /** Keeps the views of the offer states the {@link OfferProcessor} sends on, keyed by provider (the rest ignored). */
  static void keep(StreamsBuilder builder, AvroSerdes serdes, KStream<String, SpecificRecord> outputs) {
    KStream<String, OfferState> states = outputs.filter((providerId, value) -> value instanceof OfferState)
        .mapValues(value -> (OfferState) value);
    KStream<String, OfferState> inProvidersTask = VIEW.keep(builder, serdes, OfferState.class, states, "offers-by-provider");
    BY_STATUS.keepInTask(builder, serdes, OfferState.class, inProvidersTask);
    CHANGES.keepInTask(builder, serdes, OfferState.class, inProvidersTask);
  }

  /**
   * The provider's {@code limit} most recently changed offers, newest change first, as they are now: one bounded range
   * of its offers by last change ({@link #CHANGES}) on the instance that holds it, never the whole list.
   */
  public static List<OfferState> changedLately(StoreQueries stores, String providerId, int limit) {
    return stores.<OfferState>page(CHANGES.store(), providerId, PartyView.prefix(providerId), null, limit, s -> true).values();
  }

  /** One page of the provider's offers in one status, oldest first, after the cursor {@code after} (null: the first). */
  public static StoreQueries.Page<OfferState> inStatus(StoreQueries stores, String providerId, OfferStatus status,
      String after, int limit) {
    return stores.page(BY_STATUS.store(), providerId, list(providerId, status), after, limit, s -> true);
  }

  /** Reads one list of {@link #BY_STATUS} newest first, from after a cursor, for as long as {@code action} says. */
  @FunctionalInterface
  public interface NewestFirst {
    void scan(String prefix, String after, BiPredicate<String, OfferState> action);

    /** The provider's lists, read on the instance that holds them ({@link StoreQueries#scan}). */
    static NewestFirst of(StoreQueries stores, String providerId) {
      return (prefix, after, action) -> stores.scan(BY_STATUS.store(), providerId, prefix, after, true, action);
    }
  }

  /**
   * One page of the provider's offers in any of {@code statuses}, newest offer first, after the cursor {@code after}
   * (null: the first); the page's cursor is its last offer's, whichever list it came from. Each status's list is read
   * from the cursor for at most a page and one, so a page costs its size times the number of statuses.
   */
  public static StoreQueries.Page<OfferState> newestFirst(NewestFirst lists, String providerId,
      Collection<OfferStatus> statuses, String after, int limit) {
    if (limit < 1) throw new IllegalArgumentException("a page holds at least one offer");
    List<Map.Entry<String, OfferState>> found = new ArrayList<>();
    for (OfferStatus status : statuses) {
      int[] read = {0};
      lists.scan(list(providerId, status), after, (cursor, state) -> {
        found.add(Map.entry(cursor, state));
        return ++read[0] <= limit;
      });
    }
    found.sort(Map.Entry.<String, OfferState>comparingByKey(Comparator.reverseOrder()));
    if (found.size() <= limit) return new StoreQueries.Page<>(found.stream().map(Map.Entry::getValue).toList(), null);
    List<Map.Entry<String, OfferState>> page = found.subList(0, limit);
    return new StoreQueries.Page<>(page.stream().map(Map.Entry::getValue).toList(), page.get(limit - 1).getKey());
  }
}
