package org.linkway.referral.lifecycle.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.linkway.events.NeedCode.LONELINESS;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.linkway.commands.CancelReferral;
import org.linkway.commands.ReferralCommand;
import org.linkway.commands.SubmitReferral;
import org.linkway.events.Completion;
import org.linkway.events.FillPlace;
import org.linkway.events.NoPlace;
import org.linkway.events.PlaceDecision;
import org.linkway.events.PlaceGranted;
import org.linkway.events.ProviderEvent;
import org.linkway.events.ReferralAccepted;
import org.linkway.events.ReferralCompleted;
import org.linkway.events.ReferralOffered;
import org.linkway.events.ReferralSubmitted;
import org.linkway.events.ReferralUnplaced;
import org.linkway.events.ReleasePlace;
import org.linkway.events.ServiceListed;
import org.linkway.events.SessionAttended;
import org.linkway.events.TakePlace;
import org.linkway.platform.kafka.Events;
import org.linkway.referral.TestData;
import org.linkway.referral.routing.FundingRoom;
import org.linkway.referral.routing.Load;
import org.linkway.state.ReferralState;
import org.linkway.state.ReferralStatus;
import org.linkway.platform.testing.ReferenceTables;

/**
 * The referral's lifecycle as a decider: given the referral and an input built from the record read, the events it
 * decides (what each writes to {@code referrals}, asks of the place deciders and answers), then the referral they
 * leave. Time is the decider's clock.
 */
class ReferralLifecycleDeciderTest {

  private static final Instant NOW = Instant.parse("2026-11-02T10:15:30.123Z");
  private final List<ServiceListed> directory = new ArrayList<>(List.of(
      TestData.service("svc-1", LONELINESS).build(), TestData.service("svc-2", LONELINESS).build()));
  private final ReferralLifecycle lifecycle = new ReferralLifecycle(ReferenceTables.listed(() -> directory, ServiceListed::getServiceId), serviceId -> Load.NONE,
      FundingRoom.UNKNOWN, ReferralLifecycle.Settings.defaults(), Clock.fixed(NOW, ZoneOffset.UTC));
  private final UUID referralId = UUID.randomUUID();

  @Test
  void givenNoReferral_whenASubmitCommandComes_thenTheSubmissionIsWrittenAndTheBestServicesAreAskedForAPlace() {
    ReferralCommand submit = submit();

    List<ReferralLifecycle.Event> events = decide(null, submit);
    ReferralState after = lifecycle.evolve(null, events);

    assertThat(events).extracting(ReferralLifecycle.Event::kind)
        .containsExactly(ReferralLifecycle.Event.Kind.SUBMITTED, ReferralLifecycle.Event.Kind.PLACING);
    assertThat(ReferralLifecycle.written(events.get(0))).hasValueSatisfying(submitted -> {
      assertThat(submitted.getPayload()).isInstanceOf(ReferralSubmitted.class);
      assertThat(submitted.getMetadata().getOccurredAt()).isEqualTo(NOW);
    });
    assertThat(ReferralLifecycle.asked(events.get(1))).hasValueSatisfying(request -> {
      assertThat(request.getPayload()).isEqualTo(new TakePlace(1, List.of("svc-1", "svc-2"), List.of()));
      assertThat(request.getMetadata().getOccurredAt()).isEqualTo(NOW);
    });
    assertThat(ReferralLifecycle.answeredWithTheReferral(input(submit))).contains(submit.getMetadata().getEventId());
    assertThat(after.getReferralId()).isEqualTo(referralId);
    assertThat(after.getStatus()).isEqualTo(ReferralStatus.SUBMITTED);
    assertThat(after.getPlacing()).isEqualTo(1);
  }

  @Test
  void givenASubmittedReferral_whenTheSameRequestIsResent_thenNothingIsDecidedAndItIsAnsweredWithTheFirst() {
    ReferralCommand submit = submit();
    ReferralState submitted = applied(null, submit);

    List<ReferralLifecycle.Event> events = decide(submitted, submit);

    assertThat(events).isEmpty();
    assertThat(lifecycle.evolve(submitted, events)).isSameAs(submitted);
    assertThat(ReferralLifecycle.answeredWithTheReferral(input(submit))).contains(submit.getMetadata().getEventId());
    assertThat(decide(submitted, submittedEvent())).as("the same referral read from referrals").isEmpty();
  }

  @Test
  void givenAReferralWaitingForAPlace_whenTheFirstServiceGrantsOne_thenItIsOfferedThere() {
    ReferralState waiting = applied(null, submit());

    List<ReferralLifecycle.Event> events = decide(waiting, granted(1, "svc-1"));
    ReferralState offered = lifecycle.evolve(waiting, events);

    assertThat(events).singleElement().isInstanceOf(ReferralLifecycle.Offered.class);
    assertThat(ReferralLifecycle.written(events.get(0)).orElseThrow().getPayload())
        .isInstanceOfSatisfying(ReferralOffered.class, offer -> {
          assertThat(offer.getServiceId()).isEqualTo("svc-1");
          assertThat(offer.getAttempt()).isEqualTo(1);
          assertThat(offer.getRespondBy()).isEqualTo(NOW.plus(Duration.ofDays(14)));
        });
    assertThat(offered.getStatus()).isEqualTo(ReferralStatus.OFFERED);
    assertThat(offered.getServiceId()).isEqualTo("svc-1");
    assertThat(offered.getServicesTried()).containsExactly("svc-1");
    assertThat(offered.getPlacing()).isNull();
    assertThat(offered.getHistory().get(offered.getHistory().size() - 1).getAt()).isEqualTo(NOW);
  }

  @Test
  void givenAReferralWaitingForAPlace_whenNoServiceHasOne_thenItIsUnplaced() {
    ReferralState waiting = applied(null, submit());

    List<ReferralLifecycle.Event> events = decide(waiting, decision(1, new NoPlace(List.of("svc-1", "svc-2"))));
    ReferralState unplaced = lifecycle.evolve(waiting, events);

    assertThat(events).singleElement().isInstanceOf(ReferralLifecycle.Unplaced.class);
    assertThat(ReferralLifecycle.written(events.get(0)).orElseThrow().getPayload()).isInstanceOfSatisfying(
        ReferralUnplaced.class, event -> assertThat(event.getReason())
            .isEqualTo("no suitable service has a free place: [svc-1, svc-2] are full"));
    assertThat(unplaced.getStatus()).isEqualTo(ReferralStatus.UNPLACED);
    assertThat(unplaced.getPlacing()).isNull();
  }

  @Test
  void givenNoSuitableService_whenAReferralIsSubmitted_thenItIsUnplacedAtOnce() {
    directory.clear();

    List<ReferralLifecycle.Event> events = decide(null, submit());

    assertThat(events).extracting(ReferralLifecycle.Event::kind)
        .containsExactly(ReferralLifecycle.Event.Kind.SUBMITTED, ReferralLifecycle.Event.Kind.UNPLACED);
    assertThat(lifecycle.evolve(null, events).getStatus()).isEqualTo(ReferralStatus.UNPLACED);
  }

  @Test
  void givenAnOffer_whenTheProviderAcceptsAndCompletes_thenEachIsReflectedAndThePlaceFilledThenGivenBack() {
    ReferralState offered = offered();

    List<ReferralLifecycle.Event> accepting = decide(offered, acceptance());
    ReferralState accepted = lifecycle.evolve(offered, accepting);
    ReferralState attended = applied(accepted, provider(new SessionAttended("prov-svc-1", "svc-1",
        LocalDate.of(2026, 11, 9), 1)));
    List<ReferralLifecycle.Event> completing = decide(attended, completion());
    ReferralState completed = lifecycle.evolve(attended, completing);

    assertThat(accepting).singleElement().isInstanceOf(ReferralLifecycle.Accepted.class);
    assertThat(ReferralLifecycle.asked(accepting.get(0)).orElseThrow().getPayload())
        .isEqualTo(new FillPlace(1, "svc-1"));
    assertThat(ReferralLifecycle.written(accepting.get(0))).as("the provider wrote it").isEmpty();
    assertThat(accepted.getStatus()).isEqualTo(ReferralStatus.ACCEPTED);
    assertThat(accepted.getTaskStatus()).isEqualTo("accepted");
    assertThat(accepted.getRespondBy()).isNull();
    assertThat(attended.getSessionsAttended()).isEqualTo(1);
    assertThat(attended.getTaskStatus()).isEqualTo("in-progress");
    assertThat(completing).extracting(ReferralLifecycle.Event::kind)
        .containsExactly(ReferralLifecycle.Event.Kind.COMPLETED, ReferralLifecycle.Event.Kind.RELEASED);
    assertThat(ReferralLifecycle.asked(completing.get(1)).orElseThrow().getPayload())
        .isEqualTo(new ReleasePlace(1, "svc-1", "completed"));
    assertThat(completed.getStatus()).isEqualTo(ReferralStatus.COMPLETED);
    assertThat(completed.getTaskStatus()).isEqualTo("completed");
  }

  @Test
  void givenAnEndedReferral_whenAnyInputComes_thenNothingChanges_andACancelIsRefused() {
    ReferralState offered = offered();
    ReferralState completed = applied(applied(offered, acceptance()), completion());

    for (SpecificRecord read : List.of(submit(), submittedEvent(), acceptance(),
        provider(new SessionAttended("prov-svc-1", "svc-1", LocalDate.of(2026, 11, 9), 2)), completion(),
        decision(1, new NoPlace(List.of("svc-2"))))) {
      assertThat(decide(completed, read)).as("%s", read.getClass().getSimpleName()).isEmpty();
    }
    ReferralCommand cancel = new ReferralCommand(Events.metadata("test", referralId, null),
        new CancelReferral(null, "D82044", null));
    List<ReferralLifecycle.Event> cancelling = decide(completed, cancel);
    assertThat(cancelling).singleElement().satisfies(event -> {
      assertThat(ReferralLifecycle.answers(event)).containsExactly(new ReferralLifecycle.Answer(
          cancel.getMetadata().getEventId(), "the referral is COMPLETED and can no longer be cancelled"));
      assertThat(ReferralLifecycle.written(event)).isEmpty();
    });
    assertThat(lifecycle.evolve(completed, cancelling)).isSameAs(completed);
    assertThat(decide(completed, granted(1, "svc-1"))).as("a place granted late goes back")
        .singleElement().satisfies(event -> assertThat(ReferralLifecycle.asked(event).orElseThrow().getPayload())
            .isEqualTo(new ReleasePlace(1, "svc-1", "not needed")));
  }

  @Test
  void givenNoReferral_whenACancelComes_thenItIsRefused() {
    ReferralCommand cancel = new ReferralCommand(Events.metadata("test", referralId, null),
        new CancelReferral(null, "D82044", null));

    List<ReferralLifecycle.Event> events = decide(null, cancel);

    assertThat(events).flatExtracting(ReferralLifecycle::answers).containsExactly(
        new ReferralLifecycle.Answer(cancel.getMetadata().getEventId(), "no referral " + referralId));
    assertThat(lifecycle.evolve(null, events)).isNull();
  }

  private ReferralState offered() {
    return applied(applied(null, submit()), granted(1, "svc-1"));
  }

  private List<ReferralLifecycle.Event> decide(ReferralState state, SpecificRecord read) {
    return lifecycle.decide(input(read), state);
  }

  private ReferralState applied(ReferralState state, SpecificRecord read) {
    return lifecycle.evolve(state, decide(state, read));
  }

  private static ReferralLifecycle.Input input(SpecificRecord read) {
    return ReferralLifecycle.Input.of(read).orElseThrow();
  }

  private ReferralCommand submit() {
    return new ReferralCommand(Events.metadata("test", referralId, null),
        new SubmitReferral(TestData.referral(LONELINESS).build()));
  }

  private SpecificRecord submittedEvent() {
    return TestData.submittedEvent(referralId, TestData.referral(LONELINESS).build());
  }

  private ProviderEvent provider(Object payload) {
    return new ProviderEvent(Events.metadata("provider-service", referralId, null), payload);
  }

  private ProviderEvent acceptance() {
    return provider(new ReferralAccepted("prov-svc-1", "svc-1", "QMM", "p-1", List.of(LONELINESS), null));
  }

  private ProviderEvent completion() {
    return provider(new ReferralCompleted("prov-svc-1", "svc-1", "QMM", "p-1", List.of(LONELINESS),
        Completion.COMPLETED, 1, List.of(), List.of(), 0));
  }

  private PlaceDecision granted(int attempt, String serviceId) {
    return decision(attempt, new PlaceGranted(serviceId, 0, 0, 5, List.of()));
  }

  private PlaceDecision decision(int attempt, Object payload) {
    return new PlaceDecision(Events.metadata("referral-service", referralId, null), attempt, payload);
  }
}
