package org.linkway.provider.offers.stream;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.linkway.events.BudgetRequest;
import org.linkway.events.ProviderEvent;
import org.linkway.platform.observability.ReferralTraces;
import org.linkway.platform.streams.Decisions;
import org.linkway.platform.streams.ViewFill;
import org.linkway.provider.offers.domain.OfferLifecycle;
import org.linkway.state.OfferState;
import org.linkway.state.OfferStatus;

/**
 * Runs the offer's lifecycle ({@link OfferLifecycle}) for the referrals of one stream task. Inputs, all keyed by
 * referralId: offers, the referrer's cancel ({@code CancelRequested}) and the referral's cancellation from
 * {@code referrals}, the providers' commands from {@code provider-commands}, the commissioner's budget's answers to an
 * acceptance from {@code budget-decisions}, and the offer's reminder and expiry as they fall due (checked on the wall
 * clock). Output: what it decides, to {@code provider-events}; its requests to the budget, to {@code budget-requests}
 * (keyed by commissioner); its answer to each command, to {@code provider-service-replies} ({@link Decisions}), an
 * acceptance once the budget has decided; and each new state, to its provider's list ({@link ProviderOffers}). One
 * referral's inputs are handled one at a time, in order.
 */
public final class OfferProcessor extends ContextualProcessor<String, SpecificRecord, String, SpecificRecord> {

  public static final String STORE = "offer-state";
  /** When something is due: "{epoch millis}|{R reminder or E expiry}|{referralId}|{attempt}", ordered by time. */
  static final String DEADLINES = "offer-deadlines";
  /** Each referral's trace ({@link ReferralTraces}): the provider's decisions and the deadlines' events carry it. */
  static final String TRACES = "offer-traces";
  /** An offer in one of these has nothing more happening to it until (after a decline) the referral is offered again. */
  private static final Set<OfferStatus> ENDED = EnumSet.of(OfferStatus.DECLINED, OfferStatus.COMPLETED,
      OfferStatus.CANCELLED, OfferStatus.WITHDRAWN);

  private final OfferLifecycle lifecycle;
  private final Duration checkEvery;
  private KeyValueStore<String, OfferState> store;
  private KeyValueStore<String, String> deadlines;
  private ReferralTraces traces;
  private OpenOffers open;

  OfferProcessor(OfferLifecycle lifecycle, Duration checkEvery) {
    this.lifecycle = lifecycle;
    this.checkEvery = checkEvery;
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    super.init(context);
    this.store = context.getStateStore(STORE);
    this.deadlines = context.getStateStore(DEADLINES);
    this.traces = new ReferralTraces(context.getStateStore(TRACES));
    this.open = OpenOffers.in(context, STORE, ProviderOffers.FILLED);
    // the providers' views, each filled once from the offers held before it (sent again, each keeps what it lacks)
    for (String view : List.of(ProviderOffers.STORE, ProviderOffers.BY_STATUS.store())) {
      ViewFill.<OfferState>once(context, ProviderOffers.FILLED, view, STORE,
          (referralId, state) -> toProviderList(state.getOffer().getProviderId(), state));
    }
    context.schedule(checkEvery, PunctuationType.WALL_CLOCK_TIME, this::dueBy);
  }

  /**
   * Keeps the offer's state, and sends it on to its provider's list ({@link ProviderOffers}); when
   * the referral was offered to another provider before, to that provider's too, for it to leave that list.
   * An offer made, or one whose status changed, is stamped with the moment ({@code changedAt}): a new event
   * of the provider's live stream, which follows the list's changelog ({@link OfferFeed}).
   */
  private void save(String referralId, OfferState changed) {
    OfferState before = store.get(referralId);
    OfferState state = isNewEvent(before, changed)
        ? OfferState.newBuilder(changed).setChangedAt(Instant.ofEpochMilli(context().currentSystemTimeMs())).build()
        : changed;
    store.put(referralId, state);
    open.change(before, state);
    String provider = state.getOffer().getProviderId();
    String previous = before == null ? null : before.getOffer().getProviderId();
    if (previous != null && !previous.equals(provider)) toProviderList(previous, state);
    toProviderList(provider, state);
  }

  /** Whether the change is one the provider's stream tells: a new offer (a new attempt), or a new status. */
  private static boolean isNewEvent(OfferState before, OfferState after) {
    return before == null || before.getStatus() != after.getStatus()
        || before.getOffer().getAttempt() != after.getOffer().getAttempt();
  }

  private void toProviderList(String providerId, OfferState state) {
    context().forward(new Record<String, SpecificRecord>(providerId, state, context().currentSystemTimeMs()));
  }

  /** Reminders at half-time and expiries at the deadline, for every offer whose moment has come. */
  private void dueBy(long now) {
    List<String> due = new ArrayList<>();
    try (KeyValueIterator<String, String> it = deadlines.range("0", String.format("%013d|~", now))) {
      it.forEachRemaining(kv -> due.add(kv.key));
    }
    for (String key : due) {
      deadlines.delete(key);
      String[] parts = key.split("\\|");
      int attempt = Integer.parseInt(parts[3]);
      OfferLifecycle.Input input = parts[1].equals("E")
          ? new OfferLifecycle.ExpiryDue(attempt) : new OfferLifecycle.ReminderDue(attempt);
      decide(new Record<>(parts[2], null, now), input, true);
    }
  }

  private void scheduleDeadlines(OfferState offer) {
    if (offer.getRespondBy() == null) return;
    long respondBy = offer.getRespondBy().toEpochMilli();
    long half = offer.getOfferedAt().toEpochMilli() + (respondBy - offer.getOfferedAt().toEpochMilli()) / 2;
    String suffix = "|" + offer.getReferralId() + "|" + offer.getOffer().getAttempt();
    deadlines.put(String.format("%013d|R", half) + suffix, "");
    deadlines.put(String.format("%013d|E", respondBy) + suffix, "");
  }

  @Override
  public void process(Record<String, SpecificRecord> record) {
    OfferLifecycle.Input.of(record.value()).ifPresent(input -> decide(record, input, false));
  }

  /**
   * Reads the offer's state, decides the input ({@link OfferLifecycle}), keeps the state its events evolve to and
   * writes what they write, ask and answer: events at the instant they occurred, or (a deadline's, {@code due}) at the
   * moment it was found due. An offer open to its provider's answer has its reminder and expiry scheduled.
   */
  private void decide(Record<String, SpecificRecord> input, OfferLifecycle.Input decided, boolean due) {
    String referralId = input.key();
    OfferState before = store.get(referralId);
    List<OfferLifecycle.Event> events = lifecycle.decide(decided, before);
    if (events.isEmpty()) return;
    OfferState after = lifecycle.evolve(before, events);
    // the offer's trace becomes the referral's here, if it is the first
    Record<String, SpecificRecord> record = events.stream().anyMatch(OfferLifecycle::traced)
        ? input.withHeaders(traces.of(referralId, input.headers())) : input;
    if (after != null && after != before) save(referralId, after);
    for (OfferLifecycle.Event event : events) {
      OfferLifecycle.written(event).ifPresent(written -> write(record, written, due));
      OfferLifecycle.asked(event).ifPresent(request -> ask(record, before, request));
      OfferLifecycle.answer(event, after).ifPresent(reply -> context().forward(Decisions.reply(input, reply)));
    }
    if (events.stream().anyMatch(event -> OfferLifecycle.awaitsAnswer(event, after))) scheduleDeadlines(after);
    // ended by this input: its events went with the trace above; nothing more happens to the offer here
    if (after != null && ENDED.contains(after.getStatus())) traces.forget(referralId);
  }

  private void write(Record<String, SpecificRecord> record, ProviderEvent event, boolean due) {
    Record<String, SpecificRecord> written = record.withValue(event);
    context().forward(due ? written : written.withTimestamp(event.getMetadata().getOccurredAt().toEpochMilli()));
  }

  /** A request to the commissioner's budget of the offer, keyed by the commissioner. */
  private void ask(Record<String, SpecificRecord> record, OfferState offer, BudgetRequest request) {
    context().forward(record.withKey(offer.getOffer().getCommissioner()).withValue((SpecificRecord) request)
        .withTimestamp(request.getMetadata().getOccurredAt().toEpochMilli()));
  }
}
