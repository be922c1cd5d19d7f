package org.linkway.outcome.ledger.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.linkway.events.Completion;
import org.linkway.events.ContractAgreed;
import org.linkway.events.EventMetadata;
import org.linkway.events.FundingCommitted;
import org.linkway.events.FundingReleased;
import org.linkway.events.FundingReservation;
import org.linkway.events.Instrument;
import org.linkway.events.LedgerEvent;
import org.linkway.events.Measure;
import org.linkway.events.MeasureStage;
import org.linkway.events.Milestone;
import org.linkway.events.NeedCode;
import org.linkway.events.OutcomeReported;
import org.linkway.events.Patient;
import org.linkway.events.PaymentDue;
import org.linkway.events.ProviderEvent;
import org.linkway.events.ReferralAccepted;
import org.linkway.events.ReferralCancelled;
import org.linkway.events.ReferralCompleted;
import org.linkway.events.ReferralEvent;
import org.linkway.events.ReferralOffered;
import org.linkway.events.ReferralSubmitted;
import org.linkway.events.Referrer;
import org.linkway.outcome.statements.Reconciliation;
import org.linkway.platform.kafka.Events;
import org.linkway.state.FundingState;
import org.linkway.state.ReferralStatus;
import org.linkway.platform.testing.ReferenceTables;

class FundingRulesTest {

  /** Inside the contract's dates; pinned so that the tests do not depend on today's date. */
  private static final Instant DURING_CONTRACT = Instant.parse("2026-11-22T10:00:00Z");
  private static final String NHS_NUMBER = "9434765919";
  private static final String PERSON = "p-0123456789abcdef";
  private static final List<NeedCode> NEEDS = List.of(NeedCode.LONELINESS);

  private static ContractAgreed.Builder contract() {
    return ContractAgreed.newBuilder()
        .setMetadata(Events.metadata("outcome-service", null, null))
        .setContractId("qmm-p1-2026")
        .setCommissioner("QMM")
        .setProviderId("p1")
        .setServiceIds(List.of())
        .setValidFrom(LocalDate.of(2026, 4, 1))
        .setValidTo(LocalDate.of(2027, 3, 31))
        .setCurrency("GBP")
        .setEngagementFee(new BigDecimal("50.00"))
        .setCompletionFee(new BigDecimal("150.00"))
        .setCompletionMinSessions(3);
  }

  private final UUID referralId = UUID.randomUUID();
  private final List<ContractAgreed> contracts = new ArrayList<>(List.of(contract().build()));
  private final FundingRules rules = new FundingRules(ReferenceTables.listed(() -> contracts, ContractAgreed::getContractId));

  private EventMetadata meta(String producer, Instant at) {
    return EventMetadata.newBuilder(Events.metadata(producer, referralId, null)).setOccurredAt(at).build();
  }

  private ProviderEvent provider(Object payload) {
    return new ProviderEvent(meta("provider-service", DURING_CONTRACT), payload);
  }

  private ReferralEvent referral(Object payload) {
    return new ReferralEvent(meta("referral-service", DURING_CONTRACT), payload);
  }

  private ProviderEvent accepted() {
    return provider(new ReferralAccepted("p1", "svc-1", "QMM", PERSON, NEEDS, null));
  }

  private ProviderEvent acceptedAt(Instant at) {
    return new ProviderEvent(meta("provider-service", at), new ReferralAccepted("p1", "svc-1", "QMM", PERSON, NEEDS, null));
  }

  /** Accepted after the commissioner's budget reserved the funding. */
  private ProviderEvent acceptedWith(FundingReservation funding) {
    return provider(new ReferralAccepted("p1", "svc-1", "QMM", PERSON, NEEDS, funding));
  }

  private ProviderEvent acceptedWith(Instant at, FundingReservation funding) {
    return new ProviderEvent(meta("provider-service", at), new ReferralAccepted("p1", "svc-1", "QMM", PERSON, NEEDS, funding));
  }

  private static FundingReservation reservation(String contractId, String amount, String financialYear) {
    return new FundingReservation(contractId, new BigDecimal(amount), financialYear, false);
  }

  private ProviderEvent completed(Completion completion, int sessions) {
    List<Measure> measures = List.of(
        new Measure(Instrument.SWEMWBS, MeasureStage.BASELINE, List.of(2, 2, 3, 2, 2, 3, 2), 16, new BigDecimal("16.36"), null),
        new Measure(Instrument.SWEMWBS, MeasureStage.FOLLOW_UP, List.of(3, 4, 3, 4, 3, 4, 3), 24, new BigDecimal("21.54"), null));
    return provider(new ReferralCompleted("p1", "svc-1", "QMM", PERSON, NEEDS, completion, sessions, measures, List.of(), 0));
  }

  private ReferralEvent cancelled() {
    return referral(new ReferralCancelled("moved away", "D82044", null));
  }

  private ReferralEvent submitted() {
    return referral(new ReferralSubmitted(PERSON,
        new Patient(NHS_NUMBER, "Ada", "Lovelace", LocalDate.of(1950, 12, 10), "NR1 3SR", null, null), null, "NR1", 75,
        true, new Referrer("D82044", null), "QMM", NEEDS, null, null, null, null, false, null, null));
  }

  /** Applies the inputs in order; returns the last step, with every output collected. */
  private record Run(FundingState state, List<SpecificRecord> lastOutputs, List<SpecificRecord> allOutputs) {}

  private Run run(SpecificRecord... inputs) {
    FundingState state = null;
    List<SpecificRecord> last = List.of();
    List<SpecificRecord> all = new ArrayList<>();
    for (SpecificRecord input : inputs) {
      FundingRules.Step step = rules.apply(state, input);
      state = step.state();
      last = step.outputs();
      all.addAll(last);
      assertInvariants(state);
    }
    return new Run(state, last, all);
  }

  private static void assertInvariants(FundingState state) {
    assertThat(FundingRules.due(state)).isLessThanOrEqualTo(FundingRules.committed(state));
    assertThat(FundingRules.released(state)).isLessThanOrEqualTo(FundingRules.committed(state));
  }

  private static List<Object> ledgerPayloads(List<SpecificRecord> outputs) {
    return outputs.stream().filter(LedgerEvent.class::isInstance).map(o -> ((LedgerEvent) o).getPayload()).toList();
  }

  private static List<OutcomeReported> outcomes(List<SpecificRecord> outputs) {
    return outputs.stream().filter(OutcomeReported.class::isInstance).map(OutcomeReported.class::cast).toList();
  }

  private static BigDecimal money(String amount) {
    return new BigDecimal(amount);
  }

  @Test
  void givenAContract_whenTheProviderAccepts_thenTheMostItCanEarnIsCommittedAndTheEngagementFeeIsDue() {
    Run run = run(submitted(), accepted());

    assertThat(run.state().getStatus()).isEqualTo(ReferralStatus.ACCEPTED);
    assertThat(run.state().getCommissioner()).isEqualTo("QMM");
    assertThat(run.state().getContract().getContractId()).isEqualTo("qmm-p1-2026");
    assertThat(ledgerPayloads(run.lastOutputs())).hasSize(2);
    assertThat(ledgerPayloads(run.lastOutputs()).get(0)).isInstanceOfSatisfying(FundingCommitted.class, c -> {
      assertThat(c.getAmount()).isEqualByComparingTo(money("200.00"));
      assertThat(c.getCommissioner()).isEqualTo("QMM");
      assertThat(c.getContractId()).isEqualTo("qmm-p1-2026");
      assertThat(c.getProviderId()).isEqualTo("p1");
      assertThat(c.getServiceId()).isEqualTo("svc-1");
      assertThat(c.getCurrency()).isEqualTo("GBP");
    });
    assertThat(ledgerPayloads(run.lastOutputs()).get(1)).isInstanceOfSatisfying(PaymentDue.class, d -> {
      assertThat(d.getMilestone()).isEqualTo(Milestone.ENGAGEMENT);
      assertThat(d.getAmount()).isEqualByComparingTo(money("50.00"));
      assertThat(d.getServiceId()).isEqualTo("svc-1");
    });
    assertThat(outcomes(run.lastOutputs())).isEmpty();
    assertThat(FundingRules.committed(run.state())).isEqualByComparingTo(money("200.00"));
    assertThat(FundingRules.due(run.state())).isEqualByComparingTo(money("50.00"));
    assertThat(FundingRules.released(run.state())).isEqualByComparingTo(money("0.00"));
  }

  @Test
  void givenTheLedgerEvents_whenWritten_thenTheyBelongToTheReferralAndFollowFromTheAcceptance() {
    ProviderEvent accepted = accepted();

    FundingRules.Step step = rules.apply(null, accepted);

    assertThat(step.outputs()).allSatisfy(o -> {
      EventMetadata m = ((LedgerEvent) o).getMetadata();
      assertThat(m.getReferralId()).isEqualTo(referralId);
      assertThat(m.getCorrelationId()).isEqualTo(accepted.getMetadata().getCorrelationId());
      assertThat(m.getProducer()).isEqualTo("outcome-service");
    });
    assertThat(step.state().getLedger()).isEqualTo(step.outputs());
  }

  @ParameterizedTest(name = "{0} sessions")
  @CsvSource({"3", "4", "12"})
  void givenAnAcceptedReferral_whenCompletedAfterEnoughSessions_thenTheCompletionFeeIsDueAndTheOutcomeReported(int sessions) {
    Run run = run(submitted(), accepted(), completed(Completion.COMPLETED, sessions));

    assertThat(run.state().getStatus()).isEqualTo(ReferralStatus.COMPLETED);
    assertThat(ledgerPayloads(run.lastOutputs())).singleElement().isInstanceOfSatisfying(PaymentDue.class, d -> {
      assertThat(d.getMilestone()).isEqualTo(Milestone.COMPLETION);
      assertThat(d.getAmount()).isEqualByComparingTo(money("150.00"));
    });
    assertThat(outcomes(run.lastOutputs())).singleElement().satisfies(o -> {
      assertThat(o.getPersonId()).isEqualTo(PERSON);
      assertThat(o.getCommissioner()).isEqualTo("QMM");
      assertThat(o.getSessionsAttended()).isEqualTo(sessions);
      assertThat(o.getMeasures()).hasSize(2);
    });
    assertThat(run.state().getOutcomes()).hasSize(1);
    assertThat(FundingRules.committed(run.state())).isEqualByComparingTo(money("200.00"));
    assertThat(FundingRules.due(run.state())).isEqualByComparingTo(money("200.00"));
    assertThat(FundingRules.released(run.state())).isEqualByComparingTo(money("0.00"));
  }

  @Test
  void givenAnOutcomeReport_whenWritten_thenItCarriesNoNhsNumberOrName() {
    Run run = run(submitted(), accepted(), completed(Completion.COMPLETED, 3));
    OutcomeReported outcome = outcomes(run.lastOutputs()).get(0);

    List<String> fields = outcome.getSchema().getFields().stream().map(Schema.Field::name).toList();
    assertThat(fields).contains("personId")
        .doesNotContain("nhsNumber", "givenName", "familyName", "patient", "birthDate", "postcode");
    assertThat(outcome.getPersonId()).isNotBlank();
    assertThat(outcome.toString()).doesNotContain(NHS_NUMBER, "Lovelace");
  }

  @Test
  void givenAnAcceptedReferral_whenCompletedAfterOneSession_thenNoCompletionFeeIsDueAndTheRestIsReleased() {
    Run run = run(submitted(), accepted(), completed(Completion.COMPLETED, 1));

    assertThat(ledgerPayloads(run.lastOutputs())).singleElement().isInstanceOfSatisfying(FundingReleased.class, r -> {
      assertThat(r.getAmount()).isEqualByComparingTo(money("150.00"));
      assertThat(r.getReason()).contains("COMPLETED");
      assertThat(r.getServiceId()).isEqualTo("svc-1");
    });
    assertThat(outcomes(run.lastOutputs())).hasSize(1);
    assertThat(FundingRules.due(run.state())).isEqualByComparingTo(money("50.00"));
    assertThat(FundingRules.released(run.state())).isEqualByComparingTo(money("150.00"));
  }

  @Test
  void givenAnAcceptedReferral_whenThePersonDropsOutAfterManySessions_thenNoCompletionFeeIsDue() {
    Run run = run(submitted(), accepted(), completed(Completion.DROPPED_OUT, 8));

    assertThat(ledgerPayloads(run.lastOutputs())).singleElement().isInstanceOfSatisfying(FundingReleased.class, r ->
        assertThat(r.getAmount()).isEqualByComparingTo(money("150.00")));
    assertThat(FundingRules.due(run.state())).isEqualByComparingTo(money("50.00"));
  }

  @Test
  void givenAnEventAlreadyApplied_whenItIsAppliedAgain_thenNothingChanges() {
    ProviderEvent accepted = accepted();
    FundingState once = rules.apply(null, accepted).state();

    FundingRules.Step again = rules.apply(once, accepted);

    assertThat(again.state()).isSameAs(once);
    assertThat(again.outputs()).isEmpty();
  }

  @Test
  void givenACompletionAlreadyApplied_whenItIsRedelivered_thenNoFeeIsDueTwice() {
    ProviderEvent completion = completed(Completion.COMPLETED, 3);
    FundingState done = run(submitted(), accepted(), completion).state();

    FundingRules.Step again = rules.apply(done, completion);

    assertThat(again.state()).isSameAs(done);
    assertThat(again.outputs()).isEmpty();
  }

  @Test
  void givenAnAcceptedReferral_whenADuplicateAcceptanceArrivesWithAnotherEventId_thenNothingIsCommittedOrPaidTwice() {
    Run run = run(submitted(), accepted(), accepted());

    assertThat(run.lastOutputs()).isEmpty();
    assertThat(run.state().getLedger()).hasSize(2);
    assertThat(run.state().getAppliedEventIds()).hasSize(3);
    assertThat(FundingRules.committed(run.state())).isEqualByComparingTo(money("200.00"));
    assertThat(FundingRules.due(run.state())).isEqualByComparingTo(money("50.00"));
  }

  @Test
  void givenACompletedReferral_whenADuplicateCompletionArrivesWithAnotherEventId_thenTheCompletionFeeIsNotDueTwice() {
    Run run = run(submitted(), accepted(), completed(Completion.COMPLETED, 3), completed(Completion.COMPLETED, 4));

    assertThat(ledgerPayloads(run.lastOutputs())).isEmpty();
    assertThat(FundingRules.due(run.state())).isEqualByComparingTo(money("200.00"));
  }

  @Test
  void givenAnAcceptedReferral_whenTheReferrerCancels_thenWhatWasNotEarnedIsReleased() {
    Run run = run(submitted(), accepted(), cancelled());

    assertThat(run.state().getStatus()).isEqualTo(ReferralStatus.CANCELLED);
    assertThat(ledgerPayloads(run.lastOutputs())).singleElement().isInstanceOfSatisfying(FundingReleased.class, r -> {
      assertThat(r.getAmount()).isEqualByComparingTo(money("150.00"));
      assertThat(r.getReason()).isEqualTo("cancelled by the referrer");
    });
    assertThat(outcomes(run.allOutputs())).isEmpty();
    assertThat(FundingRules.committed(run.state())).isEqualByComparingTo(money("200.00"));
    assertThat(FundingRules.due(run.state())).isEqualByComparingTo(money("50.00"));
    assertThat(FundingRules.released(run.state())).isEqualByComparingTo(money("150.00"));
  }

  @Test
  void givenAReferralCancelledBeforeAcceptance_whenCancelled_thenThereIsNothingToRelease() {
    Run run = run(submitted(), cancelled());

    assertThat(run.state().getStatus()).isEqualTo(ReferralStatus.CANCELLED);
    assertThat(run.allOutputs()).isEmpty();
    assertThat(run.state().getLedger()).isEmpty();
  }

  @Test
  void givenACompletedReferral_whenACancellationArrives_thenNothingChangesInTheLedger() {
    Run run = run(submitted(), accepted(), completed(Completion.COMPLETED, 1), cancelled());

    assertThat(run.state().getStatus()).isEqualTo(ReferralStatus.COMPLETED);
    assertThat(run.lastOutputs()).isEmpty();
    assertThat(FundingRules.released(run.state())).isEqualByComparingTo(money("150.00"));
  }

  @Test
  void givenAnAcceptedReferral_whenAnOfferArrivesLate_thenTheStatusDoesNotGoBack() {
    ReferralOffered offer = ReferralOffered.newBuilder()
        .setProviderId("p1").setServiceId("svc-1").setAttempt(1).setNeedsMet(NEEDS).setCommissioner("QMM")
        .setPersonId(PERSON).setNeeds(NEEDS)
        .setPatient(new Patient(NHS_NUMBER, "Ada", "Lovelace", LocalDate.of(1950, 12, 10), "NR1 3SR", null, null))
        .build();

    Run run = run(accepted(), referral(offer));

    assertThat(run.state().getStatus()).isEqualTo(ReferralStatus.ACCEPTED);
    assertThat(run.lastOutputs()).isEmpty();
  }

  static Stream<Arguments> noContractApplies() {
    return Stream.of(
        Arguments.of("no contracts at all", List.<ContractAgreed>of()),
        Arguments.of("another commissioner's contract", List.of(contract().setCommissioner("QUE").build())),
        Arguments.of("another provider's contract", List.of(contract().setProviderId("p2").build())),
        Arguments.of("a contract for other services", List.of(contract().setServiceIds(List.of("svc-2")).build())),
        Arguments.of("a contract that ended", List.of(contract().setValidFrom(LocalDate.of(2025, 4, 1))
            .setValidTo(LocalDate.of(2026, 3, 31)).build())),
        Arguments.of("a contract not yet started", List.of(contract().setValidFrom(LocalDate.of(2027, 4, 1))
            .setValidTo(LocalDate.of(2028, 3, 31)).build())));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("noContractApplies")
  void givenNoContractApplies_whenTheReferralIsAcceptedAndCompleted_thenThereAreNoLedgerEntries(
      String description, List<ContractAgreed> available) {
    contracts.clear();
    contracts.addAll(available);

    Run run = run(submitted(), accepted(), completed(Completion.COMPLETED, 5), cancelled());

    assertThat(run.state().getContract()).isNull();
    assertThat(run.state().getLedger()).isEmpty();
    assertThat(ledgerPayloads(run.allOutputs())).isEmpty();
    assertThat(outcomes(run.allOutputs())).hasSize(1);
  }

  @Test
  void givenAContractForTheService_whenTheReferralIsAccepted_thenItApplies() {
    contracts.set(0, contract().setServiceIds(List.of("svc-0", "svc-1")).build());

    assertThat(FundingRules.committed(run(accepted()).state())).isEqualByComparingTo(money("200.00"));
  }

  @Test
  void givenTwoContractsThatApply_whenTheReferralIsAccepted_thenTheLowestContractIdIsUsed() {
    contracts.add(contract().setContractId("a-first").setEngagementFee(new BigDecimal("10.00")).build());

    Run run = run(accepted());

    assertThat(run.state().getContract().getContractId()).isEqualTo("a-first");
    assertThat(FundingRules.committed(run.state())).isEqualByComparingTo(money("160.00"));
  }

  @ParameterizedTest(name = "accepted at {0}: contract applies = {1}")
  @CsvSource({
      "2026-03-31T22:59:59Z, false", // 23:59:59 BST on 31 March 2026: the day before the contract
      "2026-03-31T23:00:00Z, true",  // 00:00 BST on 1 April 2026, its first day
      "2027-03-31T22:59:59Z, true",  // 23:59:59 BST on 31 March 2027, its last day
      "2027-03-31T23:00:00Z, false", // 00:00 BST on 1 April 2027
  })
  void givenAnAcceptanceNearTheContractDates_whenApplied_thenTheUkDateDecides(Instant at, boolean applies) {
    Run run = run(acceptedAt(at));

    assertThat(run.state().getContract() != null).isEqualTo(applies);
    assertThat(run.state().getLedger()).hasSize(applies ? 2 : 0);
  }

  @Test
  void givenAContractWithOnlyACompletionFee_whenAccepted_thenOnlyTheCompletionFeeIsCommittedAndNothingIsDue() {
    contracts.set(0, contract().setEngagementFee(null).build());

    Run run = run(accepted());

    assertThat(ledgerPayloads(run.lastOutputs())).singleElement().isInstanceOf(FundingCommitted.class);
    assertThat(FundingRules.committed(run.state())).isEqualByComparingTo(money("150.00"));
    assertThat(FundingRules.due(run.state())).isEqualByComparingTo(money("0.00"));
  }

  @Test
  void givenAContractWithNoMinimumSessions_whenCompletedWithNone_thenTheCompletionFeeIsDue() {
    contracts.set(0, contract().setCompletionMinSessions(0).build());

    Run run = run(accepted(), completed(Completion.COMPLETED, 0));

    assertThat(FundingRules.due(run.state())).isEqualByComparingTo(money("200.00"));
  }

  static Stream<Arguments> sequences() {
    return Stream.of(
        Arguments.of("accept", List.of("accept")),
        Arguments.of("accept, complete (3)", List.of("accept", "complete3")),
        Arguments.of("accept, complete (1)", List.of("accept", "complete1")),
        Arguments.of("accept, accept, complete (3), complete (3)", List.of("accept", "accept", "complete3", "complete3")),
        Arguments.of("accept, cancel", List.of("accept", "cancel")),
        Arguments.of("accept, cancel, cancel", List.of("accept", "cancel", "cancel")),
        Arguments.of("accept, complete (3), cancel", List.of("accept", "complete3", "cancel")),
        Arguments.of("complete (3) before any acceptance, accept", List.of("complete3", "accept")),
        Arguments.of("cancel, accept", List.of("cancel", "accept")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("sequences")
  void givenAnyOrderOfEvents_whenApplied_thenWhatIsDueNeverExceedsWhatWasCommitted(String description, List<String> steps) {
    FundingState state = null;
    for (String s : steps) {
      SpecificRecord input = switch (s) {
        case "accept" -> accepted();
        case "complete3" -> completed(Completion.COMPLETED, 3);
        case "complete1" -> completed(Completion.COMPLETED, 1);
        case "cancel" -> cancelled();
        default -> throw new IllegalArgumentException(s);
      };
      state = rules.apply(state, input).state();
      assertThat(FundingRules.due(state)).isLessThanOrEqualTo(FundingRules.committed(state));
      assertThat(FundingRules.due(state)).isLessThanOrEqualTo(money("200.00"));
      long paymentsDue = state.getLedger().stream().filter(e -> e.getPayload() instanceof PaymentDue).count();
      assertThat(paymentsDue).isLessThanOrEqualTo(2);
    }
  }

  /**
   * A referrer cancels an accepted referral while the provider completes it: referral-service
   * writes ReferralCancelled to referrals, provider-service (which has not yet seen the
   * cancellation) writes ReferralCompleted to provider-events, and outcome-service may read the
   * cancellation first. The 150.00 not yet earned is then both released and made due.
   */
  @Test
  void givenACancellationReadBeforeACompletion_whenBothAreApplied_thenNoMoneyIsBothReleasedAndDue() {
    Run run = run(submitted(), accepted(), cancelled(), completed(Completion.COMPLETED, 3));

    BigDecimal committed = FundingRules.committed(run.state());
    BigDecimal accountedFor = FundingRules.due(run.state()).add(FundingRules.released(run.state()));
    assertThat(accountedFor).isLessThanOrEqualTo(committed);
  }

  /**
   * A referrer cancels an offered referral while the provider accepts it; outcome-service reads the
   * cancellation first. The acceptance then commits 200.00 for a referral that has already ended,
   * and the 150.00 not earned is never released (the cancellation has already been applied).
   */
  @Test
  void givenACancellationReadBeforeAnAcceptance_whenBothAreApplied_thenNothingStaysCommittedForTheEndedReferral() {
    Run run = run(submitted(), cancelled(), accepted());

    assertThat(run.state().getStatus()).isEqualTo(ReferralStatus.CANCELLED);
    BigDecimal outstanding = FundingRules.committed(run.state())
        .subtract(FundingRules.due(run.state())).subtract(FundingRules.released(run.state()));
    assertThat(outstanding).isEqualByComparingTo(money("0.00"));
  }

  @Test
  void givenAnOfferedReferral_whenThePersonDeclines_thenTheReferralEndsDeclinedWithNothingCommitted() {
    Run run = run(submitted(), provider(new org.linkway.events.ReferralDeclined("p1", "svc-1",
        org.linkway.events.DeclineReason.PERSON_DECLINED, null, "871711000000103", null)));
    assertThat(run.state().getStatus()).isEqualTo(ReferralStatus.DECLINED);
    assertThat(run.state().getEndedAt()).isNotNull();
    assertThat(FundingRules.committed(run.state())).isEqualByComparingTo("0.00");
  }

  @Test
  void givenAReferral_whenItIsSubmittedAgainUnderAnotherEventId_thenItsFirstSubmissionStands() {
    Run first = run(submitted());
    ReferralEvent again = submitted();
    var step = new FundingRules(ReferenceTables.empty()).apply(first.state(), again);
    assertThat(step.state()).isSameAs(first.state());
    assertThat(step.outputs()).isEmpty();
  }

  // ---- acceptances that carry what the commissioner's budget reserved ----

  private static String yearOf(Object payload) {
    if (payload instanceof FundingCommitted c) return c.getFinancialYear();
    if (payload instanceof PaymentDue d) return d.getFinancialYear();
    if (payload instanceof FundingReleased r) return r.getFinancialYear();
    throw new IllegalArgumentException("not a ledger payload: " + payload);
  }

  private static void assertSettled(FundingState state) {
    assertThat(FundingRules.committed(state))
        .isEqualByComparingTo(FundingRules.due(state).add(FundingRules.released(state)));
  }

  /** The contract was amended after the budget reserved 200.00: the ledger commits what the budget holds. */
  @Test
  void givenAReservation_whenTheProviderAccepts_thenTheReservedAmountIsCommittedNotWhatTheContractNowAllows() {
    contracts.set(0, contract().setEngagementFee(money("60.00")).setCompletionFee(money("160.00")).build());

    Run run = run(submitted(), acceptedWith(reservation("qmm-p1-2026", "200.00", "2026-27")),
        completed(Completion.COMPLETED, 3));

    assertThat(ledgerPayloads(run.allOutputs())).hasSize(3);
    assertThat(ledgerPayloads(run.allOutputs()).get(0)).isInstanceOfSatisfying(FundingCommitted.class, c -> {
      assertThat(c.getAmount()).isEqualTo(money("200.00"));
      assertThat(c.getContractId()).isEqualTo("qmm-p1-2026");
      assertThat(c.getFinancialYear()).isEqualTo("2026-27");
    });
    assertThat(ledgerPayloads(run.allOutputs()).get(1)).isInstanceOfSatisfying(PaymentDue.class, d -> {
      assertThat(d.getMilestone()).isEqualTo(Milestone.ENGAGEMENT);
      assertThat(d.getAmount()).isEqualTo(money("60.00"));
    });
    // never more than was reserved: the completion fee is paid up to what is left of the 200.00
    assertThat(ledgerPayloads(run.allOutputs()).get(2)).isInstanceOfSatisfying(PaymentDue.class, d -> {
      assertThat(d.getMilestone()).isEqualTo(Milestone.COMPLETION);
      assertThat(d.getAmount()).isEqualTo(money("140.00"));
    });
    assertThat(FundingRules.due(run.state())).isEqualTo(money("200.00"));
    assertSettled(run.state());
  }

  /**
   * The budget reserved at 23:59:59 BST on 31 March 2027, in 2026-27; the acceptance is written a
   * second later, on 1 April, after the contract's last day. The reservation names the contract and
   * the year, so every entry of the referral counts against 2026-27.
   */
  @Test
  void givenAReservationDecidedOn31March_whenTheAcceptanceIsWrittenAfterMidnight_thenEveryEntryCountsAgainstTheReservedYear() {
    Run run = run(submitted(),
        acceptedWith(Instant.parse("2027-03-31T23:00:00Z"), reservation("qmm-p1-2026", "200.00", "2026-27")),
        cancelled());

    List<Object> entries = ledgerPayloads(run.allOutputs());
    assertThat(entries).extracting(Object::getClass).containsExactly(FundingCommitted.class, PaymentDue.class, FundingReleased.class);
    assertThat(entries).extracting(FundingRulesTest::yearOf).containsOnly("2026-27");
    assertThat(FundingRules.committed(run.state())).isEqualTo(money("200.00"));
    assertThat(FundingRules.released(run.state())).isEqualTo(money("150.00"));
  }

  @Test
  void givenNoReservation_whenAccepted_thenTheEntriesCarryNoFinancialYearSoNoBudgetCountsThem() {
    // an acceptance written before budgets: the budget never reserved it, so its due and released
    // amounts must not change any budget's use
    Run run = run(submitted(), acceptedAt(Instant.parse("2026-03-31T23:00:00Z")), completed(Completion.COMPLETED, 1));

    assertThat(ledgerPayloads(run.allOutputs())).extracting(Object::getClass)
        .containsExactly(FundingCommitted.class, PaymentDue.class, FundingReleased.class);
    assertThat(ledgerPayloads(run.allOutputs())).extracting(FundingRulesTest::yearOf).containsOnlyNulls();
    assertThat(FundingRules.committed(run.state())).isEqualTo(money("200.00"));
  }

  @Test
  void givenAReservationWithoutAContract_whenAccepted_thenNothingIsCommittedEvenThoughAContractNowCoversTheService() {
    Run run = run(submitted(), acceptedWith(reservation(null, "0.00", "2026-27")), completed(Completion.COMPLETED, 3));

    assertThat(run.state().getContract()).isNull();
    assertThat(run.state().getLedger()).isEmpty();
    assertThat(outcomes(run.allOutputs())).hasSize(1);
  }

  @Test
  void givenAGrantReservation_whenAcceptedAndCompleted_thenTheReferralIsRecordedAgainstTheGrantWithNothingCommittedOrDue() {
    contracts.set(0, contract().setGrant(true).build());

    Run run = run(submitted(), acceptedWith(new FundingReservation("qmm-p1-2026", money("0.00"), "2026-27", true)),
        completed(Completion.COMPLETED, 3));

    assertThat(run.state().getContract().getGrant()).isTrue();
    assertThat(ledgerPayloads(run.allOutputs())).singleElement().isInstanceOfSatisfying(FundingCommitted.class, c -> {
      assertThat(c.getAmount()).isEqualTo(money("0.00"));
      assertThat(c.getFinancialYear()).isEqualTo("2026-27");
    });
    assertThat(FundingRules.due(run.state())).isEqualTo(money("0.00"));
    assertSettled(run.state());
  }

  static Stream<Arguments> endedBeforeTheAcceptanceWasRead() {
    return Stream.of(
        Arguments.of("cancelled by the referrer", ReferralStatus.CANCELLED),
        Arguments.of("declined by the person", ReferralStatus.DECLINED),
        Arguments.of("completed", ReferralStatus.COMPLETED));
  }

  private SpecificRecord ending(ReferralStatus status) {
    return switch (status) {
      case CANCELLED -> cancelled();
      case DECLINED -> provider(new org.linkway.events.ReferralDeclined("p1", "svc-1",
          org.linkway.events.DeclineReason.PERSON_DECLINED, null, "871711000000103", null));
      case COMPLETED -> completed(Completion.COMPLETED, 3);
      default -> throw new IllegalArgumentException(status.toString());
    };
  }

  /**
   * The referral ended while its acceptance was being decided, and the ending is read first. The
   * budget did reserve 200.00 for it: the ledger commits that and releases what is not earned at
   * once, so the referral is settled and the budget gets the money back. The provider did accept,
   * so (as when the ending is read after the acceptance) its engagement fee is due.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("endedBeforeTheAcceptanceWasRead")
  void givenAReferralThatEndedBeforeItsReservedAcceptanceWasRead_whenTheAcceptanceIsRead_thenTheReservationIsCommittedAndReleasedAtOnce(
      String description, ReferralStatus ended) {
    Run run = run(submitted(), ending(ended), acceptedWith(reservation("qmm-p1-2026", "200.00", "2026-27")));

    assertThat(run.state().getStatus()).isEqualTo(ended);
    List<Object> entries = ledgerPayloads(run.lastOutputs());
    assertThat(entries).extracting(Object::getClass).containsExactly(FundingCommitted.class, PaymentDue.class, FundingReleased.class);
    assertThat(entries).extracting(FundingRulesTest::yearOf).containsOnly("2026-27");
    assertThat(entries.get(0)).isInstanceOfSatisfying(FundingCommitted.class, c -> assertThat(c.getAmount()).isEqualTo(money("200.00")));
    assertThat(entries.get(1)).isInstanceOfSatisfying(PaymentDue.class, d -> {
      assertThat(d.getMilestone()).isEqualTo(Milestone.ENGAGEMENT);
      assertThat(d.getAmount()).isEqualTo(money("50.00"));
    });
    assertThat(entries.get(2)).isInstanceOfSatisfying(FundingReleased.class, r -> {
      assertThat(r.getAmount()).isEqualTo(money("150.00"));
      assertThat(r.getReason()).isEqualTo("the referral had ended when its acceptance was read");
    });
    assertSettled(run.state());
    Reconciliation reconciliation = Reconciliation.of("QMM", List.of(run.state()), java.util.Map.of("2026-27", money("50.00")));
    assertThat(reconciliation.invariant(Reconciliation.CLOSED_REFERRALS_SETTLED).holds()).isTrue();
    assertThat(reconciliation.invariant(Reconciliation.WITHIN_BUDGET).holds()).as("only the 50.00 due stays spent").isTrue();
    assertThat(reconciliation.clean()).isTrue();
  }

  @Test
  void givenACancelledReferralWhoseReservedAcceptanceWasRead_whenTheAcceptanceOrTheCancellationIsReadAgain_thenNothingMoreIsWritten() {
    Run run = run(submitted(), cancelled(), acceptedWith(reservation("qmm-p1-2026", "200.00", "2026-27")),
        acceptedWith(reservation("qmm-p1-2026", "200.00", "2026-27")), cancelled());

    assertThat(run.state().getLedger()).hasSize(3);
    assertThat(FundingRules.committed(run.state())).isEqualTo(money("200.00"));
    assertSettled(run.state());
  }

  @Test
  void givenACancelledReferral_whenAnAcceptanceThatReservedNothingIsRead_thenNothingIsCommitted() {
    contracts.set(0, contract().setGrant(true).build());

    Run run = run(submitted(), cancelled(), acceptedWith(new FundingReservation("qmm-p1-2026", money("0.00"), "2026-27", true)));

    assertThat(run.state().getStatus()).isEqualTo(ReferralStatus.CANCELLED);
    assertThat(run.state().getLedger()).isEmpty();
    assertThat(run.state().getContract()).isNull();
  }
}
