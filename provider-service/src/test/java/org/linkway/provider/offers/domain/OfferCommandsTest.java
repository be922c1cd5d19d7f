package org.linkway.provider.offers.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.linkway.commands.AcceptReferral;
import org.linkway.commands.CompleteReferral;
import org.linkway.commands.DeclineReferral;
import org.linkway.commands.PrescribeService;
import org.linkway.commands.ProviderCommand;
import org.linkway.commands.RecordSession;
import org.linkway.commands.RecordTimeCredits;
import org.linkway.events.BudgetDecision;
import org.linkway.events.Completion;
import org.linkway.events.DeclineReason;
import org.linkway.events.FundingReservation;
import org.linkway.events.NeedCode;
import org.linkway.events.ReferralCompleted;
import org.linkway.events.ReferralDeclined;
import org.linkway.events.ReferralOffered;
import org.linkway.events.ReserveFunding;
import org.linkway.events.ServiceKind;
import org.linkway.events.ServicePrescribed;
import org.linkway.events.SessionAttended;
import org.linkway.events.SessionMissed;
import org.linkway.events.TimeCreditsEarned;
import org.linkway.platform.kafka.Events;
import org.linkway.platform.streams.Decisions;
import org.linkway.state.OfferState;
import org.linkway.state.OfferStatus;

/**
 * The provider's commands as the offer's decider takes them: given the offer and a command, the events it decides
 * (what each writes and how the command is answered), then the offer they leave. Time is the decider's clock.
 */
class OfferCommandsTest {

  private static final Instant NOW = Instant.parse("2026-11-02T10:15:30.123Z");
  private static final String P1 = "prov-1";
  private final OfferCommands commands =
      new OfferCommands(Clock.fixed(NOW, ZoneOffset.UTC), (baseline, followUp) -> List.of());
  private final UUID referralId = UUID.randomUUID();

  @Test
  void givenAnOffer_whenTheHolderAccepts_thenTheBudgetIsAskedAndTheOfferWaitsForItUnanswered() {
    OfferState offered = offered();
    ProviderCommand accept = command(P1, accept());

    List<OfferCommands.Event> events = decide(offered, accept);
    OfferState after = commands.evolve(offered, events);

    assertThat(events).singleElement().isInstanceOfSatisfying(OfferCommands.Accepting.class, accepting -> {
      assertThat(accepting.reserve().getPayload()).isEqualTo(new ReserveFunding("QMM", P1, "svc-1", idOf(accept)));
      assertThat(accepting.reserve().getMetadata().getOccurredAt()).isEqualTo(NOW);
    });
    assertThat(OfferCommands.written(events.get(0))).isEmpty();
    assertThat(OfferCommands.answer(events.get(0), after)).as("answered when the budget has decided").isEmpty();
    assertThat(after.getStatus()).isEqualTo(OfferStatus.ACCEPTING);
    assertThat(after.getPendingAccept()).isEqualTo(accept);
    assertThat(after.getProcessedCommandIds()).containsExactly(idOf(accept));
  }

  @Test
  void givenAnAcceptingOffer_whenTheSameAcceptComesAgain_thenNothingIsDecided_andAnotherAcceptIsRefused() {
    ProviderCommand accept = keyed(command(P1, accept()), "digest-1");
    OfferState accepting = applied(offered(), accept);

    assertThat(decide(accepting, accept)).as("its answer comes with the budget's").isEmpty();
    assertThat(decide(accepting, command(P1, accept()))).singleElement()
        .isInstanceOfSatisfying(OfferCommands.Refused.class, refused ->
            assertThat(refused.reason()).startsWith("the referral's acceptance is being decided"));
  }

  @Test
  void givenAnAcceptedOffer_whenTheHolderAcceptsAgain_thenItIsRefusedAndNothingChanges() {
    OfferState accepted = accepted();

    List<OfferCommands.Event> events = decide(accepted, command(P1, accept()));

    assertThat(events).singleElement().isInstanceOfSatisfying(OfferCommands.Refused.class, refused ->
        assertThat(refused.reason()).isEqualTo("the referral has already been accepted"));
    assertThat(commands.evolve(accepted, events)).isSameAs(accepted);
  }

  @Test
  void givenAnOffer_whenTheHolderDeclines_thenTheDeclineIsWrittenAndTheOfferIsDeclinedByIt() {
    OfferState declined = decided(offered(), command(P1, new DeclineReferral(DeclineReason.CAPACITY, "full", null)),
        new ReferralDeclined(P1, "svc-1", DeclineReason.CAPACITY, "full", null, null));

    assertThat(declined.getStatus()).isEqualTo(OfferStatus.DECLINED);
    assertThat(declined.getDeclinedBy()).containsExactly(P1);
    assertThat(declined.getDeclineReason()).isEqualTo(DeclineReason.CAPACITY);
  }

  @Test
  void givenAnAcceptedOffer_whenSessionsAreMissedAndAttended_thenEachIsWrittenAndCounted() {
    OfferState missedOne = decided(accepted(), command(P1, session(9, false)),
        new SessionMissed(P1, "svc-1", LocalDate.of(2026, 11, 9), 1));
    OfferState attendedOne = decided(missedOne, command(P1, session(16, true)),
        new SessionAttended(P1, "svc-1", LocalDate.of(2026, 11, 16), 1));

    assertThat(missedOne.getStatus()).isEqualTo(OfferStatus.ACCEPTED);
    assertThat(missedOne.getMissedInARow()).isEqualTo(1);
    assertThat(missedOne.getSessionsMissed()).isEqualTo(1);
    assertThat(attendedOne.getSessionsAttended()).isEqualTo(1);
    assertThat(attendedOne.getMissedInARow()).as("an attended session ends the run of missed ones").isZero();
    assertThat(attendedOne.getSessionsMissed()).isEqualTo(1);
  }

  @Test
  void givenAnAcceptedOffer_whenCompletedAndThenTimeCreditsRecorded_thenBothAreWrittenAndItStaysCompleted() {
    OfferState accepted = accepted();
    List<OfferCommands.Event> completing =
        decide(accepted, command(P1, new CompleteReferral(Completion.COMPLETED, List.of())));
    OfferState completed = commands.evolve(accepted, completing);

    OfferState credited = decided(completed,
        command(P1, new RecordTimeCredits(LocalDate.of(2026, 12, 1), new BigDecimal("2.00"), "gardening")),
        new TimeCreditsEarned(P1, "svc-1", "QMM", "p-0123456789abcdef", LocalDate.of(2026, 12, 1),
            new BigDecimal("2.00"), new BigDecimal("2.00"), "gardening"));

    assertThat(completing).singleElement().isInstanceOf(OfferCommands.Completed.class);
    assertThat(OfferCommands.written(completing.get(0)).orElseThrow().getPayload()).isInstanceOfSatisfying(
        ReferralCompleted.class, event -> assertThat(event.getCompletion()).isEqualTo(Completion.COMPLETED));
    assertThat(completed.getStatus()).isEqualTo(OfferStatus.COMPLETED);
    assertThat(credited.getStatus()).isEqualTo(OfferStatus.COMPLETED);
  }

  @Test
  void givenACancelledOffer_whenTheHolderActs_thenEachCommandIsRefusedAndNothingChanges() {
    OfferState cancelled = OfferLifecycle.cancelled(accepted());

    for (Object asked : List.of(accept(), new DeclineReferral(DeclineReason.PERSON_DECLINED, null, null),
        session(9, true), new CompleteReferral(Completion.COMPLETED, List.of()))) {
      List<OfferCommands.Event> events = decide(cancelled, command(P1, asked));

      assertThat(events).as(asked.getClass().getSimpleName()).singleElement()
          .isInstanceOfSatisfying(OfferCommands.Refused.class, refused ->
              assertThat(refused.reason()).containsIgnoringCase("cancelled"));
      assertThat(commands.evolve(cancelled, events)).isSameAs(cancelled);
    }
  }

  @Test
  void givenNoOffer_whenTheProviderActs_thenItIsRefusedAndThereIsStillNone() {
    List<OfferCommands.Event> events = decide(null, command(P1, accept()));

    assertThat(events).singleElement().isInstanceOfSatisfying(OfferCommands.Refused.class, refused ->
        assertThat(refused.reason()).isEqualTo("no referral " + referralId + " has been offered"));
    assertThat(commands.evolve(null, events)).isNull();
  }

  @Test
  void givenAKeyedCommandRefused_whenItIsResent_thenItIsToldTheSameRefusal_andItsKeyWithAnotherRequestIsRefused() {
    ProviderCommand session = keyed(command(P1, session(9, true)), "digest-1");
    OfferState refused = applied(offered(), session);

    List<OfferCommands.Event> resent = decide(refused, session);
    List<OfferCommands.Event> reused = decide(refused, keyed(session, "digest-2"));

    assertThat(refused.getRememberedCommands()).hasSize(1);
    assertThat(resent).containsExactly(new OfferCommands.Resent(session,
        "sessions can be recorded only once the referral is accepted; it is OFFERED"));
    assertThat(commands.evolve(refused, resent)).isSameAs(refused);
    assertThat(reused).singleElement().isInstanceOf(OfferCommands.KeyReused.class);
    assertThat(OfferCommands.answer(reused.get(0), refused))
        .contains(Decisions.keyReused(session.getMetadata().getEventId()));
  }

  @Test
  void givenALinkWorkerServicesAcceptedOffer_whenItPrescribesTwice_thenEachIsAReferralOfItsOwnAndTheSameCommandAgainIsOne() {
    OfferState accepted = linkWorkers(accepted());
    ProviderCommand befriending = keyed(command(P1, new PrescribeService(List.of(NeedCode.LONELINESS), "befriending")), "d-1");
    String first = OfferCommands.prescriptionId(referralId, befriending.getMetadata().getEventId()).toString();

    OfferState once = decided(accepted, befriending,
        new ServicePrescribed(P1, "svc-1", first, List.of(NeedCode.LONELINESS), "befriending"));
    ProviderCommand anyDebtAdvice = command(P1, new PrescribeService(List.of(NeedCode.MONEY_AND_DEBT), null));
    String second = OfferCommands.prescriptionId(referralId, anyDebtAdvice.getMetadata().getEventId()).toString();
    OfferState twice = decided(once, anyDebtAdvice,
        new ServicePrescribed(P1, "svc-1", second, List.of(NeedCode.MONEY_AND_DEBT), null));

    assertThat(twice.getPrescriptions()).containsExactly(first, second);
    assertThat(twice.getStatus()).isEqualTo(OfferStatus.ACCEPTED);
    // the first sent again (a timeout, another instance): answered as the first, nothing prescribed again
    assertThat(decide(twice, befriending)).singleElement().isInstanceOf(OfferCommands.Resent.class);
  }

  @Test
  void givenACommunityServiceOrAnOfferNotYetAccepted_whenItPrescribes_thenItIsRefusedSayingWhy() {
    ProviderCommand prescribe = command(P1, new PrescribeService(List.of(NeedCode.LONELINESS), null));

    assertThat(decide(accepted(), prescribe)).singleElement().isInstanceOfSatisfying(OfferCommands.Refused.class,
        refused -> assertThat(refused.reason()).startsWith("only a link worker service prescribes community services"));
    assertThat(decide(linkWorkers(offered()), prescribe)).singleElement().isInstanceOfSatisfying(
        OfferCommands.Refused.class, refused -> assertThat(refused.reason()).isEqualTo(
            "a link worker service prescribes once it has accepted the referral; it is OFFERED"));
    assertThat(decide(linkWorkers(accepted()), command("prov-2", new PrescribeService(List.of(NeedCode.LONELINESS), null))))
        .singleElement().isInstanceOfSatisfying(OfferCommands.Refused.class,
            refused -> assertThat(refused.reason()).isEqualTo("this referral is not offered to provider prov-2"));
  }

  @Test
  void givenAnEpisodeWithTheMostPrescriptions_whenItsLinkWorkersPrescribeAgain_thenItIsRefused() {
    OfferState full = OfferState.newBuilder(linkWorkers(accepted())).setPrescriptions(
        java.util.stream.IntStream.range(0, OfferCommands.MAX_PRESCRIPTIONS).mapToObj(i -> "p-" + i).toList()).build();

    assertThat(decide(full, command(P1, new PrescribeService(List.of(NeedCode.LONELINESS), null)))).singleElement()
        .isInstanceOfSatisfying(OfferCommands.Refused.class, refused -> assertThat(refused.reason())
            .isEqualTo("this episode has 50 prescriptions, the most one episode makes"));
  }

  /** The offer as a link worker service's. */
  private static OfferState linkWorkers(OfferState state) {
    return OfferState.newBuilder(state)
        .setOffer(ReferralOffered.newBuilder(state.getOffer()).setServiceKind(ServiceKind.LINK_WORKER).build()).build();
  }

  private List<OfferCommands.Event> decide(OfferState state, ProviderCommand command) {
    return commands.decide(OfferCommands.Command.of(command), state);
  }

  private OfferState applied(OfferState before, ProviderCommand command) {
    return commands.evolve(before, decide(before, command));
  }

  /** The offer after the command, checking it wrote {@code payload} at the clock's time and was answered as applied. */
  private OfferState decided(OfferState before, ProviderCommand command, Object payload) {
    List<OfferCommands.Event> events = decide(before, command);
    OfferState after = commands.evolve(before, events);
    assertThat(events).singleElement().satisfies(event -> {
      assertThat(OfferCommands.written(event)).hasValueSatisfying(written -> {
        assertThat(written.getPayload()).isEqualTo(payload);
        assertThat(written.getMetadata().getOccurredAt()).isEqualTo(NOW);
      });
      assertThat(OfferCommands.answer(event, after))
          .contains(Decisions.accepted(command.getMetadata().getEventId(), after));
    });
    return after;
  }

  private OfferState offered() {
    ReferralOffered offer = ReferralOffered.newBuilder().setProviderId(P1).setServiceId("svc-1").setAttempt(1)
        .setNeedsMet(List.of(NeedCode.LONELINESS)).setCommissioner("QMM").setPersonId("p-0123456789abcdef")
        .setNeeds(List.of(NeedCode.LONELINESS)).build();
    return OfferLifecycle.offered(null, offer, Events.metadata("referral-service", referralId, null));
  }

  /** Accepted as it happens: the holder accepts, then the budget reserves the funding. */
  private OfferState accepted() {
    ProviderCommand accept = command(P1, accept());
    BudgetDecision reserved = new BudgetDecision(Events.metadata("outcome-service", referralId, null), idOf(accept),
        new FundingReservation("contract-QMM-1", new BigDecimal("250.00"), "2026-27", false));
    return OfferLifecycle.budgetDecided(applied(offered(), accept), reserved).state();
  }

  private static AcceptReferral accept() {
    return new AcceptReferral(null, List.of(), null);
  }

  private static RecordSession session(int day, boolean attended) {
    return new RecordSession(LocalDate.of(2026, 11, day), attended, List.of());
  }

  private ProviderCommand command(String providerId, Object payload) {
    return new ProviderCommand(Events.metadata("provider-service", referralId, null), providerId, payload, null);
  }

  private static ProviderCommand keyed(ProviderCommand command, String digest) {
    return ProviderCommand.newBuilder(command).setRequestDigest(digest).build();
  }

  private static String idOf(ProviderCommand command) {
    return command.getMetadata().getEventId().toString();
  }
}
