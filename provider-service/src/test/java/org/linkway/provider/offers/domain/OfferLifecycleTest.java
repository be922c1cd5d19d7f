package org.linkway.provider.offers.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.linkway.commands.AcceptReferral;
import org.linkway.commands.CompleteReferral;
import org.linkway.commands.DeclineReferral;
import org.linkway.commands.ProviderCommand;
import org.linkway.commands.RecordSession;
import org.linkway.commands.RecordTimeCredits;
import org.linkway.events.BudgetDecision;
import org.linkway.events.BudgetRequest;
import org.linkway.events.Completion;
import org.linkway.events.DeclineReason;
import org.linkway.events.EventMetadata;
import org.linkway.events.FundingRefused;
import org.linkway.events.FundingReservation;
import org.linkway.events.Instrument;
import org.linkway.events.Measure;
import org.linkway.events.MeasureStage;
import org.linkway.events.NeedCode;
import org.linkway.events.Patient;
import org.linkway.events.ReferralAccepted;
import org.linkway.events.ReferralCompleted;
import org.linkway.events.ReferralDeclined;
import org.linkway.events.ReferralOffered;
import org.linkway.events.ReserveFunding;
import org.linkway.events.SessionAttended;
import org.linkway.events.WithdrawReservation;
import org.linkway.platform.kafka.Events;
import org.linkway.provider.offers.domain.OfferLifecycle.Step;
import org.linkway.state.OfferState;
import org.linkway.state.OfferStatus;

class OfferLifecycleTest {

  /** Expected transitions, row = from, column = to (Y = allowed), written independently of the code. */
  private static final String[] TABLE = {
      //          OFFERED ACCEPTING ACCEPTED DECLINED COMPLETED CANCELLED
      "OFFERED    -       Y         -        Y        -         Y",
      "ACCEPTING  Y       -         Y        -        -         Y",
      "ACCEPTED   -       -         Y        Y        Y         Y",
      "DECLINED   Y       -         -        -        -         Y",
      "COMPLETED  -       -         -        -        -         -",
      "CANCELLED  -       -         -        -        -         -",
  };
  private static final List<OfferStatus> COLUMNS = List.of(OfferStatus.OFFERED, OfferStatus.ACCEPTING,
      OfferStatus.ACCEPTED, OfferStatus.DECLINED, OfferStatus.COMPLETED, OfferStatus.CANCELLED);

  static Stream<Arguments> everyPairOfStatuses() {
    return Arrays.stream(TABLE).flatMap(row -> {
      String[] cells = row.trim().split("\\s+");
      OfferStatus from = OfferStatus.valueOf(cells[0]);
      return COLUMNS.stream().map(to -> Arguments.of(from, to, cells[COLUMNS.indexOf(to) + 1].equals("Y")));
    });
  }

  @Test
  void givenTheExpectedTable_whenItIsRead_thenItCoversEveryStatusButUnknownAndWithdrawn() {
    List<OfferStatus> covered = Arrays.stream(OfferStatus.values())
        .filter(s -> s != OfferStatus.UNKNOWN && s != OfferStatus.WITHDRAWN).toList();
    assertThat(COLUMNS).containsExactlyInAnyOrderElementsOf(covered);
    assertThat(everyPairOfStatuses()).hasSize(covered.size() * covered.size());
  }

  @ParameterizedTest(name = "{0} -> {1}: {2}")
  @MethodSource("everyPairOfStatuses")
  void givenTwoStatuses_whenTheTransitionIsChecked_thenItIsAllowedOnlyIfInTheTable(
      OfferStatus from, OfferStatus to, boolean allowed) {
    assertThat(OfferLifecycle.allows(from, to)).isEqualTo(allowed);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "OFFERED, requested",
      "ACCEPTING, received",
      "ACCEPTED, accepted",
      "DECLINED, rejected",
      "COMPLETED, completed",
      "CANCELLED, cancelled",
      "UNKNOWN, unknown",
  })
  void givenAnOfferStatus_whenMappedToFhir_thenItIsTheTaskStatus(OfferStatus status, String task) {
    assertThat(OfferLifecycle.taskStatus(status)).isEqualTo(task);
  }

  // ---------------------------------------------------------------- behaviour

  private static final String P1 = "prov-1";
  private static final String P2 = "prov-2";
  private static final String YEAR = "2026-27";
  private final UUID referralId = UUID.randomUUID();

  private ReferralOffered offerTo(String providerId, String serviceId, int attempt) {
    return ReferralOffered.newBuilder()
        .setProviderId(providerId)
        .setServiceId(serviceId)
        .setAttempt(attempt)
        .setNeedsMet(List.of(NeedCode.LONELINESS))
        .setCommissioner("QMM")
        .setPersonId("p-0123456789abcdef")
        .setNeeds(List.of(NeedCode.LONELINESS, NeedCode.NATURE))
        .setPatient(new Patient("9434765919", "Ada", "Lovelace", LocalDate.of(1950, 12, 10), "NR1 3SR", null, null))
        .build();
  }

  private EventMetadata meta() {
    return Events.metadata("referral-service", referralId, null);
  }

  private OfferState offered() {
    return OfferLifecycle.offered(null, offerTo(P1, "svc-1", 1), meta());
  }

  private ProviderCommand command(String providerId, Object payload) {
    return new ProviderCommand(Events.metadata("provider-service", referralId, null), providerId, payload, null);
  }

  private static AcceptReferral accept() {
    return new AcceptReferral(null, List.of(), null);
  }

  private static DeclineReferral decline() {
    return new DeclineReferral(DeclineReason.CAPACITY, "full until spring", null);
  }

  private static RecordSession session(int day) {
    return new RecordSession(LocalDate.of(2026, 11, day), true, List.of());
  }

  private static CompleteReferral complete(List<Measure> measures) {
    return new CompleteReferral(Completion.COMPLETED, measures);
  }

  private static String idOf(ProviderCommand command) {
    return command.getMetadata().getEventId().toString();
  }

  private static FundingReservation reservation(String amount) {
    return new FundingReservation("contract-QMM-1", new BigDecimal(amount), YEAR, false);
  }

  private static FundingRefused budgetSpent() {
    return new FundingRefused("QMM", YEAR, new BigDecimal("250.00"), new BigDecimal("40.00"),
        "the commissioner's budget for 2026-27 is spent: 250.00 needed, 40.00 free");
  }

  /** The budget's answer to an accept command, as outcome-service writes it on budget-decisions. */
  private BudgetDecision decision(String acceptCommandId, Object payload) {
    return new BudgetDecision(Events.metadata("outcome-service", referralId, null), acceptCommandId, payload);
  }

  private OfferState applied(OfferState state, String providerId, Object payload) {
    Step step = OfferLifecycle.decide(state, command(providerId, payload));
    assertThat(step.refusal()).isNull();
    return step.state();
  }

  /** The holder's accept, waiting for the budget. */
  private OfferState accepting(OfferState offered, ProviderCommand accept) {
    Step step = OfferLifecycle.decide(offered, accept);
    assertThat(step.refusal()).isNull();
    assertThat(step.state().getStatus()).isEqualTo(OfferStatus.ACCEPTING);
    return step.state();
  }

  private OfferState accepting() {
    return accepting(offered(), command(P1, accept()));
  }

  /** Accepted the way it happens: the holder accepts, then the budget reserves the funding. */
  private OfferState accepted(OfferState offered, String providerId) {
    ProviderCommand accept = command(providerId, accept());
    Step step = OfferLifecycle.budgetDecided(accepting(offered, accept), decision(idOf(accept), reservation("250.00")));
    assertThat(step.refusal()).isNull();
    assertThat(step.state().getStatus()).isEqualTo(OfferStatus.ACCEPTED);
    return step.state();
  }

  private OfferState accepted() {
    return accepted(offered(), P1);
  }

  private static void assertRefused(Step step, OfferState before, String reason) {
    assertThat(step.refusal()).contains(reason);
    assertThat(step.event()).isNull();
    assertThat(step.budgetRequest()).isNull();
    assertThat(step.awaitsBudget()).isFalse();
    assertThat(step.state()).isSameAs(before);
  }

  @Test
  void givenANewOffer_whenItArrives_thenTheOfferStateStartsAsOffered() {
    EventMetadata meta = meta();
    ReferralOffered offer = offerTo(P1, "svc-1", 1);

    OfferState state = OfferLifecycle.offered(null, offer, meta);

    assertThat(state.getReferralId()).isEqualTo(referralId);
    assertThat(state.getStatus()).isEqualTo(OfferStatus.OFFERED);
    assertThat(state.getOffer()).isEqualTo(offer);
    assertThat(state.getOfferedAt()).isEqualTo(meta.getOccurredAt());
    assertThat(state.getDeclinedBy()).isEmpty();
    assertThat(state.getSessionsAttended()).isZero();
    assertThat(state.getProcessedCommandIds()).isEmpty();
    assertThat(state.getPendingAccept()).isNull();
  }

  // ---------------------------------------------------------------- acceptance asks the budget

  @Test
  void givenAnOffer_whenTheHolderAccepts_thenItIsAcceptingAndTheBudgetIsAskedToReserveItsFunding() {
    ProviderCommand command = new ProviderCommand(Events.metadata("provider-service", referralId, "corr-accept"), P1, accept(), null);

    Step step = OfferLifecycle.decide(offered(), command);

    assertThat(step.refusal()).isNull();
    assertThat(step.event()).as("nothing is written to provider-events until the budget answers").isNull();
    assertThat(step.awaitsBudget()).isTrue();
    assertThat(step.state().getStatus()).isEqualTo(OfferStatus.ACCEPTING);
    assertThat(step.state().getPendingAccept()).isEqualTo(command);
    assertThat(step.state().getProcessedCommandIds()).containsExactly(idOf(command));
    assertThat(step.state().getBaseline()).isEmpty();
    BudgetRequest request = step.budgetRequest();
    assertThat(request.getPayload()).isEqualTo(new ReserveFunding("QMM", P1, "svc-1", idOf(command)));
    assertThat(request.getMetadata().getReferralId()).isEqualTo(referralId);
    assertThat(request.getMetadata().getProducer()).isEqualTo("provider-service");
    assertThat(request.getMetadata().getCorrelationId()).isEqualTo("corr-accept");
    assertThat(request.getMetadata().getEventId()).isNotEqualTo(command.getMetadata().getEventId());
  }

  @Test
  void givenTheSameAcceptDecidedTwiceFromTheSameState_whenDecided_thenTheRequestHasTheSameId() {
    ProviderCommand command = command(P1, accept());
    OfferState offered = offered();

    UUID first = OfferLifecycle.decide(offered, command).budgetRequest().getMetadata().getEventId();
    UUID second = OfferLifecycle.decide(offered, command).budgetRequest().getMetadata().getEventId();

    assertThat(second).isEqualTo(first);
  }

  @Test
  void givenOffersThatEndWithoutAcceptance_whenAsked_thenTheyHaveEnded_butAnAcceptedOneThatEndsIsStillTheProviders() {
    OfferState declined = applied(offered(), P1, decline());
    assertThat(OfferLifecycle.endedWithoutAcceptance(declined)).as("declined").isTrue();
    OfferState expired = OfferLifecycle.expire(OfferState.newBuilder(offered()).setRespondBy(java.time.Instant.now().minusSeconds(1))
        .build(), meta()).state();
    assertThat(expired.getStatus()).isEqualTo(OfferStatus.DECLINED);
    assertThat(OfferLifecycle.endedWithoutAcceptance(expired)).as("expired").isTrue();
    assertThat(OfferLifecycle.endedWithoutAcceptance(OfferLifecycle.cancelled(offered()))).as("cancelled when offered").isTrue();
    assertThat(OfferLifecycle.endedWithoutAcceptance(OfferLifecycle.cancelled(accepting()))).as("cancelled while the budget decided").isTrue();
    assertThat(OfferLifecycle.endedWithoutAcceptance(offered())).isFalse();

    OfferState accepted = accepted();
    assertThat(accepted.getAccepted()).isTrue();
    assertThat(OfferLifecycle.endedWithoutAcceptance(accepted)).isFalse();
    assertThat(OfferLifecycle.endedWithoutAcceptance(OfferLifecycle.cancelled(accepted))).as("cancelled after acceptance").isFalse();
    OfferState personDeclined = applied(accepted, P1, new DeclineReferral(DeclineReason.PERSON_DECLINED, null, null));
    assertThat(personDeclined.getStatus()).isEqualTo(OfferStatus.DECLINED);
    assertThat(OfferLifecycle.endedWithoutAcceptance(personDeclined)).as("the person declined after acceptance").isFalse();
    OfferState offeredAgain = OfferLifecycle.offered(declined, offerTo(P2, "svc-2", 2), meta());
    assertThat(offeredAgain.getAccepted()).as("a new offer starts unaccepted").isFalse();
  }

  @Test
  void givenAnAcceptingOffer_whenTheBudgetReserves_thenItIsAcceptedWithTheReservationOnItsReferralAccepted() {
    ProviderCommand accept = new ProviderCommand(Events.metadata("provider-service", referralId, "corr-accept"), P1, accept(), null);
    OfferState accepting = accepting(offered(), accept);
    BudgetDecision reserved = new BudgetDecision(Events.metadata("outcome-service", referralId, "corr-budget"),
        idOf(accept), reservation("250.00"));

    Step step = OfferLifecycle.budgetDecided(accepting, reserved);

    assertThat(step.refusal()).isNull();
    assertThat(step.budgetRequest()).isNull();
    assertThat(step.awaitsBudget()).isFalse();
    assertThat(step.state().getStatus()).isEqualTo(OfferStatus.ACCEPTED);
    assertThat(step.state().getPendingAccept()).isNull();
    assertThat(step.state().getProcessedCommandIds())
        .containsExactly(idOf(accept), reserved.getMetadata().getEventId().toString());
    assertThat(step.event().getPayload()).isEqualTo(new ReferralAccepted(P1, "svc-1", "QMM", "p-0123456789abcdef",
        List.of(NeedCode.LONELINESS, NeedCode.NATURE), reservation("250.00")));
    assertThat(step.event().getMetadata().getReferralId()).isEqualTo(referralId);
    assertThat(step.event().getMetadata().getProducer()).isEqualTo("provider-service");
    assertThat(step.event().getMetadata().getCorrelationId())
        .as("the acceptance belongs to the provider's accept command, not to the budget's answer").isEqualTo("corr-accept");
  }

  @Test
  void givenTheSameDecisionAppliedTwiceFromTheSameState_whenApplied_thenTheEventHasTheSameId() {
    ProviderCommand accept = command(P1, accept());
    OfferState accepting = accepting(offered(), accept);
    BudgetDecision reserved = decision(idOf(accept), reservation("250.00"));

    UUID first = OfferLifecycle.budgetDecided(accepting, reserved).event().getMetadata().getEventId();
    UUID second = OfferLifecycle.budgetDecided(accepting, reserved).event().getMetadata().getEventId();

    assertThat(second).isEqualTo(first);
  }

  @Test
  void givenAnAcceptWithBaselineMeasures_whenTheBudgetReserves_thenTheBaselineIsKeptForTheCompletion() {
    Measure baseline = new Measure(Instrument.SWEMWBS, MeasureStage.BASELINE, List.of(2, 2, 3, 2, 2, 3, 2), 16,
        new BigDecimal("16.36"), null);
    ProviderCommand accept = command(P1, new AcceptReferral("first call went well", List.of(baseline), null));
    OfferState accepting = accepting(offered(), accept);

    Step step = OfferLifecycle.budgetDecided(accepting, decision(idOf(accept), reservation("250.00")));

    assertThat(accepting.getBaseline()).as("not kept before the acceptance is decided").isEmpty();
    assertThat(step.state().getStatus()).isEqualTo(OfferStatus.ACCEPTED);
    assertThat(step.state().getBaseline()).containsExactly(baseline);
  }

  @Test
  void givenAnAcceptingOffer_whenTheBudgetRefuses_thenItIsOfferedAgainAndTheProviderIsToldWhy() {
    ProviderCommand accept = command(P1, accept());
    OfferState accepting = accepting(offered(), accept);
    BudgetDecision refused = decision(idOf(accept), budgetSpent());

    Step step = OfferLifecycle.budgetDecided(accepting, refused);

    assertThat(step.refusal()).isEqualTo("the commissioner's budget for 2026-27 is spent: 250.00 needed, 40.00 free");
    assertThat(step.event()).isNull();
    assertThat(step.budgetRequest()).isNull();
    assertThat(step.state().getStatus()).isEqualTo(OfferStatus.OFFERED);
    assertThat(step.state().getPendingAccept()).isNull();
    assertThat(step.state().getOffer()).isEqualTo(accepting.getOffer());
    assertThat(step.state().getProcessedCommandIds()).contains(refused.getMetadata().getEventId().toString());
  }

  @Test
  void givenAnOfferOpenAgainAfterTheBudgetRefused_whenTheHolderAcceptsAgain_thenTheBudgetIsAskedAgain() {
    ProviderCommand first = command(P1, accept());
    OfferState open = OfferLifecycle.budgetDecided(accepting(offered(), first), decision(idOf(first), budgetSpent())).state();
    ProviderCommand second = command(P1, accept());

    Step step = OfferLifecycle.decide(open, second);

    assertThat(step.awaitsBudget()).isTrue();
    assertThat(step.state().getStatus()).isEqualTo(OfferStatus.ACCEPTING);
    assertThat(step.state().getPendingAccept()).isEqualTo(second);
    assertThat(step.budgetRequest().getPayload()).isEqualTo(new ReserveFunding("QMM", P1, "svc-1", idOf(second)));
  }

  @Test
  void givenAnAcceptingOffer_whenTheHolderAcceptsAgain_thenItIsRefusedWithoutAskingTheBudgetAgain() {
    OfferState accepting = accepting();

    assertRefused(OfferLifecycle.decide(accepting, command(P1, accept())), accepting,
        "the referral's acceptance is being decided");
  }

  @Test
  void givenAnAcceptingOffer_whenTheHolderDeclinesRecordsOrCompletes_thenEachIsRefusedWithAReason() {
    OfferState accepting = accepting();

    assertRefused(OfferLifecycle.decide(accepting, command(P1, decline())), accepting,
        "the referral's acceptance is being decided");
    assertRefused(OfferLifecycle.decide(accepting, command(P1, new DeclineReferral(DeclineReason.PERSON_DECLINED, null, null))),
        accepting, "the referral's acceptance is being decided");
    assertRefused(OfferLifecycle.decide(accepting, command(P1, session(20))), accepting,
        "sessions can be recorded only once the referral is accepted; it is ACCEPTING");
    assertRefused(OfferLifecycle.decide(accepting, command(P1, complete(List.of()))), accepting,
        "a referral can be completed only after it is accepted; it is ACCEPTING");
    assertRefused(OfferLifecycle.decide(accepting,
            command(P1, new RecordTimeCredits(LocalDate.of(2026, 11, 20), new BigDecimal("2.00"), null))),
        accepting, "it is ACCEPTING");
  }

  @Test
  void givenAnAcceptingOffer_whenAnotherProviderAccepts_thenItIsRefusedAsNotOfferedToIt() {
    OfferState accepting = accepting();

    assertRefused(OfferLifecycle.decide(accepting, command(P2, accept())), accepting, "not offered to provider " + P2);
  }

  @Test
  void givenAnAcceptingOfferPastItsDeadline_whenRemindersAndExpiriesAreDue_thenNeitherHappens() {
    OfferState accepting = OfferState.newBuilder(accepting()).setRespondBy(Instant.now().minusSeconds(60)).build();

    assertRefused(OfferLifecycle.remind(accepting, meta()), accepting, "no reminder due");
    assertRefused(OfferLifecycle.expire(accepting, meta()), accepting, "not expired");
  }

  @Test
  void givenAnAcceptingOffer_whenTheSameOfferArrivesAgain_thenTheAcceptanceInProgressIsKept() {
    OfferState accepting = accepting();

    assertThat(OfferLifecycle.offered(accepting, accepting.getOffer(), meta())).isSameAs(accepting);
    assertThat(OfferLifecycle.offered(accepting, offerTo(P2, "svc-2", 2), meta())).isSameAs(accepting);
  }

  @Test
  void givenAnOfferCancelledWhileAccepting_whenTheReservationArrives_thenItIsWithdrawn() {
    ProviderCommand accept = command(P1, accept());
    OfferState cancelled = OfferLifecycle.cancelled(accepting(offered(), accept));
    BudgetDecision reserved = decision(idOf(accept), reservation("250.00"));

    Step step = OfferLifecycle.budgetDecided(cancelled, reserved);

    assertThat(step.event()).as("never accepted").isNull();
    assertThat(step.refusal()).isEqualTo("the referral was cancelled by the referrer");
    assertThat(step.awaitsBudget()).isFalse();
    assertThat(step.state().getStatus()).isEqualTo(OfferStatus.CANCELLED);
    assertThat(step.state()).isEqualTo(OfferState.newBuilder(cancelled)
        .setProcessedCommandIds(List.of(idOf(accept), reserved.getMetadata().getEventId().toString())).build());
    assertThat(step.budgetRequest().getPayload()).isInstanceOfSatisfying(WithdrawReservation.class, withdraw -> {
      assertThat(withdraw.getCommissioner()).isEqualTo("QMM");
      assertThat(withdraw.getFinancialYear()).isEqualTo(YEAR);
      assertThat(withdraw.getAmount()).isEqualByComparingTo("250.00");
      assertThat(withdraw.getReason()).contains("CANCELLED");
    });
    assertThat(step.budgetRequest().getMetadata().getReferralId()).isEqualTo(referralId);
    assertThat(step.budgetRequest().getMetadata().getProducer()).isEqualTo("provider-service");
  }

  @Test
  void givenAnOfferCancelledWhileAccepting_whenANothingReservedGrantArrives_thenThereIsNothingToWithdraw() {
    ProviderCommand accept = command(P1, accept());
    OfferState cancelled = OfferLifecycle.cancelled(accepting(offered(), accept));
    BudgetDecision grant = decision(idOf(accept), new FundingReservation("grant-QMM-1", new BigDecimal("0.00"), YEAR, true));

    Step step = OfferLifecycle.budgetDecided(cancelled, grant);

    assertThat(step.event()).isNull();
    assertThat(step.budgetRequest()).isNull();
    assertThat(step.refusal()).isEqualTo("the referral was cancelled by the referrer");
    assertThat(step.state().getStatus()).isEqualTo(OfferStatus.CANCELLED);
  }

  @Test
  void givenAnOfferCancelledWhileAccepting_whenTheBudgetRefuses_thenItStaysCancelled() {
    ProviderCommand accept = command(P1, accept());
    OfferState cancelled = OfferLifecycle.cancelled(accepting(offered(), accept));

    Step step = OfferLifecycle.budgetDecided(cancelled, decision(idOf(accept), budgetSpent()));

    assertThat(step.event()).isNull();
    assertThat(step.budgetRequest()).isNull();
    assertThat(step.refusal()).contains("is spent");
    assertThat(step.state().getStatus()).isEqualTo(OfferStatus.CANCELLED);
  }

  @Test
  void givenAnAcceptedOffer_whenTheSameReservationIsDeliveredAgain_thenItIsIgnored() {
    ProviderCommand accept = command(P1, accept());
    BudgetDecision reserved = decision(idOf(accept), reservation("250.00"));
    OfferState accepted = OfferLifecycle.budgetDecided(accepting(offered(), accept), reserved).state();

    Step again = OfferLifecycle.budgetDecided(accepted, reserved);

    assertRefused(again, accepted, "already applied");
    assertThat(again.refusal()).isEqualTo("already applied");
  }

  @Test
  void givenARefusalAndANewAccept_whenTheOldRefusalIsDeliveredAgain_thenTheNewAcceptStillWaits() {
    ProviderCommand first = command(P1, accept());
    BudgetDecision refused = decision(idOf(first), budgetSpent());
    OfferState open = OfferLifecycle.budgetDecided(accepting(offered(), first), refused).state();
    OfferState acceptingAgain = accepting(open, command(P1, accept()));

    assertRefused(OfferLifecycle.budgetDecided(open, refused), open, "already applied");
    assertRefused(OfferLifecycle.budgetDecided(acceptingAgain, refused), acceptingAgain, "already applied");
  }

  @Test
  void givenAnAcceptingOffer_whenAReservationForAnotherAcceptArrives_thenItIsNotAcceptedAndTheReservationIsWithdrawn() {
    ProviderCommand accept = command(P1, accept());
    OfferState accepting = accepting(offered(), accept);
    BudgetDecision stray = decision(UUID.randomUUID().toString(), reservation("120.00"));

    Step step = OfferLifecycle.budgetDecided(accepting, stray);

    assertThat(step.event()).isNull();
    assertThat(step.refusal()).isNotNull();
    assertThat(step.state().getStatus()).isEqualTo(OfferStatus.ACCEPTING);
    assertThat(step.state().getPendingAccept()).isEqualTo(accept);
    assertThat(step.budgetRequest().getPayload()).as("reserved for no accept of this referral: given back")
        .isInstanceOfSatisfying(WithdrawReservation.class, withdraw -> {
          assertThat(withdraw.getCommissioner()).isEqualTo("QMM");
          assertThat(withdraw.getFinancialYear()).isEqualTo(YEAR);
          assertThat(withdraw.getAmount()).isEqualByComparingTo("120.00");
        });

    Step answered = OfferLifecycle.budgetDecided(step.state(), decision(idOf(accept), reservation("250.00")));

    assertThat(answered.state().getStatus()).as("the pending accept is still answered by its own decision")
        .isEqualTo(OfferStatus.ACCEPTED);
    assertThat(((ReferralAccepted) answered.event().getPayload()).getFunding()).isEqualTo(reservation("250.00"));
  }

  @Test
  void givenAnAcceptingOffer_whenARefusalForAnotherAcceptArrives_thenItStaysAccepting() {
    ProviderCommand accept = command(P1, accept());
    OfferState accepting = accepting(offered(), accept);

    Step step = OfferLifecycle.budgetDecided(accepting, decision(UUID.randomUUID().toString(), budgetSpent()));

    assertThat(step.event()).isNull();
    assertThat(step.budgetRequest()).isNull();
    assertThat(step.state().getStatus()).isEqualTo(OfferStatus.ACCEPTING);
    assertThat(step.state().getPendingAccept()).isEqualTo(accept);
  }

  // ---------------------------------------------------------------- after acceptance

  @Test
  void givenAnAcceptedOffer_whenTheHolderAcceptsAgain_thenItIsRefused() {
    OfferState accepted = accepted();

    assertRefused(OfferLifecycle.decide(accepted, command(P1, accept())), accepted,
        "the referral has already been accepted");
  }

  @Test
  void givenAnOffer_whenAnotherProviderAccepts_thenItIsRefused() {
    OfferState offered = offered();

    assertRefused(OfferLifecycle.decide(offered, command(P2, accept())), offered,
        "this referral is not offered to provider " + P2);
  }

  @Test
  void givenAnAcceptedOffer_whenAnotherProviderAccepts_thenItIsRefusedAsNotOfferedToIt() {
    OfferState accepted = accepted();

    assertRefused(OfferLifecycle.decide(accepted, command(P2, accept())), accepted,
        "not offered to provider " + P2);
  }

  @Test
  void givenAnOffer_whenTheHolderDeclines_thenItIsDeclinedAndTheProviderRemembered() {
    Step step = OfferLifecycle.decide(offered(), command(P1, decline()));

    assertThat(step.refusal()).isNull();
    assertThat(step.budgetRequest()).isNull();
    assertThat(step.state().getStatus()).isEqualTo(OfferStatus.DECLINED);
    assertThat(step.state().getDeclinedBy()).containsExactly(P1);
    assertThat(step.event().getPayload())
        .isEqualTo(new ReferralDeclined(P1, "svc-1", DeclineReason.CAPACITY, "full until spring", null, null));
  }

  @Test
  void givenADeclinedOffer_whenTheDeclinerAccepts_thenItIsRefusedBecauseItDeclined() {
    OfferState declined = applied(offered(), P1, decline());

    assertRefused(OfferLifecycle.decide(declined, command(P1, accept())), declined,
        "provider " + P1 + " declined this referral");
  }

  @Test
  void givenADeclinedOffer_whenTheDeclinerDeclinesAgain_thenItIsRefused() {
    OfferState declined = applied(offered(), P1, decline());

    assertRefused(OfferLifecycle.decide(declined, command(P1, decline())), declined, "declined");
  }

  @Test
  void givenADeclinedOffer_whenReOfferedToAnotherProvider_thenTheDeclinersAreKept() {
    OfferState declined = applied(offered(), P1, decline());
    ReferralOffered second = offerTo(P2, "svc-2", 2);
    EventMetadata meta = meta();

    OfferState reOffered = OfferLifecycle.offered(declined, second, meta);

    assertThat(reOffered.getStatus()).isEqualTo(OfferStatus.OFFERED);
    assertThat(reOffered.getOffer()).isEqualTo(second);
    assertThat(reOffered.getOfferedAt()).isEqualTo(meta.getOccurredAt());
    assertThat(reOffered.getDeclinedBy()).containsExactly(P1);
    assertThat(reOffered.getSessionsAttended()).isZero();
    assertThat(reOffered.getProcessedCommandIds()).isEmpty();
  }

  @Test
  void givenAReOfferedReferral_whenTheEarlierDeclinerAccepts_thenItIsRefusedAsOfferedElsewhere() {
    OfferState reOffered = OfferLifecycle.offered(applied(offered(), P1, decline()), offerTo(P2, "svc-2", 2), meta());

    assertRefused(OfferLifecycle.decide(reOffered, command(P1, accept())), reOffered,
        "provider " + P1 + " declined this referral; it has been offered elsewhere");
  }

  @Test
  void givenAReOfferedReferral_whenTheNewHolderAcceptsAndTheBudgetReserves_thenItIsAcceptedForTheNewService() {
    OfferState reOffered = OfferLifecycle.offered(applied(offered(), P1, decline()), offerTo(P2, "svc-2", 2), meta());
    ProviderCommand accept = command(P2, accept());

    Step asked = OfferLifecycle.decide(reOffered, accept);
    Step step = OfferLifecycle.budgetDecided(asked.state(), decision(idOf(accept), reservation("180.00")));

    assertThat(asked.budgetRequest().getPayload()).isEqualTo(new ReserveFunding("QMM", P2, "svc-2", idOf(accept)));
    assertThat(step.state().getStatus()).isEqualTo(OfferStatus.ACCEPTED);
    assertThat(((ReferralAccepted) step.event().getPayload()).getProviderId()).isEqualTo(P2);
    assertThat(((ReferralAccepted) step.event().getPayload()).getServiceId()).isEqualTo("svc-2");
  }

  @Test
  void givenTwoDeclines_whenReOfferedAThirdTime_thenBothDeclinersAreKept() {
    OfferState second = OfferLifecycle.offered(applied(offered(), P1, decline()), offerTo(P2, "svc-2", 2), meta());
    OfferState third = OfferLifecycle.offered(applied(second, P2, decline()), offerTo("prov-3", "svc-3", 3), meta());

    assertThat(third.getDeclinedBy()).containsExactly(P1, P2);
  }

  @ParameterizedTest(name = "an offer already {0}")
  @EnumSource(value = OfferStatus.class, names = {"OFFERED", "ACCEPTING", "ACCEPTED", "COMPLETED", "CANCELLED"})
  void givenAnOfferNotDeclined_whenAnOfferArrivesAgain_thenTheStateIsKept(OfferStatus status) {
    OfferState before = OfferState.newBuilder(offered()).setStatus(status).build();

    assertThat(OfferLifecycle.offered(before, offerTo(P2, "svc-2", 2), meta())).isSameAs(before);
  }

  @Test
  void givenAnOffer_whenASessionIsRecordedBeforeAcceptance_thenItIsRefused() {
    OfferState offered = offered();

    assertRefused(OfferLifecycle.decide(offered, command(P1, session(20))), offered,
        "sessions can be recorded only once the referral is accepted; it is OFFERED");
  }

  @Test
  void givenAnAcceptedOffer_whenSessionsAreRecorded_thenTheCountIncrementsAndEachEventCarriesIt() {
    Step first = OfferLifecycle.decide(accepted(), command(P1, session(18)));
    Step second = OfferLifecycle.decide(first.state(), command(P1, session(20)));

    assertThat(first.state().getStatus()).isEqualTo(OfferStatus.ACCEPTED);
    assertThat(first.state().getSessionsAttended()).isEqualTo(1);
    assertThat(first.event().getPayload()).isEqualTo(new SessionAttended(P1, "svc-1", LocalDate.of(2026, 11, 18), 1));
    assertThat(second.state().getStatus()).isEqualTo(OfferStatus.ACCEPTED);
    assertThat(second.state().getSessionsAttended()).isEqualTo(2);
    assertThat(second.event().getPayload()).isEqualTo(new SessionAttended(P1, "svc-1", LocalDate.of(2026, 11, 20), 2));
    // the accept, the budget's decision and the two sessions
    assertThat(second.state().getProcessedCommandIds()).hasSize(4);
  }

  @Test
  void givenAnAcceptedOffer_whenAnotherProviderRecordsASession_thenItIsRefused() {
    OfferState accepted = accepted();

    assertRefused(OfferLifecycle.decide(accepted, command(P2, session(20))), accepted, "not offered to provider " + P2);
  }

  @Test
  void givenAnOffer_whenCompletedBeforeAcceptance_thenItIsRefused() {
    OfferState offered = offered();

    assertRefused(OfferLifecycle.decide(offered, command(P1, complete(List.of()))), offered,
        "a referral can be completed only after it is accepted; it is OFFERED");
  }

  @Test
  void givenAnAcceptedOfferWithTwoSessions_whenCompleted_thenItIsCompletedWithSessionsAndMeasures() {
    OfferState withSessions = applied(applied(accepted(), P1, session(18)), P1, session(20));
    List<Measure> measures = List.of(
        new Measure(Instrument.SWEMWBS, MeasureStage.BASELINE, List.of(2, 2, 3, 2, 2, 3, 2), 16, new BigDecimal("16.36"), null),
        new Measure(Instrument.SWEMWBS, MeasureStage.FOLLOW_UP, List.of(3, 4, 3, 4, 3, 4, 3), 24, new BigDecimal("21.54"), null));

    Step step = OfferLifecycle.decide(withSessions, command(P1, complete(measures)));

    assertThat(step.refusal()).isNull();
    assertThat(step.state().getStatus()).isEqualTo(OfferStatus.COMPLETED);
    assertThat(step.event().getPayload()).isInstanceOfSatisfying(ReferralCompleted.class, completed -> {
      assertThat(completed.getProviderId()).isEqualTo(P1);
      assertThat(completed.getServiceId()).isEqualTo("svc-1");
      assertThat(completed.getCommissioner()).isEqualTo("QMM");
      assertThat(completed.getPersonId()).isEqualTo("p-0123456789abcdef");
      assertThat(completed.getNeeds()).containsExactly(NeedCode.LONELINESS, NeedCode.NATURE);
      assertThat(completed.getCompletion()).isEqualTo(Completion.COMPLETED);
      assertThat(completed.getSessionsAttended()).isEqualTo(2);
      assertThat(completed.getMeasures()).isEqualTo(measures);
    });
  }

  @Test
  void givenACompletedReferral_whenTheHolderActsAgain_thenEachCommandIsRefused() {
    OfferState completed = applied(accepted(), P1, complete(List.of()));

    assertRefused(OfferLifecycle.decide(completed, command(P1, accept())), completed, "the referral has been completed");
    assertRefused(OfferLifecycle.decide(completed, command(P1, decline())), completed, "the referral has been completed");
    assertRefused(OfferLifecycle.decide(completed, command(P1, session(21))), completed, "it is COMPLETED");
    assertRefused(OfferLifecycle.decide(completed, command(P1, complete(List.of()))), completed, "it is COMPLETED");
  }

  @Test
  void givenAnAcceptedOffer_whenTheHolderDeclines_thenItIsRefusedAsAlreadyAccepted() {
    OfferState accepted = accepted();

    assertRefused(OfferLifecycle.decide(accepted, command(P1, decline())), accepted,
        "the referral has already been accepted");
  }

  @ParameterizedTest(name = "from {0}")
  @EnumSource(value = OfferStatus.class, names = {"OFFERED", "ACCEPTING", "ACCEPTED"})
  void givenAnOpenOffer_whenTheReferrerCancels_thenItIsCancelled(OfferStatus status) {
    OfferState before = switch (status) {
      case OFFERED -> offered();
      case ACCEPTING -> accepting();
      default -> accepted();
    };

    OfferState after = OfferLifecycle.cancelled(before);

    assertThat(after.getStatus()).isEqualTo(OfferStatus.CANCELLED);
    assertThat(after.getOffer()).isEqualTo(before.getOffer());
    assertThat(before.getStatus()).isEqualTo(status);
  }

  @ParameterizedTest(name = "from {0}")
  @EnumSource(value = OfferStatus.class, names = {"COMPLETED", "CANCELLED"})
  void givenAClosedOffer_whenTheReferrerCancels_thenNothingChanges(OfferStatus status) {
    OfferState before = OfferState.newBuilder(offered()).setStatus(status).build();

    assertThat(OfferLifecycle.cancelled(before)).isSameAs(before);
  }

  @ParameterizedTest(name = "declined {0}")
  @EnumSource(value = DeclineReason.class, names = {"PERSON_DECLINED", "PERSON_UNCONTACTABLE"})
  void givenAnOfferThePersonDeclined_whenTheReferrerCancels_thenNothingChanges(DeclineReason reason) {
    OfferState before = OfferState.newBuilder(offered()).setStatus(OfferStatus.DECLINED).setDeclineReason(reason).build();

    assertThat(OfferLifecycle.cancelled(before)).isSameAs(before);
  }

  @ParameterizedTest(name = "declined {0}")
  @EnumSource(value = DeclineReason.class, names = {"CAPACITY", "EXPIRED"})
  void givenAnOfferItsProviderDeclined_whenTheReferrerCancelsBeforeTheNextOffer_thenItIsCancelled(DeclineReason reason) {
    OfferState before = OfferState.newBuilder(offered()).setStatus(OfferStatus.DECLINED).setDeclineReason(reason).build();

    assertThat(OfferLifecycle.cancelled(before).getStatus()).isEqualTo(OfferStatus.CANCELLED);
  }

  @Test
  void givenACancelledOffer_whenTheHolderAccepts_thenItIsRefusedAsCancelled() {
    OfferState cancelled = OfferLifecycle.cancelled(offered());

    assertRefused(OfferLifecycle.decide(cancelled, command(P1, accept())), cancelled,
        "the referral was cancelled by the referrer");
  }

  @Test
  void givenACancelledAcceptedOffer_whenTheHolderCompletes_thenItIsRefused() {
    OfferState cancelled = OfferLifecycle.cancelled(accepted());

    assertRefused(OfferLifecycle.decide(cancelled, command(P1, complete(List.of()))), cancelled, "it is CANCELLED");
  }
}
