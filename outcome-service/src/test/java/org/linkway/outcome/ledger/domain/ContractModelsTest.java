package org.linkway.outcome.ledger.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.linkway.events.Completion;
import org.linkway.events.ContractAgreed;
import org.linkway.events.Instrument;
import org.linkway.events.LedgerEvent;
import org.linkway.events.MeasureChange;
import org.linkway.events.Milestone;
import org.linkway.events.NeedCode;
import org.linkway.events.PaymentDue;
import org.linkway.events.ProviderEvent;
import org.linkway.events.ReferralAccepted;
import org.linkway.events.ReferralCompleted;
import org.linkway.platform.kafka.Events;
import org.linkway.state.FundingState;
import org.linkway.platform.testing.ReferenceTables;

/** The contract models: outcome payments, caps per referral, grants. Pennies exact. */
class ContractModelsTest {

  final UUID referralId = UUID.randomUUID();

  @Test
  void givenAnOutcomeContract_whenSwemwbsImprovesByTheThreshold_thenTheOutcomePaymentIsDueOnce() {
    FundingRules rules = rules(contract().setOutcomePayment(money("100.00")).build());
    FundingState state = apply(rules, null, accepted());
    assertThat(FundingRules.committed(state)).isEqualByComparingTo("300.00");
    state = apply(rules, state, completed("5.18"));
    state = apply(rules, state, completed("5.18")); // the same completion again, another event id
    assertThat(dues(state, Milestone.OUTCOME)).containsExactly(money("100.00"));
    assertThat(FundingRules.due(state)).isEqualByComparingTo("300.00");
    assertThat(FundingRules.released(state)).isEqualByComparingTo("0.00");
  }

  @Test
  void givenAnOutcomeContract_whenTheImprovementFallsShort_thenNoOutcomePaymentAndItsReserveIsReleased() {
    FundingRules rules = rules(contract().setOutcomePayment(money("100.00")).build());
    FundingState state = apply(rules, apply(rules, null, accepted()), completed("1.99"));
    assertThat(dues(state, Milestone.OUTCOME)).isEmpty();
    assertThat(FundingRules.released(state)).isEqualByComparingTo("100.00");
  }

  @Test
  void givenACapPerReferral_whenEveryMilestoneIsEarned_thenNoMoreThanTheCapIsReservedOrDue() {
    FundingRules rules = rules(contract().setOutcomePayment(money("100.00")).setPerReferralCap(money("220.00")).build());
    FundingState state = apply(rules, apply(rules, null, accepted()), completed("5.18"));
    assertThat(FundingRules.committed(state)).isEqualByComparingTo("220.00");
    assertThat(FundingRules.due(state)).isEqualByComparingTo("220.00");
    assertThat(dues(state, Milestone.OUTCOME)).containsExactly(money("20.00"));
  }

  @Test
  void givenACompletionDuplicatedUnderANewId_whenApplied_thenTheOutcomeIsReportedOnceAndNothingMoreIsDue() {
    FundingRules rules = rules(contract().setOutcomePayment(money("100.00")).build());
    FundingState state = apply(rules, apply(rules, null, accepted()), completed("5.18"));
    FundingRules.Step again = rules.apply(state, completed("5.18"));
    assertThat(again.outputs()).isEmpty();
    assertThat(again.state().getOutcomes()).hasSize(1);
  }

  @Test
  void givenAGrant_whenAReferralIsAcceptedAndCompleted_thenItIsCountedAgainstTheGrantAndNothingIsPaidPerReferral() {
    FundingRules rules = rules(contract().setEngagementFee(null).setCompletionFee(null).setGrant(true).build());
    FundingState state = apply(rules, apply(rules, null, accepted()), completed("5.18"));
    assertThat(state.getContract().getGrant()).isTrue();
    assertThat(FundingRules.committed(state)).isEqualByComparingTo("0.00");
    assertThat(FundingRules.due(state)).isEqualByComparingTo("0.00");
    assertThat(state.getOutcomes()).hasSize(1);
  }

  private FundingState apply(FundingRules rules, FundingState state, SpecificRecord input) {
    return rules.apply(state, input).state();
  }

  private static List<BigDecimal> dues(FundingState state, Milestone milestone) {
    return state.getLedger().stream().map(LedgerEvent::getPayload)
        .filter(p -> p instanceof PaymentDue d && d.getMilestone() == milestone)
        .map(p -> ((PaymentDue) p).getAmount()).toList();
  }

  private ProviderEvent accepted() {
    return new ProviderEvent(Events.metadata("provider-service", referralId, null),
        new ReferralAccepted("p1", "svc-1", "QMM", "p-person", List.of(NeedCode.LONELINESS), null));
  }

  private ProviderEvent completed(String improvement) {
    MeasureChange change = new MeasureChange(Instrument.SWEMWBS, "metric", money("16.36"),
        money("16.36").add(new BigDecimal(improvement)), new BigDecimal(improvement), true);
    return new ProviderEvent(Events.metadata("provider-service", referralId, null), new ReferralCompleted("p1", "svc-1",
        "QMM", "p-person", List.of(NeedCode.LONELINESS), Completion.COMPLETED, 4, List.of(), List.of(change), 0));
  }

  private static ContractAgreed.Builder contract() {
    return ContractAgreed.newBuilder()
        .setMetadata(Events.metadata("outcome-service", null, null))
        .setContractId("qmm-outcomes").setCommissioner("QMM").setProviderId("p1")
        .setValidFrom(LocalDate.of(2026, 4, 1)).setValidTo(LocalDate.of(2027, 3, 31))
        .setEngagementFee(money("50.00")).setCompletionFee(money("150.00")).setCompletionMinSessions(3)
        .setOutcomeInstrument(Instrument.SWEMWBS).setOutcomeScore("metric").setOutcomeThreshold(money("2.00"));
  }

  private static FundingRules rules(ContractAgreed contract) {
    return new FundingRules(ReferenceTables.listed(() -> List.of(contract), ContractAgreed::getContractId));
  }

  private static BigDecimal money(String value) {
    return new BigDecimal(value);
  }
}
