package org.linkway.referral.lifecycle.stream;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.linkway.events.ReferralEvent;
import org.linkway.platform.observability.ReferralTraces;
import org.linkway.platform.streams.Decisions;
import org.linkway.platform.streams.ViewFill;
import org.linkway.referral.lifecycle.domain.ReferralLifecycle;
import org.linkway.referral.places.Places;
import org.linkway.referral.places.ServiceLoads;
import org.linkway.referral.routing.Load;
import org.linkway.state.ReferralState;

/**
 * Runs the referral state machine for the referrals of one stream task. Inputs, all keyed by
 * referralId: new referrals from {@code referrals} (those from GP systems' Kafka topics), the provider's
 * decisions (and provider-service's decision on the referrer's cancel) from {@code provider-events}, and the
 * referrer's commands from {@code referral-commands}: to refer (over HTTP), decided here so that a resend is the
 * same referral, and to cancel; and the services' answers to its requests for a place from {@code place-decisions}.
 * Output: the events it decides, to {@code referrals}, its answer to each command, to {@code referral-service-replies}
 * ({@link Decisions}), its requests to take, fill and give back places, to {@code place-requests} keyed by service
 * ({@link org.linkway.referral.places}), and each new state, to its practice's list ({@link PracticeReferrals}), whose
 * changelog the practices' live streams follow ({@link ReferralFeed}).
 * State and output are committed in one transaction. Routing ranks services by the load every instance holds
 * ({@link ServiceLoads}); each service's place decider caps.
 */
final class ReferralProcessor extends ContextualProcessor<String, SpecificRecord, String, SpecificRecord> {

  private final Function<Function<String, Load>, ReferralLifecycle> lifecycles;
  private ReferralLifecycle lifecycle;
  private KeyValueStore<String, ReferralState> store;
  private ReferralTraces traces;
  private KeyValueStore<String, String> counts;

  /** {@code lifecycles}: the lifecycle, given each service's load as this task reads it. */
  ReferralProcessor(Function<Function<String, Load>, ReferralLifecycle> lifecycles) {
    this.lifecycles = lifecycles;
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    super.init(context);
    this.store = context.getStateStore(ReferralStores.STATE);
    this.traces = new ReferralTraces(context.getStateStore(ReferralStores.TRACES));
    this.lifecycle = lifecycles.apply(ServiceLoads.in(context));
    this.counts = context.getStateStore(ReferralStores.COUNTS.store());
    ReferralStores.COUNTS.fillOnce(context, ReferralStores.STATE, storeKey -> ReferralStores.ALL);
    ViewFill.<ReferralState>once(context, PracticeReferrals.FILLED, PracticeReferrals.STORE, ReferralStores.STATE,
        (referralId, state) -> toPracticeList(state));
    // the practices' referrals by last change came later: filled from the states once more; the list takes each again
    // as it is, so a practice stream open at that first start is sent each of its referrals once more
    ViewFill.<ReferralState>once(context, PracticeReferrals.FILLED, PracticeReferrals.CHANGES.store(), ReferralStores.STATE,
        (referralId, state) -> toPracticeList(state));
  }

  /** The state goes on to the referring practice's list ({@link PracticeReferrals}). */
  private void toPracticeList(ReferralState state) {
    context().forward(new Record<String, SpecificRecord>(PracticeReferrals.practiceOf(state), state,
        context().currentSystemTimeMs()));
  }

  /**
   * Reads the referral's state, decides the input ({@link ReferralLifecycle}), keeps the state its events evolve to
   * and writes what they write, ask and answer. A submission is answered with the referral, the first or a resend
   * (which decides nothing); a cancel here or, while the referral is with a provider, when provider-service's
   * decision is read.
   */
  @Override
  public void process(Record<String, SpecificRecord> record) {
    Optional<ReferralLifecycle.Input> input = ReferralLifecycle.Input.of(record.value());
    if (input.isEmpty()) return;
    String referralId = record.key();
    ReferralState before = store.get(referralId);
    List<ReferralLifecycle.Event> events = lifecycle.decide(input.get(), before);
    ReferralState after = lifecycle.evolve(before, events);
    ReferralLifecycle.answeredWithTheReferral(input.get())
        .ifPresent(commandId -> context().forward(Decisions.reply(record, Decisions.accepted(commandId, after))));
    if (after != before) {
      store.put(referralId, after);
      ReferralStores.COUNTS.change(counts, ReferralStores.ALL, before, after);
      toPracticeList(after);
    }
    for (ReferralLifecycle.Event event : events) {
      ReferralLifecycle.asked(event)
          .ifPresent(request -> context().forward(record.withKey(Places.serviceOf(request)).withValue(request)));
    }
    List<ReferralEvent> written = events.stream().map(ReferralLifecycle::written).flatMap(Optional::stream).toList();
    if (!written.isEmpty()) {
      Record<String, SpecificRecord> traced = record.withHeaders(traces.of(referralId, record.headers()));
      for (ReferralEvent event : written) {
        context().forward(traced.withValue(event).withTimestamp(event.getMetadata().getOccurredAt().toEpochMilli()));
      }
    }
    for (ReferralLifecycle.Event event : events) {
      for (ReferralLifecycle.Answer answer : ReferralLifecycle.answers(event)) {
        context().forward(Decisions.reply(record, answer.refusal() == null
            ? Decisions.accepted(answer.commandId(), after)
            : Decisions.refused(answer.commandId(), answer.refusal())));
      }
    }
    // ended by this input: its events went with the trace above; nothing more happens to the referral here
    if (after != before && ReferralLifecycle.ended(after.getStatus())) traces.forget(referralId);
  }
}
