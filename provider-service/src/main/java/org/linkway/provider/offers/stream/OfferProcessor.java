package org.linkway.provider.offers.stream;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.linkway.commands.ProviderCommand;
import org.linkway.events.BudgetDecision;
import org.linkway.events.BudgetRequest;
import org.linkway.events.CancelRequested;
import org.linkway.events.EventMetadata;
import org.linkway.events.ProviderEvent;
import org.linkway.events.ReferralCancelled;
import org.linkway.events.ReferralEvent;
import org.linkway.events.ReferralOffered;
import org.linkway.platform.kafka.Events;
import org.linkway.platform.observability.ReferralTraces;
import org.linkway.platform.streams.Decisions;
import org.linkway.platform.streams.ViewFill;
import org.linkway.provider.ProviderServiceApplication;
import org.linkway.provider.offers.domain.OfferCancels;
import org.linkway.provider.offers.domain.OfferCommands;
import org.linkway.provider.offers.domain.OfferLifecycle;
import org.linkway.state.OfferState;
import org.linkway.state.OfferStatus;

/**
 * Keeps each referral's offer state from {@code referrals} (offers, cancellations) and decides the
 * providers' commands from {@code provider-commands} ({@link OfferCommands}) and the referrer's cancel
 * ({@code CancelRequested} on {@code referrals}, {@link OfferCancels}) in the order they come, writing what it
 * decides to {@code provider-events}. An acceptance waits for the commissioner's budget: the request goes to
 * {@code budget-requests} (keyed by commissioner) and the answer comes back on
 * {@code budget-decisions}. Each command is answered on {@code provider-service-replies} ({@link Decisions}), an
 * acceptance once the budget has decided. One referral's inputs are handled one at a time, in order.
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

  private final OfferCancels cancels;
  private final OfferCommands commands;
  private final Duration checkEvery;
  private KeyValueStore<String, OfferState> store;
  private KeyValueStore<String, String> deadlines;
  private ReferralTraces traces;

  OfferProcessor(OfferCancels cancels, OfferCommands commands, Duration checkEvery) {
    this.cancels = cancels;
    this.commands = commands;
    this.checkEvery = checkEvery;
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    super.init(context);
    this.store = context.getStateStore(STORE);
    this.deadlines = context.getStateStore(DEADLINES);
    this.traces = new ReferralTraces(context.getStateStore(TRACES));
    ViewFill.<OfferState>once(context, ProviderOffers.FILLED, ProviderOffers.STORE, STORE,
        (referralId, state) -> toProviderList(state.getOffer().getProviderId(), state));
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
      OfferState state = store.get(parts[2]);
      if (state == null || state.getOffer().getAttempt() != Integer.parseInt(parts[3])) continue;
      boolean expiry = parts[1].equals("E");
      EventMetadata meta = Events.scheduled(ProviderServiceApplication.NAME, state.getReferralId(),
          "attempt-" + parts[3] + (expiry ? "-expired" : "-reminder"));
      OfferLifecycle.Step step = expiry ? OfferLifecycle.expire(state, meta) : OfferLifecycle.remind(state, meta);
      if (step.refusal() != null) continue;
      save(parts[2], step.state());
      context().forward(new Record<String, SpecificRecord>(parts[2], step.event(), now, traces.of(parts[2], null)));
      forgetTraceIfEnded(parts[2], step.state());
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
    OfferState state = store.get(record.key());
    if (record.value() instanceof ReferralEvent event) {
      if (event.getPayload() instanceof ReferralOffered offer) {
        OfferState after = OfferLifecycle.offered(state, offer, event.getMetadata());
        if (after != state) {
          traces.of(record.key(), record.headers()); // the offer's trace becomes the referral's here, if it is the first
          save(record.key(), after);
          if (after.getStatus() == OfferStatus.OFFERED) scheduleDeadlines(after);
        }
      } else if (event.getPayload() instanceof CancelRequested request) {
        decideCancel(record, state, new OfferCancels.Cancel(event.getMetadata(), request));
      } else if (event.getPayload() instanceof ReferralCancelled && state != null) {
        OfferState after = OfferLifecycle.cancelled(state);
        if (after != state) {
          save(record.key(), after);
          forgetTraceIfEnded(record.key(), after);
        }
      }
    } else if (record.value() instanceof ProviderCommand command) {
      decideCommand(record, state, OfferCommands.Command.of(command));
    } else if (record.value() instanceof BudgetDecision decision && state != null) {
      OfferLifecycle.Step step = OfferLifecycle.budgetDecided(state, decision);
      if (step.state() == state) return;
      apply(record, state, step);
      if (step.state().getStatus() == OfferStatus.OFFERED) scheduleDeadlines(step.state()); // open again: its deadline still counts
      UUID acceptId = UUID.fromString(decision.getAcceptCommandId());
      context().forward(Decisions.reply(record, step.event() != null
          ? Decisions.accepted(acceptId, step.state())
          : Decisions.refused(acceptId, step.refusal())));
    }
  }

  /**
   * The referrer's cancel, decided in order with the provider's commands: the offer is cancelled, or the cancel refused
   * because the offer ended first; either is written to {@code provider-events} for referral-service to apply and
   * answer the referrer with.
   */
  private void decideCancel(Record<String, SpecificRecord> input, OfferState before, OfferCancels.Cancel cancel) {
    List<OfferCancels.Event> events = cancels.decide(cancel, before);
    OfferState after = cancels.evolve(before, events);
    Record<String, SpecificRecord> record = input.withHeaders(traces.of(input.key(), input.headers()));
    if (after != null && after != before) save(record.key(), after);
    for (OfferCancels.Event event : events) write(record, event.event());
    if (after != null) forgetTraceIfEnded(record.key(), after);
  }

  /**
   * A provider's command ({@link OfferCommands}), decided in order with the referrer's cancel and the budget's
   * answers: what it decides is written to {@code provider-events} (an acceptance to {@code budget-requests}), and
   * the command answered ({@link Decisions}), an acceptance once the budget has decided.
   */
  private void decideCommand(Record<String, SpecificRecord> input, OfferState before, OfferCommands.Command command) {
    List<OfferCommands.Event> events = commands.decide(command, before);
    OfferState after = commands.evolve(before, events);
    if (after != before) save(input.key(), after);
    for (OfferCommands.Event event : events) {
      Optional<ProviderEvent> written = OfferCommands.written(event);
      Optional<BudgetRequest> asked = OfferCommands.asked(event);
      if (written.isPresent() || asked.isPresent()) {
        Record<String, SpecificRecord> record = input.withHeaders(traces.of(input.key(), input.headers()));
        written.ifPresent(providerEvent -> write(record, providerEvent));
        asked.ifPresent(request -> ask(record, before, request));
        forgetTraceIfEnded(record.key(), after);
      }
      OfferCommands.answer(event, after).ifPresent(reply -> context().forward(Decisions.reply(input, reply)));
    }
  }

  private void apply(Record<String, SpecificRecord> input, OfferState before, OfferLifecycle.Step step) {
    Record<String, SpecificRecord> record = input.withHeaders(traces.of(input.key(), input.headers()));
    save(record.key(), step.state());
    if (step.event() != null) write(record, step.event());
    if (step.budgetRequest() != null) ask(record, before, step.budgetRequest());
    forgetTraceIfEnded(record.key(), step.state());
  }

  private void write(Record<String, SpecificRecord> record, ProviderEvent event) {
    context().forward(record.withValue((SpecificRecord) event)
        .withTimestamp(event.getMetadata().getOccurredAt().toEpochMilli()));
  }

  /** A request to the commissioner's budget of the offer, keyed by the commissioner. */
  private void ask(Record<String, SpecificRecord> record, OfferState offer, BudgetRequest request) {
    context().forward(record.withKey(offer.getOffer().getCommissioner()).withValue((SpecificRecord) request)
        .withTimestamp(request.getMetadata().getOccurredAt().toEpochMilli()));
  }

  /**
   * Once the offer has ended here, its events forwarded with the trace, the trace is no longer kept. A
   * declined offer may be offered again (to this or another of the provider-service's providers): the new
   * offer, written by referral-service, brings the referral's trace with it.
   */
  private void forgetTraceIfEnded(String referralId, OfferState state) {
    if (ENDED.contains(state.getStatus())) traces.forget(referralId);
  }
}
