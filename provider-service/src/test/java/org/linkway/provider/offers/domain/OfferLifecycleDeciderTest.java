package org.linkway.provider.offers.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.linkway.commands.AcceptReferral;
import org.linkway.commands.ProviderCommand;
import org.linkway.events.BudgetDecision;
import org.linkway.events.CancelRequested;
import org.linkway.events.DeclineReason;
import org.linkway.events.EventMetadata;
import org.linkway.events.FundingRefused;
import org.linkway.events.FundingReservation;
import org.linkway.events.NeedCode;
import org.linkway.events.OfferCancelled;
import org.linkway.events.OfferReminderDue;
import org.linkway.events.Patient;
import org.linkway.events.ReferralAccepted;
import org.linkway.events.ReferralCancelled;
import org.linkway.events.ReferralDeclined;
import org.linkway.events.ReferralEvent;
import org.linkway.events.ReferralOffered;
import org.linkway.events.ReferralUnplaced;
import org.linkway.events.ReserveFunding;
import org.linkway.events.WithdrawReservation;
import org.linkway.platform.kafka.Events;
import org.linkway.replies.CommandReply;
import org.linkway.state.OfferState;
import org.linkway.state.OfferStatus;

/**
 * The offer's whole lifecycle as one decider: given the offer and an input built from the record read (or a deadline
 * falling due), the events it decides (what each writes to {@code provider-events}, asks of the commissioner's budget
 * and answers), then the offer they leave. Time is the decider's clock.
 */
class OfferLifecycleDeciderTest {

  private static final Instant NOW = Instant.parse("2026-11-02T10:15:30.123Z");
  private static final String P1 = "prov-1";

  private final OfferLifecycle lifecycle = new OfferLifecycle(Clock.fixed(NOW, ZoneOffset.UTC), (b, f) -> List.of());
  private final UUID referralId = UUID.randomUUID();

  @Test
  void givenTheRecordsTheOfferTaskReads_whenMadeInputs_thenEachIsItsKindAndTheReferralsOtherEventsAreNone() {
    ProviderCommand accept = command(new AcceptReferral(null, List.of(), null));

    assertThat(kind(new ReferralEvent(meta(), offerTo(P1, 1, NOW.plusSeconds(60))))).isEqualTo(OfferLifecycle.Input.Kind.OFFER);
    assertThat(kind(new ReferralEvent(meta(), new CancelRequested("D82044", "cancel-1"))))
        .isEqualTo(OfferLifecycle.Input.Kind.CANCEL);
    assertThat(kind(new ReferralEvent(meta(), new ReferralCancelled("moved away", "D82044", null))))
        .isEqualTo(OfferLifecycle.Input.Kind.CANCELLATION);
    assertThat(kind(accept)).isEqualTo(OfferLifecycle.Input.Kind.COMMAND);
    assertThat(kind(reserved(accept))).isEqualTo(OfferLifecycle.Input.Kind.FUNDING_RESERVED);
    assertThat(kind(refused(accept))).isEqualTo(OfferLifecycle.Input.Kind.FUNDING_DENIED);
    assertThat(OfferLifecycle.Input.of(new ReferralEvent(meta(), new ReferralUnplaced("nothing suitable", List.of()))))
        .isEmpty();
  }

  @Test
  void givenNoOffer_whenOffered_thenItIsOfferedItsDeadlinesDueAndNothingWrittenOrAnswered() {
    List<OfferLifecycle.Event> events = decide(null, offered(NOW.plusSeconds(60)));
    OfferState after = lifecycle.evolve(null, events);

    assertThat(events).extracting(OfferLifecycle.Event::kind).containsExactly(OfferLifecycle.Event.Kind.OFFERED);
    assertThat(OfferLifecycle.written(events.get(0))).isEmpty();
    assertThat(OfferLifecycle.asked(events.get(0))).isEmpty();
    assertThat(OfferLifecycle.answer(events.get(0), after)).isEmpty();
    assertThat(OfferLifecycle.traced(events.get(0))).isTrue();
    assertThat(OfferLifecycle.awaitsAnswer(events.get(0), after)).isTrue();
    assertThat(after.getStatus()).isEqualTo(OfferStatus.OFFERED);
    assertThat(after.getReferralId()).isEqualTo(referralId);
    assertThat(after.getRespondBy()).isEqualTo(NOW.plusSeconds(60));
  }

  @Test
  void givenAnOfferBeingAccepted_whenOfferedAgain_thenNothingHappens() {
    OfferState accepting = evolved(offeredState(), new OfferLifecycle.Command(OfferCommands.Command.of(
        command(new AcceptReferral(null, List.of(), null)))));

    assertThat(accepting.getStatus()).isEqualTo(OfferStatus.ACCEPTING);
    assertThat(decide(accepting, offered(NOW.plusSeconds(60)))).isEmpty();
  }

  @Test
  void givenAnOffer_whenAcceptedAndTheBudgetReserves_thenTheBudgetIsAskedThenTheAcceptanceWrittenAndAnswered() {
    ProviderCommand accept = command(new AcceptReferral(null, List.of(), null));
    List<OfferLifecycle.Event> accepting = decide(offeredState(), new OfferLifecycle.Command(OfferCommands.Command.of(accept)));
    OfferState waiting = lifecycle.evolve(offeredState(), accepting);

    assertThat(accepting).extracting(OfferLifecycle.Event::kind).containsExactly(OfferLifecycle.Event.Kind.COMMANDED);
    assertThat(OfferLifecycle.asked(accepting.get(0)))
        .hasValueSatisfying(request -> assertThat(request.getPayload()).isInstanceOf(ReserveFunding.class));
    assertThat(OfferLifecycle.answer(accepting.get(0), waiting)).as("answered when the budget has decided").isEmpty();
    assertThat(OfferLifecycle.traced(accepting.get(0))).isTrue();

    BudgetDecision reservation = reserved(accept);
    List<OfferLifecycle.Event> funded = decide(waiting, OfferLifecycle.Input.of(reservation));
    OfferState accepted = lifecycle.evolve(waiting, funded);

    assertThat(funded).extracting(OfferLifecycle.Event::kind).containsExactly(OfferLifecycle.Event.Kind.FUNDED);
    assertThat(OfferLifecycle.written(funded.get(0))).hasValueSatisfying(event -> {
      assertThat(event.getPayload()).isInstanceOf(ReferralAccepted.class);
      assertThat(event.getMetadata().getOccurredAt()).isEqualTo(NOW);
    });
    assertThat(OfferLifecycle.answer(funded.get(0), accepted)).map(CommandReply::getRefusal).isEmpty();
    assertThat(OfferLifecycle.answer(funded.get(0), accepted)).map(CommandReply::getCommandId)
        .contains(accept.getMetadata().getEventId());
    assertThat(OfferLifecycle.awaitsAnswer(funded.get(0), accepted)).isFalse();
    assertThat(accepted.getStatus()).isEqualTo(OfferStatus.ACCEPTED);
    assertThat(accepted.getAccepted()).isTrue();
    assertThat(decide(accepted, OfferLifecycle.Input.of(reservation))).as("a decision applies once").isEmpty();
  }

  @Test
  void givenAnAcceptWithTheBudget_whenTheBudgetRefuses_thenTheOfferIsOpenAgainAndTheAcceptRefused() {
    ProviderCommand accept = command(new AcceptReferral(null, List.of(), null));
    OfferState waiting = evolved(offeredState(), new OfferLifecycle.Command(OfferCommands.Command.of(accept)));
    BudgetDecision refusal = refused(accept);

    List<OfferLifecycle.Event> events = decide(waiting, OfferLifecycle.Input.of(refusal));
    OfferState after = lifecycle.evolve(waiting, events);

    assertThat(events).extracting(OfferLifecycle.Event::kind).containsExactly(OfferLifecycle.Event.Kind.UNFUNDED);
    assertThat(OfferLifecycle.written(events.get(0))).isEmpty();
    assertThat(OfferLifecycle.answer(events.get(0), after)).map(CommandReply::getRefusal).contains("the budget is spent");
    assertThat(OfferLifecycle.awaitsAnswer(events.get(0), after)).as("its deadline still counts").isTrue();
    assertThat(after.getStatus()).isEqualTo(OfferStatus.OFFERED);
    assertThat(after.getPendingAccept()).isNull();
    assertThat(decide(after, OfferLifecycle.Input.of(refusal))).as("a decision applies once").isEmpty();
  }

  @Test
  void givenAnAcceptWithTheBudget_whenTheReferrerCancelsAndTheReservationComes_thenTheReservationIsGivenBack() {
    ProviderCommand accept = command(new AcceptReferral(null, List.of(), null));
    OfferState waiting = evolved(offeredState(), new OfferLifecycle.Command(OfferCommands.Command.of(accept)));

    List<OfferLifecycle.Event> cancelling = decide(waiting, OfferLifecycle.Input.of(
        new ReferralEvent(meta(), new CancelRequested("D82044", "cancel-1"))).orElseThrow());
    OfferState cancelled = lifecycle.evolve(waiting, cancelling);

    assertThat(cancelling).extracting(OfferLifecycle.Event::kind).containsExactly(OfferLifecycle.Event.Kind.CANCELLING);
    assertThat(OfferLifecycle.written(cancelling.get(0))).hasValueSatisfying(event ->
        assertThat(event.getPayload()).isEqualTo(new OfferCancelled(P1, "svc-1", "cancel-1", false)));
    assertThat(cancelled.getStatus()).isEqualTo(OfferStatus.CANCELLED);

    List<OfferLifecycle.Event> givenBack = decide(cancelled, OfferLifecycle.Input.of(reserved(accept)));
    OfferState after = lifecycle.evolve(cancelled, givenBack);

    assertThat(givenBack).extracting(OfferLifecycle.Event::kind).containsExactly(OfferLifecycle.Event.Kind.GIVEN_BACK);
    assertThat(OfferLifecycle.written(givenBack.get(0))).isEmpty();
    assertThat(OfferLifecycle.asked(givenBack.get(0))).hasValueSatisfying(request -> {
      assertThat(request.getPayload()).isInstanceOf(WithdrawReservation.class);
      assertThat(request.getMetadata().getOccurredAt()).isEqualTo(NOW);
    });
    assertThat(OfferLifecycle.answer(givenBack.get(0), after)).map(CommandReply::getRefusal)
        .contains("the referral was cancelled by the referrer");
    assertThat(after.getStatus()).isEqualTo(OfferStatus.CANCELLED);
  }

  @Test
  void givenAnOffer_whenTheReferralIsCancelled_thenTheOfferIsCancelledOutOfTheTraceAndAgainNothingHappens() {
    OfferLifecycle.Input cancellation =
        OfferLifecycle.Input.of(new ReferralEvent(meta(), new ReferralCancelled("moved away", "D82044", null))).orElseThrow();

    List<OfferLifecycle.Event> events = decide(offeredState(), cancellation);
    OfferState after = lifecycle.evolve(offeredState(), events);

    assertThat(events).extracting(OfferLifecycle.Event::kind).containsExactly(OfferLifecycle.Event.Kind.CANCELLED);
    assertThat(OfferLifecycle.written(events.get(0))).isEmpty();
    assertThat(OfferLifecycle.traced(events.get(0))).isFalse();
    assertThat(after.getStatus()).isEqualTo(OfferStatus.CANCELLED);
    assertThat(decide(after, cancellation)).isEmpty();
    assertThat(decide(null, cancellation)).isEmpty();
  }

  @Test
  void givenAnOfferAtHalfTime_whenTheReminderFallsDue_thenTheProviderIsRemindedOnceForThatAttemptOnly() {
    OfferState offered = offeredState();

    List<OfferLifecycle.Event> events = decide(offered, new OfferLifecycle.ReminderDue(1));
    OfferState reminded = lifecycle.evolve(offered, events);

    assertThat(events).extracting(OfferLifecycle.Event::kind).containsExactly(OfferLifecycle.Event.Kind.REMINDED);
    assertThat(OfferLifecycle.written(events.get(0))).hasValueSatisfying(event -> {
      assertThat(event.getPayload()).isEqualTo(new OfferReminderDue(P1, "svc-1", offered.getRespondBy()));
      assertThat(event.getMetadata()).isEqualTo(Events.scheduled("provider-service", referralId, "attempt-1-reminder",
          Clock.fixed(NOW, ZoneOffset.UTC)));
    });
    assertThat(reminded.getReminded()).isTrue();
    assertThat(decide(reminded, new OfferLifecycle.ReminderDue(1))).as("once").isEmpty();
    assertThat(decide(offered, new OfferLifecycle.ReminderDue(2))).as("another attempt's").isEmpty();
    assertThat(decide(null, new OfferLifecycle.ReminderDue(1))).isEmpty();
  }

  @Test
  void givenAnOffer_whenTheExpiryFallsDue_thenItIsDeclinedAsExpiredOnceItsDeadlineHasPassedByTheClock() {
    OfferState notYet = offeredState();
    OfferState passed = OfferState.newBuilder(notYet).setRespondBy(NOW.minusSeconds(1)).build();

    assertThat(decide(notYet, new OfferLifecycle.ExpiryDue(1))).as("the deadline has not come").isEmpty();
    assertThat(decide(passed, new OfferLifecycle.ExpiryDue(2))).as("another attempt's").isEmpty();

    List<OfferLifecycle.Event> events = decide(passed, new OfferLifecycle.ExpiryDue(1));
    OfferState expired = lifecycle.evolve(passed, events);

    assertThat(events).extracting(OfferLifecycle.Event::kind).containsExactly(OfferLifecycle.Event.Kind.EXPIRED);
    assertThat(OfferLifecycle.written(events.get(0))).hasValueSatisfying(event -> {
      assertThat(((ReferralDeclined) event.getPayload()).getReason()).isEqualTo(DeclineReason.EXPIRED);
      assertThat(event.getMetadata().getOccurredAt()).isEqualTo(NOW);
    });
    assertThat(expired.getStatus()).isEqualTo(OfferStatus.DECLINED);
    assertThat(expired.getDeclinedBy()).containsExactly(P1);
    assertThat(decide(expired, new OfferLifecycle.ExpiryDue(1))).isEmpty();
  }

  private List<OfferLifecycle.Event> decide(OfferState state, OfferLifecycle.Input input) {
    return lifecycle.decide(input, state);
  }

  private List<OfferLifecycle.Event> decide(OfferState state, Optional<OfferLifecycle.Input> input) {
    return lifecycle.decide(input.orElseThrow(), state);
  }

  private OfferState evolved(OfferState state, OfferLifecycle.Input input) {
    return lifecycle.evolve(state, lifecycle.decide(input, state));
  }

  private static OfferLifecycle.Input.Kind kind(SpecificRecord read) {
    return OfferLifecycle.Input.of(read).orElseThrow().kind();
  }

  private OfferState offeredState() {
    return evolved(null, offered(NOW.plusSeconds(60)));
  }

  private OfferLifecycle.Input offered(Instant respondBy) {
    return new OfferLifecycle.Offer(meta(), offerTo(P1, 1, respondBy));
  }

  private static ReferralOffered offerTo(String providerId, int attempt, Instant respondBy) {
    return ReferralOffered.newBuilder()
        .setProviderId(providerId).setServiceId("svc-" + attempt).setAttempt(attempt).setNeedsMet(List.of(NeedCode.LONELINESS))
        .setCommissioner("QMM").setPersonId("p-0123456789abcdef").setNeeds(List.of(NeedCode.LONELINESS))
        .setPatient(new Patient("9434765919", "Ada", "Lovelace", LocalDate.of(1950, 12, 10), "NR1 3SR", null, null))
        .setRespondBy(respondBy)
        .build();
  }

  private ProviderCommand command(Object payload) {
    return new ProviderCommand(meta(), P1, payload, null);
  }

  private BudgetDecision reserved(ProviderCommand accept) {
    return new BudgetDecision(meta(), accept.getMetadata().getEventId().toString(),
        new FundingReservation("contract-QMM-1", new BigDecimal("250.00"), "2026-27", false));
  }

  private BudgetDecision refused(ProviderCommand accept) {
    return new BudgetDecision(meta(), accept.getMetadata().getEventId().toString(),
        new FundingRefused("QMM", "2026-27", new BigDecimal("250.00"), BigDecimal.TEN, "the budget is spent"));
  }

  private EventMetadata meta() {
    return EventMetadata.newBuilder(Events.metadata("referral-service", referralId, null)).setOccurredAt(NOW).build();
  }
}
