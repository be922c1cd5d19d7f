package org.linkway.outcome.opendata;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.linkway.events.Completion;
import org.linkway.events.Instrument;
import org.linkway.events.MeasureChange;
import org.linkway.events.NeedCode;
import org.linkway.events.OutcomeReported;
import org.linkway.platform.kafka.Events;
import org.linkway.state.FundingState;
import org.linkway.state.ReferralStatus;

/** Builds FundingStates as outcome-service keeps them, with identifiers that must never be published. */
final class Referrals {

  static final Instant NOV_2026 = Instant.parse("2026-11-10T10:00:00Z");
  static final String PRACTICE = "D82044";

  private final FundingState.Builder state;
  private final String personId;
  private String serviceId = "riverside-walks";

  private Referrals(UUID referralId) {
    this(FundingState.newBuilder()
        .setReferralId(referralId)
        .setStatus(ReferralStatus.SUBMITTED)
        .setLedger(new ArrayList<>())
        .setOutcomes(new ArrayList<>())
        .setAppliedEventIds(new ArrayList<>()));
  }

  private Referrals(FundingState.Builder state) {
    this.state = state;
    this.personId = "p-" + state.getReferralId().toString().replace("-", "").substring(0, 16);
  }

  /** A referral submitted by {@value #PRACTICE} to the commissioner, at the time, for the needs. */
  static Referrals submitted(String commissioner, Instant at, NeedCode... needs) {
    Referrals r = new Referrals(UUID.randomUUID());
    r.state.setCommissioner(commissioner).setSubmittedAt(at).setPractice(PRACTICE).setNeeds(List.of(needs));
    return r;
  }

  /** The referral as it is in that state, to be moved on (a later state of the same referral). */
  static Referrals of(FundingState state) {
    return new Referrals(FundingState.newBuilder(state)
        .setOutcomes(new ArrayList<>(state.getOutcomes())));
  }

  /** A state built from a provider's event read before the submission: no commissioner, no date, no needs. */
  static Referrals submissionNotSeen() {
    return new Referrals(UUID.randomUUID());
  }

  String personId() {
    return personId;
  }

  Referrals practice(String odsCode) {
    state.setPractice(odsCode);
    return this;
  }

  Referrals service(String id) {
    this.serviceId = id;
    return this;
  }

  Referrals offered(String providerId) {
    state.setProviderId(providerId).setServiceId(serviceId).setStatus(ReferralStatus.OFFERED);
    return this;
  }

  /** Accepted a day after submission. */
  Referrals accepted(String providerId) {
    offered(providerId);
    state.setAcceptedAt(daysAfterSubmission(1)).setStatus(ReferralStatus.ACCEPTED);
    return this;
  }

  /** Accepted at that time. */
  Referrals acceptedAt(String providerId, Instant at) {
    accepted(providerId);
    state.setAcceptedAt(at);
    return this;
  }

  /** The provider reported the end, five days after submission: status COMPLETED, with the outcome as reported. */
  Referrals ended(Completion completion, boolean meaningful) {
    state.getOutcomes().add(outcome(completion, meaningful));
    state.setStatus(ReferralStatus.COMPLETED).setEndedAt(daysAfterSubmission(5));
    return this;
  }

  /** The referral ended at that time, however it ended (FundingRules sets endedAt once). */
  Referrals endedAt(Instant at) {
    state.setEndedAt(at);
    return this;
  }

  Referrals completed(boolean meaningful) {
    return ended(Completion.COMPLETED, meaningful);
  }

  /** The outcome was reported but the referral had been cancelled first: the status stays CANCELLED. */
  Referrals outcomeAfterCancel(Completion completion, boolean meaningful) {
    state.getOutcomes().add(outcome(completion, meaningful));
    return this;
  }

  /** The status; one that ends the referral (declined, unplaced, cancelled) ends it three days after submission. */
  Referrals status(ReferralStatus status) {
    state.setStatus(status);
    boolean ends = status == ReferralStatus.DECLINED || status == ReferralStatus.UNPLACED
        || status == ReferralStatus.CANCELLED || status == ReferralStatus.COMPLETED;
    if (ends && state.getEndedAt() == null) state.setEndedAt(daysAfterSubmission(3));
    return this;
  }

  private Instant daysAfterSubmission(long days) {
    return (state.getSubmittedAt() == null ? NOV_2026 : state.getSubmittedAt()).plusSeconds(days * 86_400);
  }

  FundingState build() {
    return state.build();
  }

  private OutcomeReported outcome(Completion completion, boolean meaningful) {
    MeasureChange swemwbs = MeasureChange.newBuilder()
        .setInstrument(Instrument.SWEMWBS)
        .setScore("metric")
        .setBaseline(new BigDecimal("19.25"))
        .setFollowUp(new BigDecimal(meaningful ? "23.21" : "19.98"))
        .setImprovement(new BigDecimal(meaningful ? "3.96" : "0.73"))
        .setMeaningful(meaningful)
        .build();
    return OutcomeReported.newBuilder()
        .setMetadata(Events.metadata("outcome-service", state.getReferralId(), null))
        .setCommissioner(state.getCommissioner() == null ? "QMM" : state.getCommissioner())
        .setPersonId(personId)
        .setProviderId(state.getProviderId() == null ? "unknown-provider" : state.getProviderId())
        .setServiceId(serviceId)
        .setNeeds(state.getNeeds())
        .setCompletion(completion)
        .setSessionsAttended(completion == Completion.COMPLETED ? 6 : 2)
        .setMeasures(List.of())
        .setChanges(List.of(swemwbs))
        .build();
  }
}
