package org.linkway.referral.lifecycle.stream;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.linkway.events.PersonKey;
import org.linkway.events.ReferralEvent;
import org.linkway.events.SealedPatient;
import org.linkway.platform.observability.ReferralTraces;
import org.linkway.platform.people.Identities;
import org.linkway.platform.streams.Decisions;
import org.linkway.platform.streams.PartyView;
import org.linkway.platform.streams.Retention;
import org.linkway.platform.streams.RetentionSettings;
import org.linkway.platform.streams.ViewFill;
import org.linkway.referral.lifecycle.domain.ReferralLifecycle;
import org.linkway.referral.places.Places;
import org.linkway.referral.places.ServiceLoads;
import org.linkway.referral.routing.Load;
import org.linkway.state.HistoryEntry;
import org.linkway.state.ReferralState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 *
 * <p>What has ended does not stay ({@link Retention}, {@link RetentionSettings}): {@code linkway.retention.ended} after
 * its end a referral leaves {@link ReferralStores#STATE} and its practice's list, leaving a short note in
 * {@link ReferralStores#ARCHIVE}, and {@code linkway.retention.identities} after its end its identity's data key is
 * tombstoned on {@code person-keys} and the note dropped. Archiving is not a change of the referral: the counts
 * ({@link ReferralStores#COUNTS}) keep it, and its history stays on the log. An input for an archived referral decides
 * nothing: a resent submission is refused with the reason, anything else is passed over and logged.
 */
final class ReferralProcessor extends ContextualProcessor<String, SpecificRecord, String, SpecificRecord> {

  private static final Logger log = LoggerFactory.getLogger(ReferralProcessor.class);

  private final Function<Function<String, Load>, ReferralLifecycle> lifecycles;
  private final Retention hot;
  private final Retention identities;
  private ReferralLifecycle lifecycle;
  private KeyValueStore<String, ReferralState> store;
  private ReferralTraces traces;
  private KeyValueStore<String, String> counts;
  private KeyValueStore<String, String> ended;
  private KeyValueStore<String, String> identitiesDue;
  private KeyValueStore<String, String> archive;

  /** {@code lifecycles}: the lifecycle, given each service's load as this task reads it; {@code retention}: how long what ended stays. */
  ReferralProcessor(Function<Function<String, Load>, ReferralLifecycle> lifecycles, RetentionSettings retention) {
    this.lifecycles = lifecycles;
    this.hot = new Retention(ReferralStores.ENDED, retention.ended());
    this.identities = new Retention(ReferralStores.IDENTITIES_DUE, retention.identities());
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    super.init(context);
    this.store = context.getStateStore(ReferralStores.STATE);
    this.traces = ReferralTraces.in(context, ReferralStores.TRACES);
    this.lifecycle = lifecycles.apply(ServiceLoads.in(context));
    this.counts = context.getStateStore(ReferralStores.COUNTS.store());
    ReferralStores.COUNTS.fillOnce(context, ReferralStores.STATE, storeKey -> ReferralStores.ALL);
    // one state sent on fills both of the practice's views (PracticeReferrals.keep keeps CHANGES in the task of VIEW),
    // so one fill does: remembered under the later view's name, it runs once where the lists were filled before that
    // view came (a list takes each state again as it is: a practice stream open then is sent each referral once more)
    // and never again where both were
    ViewFill.<ReferralState>once(context, PracticeReferrals.FILLED, PracticeReferrals.CHANGES.store(), ReferralStores.STATE,
        (referralId, state) -> toPracticeList(state));
    this.ended = context.getStateStore(ReferralStores.ENDED);
    this.identitiesDue = context.getStateStore(ReferralStores.IDENTITIES_DUE);
    this.archive = context.getStateStore(ReferralStores.ARCHIVE);
    hot.<ReferralState>fillOnce(context, PracticeReferrals.FILLED, ReferralStores.STATE, ReferralProcessor::endedAt, s -> "");
    identities.<ReferralState>fillOnce(context, PracticeReferrals.FILLED, ReferralStores.STATE, ReferralProcessor::endedAt,
        ReferralProcessor::identityKey);
    // one punctuation, archiving before erasing, so that a referral whose two times come in one sweep is archived first
    context.schedule(hot.every(), PunctuationType.WALL_CLOCK_TIME, now -> sweep(Instant.ofEpochMilli(now)));
  }

  /** Archives the referrals ended long enough ago, then erases the identities ended long enough ago. */
  void sweep(Instant now) {
    hot.sweep(ended, now, (referralId, endedAt, nothing) -> archive(referralId, now));
    identities.sweep(identitiesDue, now, (referralId, endedAt, key) -> eraseIdentity(referralId, key));
  }

  /**
   * The referral leaves the state store and its practice's list, and a note of it is kept: not a change of the
   * referral, so its counts stay as they are.
   */
  private void archive(String referralId, Instant now) {
    ReferralState state = store.get(referralId);
    if (state == null) return;
    store.delete(referralId);
    leavePracticeList(state);
    archive.put(referralId, new ArchivedReferral(endedAt(state).orElse(now), now, state.getStatus().name(),
        PracticeReferrals.practiceOf(state), identityKey(state)).text());
  }

  /** The referral's identity's data key is tombstoned on person-keys, as an erasure of that one key does. */
  private void eraseIdentity(String referralId, String key) {
    ReferralState state = store.get(referralId);
    if (state != null) {
      // archived at the same time (both settings alike, or the archive sweep's batch full): no note is needed after it
      store.delete(referralId);
      leavePracticeList(state);
    }
    archive.delete(referralId);
    if (!key.isEmpty()) {
      context().forward(new Record<String, SpecificRecord>(key, null, context().currentSystemTimeMs()));
    }
  }

  /** The state goes out of its practice's list ({@link PartyView#removal}). */
  private void leavePracticeList(ReferralState state) {
    context().forward(new Record<String, SpecificRecord>(PracticeReferrals.practiceOf(state), state,
        context().currentSystemTimeMs(), PartyView.removal()));
  }

  /** When the referral ended: the first step in its final status; empty while it is live. */
  static Optional<Instant> endedAt(ReferralState state) {
    if (!ReferralLifecycle.ended(state.getStatus())) return Optional.empty();
    return state.getHistory().stream().filter(h -> h.getStatus() == state.getStatus()).map(HistoryEntry::getAt)
        .findFirst().or(() -> Optional.of(ReferralFeed.changedAt(state)));
  }

  /**
   * The person-keys record key of the referral's identity, or empty for a referral from before identities were sealed,
   * and for a link worker's prescription: it is sealed with its episode's key, which is erased with the episode, not
   * before (a prescription's end would otherwise erase the person for the episode and its other prescriptions).
   */
  static String identityKey(ReferralState state) {
    SealedPatient sealed = state.getSubmission().getSealedPatient();
    if (sealed == null || state.getSubmission().getEpisodeId() != null) return "";
    return Identities.keyOf(sealed.getPersonId(), sealed.getKeyId());
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
    if (before == null) {
      String archived = archive.get(referralId);
      if (archived != null) {
        archivedInput(record, input.get(), ArchivedReferral.parse(archived));
        return;
      }
    }
    List<ReferralLifecycle.Event> events = lifecycle.decide(input.get(), before);
    ReferralState after = lifecycle.evolve(before, events);
    ReferralLifecycle.answeredWithTheReferral(input.get())
        .ifPresent(commandId -> context().forward(Decisions.reply(record, Decisions.accepted(commandId, after))));
    if (after != before) {
      store.put(referralId, after);
      ReferralStores.COUNTS.change(counts, ReferralStores.ALL, before, after);
      toPracticeList(after);
      if (before == null || !ReferralLifecycle.ended(before.getStatus())) {
        // ended by this input (an ended referral never leaves its end, so it is noted once)
        endedAt(after).ifPresent(at -> {
          hot.ended(ended, at, referralId, "");
          identities.ended(identitiesDue, at, referralId, identityKey(after));
        });
      }
    }
    for (ReferralLifecycle.Event event : events) {
      ReferralLifecycle.asked(event)
          .ifPresent(request -> context().forward(record.withKey(Places.serviceOf(request)).withValue(request)));
    }
    List<ReferralEvent> written = events.stream().map(ReferralLifecycle::written).flatMap(Optional::stream).toList();
    if (!written.isEmpty()) {
      Record<String, SpecificRecord> traced = record.withHeaders(traces.of(referralId, record.headers()));
      for (ReferralEvent event : written) {
        // keyed by the referral each is about: this one's, or a prescription made from it (a referral of its own)
        UUID about = event.getMetadata().getReferralId();
        context().forward(traced.withKey(about == null ? referralId : about.toString()).withValue(event)
            .withTimestamp(event.getMetadata().getOccurredAt().toEpochMilli()));
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

  /**
   * An input for a referral that was archived decides nothing. A referrer's command is refused with the reason (a
   * resent submission, the same request id; a cancel). A submission's data key, if it is not the archived referral's
   * own (a resend seals the identity again), is tombstoned: nothing will ever open it. Anything else (a late provider
   * event, a place's answer, a GP system's request resent over Kafka after its id was forgotten) is passed over with a
   * log line: the referral ended long ago.
   */
  private void archivedInput(Record<String, SpecificRecord> record, ReferralLifecycle.Input input, ArchivedReferral archived) {
    String referralId = record.key();
    String reason = archived.explained(referralId);
    if (input instanceof ReferralLifecycle.Cancel cancel) {
      context().forward(Decisions.reply(record, Decisions.refused(cancel.command().getMetadata().getEventId(), reason)));
    } else if (input instanceof ReferralLifecycle.Submit submit) {
      context().forward(Decisions.reply(record, Decisions.refused(submit.command().getMetadata().getEventId(), reason)));
      forgetNewKey(submit.submit().getSubmission().getSealedPatient(), archived);
    } else if (input instanceof ReferralLifecycle.Submission submission) {
      // a prescription's key is its episode's, not one sealed for it
      if (submission.submitted().getEpisodeId() == null) forgetNewKey(submission.submitted().getSealedPatient(), archived);
      log.info("{} passed over: {}", input.kind(), reason);
    } else {
      log.info("{} passed over: {}", input.kind(), reason);
    }
  }

  /** A data key sealed for a submission of an archived referral, other than its own, is tombstoned. */
  private void forgetNewKey(SealedPatient sealed, ArchivedReferral archived) {
    if (sealed == null) return;
    String key = Identities.keyOf(sealed.getPersonId(), sealed.getKeyId());
    if (key.equals(archived.identityKey())) return;
    context().forward(new Record<String, SpecificRecord>(key, (PersonKey) null, context().currentSystemTimeMs()));
  }
}
