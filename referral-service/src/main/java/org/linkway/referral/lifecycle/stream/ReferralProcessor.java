package org.linkway.referral.lifecycle.stream;

import java.util.UUID;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.linkway.commands.ReferralCommand;
import org.linkway.commands.SubmitReferral;
import org.linkway.events.PlaceDecision;
import org.linkway.events.PlaceRequest;
import org.linkway.events.ProviderEvent;
import org.linkway.events.ReferralEvent;
import org.linkway.events.ReferralSubmitted;
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
    ViewFill.<ReferralState>once(context, PracticeReferrals.FILLED, PracticeReferrals.STORE, ReferralStores.STATE,
        (referralId, state) -> toPracticeList(state));
  }

  /** The state goes on to the referring practice's list ({@link PracticeReferrals}). */
  private void toPracticeList(ReferralState state) {
    context().forward(new Record<String, SpecificRecord>(PracticeReferrals.practiceOf(state), state,
        context().currentSystemTimeMs()));
  }

  @Override
  public void process(Record<String, SpecificRecord> record) {
    String referralId = record.key();
    ReferralState state = store.get(referralId);
    ReferralLifecycle.Step step;
    if (record.value() instanceof ReferralEvent event) {
      // this service's own events come back here; only a new submission needs action
      if (!(event.getPayload() instanceof ReferralSubmitted) || state != null) return;
      step = lifecycle.submitted(event);
    } else if (record.value() instanceof ProviderEvent event) {
      if (state == null) return;
      step = lifecycle.providerEvent(state, event);
    } else if (record.value() instanceof PlaceDecision decision) {
      if (state == null) return;
      step = lifecycle.placeDecided(state, decision);
    } else if (record.value() instanceof ReferralCommand command && command.getCommand() instanceof SubmitReferral submit) {
      // the first is the referral; a resend is answered with it and writes nothing
      step = lifecycle.submit(state, command, submit);
      context().forward(Decisions.reply(record, Decisions.accepted(command.getMetadata().getEventId(), step.state())));
    } else if (record.value() instanceof ReferralCommand command) {
      UUID commandId = command.getMetadata().getEventId();
      if (state == null) {
        context().forward(Decisions.reply(record, Decisions.refused(commandId, "no referral " + referralId)));
        return;
      }
      step = lifecycle.command(state, command);
    } else {
      return;
    }
    if (step.state() != state) {
      store.put(referralId, step.state());
      toPracticeList(step.state());
    }
    for (PlaceRequest request : step.places()) {
      context().forward(record.withKey(Places.serviceOf(request)).withValue(request));
    }
    if (!step.events().isEmpty()) {
      Record<String, SpecificRecord> traced = record.withHeaders(traces.of(referralId, record.headers()));
      for (ReferralEvent event : step.events()) {
        context().forward(traced.withValue(event).withTimestamp(event.getMetadata().getOccurredAt().toEpochMilli()));
      }
    }
    // a cancel is answered here or, while the referral is with a provider, when provider-service's decision is read
    for (ReferralLifecycle.Answer answer : step.answers()) {
      context().forward(Decisions.reply(record, answer.refusal() == null
          ? Decisions.accepted(answer.commandId(), step.state())
          : Decisions.refused(answer.commandId(), answer.refusal())));
    }
    // ended by this step: its events went with the trace above; nothing more happens to the referral here
    if (step.state() != state && ReferralLifecycle.ended(step.state().getStatus())) traces.forget(referralId);
  }
}
