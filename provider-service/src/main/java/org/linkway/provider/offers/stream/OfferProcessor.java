package org.linkway.provider.offers.stream;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.linkway.commands.ProviderCommand;
import org.linkway.events.BudgetRequest;
import org.linkway.events.CancelRefused;
import org.linkway.events.ProviderEvent;
import org.linkway.platform.kafka.Events;
import org.linkway.platform.observability.ReferralTraces;
import org.linkway.platform.streams.Decisions;
import org.linkway.platform.streams.FixedWidth;
import org.linkway.platform.streams.PartyView;
import org.linkway.platform.streams.Retention;
import org.linkway.platform.streams.RetentionSettings;
import org.linkway.platform.streams.ViewFill;
import org.linkway.provider.ProviderServiceApplication;
import org.linkway.provider.offers.domain.OfferLifecycle;
import org.linkway.replies.CommandReply;
import org.linkway.state.OfferState;
import org.linkway.state.OfferStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the offer's lifecycle ({@link OfferLifecycle}) for the referrals of one stream task. Inputs, all keyed by
 * referralId: offers, the referrer's cancel ({@code CancelRequested}) and the referral's cancellation from
 * {@code referrals}, the providers' commands from {@code provider-commands}, the commissioner's budget's answers to an
 * acceptance from {@code budget-decisions}, and the offer's reminder and expiry as they fall due (checked on the wall
 * clock). Output: what it decides, to {@code provider-events}; its requests to the budget, to {@code budget-requests}
 * (keyed by commissioner); its answer to each command, to {@code provider-service-replies} ({@link Decisions}), an
 * acceptance once the budget has decided; and each new state, to its provider's list ({@link ProviderOffers}). One
 * referral's inputs are handled one at a time, in order.
 *
 * <p>What has ended does not stay ({@link Retention}, {@link RetentionSettings}): {@code linkway.retention.ended} after
 * its end (its last change of status: declined, completed, cancelled, withdrawn) an offer leaves {@link #STORE} and its
 * provider's lists, leaving a short note in {@link #ARCHIVE} ({@link ArchivedOffer}), dropped
 * {@code linkway.retention.identities} after the end. An offer declined by its provider and then made again (to it or
 * another) is live again, and its note of the end taken back. Archiving is not a change of the offer: the open offers'
 * figures ({@link OpenOffers}) keep it (an ended offer is not open), and its history stays on the log. An input for an
 * archived offer decides nothing ({@link #archivedInput}), and makes no state of it.
 */
public final class OfferProcessor extends ContextualProcessor<String, SpecificRecord, String, SpecificRecord> {

  private static final Logger log = LoggerFactory.getLogger(OfferProcessor.class);

  public static final String STORE = "offer-state";
  /** When something is due: "{epoch millis}|{R reminder or E expiry}|{referralId}|{attempt}", ordered by time. */
  static final String DEADLINES = "offer-deadlines";
  /** Each referral's trace ({@link ReferralTraces}): the provider's decisions and the deadlines' events carry it. */
  static final String TRACES = "offer-traces";
  /** The offers ended, by when ({@link Retention}): each leaves the hot stores {@code linkway.retention.ended} after. */
  static final String ENDED_INDEX = "offer-ended";
  /** The offers archived, by when they ended: each one's {@link #ARCHIVE} note goes {@code linkway.retention.identities} after. */
  static final String ARCHIVE_DUE = "offer-archive-due";
  /** What is kept of an offer archived, by referralId ({@link ArchivedOffer}). */
  public static final String ARCHIVE = "offer-archive";
  /** An offer in one of these has nothing more happening to it until (after a decline) the referral is offered again. */
  private static final Set<OfferStatus> ENDED = EnumSet.of(OfferStatus.DECLINED, OfferStatus.COMPLETED,
      OfferStatus.CANCELLED, OfferStatus.WITHDRAWN);

  private final OfferLifecycle lifecycle;
  private final Duration checkEvery;
  private final Retention hot;
  private final Retention notes;
  private KeyValueStore<String, OfferState> store;
  private KeyValueStore<String, String> ended;
  private KeyValueStore<String, String> archiveDue;
  private KeyValueStore<String, String> archive;
  private KeyValueStore<String, String> deadlines;
  private ReferralTraces traces;
  private OpenOffers open;

  /** {@code retention}: how long what ended stays, and its archive note after it. */
  OfferProcessor(OfferLifecycle lifecycle, Duration checkEvery, RetentionSettings retention) {
    this.lifecycle = lifecycle;
    this.checkEvery = checkEvery;
    this.hot = new Retention(ENDED_INDEX, retention.ended());
    this.notes = new Retention(ARCHIVE_DUE, retention.identities());
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    super.init(context);
    this.store = context.getStateStore(STORE);
    this.deadlines = context.getStateStore(DEADLINES);
    this.traces = ReferralTraces.in(context, TRACES);
    this.open = OpenOffers.in(context, STORE, ProviderOffers.FILLED);
    // the providers' views, each filled once from the offers held before it (sent again, each keeps what it lacks; a
    // view added later, as the offers by last change and the lists by status renamed in 2026-12 were, sends each offer
    // once more to a provider stream open at that first start)
    for (String view : List.of(ProviderOffers.STORE, ProviderOffers.BY_STATUS.store(),
        ProviderOffers.CHANGES.store())) {
      ViewFill.<OfferState>once(context, ProviderOffers.FILLED, view, STORE,
          (referralId, state) -> toProviderList(state.getOffer().getProviderId(), state));
    }
    context.schedule(checkEvery, PunctuationType.WALL_CLOCK_TIME, this::dueBy);
    this.ended = context.getStateStore(ENDED_INDEX);
    this.archiveDue = context.getStateStore(ARCHIVE_DUE);
    this.archive = context.getStateStore(ARCHIVE);
    hot.<OfferState>fillOnce(context, ProviderOffers.FILLED, STORE, OfferProcessor::endedAt, s -> "");
    // one punctuation, archiving before dropping notes, so that an offer whose two times come in one sweep goes whole
    context.schedule(hot.every(), PunctuationType.WALL_CLOCK_TIME, now -> sweep(Instant.ofEpochMilli(now)));
  }

  /** Archives the offers ended long enough ago, then drops the archive notes of those ended long enough ago. */
  void sweep(Instant now) {
    hot.sweep(ended, now, (referralId, endedAt, nothing) -> archive(referralId, now));
    notes.sweep(archiveDue, now, (referralId, endedAt, nothing) -> {
      String note = archive.get(referralId);
      // the note of this end only: an offer made again since and archived again has a later one
      if (note != null && ArchivedOffer.parse(note).endedAt().equals(endedAt)) archive.delete(referralId);
    });
  }

  /**
   * The offer leaves the state store and its provider's lists, and a note of it is kept: not a change of the offer, so
   * the open offers' figures and its stream are as they were.
   */
  private void archive(String referralId, Instant now) {
    OfferState state = store.get(referralId);
    Optional<Instant> endedAt = state == null ? Optional.empty() : endedAt(state);
    if (endedAt.isEmpty()) return;
    store.delete(referralId);
    String provider = state.getOffer().getProviderId();
    context().forward(new Record<String, SpecificRecord>(provider, ProviderOffers.listed(state),
        context().currentSystemTimeMs(), PartyView.removal()));
    archive.put(referralId, new ArchivedOffer(endedAt.get(), now, state.getStatus().name(), provider,
        state.getOffer().getServiceId(), state.getOffer().getAttempt()).text());
    notes.ended(archiveDue, endedAt.get(), referralId, "");
  }

  /** When the offer ended: its last change, in a status nothing more happens in; empty while it is live. */
  static Optional<Instant> endedAt(OfferState state) {
    return ENDED.contains(state.getStatus()) ? Optional.of(OfferFeed.changedAt(state)) : Optional.empty();
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
    Optional<Instant> wasEnded = before == null ? Optional.empty() : endedAt(before);
    Optional<Instant> isEnded = endedAt(state);
    if (!wasEnded.equals(isEnded)) {
      // ended, or ended otherwise (declined, then cancelled), or live again (declined, then offered again)
      wasEnded.ifPresent(at -> hot.reopened(ended, at, referralId));
      isEnded.ifPresent(at -> hot.ended(ended, at, referralId, ""));
    }
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

  /**
   * The answer with the offer as its provider's lists keep it ({@link ProviderOffers#listed}): the caller is answered
   * with a view of the offer, which reads none of the decider's bookkeeping, so the replies topic carries none of it.
   */
  private static CommandReply listed(CommandReply reply) {
    return reply.getDecided() instanceof OfferState decided ? new CommandReply(reply.getCommandId(), reply.getRefusal(),
        ProviderOffers.listed(decided), reply.getIdempotencyKeyReused()) : reply;
  }

  private void toProviderList(String providerId, OfferState state) {
    context().forward(new Record<String, SpecificRecord>(providerId, ProviderOffers.listed(state),
        context().currentSystemTimeMs()));
  }

  /** Reminders at half-time and expiries at the deadline, for every offer whose moment has come. */
  private void dueBy(long now) {
    List<String> due = new ArrayList<>();
    try (KeyValueIterator<String, String> it = deadlines.range("0", FixedWidth.digits(now, 13) + "|~")) {
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
    deadlines.put(FixedWidth.digits(half, 13) + "|R" + suffix, "");
    deadlines.put(FixedWidth.digits(respondBy, 13) + "|E" + suffix, "");
  }

  @Override
  public void process(Record<String, SpecificRecord> record) {
    OfferLifecycle.Input.of(record.value()).ifPresent(input -> {
      String note = store.get(record.key()) == null ? archive.get(record.key()) : null;
      if (note == null || !archivedInput(record, input, ArchivedOffer.parse(note))) decide(record, input, false);
    });
  }

  /**
   * An input for an offer that was archived decides nothing, and makes no state of it; whether it was taken so (false:
   * it is to be decided). A provider's command is refused with the reason; the referrer's cancel is refused
   * ({@link CancelRefused}) with it, for referral-service to answer the referrer. A new offer of the referral (a later
   * attempt) is an offer: its note goes, and it is decided. Anything else (the offer again, the referral's
   * cancellation, the budget's late answer) is passed over with a log line: the offer ended long ago.
   */
  private boolean archivedInput(Record<String, SpecificRecord> record, OfferLifecycle.Input input, ArchivedOffer archived) {
    String referralId = record.key();
    String reason = archived.explained(referralId);
    if (input instanceof OfferLifecycle.Offer offer && offer.offer().getAttempt() > archived.attempt()) {
      archive.delete(referralId);
      return false;
    }
    if (input instanceof OfferLifecycle.Command && record.value() instanceof ProviderCommand command) {
      context().forward(Decisions.reply(record, Decisions.refused(command.getMetadata().getEventId(), reason)));
    } else if (input instanceof OfferLifecycle.Cancel cancel) {
      ProviderEvent refused = new ProviderEvent(
          Events.causedBy(ProviderServiceApplication.NAME, cancel.cancel().metadata(), "decided"),
          new CancelRefused(archived.providerId(), archived.serviceId(), cancel.cancel().request().getCancelId(), reason));
      write(record, refused, false);
    } else if (input instanceof OfferLifecycle.FundingReserved) {
      log.warn("{} passed over: {}; nothing was waiting for it", input.kind(), reason);
    } else {
      log.info("{} passed over: {}", input.kind(), reason);
    }
    return true;
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
      OfferLifecycle.answer(event, after).ifPresent(reply -> context().forward(Decisions.reply(input, listed(reply))));
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
