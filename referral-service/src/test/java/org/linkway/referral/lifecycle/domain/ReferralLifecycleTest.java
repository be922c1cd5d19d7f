package org.linkway.referral.lifecycle.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.linkway.events.NeedCode.LONELINESS;
import static org.linkway.events.NeedCode.MENTAL_WELLBEING;
import static org.linkway.referral.TestData.referral;
import static org.linkway.referral.TestData.service;
import static org.linkway.referral.TestData.submittedEvent;

import java.time.LocalDate;
import java.util.ArrayList;
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
import org.linkway.commands.CancelReferral;
import org.linkway.commands.ReferralCommand;
import org.linkway.events.CancelRefused;
import org.linkway.events.CancelRequested;
import org.linkway.events.Completion;
import org.linkway.events.DeclineReason;
import org.linkway.events.EventMetadata;
import org.linkway.events.FillPlace;
import org.linkway.events.NoPlace;
import org.linkway.events.OfferCancelled;
import org.linkway.events.PlaceDecision;
import org.linkway.events.PlaceRequest;
import org.linkway.events.ProviderEvent;
import org.linkway.events.ReferralAccepted;
import org.linkway.events.ReferralCancelled;
import org.linkway.events.ReferralCompleted;
import org.linkway.events.ReferralDeclined;
import org.linkway.events.ReferralEvent;
import org.linkway.events.ReferralOffered;
import org.linkway.events.ReferralSubmitted;
import org.linkway.events.ReferralUnplaced;
import org.linkway.events.ReleasePlace;
import org.linkway.events.ServiceListed;
import org.linkway.events.ServicePrescribed;
import org.linkway.events.SessionAttended;
import org.linkway.events.TakePlace;
import org.linkway.platform.kafka.Events;
import org.linkway.referral.lifecycle.domain.ReferralLifecycle.Answer;
import org.linkway.referral.lifecycle.domain.ReferralLifecycle.Step;
import org.linkway.referral.places.Places;
import org.linkway.referral.routing.Load;
import org.linkway.state.HistoryEntry;
import org.linkway.state.ReferralState;
import org.linkway.state.ReferralStatus;
import org.linkway.platform.testing.ReferenceTables;

class ReferralLifecycleTest {

  /**
   * The expected transitions, row = from, column = to (Y = allowed). Written out independently of
   * the code under test.
   */
  private static final String[] TABLE = {
      //           SUBMITTED OFFERED ACCEPTED COMPLETED UNPLACED CANCELLED DECLINED
      "SUBMITTED   -         Y       -        -         Y        Y         -",
      "OFFERED     -         Y       Y        -         Y        Y         Y",
      "ACCEPTED    -         -       -        Y         -        Y         Y",
      "COMPLETED   -         -       -        -         -        -         -",
      "UNPLACED    -         -       -        -         -        -         -",
      "CANCELLED   -         -       -        -         -        -         -",
      "DECLINED    -         -       -        -         -        -         -",
  };
  private static final ReferralStatus[] COLUMNS = {
      ReferralStatus.SUBMITTED, ReferralStatus.OFFERED, ReferralStatus.ACCEPTED,
      ReferralStatus.COMPLETED, ReferralStatus.UNPLACED, ReferralStatus.CANCELLED, ReferralStatus.DECLINED};

  static Stream<Arguments> everyPairOfStatuses() {
    return Arrays.stream(TABLE).flatMap(row -> {
      String[] cells = row.trim().split("\\s+");
      ReferralStatus from = ReferralStatus.valueOf(cells[0]);
      return Stream.of(COLUMNS).map(to -> {
        int column = List.of(COLUMNS).indexOf(to) + 1;
        return Arguments.of(from, to, cells[column].equals("Y"));
      });
    });
  }

  @Test
  void givenTheExpectedTable_whenItIsRead_thenItCoversEveryStatusExceptUnknown() {
    List<ReferralStatus> known = Arrays.stream(ReferralStatus.values()).filter(s -> s != ReferralStatus.UNKNOWN).toList();
    assertThat(everyPairOfStatuses()).hasSize(known.size() * known.size());
    assertThat(List.of(COLUMNS)).containsExactlyInAnyOrderElementsOf(known);
  }

  @ParameterizedTest(name = "{0} -> {1}: {2}")
  @MethodSource("everyPairOfStatuses")
  void givenTwoStatuses_whenTheTransitionIsChecked_thenItIsAllowedOnlyIfInTheTable(
      ReferralStatus from, ReferralStatus to, boolean allowed) {
    assertThat(ReferralLifecycle.allows(from, to)).isEqualTo(allowed);
  }

  @ParameterizedTest(name = "UNKNOWN and {0}")
  @EnumSource(ReferralStatus.class)
  void givenTheUnknownStatus_whenATransitionToOrFromItIsChecked_thenItIsNeverAllowed(ReferralStatus other) {
    assertThat(ReferralLifecycle.allows(ReferralStatus.UNKNOWN, other)).isFalse();
    assertThat(ReferralLifecycle.allows(other, ReferralStatus.UNKNOWN)).isFalse();
  }

  @ParameterizedTest(name = "{0} is {1}")
  @CsvSource({
      "SUBMITTED, active",
      "OFFERED, active",
      "ACCEPTED, active",
      "COMPLETED, completed",
      "CANCELLED, revoked",
      "UNPLACED, on-hold",
      "UNKNOWN, unknown",
  })
  void givenAStatus_whenMappedToFhir_thenItIsTheServiceRequestStatus(ReferralStatus status, String fhir) {
    assertThat(ReferralLifecycle.serviceRequestStatus(status)).isEqualTo(fhir);
  }

  // ---------------------------------------------------------------- behaviour

  private final UUID referralId = UUID.randomUUID();
  private final List<ServiceListed> directory = new ArrayList<>(List.of(
      service("svc-1", LONELINESS, MENTAL_WELLBEING).build(),
      service("svc-2", LONELINESS).build()));
  private final ReferralLifecycle lifecycle = new ReferralLifecycle(ReferenceTables.listed(() -> directory, ServiceListed::getServiceId));
  private final ReferralSubmitted submission = referral(LONELINESS, MENTAL_WELLBEING).build();

  /** A submission, the place it asks for granted by its first candidate ({@link FreePlaces}). */
  private Step submitted(ReferralEvent event) {
    return FreePlaces.placed(lifecycle, lifecycle.submitted(event));
  }

  /** A provider's event, a place it asks for granted by its first candidate ({@link FreePlaces}). */
  private Step providerEvent(ReferralState state, ProviderEvent event) {
    return FreePlaces.placed(lifecycle, lifecycle.providerEvent(state, event));
  }

  private ProviderEvent fromProvider(Object payload) {
    return new ProviderEvent(Events.metadata("provider-service", referralId, null), payload);
  }

  private ProviderEvent declinedBy(String serviceId) {
    return fromProvider(new ReferralDeclined("prov-" + serviceId, serviceId, DeclineReason.CAPACITY, "no places", null, null));
  }

  private ProviderEvent acceptedBy(String serviceId) {
    return fromProvider(new ReferralAccepted("prov-" + serviceId, serviceId, "QMM", submission.getPersonId(),
        submission.getNeeds(), null));
  }

  private ProviderEvent completedBy(String serviceId, int sessions) {
    return fromProvider(new ReferralCompleted("prov-" + serviceId, serviceId, "QMM", submission.getPersonId(),
        submission.getNeeds(), Completion.COMPLETED, sessions, List.of(), List.of(), 0));
  }

  private ReferralCommand cancel(String reason) {
    return new ReferralCommand(Events.metadata("referral-service", referralId, null), new CancelReferral(reason, "D82044", null));
  }

  private ProviderEvent offerCancelled(ReferralCommand cancel) {
    return fromProvider(new OfferCancelled("prov-svc-1", "svc-1", cancel.getMetadata().getEventId().toString(), false));
  }

  /** The referrer's cancel asked of provider-service, which cancels the offer: the step that applies its decision. */
  private Step cancelledThroughTheProvider(ReferralState state, ReferralCommand command) {
    Step asked = lifecycle.command(state, command);
    assertThat(asked.answers()).isEmpty();
    return lifecycle.providerEvent(asked.state(), offerCancelled(command));
  }

  private ReferralState offered() {
    Step step = submitted(submittedEvent(referralId, submission));
    assertThat(step.state().getStatus()).isEqualTo(ReferralStatus.OFFERED);
    return step.state();
  }

  private ReferralState accepted() {
    Step step = providerEvent(offered(), acceptedBy("svc-1"));
    assertThat(step.state().getStatus()).isEqualTo(ReferralStatus.ACCEPTED);
    return step.state();
  }

  private static List<String> historyEvents(ReferralState state) {
    return state.getHistory().stream().map(HistoryEntry::getEvent).toList();
  }

  @Test
  void givenASuitableService_whenAReferralIsSubmitted_thenItIsOfferedToIt() {
    ReferralEvent submitted = submittedEvent(referralId, submission);

    Step step = submitted(submitted);

    ReferralState state = step.state();
    assertThat(step.refusal()).isNull();
    assertThat(state.getReferralId()).isEqualTo(referralId);
    assertThat(state.getStatus()).isEqualTo(ReferralStatus.OFFERED);
    assertThat(state.getProviderId()).isEqualTo("prov-svc-1");
    assertThat(state.getServiceId()).isEqualTo("svc-1");
    assertThat(state.getAttempts()).isEqualTo(1);
    assertThat(state.getServicesTried()).containsExactly("svc-1");
    assertThat(state.getSubmission()).isEqualTo(submission);
    assertThat(historyEvents(state)).containsExactly("ReferralSubmitted", "ReferralOffered");
    assertThat(state.getHistory().get(0).getActor()).isEqualTo("D82044");

    assertThat(step.events()).singleElement().satisfies(event -> {
      assertThat(event.getMetadata().getReferralId()).isEqualTo(referralId);
      assertThat(event.getMetadata().getCorrelationId()).isEqualTo(submitted.getMetadata().getCorrelationId());
      assertThat(event.getMetadata().getProducer()).isEqualTo("referral-service");
      assertThat(event.getPayload()).isInstanceOfSatisfying(ReferralOffered.class, offer -> {
        assertThat(offer.getAttempt()).isEqualTo(1);
        assertThat(offer.getProviderId()).isEqualTo("prov-svc-1");
        assertThat(offer.getServiceId()).isEqualTo("svc-1");
        assertThat(offer.getNeedsMet()).containsExactly(LONELINESS, MENTAL_WELLBEING);
        assertThat(offer.getNeeds()).containsExactly(LONELINESS, MENTAL_WELLBEING);
        assertThat(offer.getCommissioner()).isEqualTo("QMM");
        assertThat(offer.getPersonId()).isEqualTo(submission.getPersonId());
        assertThat(offer.getPatient()).isEqualTo(submission.getPatient());
      });
    });
  }

  @Test
  void givenTheSameSubmissionProcessedTwice_whenRouted_thenTheOfferHasTheSameEventId() {
    ReferralEvent submitted = submittedEvent(referralId, submission);

    EventMetadata first = submitted(submitted).events().get(0).getMetadata();
    EventMetadata second = submitted(submitted).events().get(0).getMetadata();

    assertThat(second.getEventId()).isEqualTo(first.getEventId()).isNotEqualTo(submitted.getMetadata().getEventId());
  }

  @Test
  void givenNoSuitableService_whenAReferralIsSubmitted_thenItIsUnplaced() {
    directory.clear();
    directory.add(service("svc-debt", org.linkway.events.NeedCode.MONEY_AND_DEBT).build());

    Step step = submitted(submittedEvent(referralId, submission));

    assertThat(step.refusal()).isNull();
    assertThat(step.state().getStatus()).isEqualTo(ReferralStatus.UNPLACED);
    assertThat(step.state().getProviderId()).isNull();
    assertThat(step.state().getServiceId()).isNull();
    assertThat(step.state().getAttempts()).isZero();
    assertThat(historyEvents(step.state())).containsExactly("ReferralSubmitted", "ReferralUnplaced");
    assertThat(step.events()).singleElement().satisfies(event ->
        assertThat(event.getPayload()).isInstanceOfSatisfying(ReferralUnplaced.class, unplaced -> {
          assertThat(unplaced.getReason()).contains("no active service");
          assertThat(unplaced.getServicesTried()).isEmpty();
        }));
  }

  @Test
  void givenAnOffer_whenTheHoldingProviderDeclines_thenTheReferralIsOfferedToTheNextService() {
    ReferralState offered = offered();

    Step step = providerEvent(offered, declinedBy("svc-1"));

    ReferralState state = step.state();
    assertThat(step.refusal()).isNull();
    assertThat(state.getStatus()).isEqualTo(ReferralStatus.OFFERED);
    assertThat(state.getProviderId()).isEqualTo("prov-svc-2");
    assertThat(state.getServiceId()).isEqualTo("svc-2");
    assertThat(state.getAttempts()).isEqualTo(2);
    assertThat(state.getServicesTried()).containsExactly("svc-1", "svc-2");
    assertThat(historyEvents(state))
        .containsExactly("ReferralSubmitted", "ReferralOffered", "ReferralDeclined", "ReferralOffered");
    assertThat(step.events()).singleElement().satisfies(event ->
        assertThat(event.getPayload()).isInstanceOfSatisfying(ReferralOffered.class, offer -> {
          assertThat(offer.getAttempt()).isEqualTo(2);
          assertThat(offer.getServiceId()).isEqualTo("svc-2");
          assertThat(offer.getNeedsMet()).containsExactly(LONELINESS);
        }));
  }

  @Test
  void givenAnOffer_whenTheHoldingProviderDeclines_thenTheStateItWasGivenIsNotChanged() {
    ReferralState offered = offered();
    ReferralState copy = ReferralState.newBuilder(offered).build();

    providerEvent(offered, declinedBy("svc-1"));

    assertThat(offered).isEqualTo(copy);
    assertThat(offered.getHistory()).hasSize(2);
  }

  @Test
  void givenTheLastSuitableServiceHoldsTheOffer_whenItDeclines_thenTheReferralIsUnplaced() {
    ReferralState second = providerEvent(offered(), declinedBy("svc-1")).state();

    Step step = providerEvent(second, declinedBy("svc-2"));

    assertThat(step.state().getStatus()).isEqualTo(ReferralStatus.UNPLACED);
    assertThat(step.state().getAttempts()).isEqualTo(2);
    assertThat(step.events()).singleElement().satisfies(event ->
        assertThat(event.getPayload()).isInstanceOfSatisfying(ReferralUnplaced.class, unplaced -> {
          assertThat(unplaced.getReason()).startsWith("every suitable service has been tried");
          assertThat(unplaced.getServicesTried()).containsExactly("svc-1", "svc-2");
        }));
  }

  @Test
  void givenTheNextServiceFilledUpAfterSubmission_whenTheFirstDeclines_thenTheReferralIsUnplaced() {
    ReferralState offered = offered();
    directory.set(1, service("svc-2", LONELINESS).setCapacity(0).build());

    Step step = providerEvent(offered, declinedBy("svc-1"));

    assertThat(step.state().getStatus()).isEqualTo(ReferralStatus.UNPLACED);
  }

  static Stream<Arguments> declinesFromProvidersNotHoldingTheOffer() {
    return Stream.of(
        Arguments.of("another provider", new ReferralDeclined("prov-svc-2", "svc-2", DeclineReason.CAPACITY, null, null, null)),
        Arguments.of("the holder, for another service", new ReferralDeclined("prov-svc-1", "svc-2", DeclineReason.OTHER, null, null, null)),
        Arguments.of("another provider, for the offered service", new ReferralDeclined("prov-x", "svc-1", DeclineReason.OTHER, null, null, null)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("declinesFromProvidersNotHoldingTheOffer")
  void givenAnOffer_whenAProviderNotHoldingItDeclines_thenTheDeclineIsIgnored(String who, ReferralDeclined decline) {
    ReferralState offered = offered();

    Step step = providerEvent(offered, fromProvider(decline));

    assertThat(step.state()).isSameAs(offered);
    assertThat(step.events()).isEmpty();
    assertThat(step.refusal()).isNull();
  }

  @Test
  void givenAnAcceptedReferral_whenTheProviderDeclinesLate_thenTheDeclineIsIgnored() {
    ReferralState accepted = accepted();

    Step step = providerEvent(accepted, declinedBy("svc-1"));

    assertThat(step.state()).isSameAs(accepted);
    assertThat(step.events()).isEmpty();
  }

  @Test
  void givenAnOffer_whenTheHoldingProviderAccepts_thenTheReferralIsAccepted() {
    Step step = providerEvent(offered(), acceptedBy("svc-1"));

    assertThat(step.state().getStatus()).isEqualTo(ReferralStatus.ACCEPTED);
    assertThat(step.state().getServiceId()).isEqualTo("svc-1");
    assertThat(step.events()).isEmpty();
    assertThat(step.refusal()).isNull();
    assertThat(historyEvents(step.state())).endsWith("ReferralAccepted");
  }

  @Test
  void givenAnOffer_whenAProviderNotHoldingItAccepts_thenTheAcceptanceIsIgnored() {
    ReferralState offered = offered();

    Step step = providerEvent(offered, acceptedBy("svc-2"));

    assertThat(step.state()).isSameAs(offered);
    assertThat(step.events()).isEmpty();
  }

  @Test
  void givenAnAcceptedReferral_whenTheAcceptanceIsRedelivered_thenItIsIgnored() {
    ReferralState accepted = accepted();

    Step step = providerEvent(accepted, acceptedBy("svc-1"));

    assertThat(step.state()).isSameAs(accepted);
  }

  @Test
  void givenAnAcceptedReferral_whenASessionIsAttended_thenItIsRecordedInTheHistoryOnly() {
    ReferralState accepted = accepted();

    Step step = providerEvent(accepted,
        fromProvider(new SessionAttended("prov-svc-1", "svc-1", LocalDate.of(2026, 11, 20), 1)));

    assertThat(step.state().getStatus()).isEqualTo(ReferralStatus.ACCEPTED);
    assertThat(step.events()).isEmpty();
    assertThat(step.state().getHistory()).hasSize(accepted.getHistory().size() + 1);
    assertThat(step.state().getHistory().get(step.state().getHistory().size() - 1).getDetail())
        .isEqualTo("session 1 on 2026-11-20");
  }

  @Test
  void givenAnAcceptedReferral_whenTheHolderCompletesIt_thenItIsCompleted() {
    Step step = providerEvent(accepted(), completedBy("svc-1", 4));

    assertThat(step.state().getStatus()).isEqualTo(ReferralStatus.COMPLETED);
    assertThat(step.events()).isEmpty();
    assertThat(step.state().getHistory().get(step.state().getHistory().size() - 1).getDetail())
        .isEqualTo("COMPLETED after 4 sessions");
  }

  @Test
  void givenAnAcceptedReferral_whenItsHolderPrescribesAService_thenANewReferralFromTheEpisodeIsSubmittedAndOfferedToThatServiceAlone() {
    UUID prescriptionId = UUID.randomUUID();
    ProviderEvent prescribed = fromProvider(new ServicePrescribed("prov-svc-1", "svc-1", prescriptionId.toString(),
        List.of(LONELINESS), "svc-2"));

    Step step = providerEvent(accepted(), prescribed);

    assertThat(step.state().getStatus()).isEqualTo(ReferralStatus.ACCEPTED);
    assertThat(historyEvents(step.state())).endsWith("ServicePrescribed");
    assertThat(step.state().getHistory().get(step.state().getHistory().size() - 1).getDetail())
        .isEqualTo("prescribed svc-2 for [LONELINESS]: referral " + prescriptionId);
    ReferralEvent made = step.events().get(0);
    assertThat(step.events()).hasSize(1);
    assertThat(made.getMetadata().getReferralId()).isEqualTo(prescriptionId);
    ReferralSubmitted prescription = (ReferralSubmitted) made.getPayload();
    assertThat(prescription.getEpisodeId()).isEqualTo(referralId.toString());
    assertThat(prescription.getDirectPrescription()).isTrue();
    assertThat(prescription.getPrescribedServiceId()).isEqualTo("svc-2");
    assertThat(prescription.getNeeds()).containsExactly(LONELINESS);
    assertThat(prescription.getPersonId()).isEqualTo(submission.getPersonId());
    assertThat(prescription.getReferrer()).isEqualTo(submission.getReferrer());
    assertThat(prescription.getSealedNotes()).as("the GP's notes stay with the episode").isNull();

    // read back from referrals, it is a referral of its own: offered to the chosen service, though svc-1 meets more needs
    Step offered = submitted(made);
    assertThat(offered.state().getReferralId()).isEqualTo(prescriptionId);
    assertThat(offered.state().getStatus()).isEqualTo(ReferralStatus.OFFERED);
    assertThat(offered.state().getServiceId()).isEqualTo("svc-2");
  }

  @Test
  void givenAReferralNotAcceptedOrAnotherProvider_whenAPrescriptionArrives_thenItIsIgnored() {
    ProviderEvent byTheHolder = fromProvider(new ServicePrescribed("prov-svc-1", "svc-1", UUID.randomUUID().toString(),
        List.of(LONELINESS), null));
    ProviderEvent byAnother = fromProvider(new ServicePrescribed("prov-svc-2", "svc-2", UUID.randomUUID().toString(),
        List.of(LONELINESS), null));

    assertThat(lifecycle.providerEvent(offered(), byTheHolder).events()).isEmpty();
    assertThat(lifecycle.providerEvent(accepted(), byAnother).events()).isEmpty();
  }

  @Test
  void givenAnOfferNotYetAccepted_whenACompletionArrives_thenItIsIgnored() {
    ReferralState offered = offered();

    Step step = providerEvent(offered, completedBy("svc-1", 4));

    assertThat(step.state()).isSameAs(offered);
  }

  @Test
  void givenAnAcceptedReferral_whenTheReferrerCancels_thenItIsCancelledWithAnEvent() {
    ReferralCommand command = cancel("moved away");

    Step step = cancelledThroughTheProvider(accepted(), command);

    assertThat(step.refusal()).isNull();
    assertThat(step.state().getStatus()).isEqualTo(ReferralStatus.CANCELLED);
    assertThat(historyEvents(step.state())).endsWith("ReferralCancelled");
    assertThat(step.events()).singleElement().satisfies(event -> {
      assertThat(event.getMetadata().getReferralId()).isEqualTo(referralId);
      assertThat(event.getMetadata().getCorrelationId()).isEqualTo(command.getMetadata().getCorrelationId());
      assertThat(event.getPayload()).isEqualTo(new ReferralCancelled("moved away", "D82044", null));
    });
    assertThat(step.answers()).containsExactly(new Answer(command.getMetadata().getEventId(), null));
  }

  @Test
  void givenAnOffer_whenTheReferrerCancels_thenItIsCancelled() {
    Step step = cancelledThroughTheProvider(offered(), cancel(null));

    assertThat(step.state().getStatus()).isEqualTo(ReferralStatus.CANCELLED);
    assertThat(step.events()).singleElement()
        .satisfies(event -> assertThat(event.getPayload()).isEqualTo(new ReferralCancelled(null, "D82044", null)));
  }

  @Test
  void givenAnOffer_whenTheReferrerCancels_thenTheProviderServiceIsAskedAndNoAnswerIsGivenYet() {
    ReferralCommand command = cancel("moved away");

    Step step = lifecycle.command(offered(), command);

    assertThat(step.state().getStatus()).isEqualTo(ReferralStatus.OFFERED);
    assertThat(step.state().getPendingCancel()).isEqualTo(command);
    assertThat(step.answers()).isEmpty();
    assertThat(step.events()).singleElement().satisfies(event -> assertThat(event.getPayload())
        .isEqualTo(new CancelRequested("D82044", command.getMetadata().getEventId().toString())));
  }

  @Test
  void givenACancelBeingDecided_whenTheReferrerCancelsAgain_thenBothAreAnsweredWithTheProviderServicesDecision() {
    ReferralCommand first = cancel("first");
    ReferralCommand second = cancel("second");
    Step asked = lifecycle.command(accepted(), first);

    Step waiting = lifecycle.command(asked.state(), second);
    Step decided = lifecycle.providerEvent(waiting.state(), offerCancelled(first));

    assertThat(waiting.events()).isEmpty();
    assertThat(waiting.answers()).isEmpty();
    assertThat(decided.state().getStatus()).isEqualTo(ReferralStatus.CANCELLED);
    assertThat(decided.events()).singleElement()
        .satisfies(event -> assertThat(event.getPayload()).isEqualTo(new ReferralCancelled("first", "D82044", null)));
    assertThat(decided.answers()).containsExactly(new Answer(first.getMetadata().getEventId(), null),
        new Answer(second.getMetadata().getEventId(), null));
    assertThat(decided.state().getPendingCancel()).isNull();
  }

  @Test
  void givenACancelBeingDecided_whenTheProviderCompletedFirst_thenTheCancelIsRefusedWithTheCompletion() {
    ReferralCommand command = cancel("too late");
    Step asked = lifecycle.command(accepted(), command);
    ReferralState completed = lifecycle.providerEvent(asked.state(), completedBy("svc-1", 3)).state();

    Step decided = lifecycle.providerEvent(completed, fromProvider(new CancelRefused("prov-svc-1", "svc-1",
        command.getMetadata().getEventId().toString(), "the referral has been completed")));

    assertThat(decided.state().getStatus()).isEqualTo(ReferralStatus.COMPLETED);
    assertThat(decided.events()).isEmpty();
    assertThat(decided.answers()).containsExactly(new Answer(command.getMetadata().getEventId(),
        "the referral is COMPLETED and can no longer be cancelled"));
    assertThat(decided.state().getPendingCancel()).isNull();
  }

  @Test
  void givenACancelBeingDecided_whenTheProviderDeclinesFirst_thenTheReferralIsNotOfferedAgainAndIsCancelled() {
    ReferralCommand command = cancel(null);
    Step asked = lifecycle.command(offered(), command);

    Step declined = lifecycle.providerEvent(asked.state(), declinedBy("svc-1"));
    Step decided = lifecycle.providerEvent(declined.state(), offerCancelled(command));

    assertThat(declined.events()).isEmpty();
    assertThat(declined.state().getStatus()).isEqualTo(ReferralStatus.OFFERED);
    assertThat(decided.state().getStatus()).isEqualTo(ReferralStatus.CANCELLED);
    assertThat(decided.state().getAttempts()).isEqualTo(1);
    assertThat(decided.answers()).containsExactly(new Answer(command.getMetadata().getEventId(), null));
  }

  @Test
  void givenACancelBeingDecided_whenAnAnswerToAnotherCancelArrives_thenItChangesNothing() {
    Step asked = lifecycle.command(offered(), cancel(null));

    Step step = lifecycle.providerEvent(asked.state(), offerCancelled(cancel(null)));

    assertThat(step.state()).isSameAs(asked.state());
    assertThat(step.answers()).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = ReferralStatus.class, names = {"COMPLETED", "CANCELLED", "UNPLACED"})
  void givenAnEndedReferral_whenTheReferrerCancels_thenTheCancellationIsRefusedWithAReason(ReferralStatus ended) {
    ReferralState state = ReferralState.newBuilder(accepted()).setStatus(ended).build();

    Step step = lifecycle.command(state, cancel("changed mind"));

    assertThat(step.state()).isSameAs(state);
    assertThat(step.events()).isEmpty();
    assertThat(step.refusal()).isEqualTo("the referral is " + ended + " and can no longer be cancelled");
  }

  @Test
  void givenACancelledReferral_whenTheReferrerCancelsAgain_thenTheSecondIsRefused() {
    ReferralState cancelled = cancelledThroughTheProvider(accepted(), cancel("first")).state();

    Step step = lifecycle.command(cancelled, cancel("second"));

    assertThat(step.refusal()).contains("CANCELLED");
    assertThat(step.events()).isEmpty();
  }

  @Test
  void givenACancelledReferral_whenTheProviderAcceptsLate_thenTheAcceptanceIsIgnored() {
    ReferralState cancelled = cancelledThroughTheProvider(offered(), cancel(null)).state();

    Step step = providerEvent(cancelled, acceptedBy("svc-1"));

    assertThat(step.state()).isSameAs(cancelled);
    assertThat(step.state().getStatus()).isEqualTo(ReferralStatus.CANCELLED);
  }

  // ---------------------------------------------------------------- places

  private static Object payloadOf(PlaceRequest request) {
    return request.getPayload();
  }

  @Test
  void givenSuitableServices_whenAReferralIsSubmitted_thenAPlaceIsAskedOfThemBestFirstAndNothingIsOfferedYet() {
    Step step = lifecycle.submitted(submittedEvent(referralId, submission));

    assertThat(step.events()).isEmpty();
    assertThat(step.state().getStatus()).isEqualTo(ReferralStatus.SUBMITTED);
    assertThat(step.state().getPlacing()).isEqualTo(1);
    assertThat(step.places()).singleElement().satisfies(request -> {
      assertThat(request.getMetadata().getReferralId()).isEqualTo(referralId);
      assertThat(Places.serviceOf(request)).isEqualTo("svc-1");
      assertThat(payloadOf(request)).isEqualTo(new TakePlace(1, List.of("svc-1", "svc-2"), List.of()));
    });
  }

  @Test
  void givenEveryCandidateFull_whenTheAnswerComesBack_thenTheReferralIsUnplacedNamingThem() {
    Step asked = lifecycle.submitted(submittedEvent(referralId, submission));
    PlaceRequest request = asked.places().get(0);

    Step step = lifecycle.placeDecided(asked.state(), new PlaceDecision(
        Events.causedBy("referral-service", request.getMetadata(), "no-place"), 1, new NoPlace(List.of("svc-1", "svc-2"))));

    assertThat(step.state().getStatus()).isEqualTo(ReferralStatus.UNPLACED);
    assertThat(step.state().getPlacing()).isNull();
    assertThat(step.places()).isEmpty();
    assertThat(step.events()).singleElement().satisfies(event ->
        assertThat(event.getPayload()).isInstanceOfSatisfying(ReferralUnplaced.class, unplaced ->
            assertThat(unplaced.getReason()).contains("free place").contains("[svc-1, svc-2] are full")));
  }

  @Test
  void givenAnOffer_whenAcceptedThenCompleted_thenItsPlaceIsFilledThenGivenBack() {
    Step accepted = providerEvent(offered(), acceptedBy("svc-1"));
    Step completed = providerEvent(accepted.state(), completedBy("svc-1", 3));

    assertThat(accepted.places()).singleElement().extracting(ReferralLifecycleTest::payloadOf)
        .isEqualTo(new FillPlace(1, "svc-1"));
    assertThat(completed.places()).singleElement().extracting(ReferralLifecycleTest::payloadOf)
        .isEqualTo(new ReleasePlace(1, "svc-1", "completed"));
  }

  @Test
  void givenAnOffer_whenTheProviderDeclines_thenItsPlaceIsGivenBackAndOneAskedOfTheNextService() {
    Step step = lifecycle.providerEvent(offered(), declinedBy("svc-1"));

    assertThat(step.state().getPlacing()).isEqualTo(2);
    assertThat(step.places()).extracting(ReferralLifecycleTest::payloadOf).containsExactlyInAnyOrder(
        new ReleasePlace(1, "svc-1", "declined: CAPACITY"), new TakePlace(2, List.of("svc-2"), List.of()));
  }

  @Test
  void givenAPlaceAskedFor_whenTheReferrerCancelsAndThePlaceIsGrantedLate_thenTheLatePlaceIsGivenBack() {
    Step asked = lifecycle.submitted(submittedEvent(referralId, submission));
    PlaceRequest request = asked.places().get(0);
    Step cancelled = lifecycle.command(asked.state(), cancel(null));

    Step late = lifecycle.placeDecided(cancelled.state(),
        Places.granted(request, (TakePlace) request.getPayload(), Load.NONE, 2));

    assertThat(cancelled.places()).as("nothing was held yet").isEmpty();
    assertThat(late.state()).isSameAs(cancelled.state());
    assertThat(late.events()).isEmpty();
    assertThat(late.places()).singleElement().extracting(ReferralLifecycleTest::payloadOf)
        .isEqualTo(new ReleasePlace(1, "svc-1", "not needed"));
  }

  @Test
  void givenAnOffer_whenTheReferrerCancels_thenItsPlaceIsGivenBackOnceProviderServiceHasCancelledTheOffer() {
    ReferralCommand cancel = cancel(null);
    // asked of provider-service first, which may refuse (the provider completed meanwhile): the place is kept
    assertThat(lifecycle.command(offered(), cancel).places()).isEmpty();

    Step step = cancelledThroughTheProvider(offered(), cancel);

    assertThat(step.state().getStatus()).isEqualTo(ReferralStatus.CANCELLED);
    assertThat(step.places()).singleElement().extracting(ReferralLifecycleTest::payloadOf)
        .isEqualTo(new ReleasePlace(1, "svc-1", "cancelled"));
  }

  @Test
  void givenAnOffer_whenItsGrantIsDeliveredAgain_thenNothingChangesAndThePlaceIsKept() {
    Step asked = lifecycle.submitted(submittedEvent(referralId, submission));
    PlaceRequest request = asked.places().get(0);
    PlaceDecision grant = Places.granted(request, (TakePlace) request.getPayload(), Load.NONE, 2);
    ReferralState offered = lifecycle.placeDecided(asked.state(), grant).state();

    Step again = lifecycle.placeDecided(offered, grant);

    assertThat(again.state()).isSameAs(offered);
    assertThat(again.events()).isEmpty();
    assertThat(again.places()).isEmpty();
  }

  @Test
  void givenAPlaceAskedFor_whenTheOldOfferIsAnsweredMeanwhile_thenTheAnswerIsIgnored() {
    Step asking = lifecycle.providerEvent(offered(), declinedBy("svc-1"));

    Step step = lifecycle.providerEvent(asking.state(), acceptedBy("svc-1"));

    assertThat(step.state()).isSameAs(asking.state());
    assertThat(step.places()).isEmpty();
  }
}
