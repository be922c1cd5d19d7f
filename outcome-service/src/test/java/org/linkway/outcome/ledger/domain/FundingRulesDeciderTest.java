package org.linkway.outcome.ledger.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.linkway.events.Completion;
import org.linkway.events.ContractAgreed;
import org.linkway.events.EventMetadata;
import org.linkway.events.FundingCommitted;
import org.linkway.events.FundingReleased;
import org.linkway.events.Instrument;
import org.linkway.events.LedgerEvent;
import org.linkway.events.MeasureChange;
import org.linkway.events.Milestone;
import org.linkway.events.NeedCode;
import org.linkway.events.OutcomeReported;
import org.linkway.events.PaymentDue;
import org.linkway.events.ProviderEvent;
import org.linkway.events.ReferralAccepted;
import org.linkway.events.ReferralCancelled;
import org.linkway.events.ReferralCompleted;
import org.linkway.events.ReferralEvent;
import org.linkway.events.ReferralSubmitted;
import org.linkway.events.Referrer;
import org.linkway.events.SessionAttended;
import org.linkway.platform.kafka.Events;
import org.linkway.state.FundingState;
import org.linkway.state.ReferralStatus;
import org.linkway.platform.testing.ReferenceTables;

/**
 * The ledger's rules as a decider: given the referral's funding state and an event read, the events it decides (what
 * each writes to the ledger or reports to the commissioner), then the state they leave. Entries occur at the
 * decider's clock; the referral's own times are the events'.
 */
class FundingRulesDeciderTest {

  private static final Instant NOW = Instant.parse("2026-11-25T09:30:00.123Z");
  private static final Instant DURING_CONTRACT = Instant.parse("2026-11-22T10:00:00Z");
  private static final List<NeedCode> NEEDS = List.of(NeedCode.LONELINESS);

  private final List<ContractAgreed> contracts = new ArrayList<>(List.of(contract().build()));
  private final FundingRules rules = new FundingRules(ReferenceTables.listed(() -> contracts, ContractAgreed::getContractId), Clock.fixed(NOW, ZoneOffset.UTC));
  private final UUID referralId = UUID.randomUUID();

  @Test
  void givenASubmittedReferral_whenItsAcceptanceIsRead_thenTheMostItCanEarnIsCommittedAndTheEngagementFeeIsDue() {
    FundingState submitted = state(submitted());
    FundingRules.Input accepted = accepted();

    List<FundingRules.Event> events = rules.decide(accepted, submitted);
    FundingState after = rules.evolve(submitted, events);

    assertThat(events).extracting(FundingRules.Event::kind).containsExactly(FundingRules.Event.Kind.RECORDED,
        FundingRules.Event.Kind.COMMITTED, FundingRules.Event.Kind.DUE);
    assertThat(payload(events.get(1))).isInstanceOfSatisfying(FundingCommitted.class, c -> {
      assertThat(c.getAmount()).isEqualTo(money("200.00"));
      assertThat(c.getContractId()).isEqualTo("qmm-p1-2026");
    });
    assertThat(payload(events.get(2))).isInstanceOfSatisfying(PaymentDue.class, d -> {
      assertThat(d.getMilestone()).isEqualTo(Milestone.ENGAGEMENT);
      assertThat(d.getAmount()).isEqualTo(money("50.00"));
    });
    assertThat(written(events)).allSatisfy(entry -> assertThat(entry.getMetadata().getOccurredAt()).isEqualTo(NOW));
    assertThat(reported(events)).isEmpty();
    assertThat(after.getStatus()).isEqualTo(ReferralStatus.ACCEPTED);
    assertThat(after.getAcceptedAt()).isEqualTo(DURING_CONTRACT);
    assertThat(after.getContract().getContractId()).isEqualTo("qmm-p1-2026");
    assertThat(after.getLedger()).containsExactlyElementsOf(written(events));
    assertThat(after.getAppliedEventIds()).endsWith(accepted.metadata().getEventId().toString());
  }

  @Test
  void givenAnAcceptedReferral_whenCompleted_thenTheCompletionFeeIsDueOnce_andTheSameEventAgainDecidesNothing() {
    FundingState accepted = state(submitted(), accepted());
    FundingRules.Input completion = completed(3, "0.00");

    List<FundingRules.Event> events = rules.decide(completion, accepted);
    FundingState completed = rules.evolve(accepted, events);

    assertThat(events).extracting(FundingRules.Event::kind).containsExactly(FundingRules.Event.Kind.RECORDED,
        FundingRules.Event.Kind.DUE, FundingRules.Event.Kind.REPORTED);
    assertThat(payload(events.get(1))).isInstanceOfSatisfying(PaymentDue.class, d -> {
      assertThat(d.getMilestone()).isEqualTo(Milestone.COMPLETION);
      assertThat(d.getAmount()).isEqualTo(money("150.00"));
    });
    assertThat(completed.getStatus()).isEqualTo(ReferralStatus.COMPLETED);
    assertThat(FundingRules.due(completed)).isEqualTo(money("200.00"));

    assertThat(rules.decide(completion, completed)).as("the same event again").isEmpty();
    List<FundingRules.Event> another = rules.decide(completed(4, "0.00"), completed);
    assertThat(another).as("the same completion under another id: only its id is kept")
        .extracting(FundingRules.Event::kind).containsExactly(FundingRules.Event.Kind.RECORDED);
    FundingState again = rules.evolve(completed, another);
    assertThat(again.getLedger()).hasSameSizeAs(completed.getLedger());
    assertThat(FundingRules.due(again)).isEqualTo(money("200.00"));
  }

  @Test
  void givenAnOutcomeContract_whenTheMeasureImprovesEnough_thenBothPaymentsAreDueAndTheOutcomeReported() {
    contracts.set(0, contract().setOutcomePayment(money("100.00")).setOutcomeInstrument(Instrument.SWEMWBS)
        .setOutcomeScore("metric").setOutcomeThreshold(money("2.00")).build());
    FundingState accepted = state(submitted(), accepted());

    List<FundingRules.Event> events = rules.decide(completed(3, "5.18"), accepted);
    FundingState after = rules.evolve(accepted, events);

    assertThat(written(events)).extracting(entry -> (PaymentDue) entry.getPayload())
        .extracting(due -> due.getMilestone() + " " + due.getAmount())
        .containsExactly("COMPLETION 150.00", "OUTCOME 100.00");
    assertThat(reported(events)).singleElement().satisfies(outcome -> {
      assertThat(outcome.getCommissioner()).isEqualTo("QMM");
      assertThat(outcome.getSessionsAttended()).isEqualTo(3);
      assertThat(outcome.getMetadata().getOccurredAt()).isEqualTo(NOW);
    });
    assertThat(after.getOutcomes()).hasSize(1);
    assertThat(FundingRules.committed(after)).isEqualTo(money("300.00"));
    assertThat(FundingRules.due(after)).isEqualTo(money("300.00"));
    assertThat(FundingRules.released(after)).isEqualTo(money("0.00"));
  }

  @Test
  void givenAnAcceptedReferral_whenTheReferrerCancels_thenWhatWasReservedAndNotEarnedIsReleasedAndTheReferralEnds() {
    FundingState accepted = state(submitted(), accepted());
    FundingRules.Input cancel = input(new ReferralEvent(meta(DURING_CONTRACT.plusSeconds(3600)),
        new ReferralCancelled("moved away", "D82044", null)));

    List<FundingRules.Event> events = rules.decide(cancel, accepted);
    FundingState after = rules.evolve(accepted, events);

    assertThat(events).extracting(FundingRules.Event::kind)
        .containsExactly(FundingRules.Event.Kind.RECORDED, FundingRules.Event.Kind.RELEASED);
    assertThat(payload(events.get(1))).isInstanceOfSatisfying(FundingReleased.class, r -> {
      assertThat(r.getAmount()).isEqualTo(money("150.00"));
      assertThat(r.getReason()).isEqualTo("cancelled by the referrer");
    });
    assertThat(after.getStatus()).isEqualTo(ReferralStatus.CANCELLED);
    assertThat(after.getEndedAt()).isEqualTo(DURING_CONTRACT.plusSeconds(3600));
    assertThat(FundingRules.committed(after))
        .isEqualTo(FundingRules.due(after).add(FundingRules.released(after)));
  }

  @Test
  void givenAReferral_whenAnEventIsReadAgainOrItIsSubmittedAgain_thenNothingIsDecidedAndTheStateIsTheSame() {
    FundingRules.Input accepted = accepted();
    FundingState state = state(submitted(), accepted);

    for (FundingRules.Input again : List.of(accepted, submitted())) {
      List<FundingRules.Event> events = rules.decide(again, state);

      assertThat(events).as(again.kind().toString()).isEmpty();
      assertThat(rules.evolve(state, events)).isSameAs(state);
    }
  }

  @Test
  void givenAnAcceptedReferral_whenASessionIsRead_thenOnlyItsIdIsKeptAndNothingIsWritten() {
    FundingState accepted = state(submitted(), accepted());
    FundingRules.Input session = input(new ProviderEvent(meta(DURING_CONTRACT),
        new SessionAttended("p1", "svc-1", LocalDate.of(2026, 11, 29), 1)));

    List<FundingRules.Event> events = rules.decide(session, accepted);
    FundingState after = rules.evolve(accepted, events);

    assertThat(session.kind()).isEqualTo(FundingRules.Input.Kind.OTHER);
    assertThat(events).containsExactly(new FundingRules.Recorded(session));
    assertThat(written(events)).isEmpty();
    assertThat(after.getAppliedEventIds()).endsWith(session.metadata().getEventId().toString());
    assertThat(after.getStatus()).isEqualTo(ReferralStatus.ACCEPTED);
    assertThat(after.getLedger()).hasSameSizeAs(accepted.getLedger());
  }

  @Test
  void givenARecordThatIsNotAnEventOfAReferral_whenRead_thenThereIsNoInput() {
    assertThat(FundingRules.Input.of(contract().build())).isEmpty();
  }

  private FundingState state(FundingRules.Input... inputs) {
    FundingState state = null;
    for (FundingRules.Input input : inputs) state = rules.evolve(state, rules.decide(input, state));
    return state;
  }

  private static List<LedgerEvent> written(List<FundingRules.Event> events) {
    return events.stream().map(FundingRules::written).flatMap(Optional::stream).toList();
  }

  private static List<OutcomeReported> reported(List<FundingRules.Event> events) {
    return events.stream().map(FundingRules::reported).flatMap(Optional::stream).toList();
  }

  private static Object payload(FundingRules.Event event) {
    return FundingRules.written(event).orElseThrow().getPayload();
  }

  private static FundingRules.Input input(SpecificRecord read) {
    return FundingRules.Input.of(read).orElseThrow();
  }

  private EventMetadata meta(Instant at) {
    return EventMetadata.newBuilder(Events.metadata("test", referralId, null)).setOccurredAt(at).build();
  }

  private FundingRules.Input submitted() {
    return input(new ReferralEvent(meta(DURING_CONTRACT.minusSeconds(86400)), ReferralSubmitted.newBuilder()
        .setPersonId("p-0123456789abcdef").setConsent(true).setReferrer(new Referrer("D82044", null))
        .setCommissioner("QMM").setNeeds(NEEDS).build()));
  }

  private FundingRules.Input accepted() {
    return input(new ProviderEvent(meta(DURING_CONTRACT),
        new ReferralAccepted("p1", "svc-1", "QMM", "p-0123456789abcdef", NEEDS, null)));
  }

  private FundingRules.Input completed(int sessions, String improvement) {
    MeasureChange change = new MeasureChange(Instrument.SWEMWBS, "metric", money("16.36"),
        money("16.36").add(money(improvement)), money(improvement), true);
    return input(new ProviderEvent(meta(DURING_CONTRACT.plusSeconds(7 * 86400)), new ReferralCompleted("p1", "svc-1",
        "QMM", "p-0123456789abcdef", NEEDS, Completion.COMPLETED, sessions, List.of(), List.of(change), 0)));
  }

  private static ContractAgreed.Builder contract() {
    return ContractAgreed.newBuilder()
        .setMetadata(Events.metadata("outcome-service", null, null))
        .setContractId("qmm-p1-2026").setCommissioner("QMM").setProviderId("p1").setServiceIds(List.of())
        .setValidFrom(LocalDate.of(2026, 4, 1)).setValidTo(LocalDate.of(2027, 3, 31)).setCurrency("GBP")
        .setEngagementFee(money("50.00")).setCompletionFee(money("150.00")).setCompletionMinSessions(3);
  }

  private static BigDecimal money(String amount) {
    return new BigDecimal(amount);
  }
}
