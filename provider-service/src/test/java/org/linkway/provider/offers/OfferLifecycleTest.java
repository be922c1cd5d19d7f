package org.linkway.provider.offers;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
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
import org.linkway.events.Completion;
import org.linkway.events.DeclineReason;
import org.linkway.events.EventMetadata;
import org.linkway.events.Instrument;
import org.linkway.events.Measure;
import org.linkway.events.MeasureStage;
import org.linkway.events.NeedCode;
import org.linkway.events.Patient;
import org.linkway.events.ReferralAccepted;
import org.linkway.events.ReferralCompleted;
import org.linkway.events.ReferralDeclined;
import org.linkway.events.ReferralOffered;
import org.linkway.events.SessionAttended;
import org.linkway.platform.Events;
import org.linkway.provider.offers.OfferLifecycle.Step;
import org.linkway.state.OfferState;
import org.linkway.state.OfferStatus;

class OfferLifecycleTest {

  /** Expected transitions, row = from, column = to (Y = allowed), written independently of the code. */
  private static final String[] TABLE = {
      //          OFFERED ACCEPTED DECLINED COMPLETED CANCELLED
      "OFFERED    -       Y        Y        -         Y",
      "ACCEPTED   -       Y        Y        Y         Y",
      "DECLINED   Y       -        -        -         -",
      "COMPLETED  -       -        -        -         -",
      "CANCELLED  -       -        -        -         -",
  };
  private static final List<OfferStatus> COLUMNS = List.of(
      OfferStatus.OFFERED, OfferStatus.ACCEPTED, OfferStatus.DECLINED, OfferStatus.COMPLETED, OfferStatus.CANCELLED);

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
    return new ProviderCommand(Events.metadata("provider-service", referralId, null), providerId, payload);
  }

  private static AcceptReferral accept() {
    return new AcceptReferral(null, List.of());
  }

  private static DeclineReferral decline() {
    return new DeclineReferral(DeclineReason.CAPACITY, "full until spring");
  }

  private static RecordSession session(int day) {
    return new RecordSession(LocalDate.of(2026, 11, day), true, List.of());
  }

  private static CompleteReferral complete(List<Measure> measures) {
    return new CompleteReferral(Completion.COMPLETED, measures);
  }

  private OfferState applied(OfferState state, String providerId, Object payload) {
    Step step = OfferLifecycle.decide(state, command(providerId, payload));
    assertThat(step.refusal()).isNull();
    return step.state();
  }

  private OfferState accepted() {
    return applied(offered(), P1, accept());
  }

  private static void assertRefused(Step step, OfferState before, String reason) {
    assertThat(step.refusal()).contains(reason);
    assertThat(step.event()).isNull();
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
  }

  @Test
  void givenAnOffer_whenTheHolderAccepts_thenItIsAcceptedWithAReferralAccepted() {
    ProviderCommand command = command(P1, accept());

    Step step = OfferLifecycle.decide(offered(), command);

    assertThat(step.refusal()).isNull();
    assertThat(step.state().getStatus()).isEqualTo(OfferStatus.ACCEPTED);
    assertThat(step.state().getProcessedCommandIds()).containsExactly(command.getMetadata().getEventId().toString());
    assertThat(step.event().getMetadata().getReferralId()).isEqualTo(referralId);
    assertThat(step.event().getMetadata().getProducer()).isEqualTo("provider-service");
    assertThat(step.event().getMetadata().getCorrelationId()).isEqualTo(command.getMetadata().getCorrelationId());
    assertThat(step.event().getPayload()).isEqualTo(new ReferralAccepted(P1, "svc-1", "QMM", "p-0123456789abcdef",
        List.of(NeedCode.LONELINESS, NeedCode.NATURE)));
  }

  @Test
  void givenTheSameCommandDecidedTwiceFromTheSameState_whenDecided_thenTheEventHasTheSameId() {
    ProviderCommand command = command(P1, accept());
    OfferState offered = offered();

    UUID first = OfferLifecycle.decide(offered, command).event().getMetadata().getEventId();
    UUID second = OfferLifecycle.decide(offered, command).event().getMetadata().getEventId();

    assertThat(second).isEqualTo(first);
  }

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
    assertThat(step.state().getStatus()).isEqualTo(OfferStatus.DECLINED);
    assertThat(step.state().getDeclinedBy()).containsExactly(P1);
    assertThat(step.event().getPayload())
        .isEqualTo(new ReferralDeclined(P1, "svc-1", DeclineReason.CAPACITY, "full until spring", null));
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
  void givenAReOfferedReferral_whenTheNewHolderAccepts_thenItIsAccepted() {
    OfferState reOffered = OfferLifecycle.offered(applied(offered(), P1, decline()), offerTo(P2, "svc-2", 2), meta());

    Step step = OfferLifecycle.decide(reOffered, command(P2, accept()));

    assertThat(step.state().getStatus()).isEqualTo(OfferStatus.ACCEPTED);
    assertThat(((ReferralAccepted) step.event().getPayload()).getServiceId()).isEqualTo("svc-2");
  }

  @Test
  void givenTwoDeclines_whenReOfferedAThirdTime_thenBothDeclinersAreKept() {
    OfferState second = OfferLifecycle.offered(applied(offered(), P1, decline()), offerTo(P2, "svc-2", 2), meta());
    OfferState third = OfferLifecycle.offered(applied(second, P2, decline()), offerTo("prov-3", "svc-3", 3), meta());

    assertThat(third.getDeclinedBy()).containsExactly(P1, P2);
  }

  @ParameterizedTest(name = "an offer already {0}")
  @EnumSource(value = OfferStatus.class, names = {"OFFERED", "ACCEPTED", "COMPLETED", "CANCELLED"})
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
    assertThat(second.state().getProcessedCommandIds()).hasSize(3);
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
  @EnumSource(value = OfferStatus.class, names = {"OFFERED", "ACCEPTED"})
  void givenAnOpenOffer_whenTheReferrerCancels_thenItIsCancelled(OfferStatus status) {
    OfferState before = status == OfferStatus.OFFERED ? offered() : accepted();

    OfferState after = OfferLifecycle.cancelled(before);

    assertThat(after.getStatus()).isEqualTo(OfferStatus.CANCELLED);
    assertThat(after.getOffer()).isEqualTo(before.getOffer());
    assertThat(before.getStatus()).isEqualTo(status);
  }

  @ParameterizedTest(name = "from {0}")
  @EnumSource(value = OfferStatus.class, names = {"DECLINED", "COMPLETED", "CANCELLED"})
  void givenAClosedOffer_whenTheReferrerCancels_thenNothingChanges(OfferStatus status) {
    OfferState before = OfferState.newBuilder(offered()).setStatus(status).build();

    assertThat(OfferLifecycle.cancelled(before)).isSameAs(before);
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
