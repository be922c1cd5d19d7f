package org.linkway.outcome.analytics;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.linkway.events.Completion;
import org.linkway.events.FundingCommitted;
import org.linkway.events.FundingReleased;
import org.linkway.events.Instrument;
import org.linkway.events.LedgerEvent;
import org.linkway.events.MeasureChange;
import org.linkway.events.Milestone;
import org.linkway.events.NeedCode;
import org.linkway.events.OutcomeReported;
import org.linkway.events.PaymentDue;
import org.linkway.platform.kafka.Events;
import org.linkway.state.FundingState;
import org.linkway.state.ReferralStatus;

/** Hand-built FundingStates as outcome-service keeps them: one referral, step by step. */
final class FundingStates {

  static final String COMMISSIONER = "QMM";

  private final FundingState.Builder state;
  private String contractId = "qmm-contract";

  private FundingStates(Instant submittedAt) {
    this.state = FundingState.newBuilder()
        .setReferralId(UUID.randomUUID())
        .setCommissioner(COMMISSIONER)
        .setStatus(ReferralStatus.SUBMITTED)
        .setSubmittedAt(submittedAt)
        .setNeeds(List.of(NeedCode.LONELINESS))
        .setLedger(new ArrayList<>())
        .setOutcomes(new ArrayList<>())
        .setAppliedEventIds(new ArrayList<>());
  }

  /** Submitted at the instant (ISO-8601, e.g. 2026-04-01T09:00:00Z) by the practice. */
  static FundingStates submitted(String at, String practice) {
    FundingStates s = new FundingStates(Instant.parse(at));
    s.state.setPractice(practice);
    return s;
  }

  /** Built from a provider's event read before the submission: no commissioner, time, practice or needs. */
  static FundingStates submissionNotSeen() {
    FundingStates s = new FundingStates(null);
    s.state.setCommissioner(null).setNeeds(List.of());
    return s;
  }

  FundingStates commissioner(String code) {
    state.setCommissioner(code);
    return this;
  }

  FundingStates offered(String providerId, String serviceId) {
    state.setProviderId(providerId).setServiceId(serviceId).setStatus(ReferralStatus.OFFERED);
    return this;
  }

  /** Accepted by the provider after the time since submission. */
  FundingStates accepted(String providerId, String serviceId, Duration after) {
    offered(providerId, serviceId);
    state.setAcceptedAt(state.getSubmittedAt().plus(after)).setStatus(ReferralStatus.ACCEPTED);
    return this;
  }

  /** The provider reported the end, with the score changes: status COMPLETED. */
  FundingStates ended(Completion completion, int sessions, MeasureChange... changes) {
    state.getOutcomes().add(outcome(completion, sessions, changes));
    state.setStatus(ReferralStatus.COMPLETED);
    return this;
  }

  FundingStates completed(int sessions, MeasureChange... changes) {
    return ended(Completion.COMPLETED, sessions, changes);
  }

  FundingStates droppedOut(int sessions, MeasureChange... changes) {
    return ended(Completion.DROPPED_OUT, sessions, changes);
  }

  /** An outcome reported with no change of status (e.g. read after a cancellation). */
  FundingStates outcomeOnly(Completion completion, int sessions, MeasureChange... changes) {
    state.getOutcomes().add(outcome(completion, sessions, changes));
    return this;
  }

  FundingStates status(ReferralStatus status) {
    state.setStatus(status);
    return this;
  }

  FundingStates committed(String amount) {
    return ledger(new FundingCommitted(COMMISSIONER, contractId, provider(), service(), new BigDecimal(amount), "GBP", null));
  }

  FundingStates due(Milestone milestone, String amount) {
    return ledger(new PaymentDue(COMMISSIONER, contractId, provider(), service(), milestone, new BigDecimal(amount), "GBP", null));
  }

  FundingStates released(String amount) {
    return ledger(new FundingReleased(COMMISSIONER, contractId, provider(), service(), new BigDecimal(amount), "GBP", null,
        "referral ended"));
  }

  FundingState build() {
    return state.build();
  }

  static final String WENSUM = "wensum-walkers";
  static final String CITY_ARTS = "city-arts";

  /**
   * Eleven QMM referrals submitted in April 2026, the figures worked by hand in BreakdownTest:
   * <pre>
   *    provider        service          practice  submitted  status              days to accept  sessions  changes                          committed  due             released
   * A  wensum-walkers  riverside-walks  D82044    04-01      COMPLETED           2               6         SWEMWBS +3.96 (m)                100.00     33.33+33.34+10.01  23.32
   * B  wensum-walkers  riverside-walks  D82044    04-02      COMPLETED           1.5             8         SWEMWBS +0.73, ONS4 happy +2 (m) 100.00     33.33+33.34     33.33
   * C  wensum-walkers  riverside-walks  D82045    04-03      COMPLETED dropped   4               2         SWEMWBS +2.02 (m)                100.00     33.33           66.67
   * D  wensum-walkers  riverside-walks  D82045    04-05      OFFERED
   * E  wensum-walkers  riverside-walks  D82099    04-06      DECLINED            3                                                          100.00     33.33           66.67
   * F  city-arts       print-club       D82044    04-10      COMPLETED           3               5         none                             80.00      40.00+40.00
   * G  city-arts       choir            D82099    04-11      ACCEPTED            1                                                          80.00      40.00
   * H  city-arts       choir            D82099    04-12      ACCEPTED            2
   * I  -               -                D82044    04-15      CANCELLED (never offered)
   * J  -               -                D82045    04-20      UNPLACED (no service to offer)
   * K  -               -                D82044    04-21      SUBMITTED
   * </pre>
   */
  static List<FundingState> april() {
    return List.of(
        submitted("2026-04-01T09:00:00Z", "D82044").accepted(WENSUM, "riverside-walks", days(2))
            .committed("100.00").due(Milestone.ENGAGEMENT, "33.33")
            .completed(6, change(Instrument.SWEMWBS, "metric", "3.96", true))
            .due(Milestone.COMPLETION, "33.34").due(Milestone.OUTCOME, "10.01").released("23.32").build(),
        submitted("2026-04-02T09:00:00Z", "D82044").accepted(WENSUM, "riverside-walks", days(1.5))
            .committed("100.00").due(Milestone.ENGAGEMENT, "33.33")
            .completed(8, change(Instrument.SWEMWBS, "metric", "0.73", false), change(Instrument.ONS4, "happy", "2.00", true))
            .due(Milestone.COMPLETION, "33.34").released("33.33").build(),
        submitted("2026-04-03T10:00:00Z", "D82045").accepted(WENSUM, "riverside-walks", days(4))
            .committed("100.00").due(Milestone.ENGAGEMENT, "33.33")
            .droppedOut(2, change(Instrument.SWEMWBS, "metric", "2.02", true)).released("66.67").build(),
        submitted("2026-04-05T10:00:00Z", "D82045").offered(WENSUM, "riverside-walks").build(),
        submitted("2026-04-06T10:00:00Z", "D82099").accepted(WENSUM, "riverside-walks", days(3))
            .committed("100.00").due(Milestone.ENGAGEMENT, "33.33").status(ReferralStatus.DECLINED).released("66.67").build(),
        submitted("2026-04-10T08:00:00Z", "D82044").accepted(CITY_ARTS, "print-club", days(3))
            .committed("80.00").due(Milestone.ENGAGEMENT, "40.00").completed(5).due(Milestone.COMPLETION, "40.00").build(),
        submitted("2026-04-11T08:00:00Z", "D82099").accepted(CITY_ARTS, "choir", days(1))
            .committed("80.00").due(Milestone.ENGAGEMENT, "40.00").build(),
        submitted("2026-04-12T08:00:00Z", "D82099").accepted(CITY_ARTS, "choir", days(2)).build(),
        submitted("2026-04-15T08:00:00Z", "D82044").status(ReferralStatus.CANCELLED).build(),
        submitted("2026-04-20T08:00:00Z", "D82045").status(ReferralStatus.UNPLACED).build(),
        submitted("2026-04-21T08:00:00Z", "D82044").build());
  }

  static MeasureChange change(Instrument instrument, String score, String improvement, boolean meaningful) {
    BigDecimal baseline = new BigDecimal("20.00");
    BigDecimal up = new BigDecimal(improvement);
    return MeasureChange.newBuilder()
        .setInstrument(instrument)
        .setScore(score)
        .setBaseline(baseline)
        .setFollowUp(baseline.add(up))
        .setImprovement(up)
        .setMeaningful(meaningful)
        .build();
  }

  /** Up to four random entries of a referral's ledger: commitments, payments due and releases of up to £200. */
  static List<LedgerEvent> randomLedger(java.util.Random random, UUID referral, String commissioner) {
    List<LedgerEvent> ledger = new ArrayList<>();
    for (int i = random.nextInt(5); i > 0; i--) {
      BigDecimal amount = BigDecimal.valueOf(random.nextInt(20_000), 2);
      Object payload = switch (random.nextInt(3)) {
        case 0 -> new FundingCommitted(commissioner, "c", "p", "s", amount, "GBP", null);
        case 1 -> new PaymentDue(commissioner, "c", "p", "s", Milestone.ENGAGEMENT, amount, "GBP", null);
        default -> new FundingReleased(commissioner, "c", "p", "s", amount, "GBP", null, "ended");
      };
      ledger.add(new LedgerEvent(Events.metadata("outcome-service", referral, null), payload));
    }
    return ledger;
  }

  static Duration days(double days) {
    return Duration.ofMillis(Math.round(days * Duration.ofDays(1).toMillis()));
  }

  private LedgerEvent ledgerEvent(Object payload) {
    return new LedgerEvent(Events.metadata("outcome-service", state.getReferralId(), null), payload);
  }

  private FundingStates ledger(Object payload) {
    state.getLedger().add(ledgerEvent(payload));
    return this;
  }

  private String provider() {
    return state.getProviderId() == null ? "unknown-provider" : state.getProviderId();
  }

  private String service() {
    return state.getServiceId() == null ? "unknown-service" : state.getServiceId();
  }

  private OutcomeReported outcome(Completion completion, int sessions, MeasureChange... changes) {
    return OutcomeReported.newBuilder()
        .setMetadata(Events.metadata("outcome-service", state.getReferralId(), null))
        .setCommissioner(state.getCommissioner() == null ? COMMISSIONER : state.getCommissioner())
        .setPersonId("p-" + state.getReferralId().toString().substring(0, 8))
        .setProviderId(provider())
        .setServiceId(service())
        .setNeeds(state.getNeeds())
        .setCompletion(completion)
        .setSessionsAttended(sessions)
        .setMeasures(List.of())
        .setChanges(List.of(changes))
        .build();
  }
}
