package org.linkway.referral.lifecycle.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.linkway.events.NeedCode.LONELINESS;
import static org.linkway.referral.TestData.referral;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.linkway.commands.CancelReferral;
import org.linkway.commands.ReferralCommand;
import org.linkway.events.CancelRequested;
import org.linkway.events.ReferralCancelled;
import org.linkway.platform.kafka.Events;
import org.linkway.state.ReferralState;
import org.linkway.state.ReferralStatus;

/** The referrer's cancel as referral-service decides it ({@link ReferrerCancels}), with its clock fixed. */
class ReferrerCancelsTest {

  private static final Instant NOW = Instant.parse("2026-11-02T10:15:30.123Z");
  private final ReferrerCancels cancels = new ReferrerCancels(Clock.fixed(NOW, ZoneOffset.UTC));
  private final UUID referralId = UUID.randomUUID();

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = ReferralStatus.class, names = {"OFFERED", "ACCEPTED"})
  void givenAReferralWithAProvider_whenTheReferrerCancels_thenTheCancelIsAskedAndNothingIsAnsweredYet(ReferralStatus status) {
    ReferralCommand cancel = cancel();
    ReferralState state = state(status);

    List<ReferrerCancels.Event> events = cancels.decide(new ReferrerCancels.Cancel(cancel), state);

    assertThat(events).singleElement().isInstanceOfSatisfying(ReferrerCancels.Asked.class, asked -> {
      assertThat(asked.requested().getPayload()).isEqualTo(new CancelRequested("D82044", cancel.getMetadata().getEventId().toString()));
      assertThat(asked.requested().getMetadata().getOccurredAt()).isEqualTo(NOW);
    });
    assertThat(cancels.evolve(state, events).getPendingCancel()).isEqualTo(cancel);
    assertThat(ReferrerCancels.answers(new ReferrerCancels.Cancel(cancel), state, events)).isEmpty();
  }

  @Test
  void givenASubmittedReferral_whenTheReferrerCancels_thenItIsCancelledAtOnceAndAnswered() {
    ReferralCommand cancel = cancel();
    ReferralState state = state(ReferralStatus.SUBMITTED);

    List<ReferrerCancels.Event> events = cancels.decide(new ReferrerCancels.Cancel(cancel), state);

    assertThat(events).singleElement().isInstanceOfSatisfying(ReferrerCancels.Cancelled.class, cancelled ->
        assertThat(cancelled.cancelled().getPayload()).isEqualTo(new ReferralCancelled("moved away", "D82044", null)));
    assertThat(cancels.evolve(state, events).getStatus()).isEqualTo(ReferralStatus.CANCELLED);
    assertThat(ReferrerCancels.answers(new ReferrerCancels.Cancel(cancel), state, events))
        .containsExactly(new ReferralLifecycle.Answer(cancel.getMetadata().getEventId(), null));
  }

  @Test
  void givenACancelPending_whenProviderServiceRefusesIt_thenThePendingAndEveryWaitingCancelAreToldTheEnd() {
    ReferralCommand first = cancel();
    UUID second = UUID.randomUUID();
    ReferralState state = ReferralState.newBuilder(state(ReferralStatus.COMPLETED)).setPendingCancel(first)
        .setCancelsWaiting(new ArrayList<>(List.of(second.toString()))).build();
    ReferrerCancels.Decided refused = new ReferrerCancels.Decided(first.getMetadata().getEventId().toString(),
        "the referral has been completed");

    List<ReferrerCancels.Event> events = cancels.decide(refused, state);

    String reason = "the referral is COMPLETED and can no longer be cancelled";
    assertThat(events).containsExactly(new ReferrerCancels.Refused(reason));
    assertThat(ReferrerCancels.answers(refused, state, events)).containsExactly(
        new ReferralLifecycle.Answer(first.getMetadata().getEventId(), reason), new ReferralLifecycle.Answer(second, reason));
    ReferralState after = cancels.evolve(state, events);
    assertThat(after.getPendingCancel()).isNull();
    assertThat(after.getCancelsWaiting()).isEmpty();
    assertThat(after.getStatus()).isEqualTo(ReferralStatus.COMPLETED);
  }

  private ReferralCommand cancel() {
    return new ReferralCommand(Events.metadata("referral-service", referralId, null), new CancelReferral("moved away", "D82044", null));
  }

  private ReferralState state(ReferralStatus status) {
    return ReferralState.newBuilder().setReferralId(referralId).setStatus(status)
        .setSubmission(referral(LONELINESS).build()).setHistory(new ArrayList<>()).build();
  }
}
