package org.linkway.provider.offers.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.linkway.events.CancelRefused;
import org.linkway.events.CancelRequested;
import org.linkway.events.DeclineReason;
import org.linkway.events.NeedCode;
import org.linkway.events.OfferCancelled;
import org.linkway.events.ReferralOffered;
import org.linkway.platform.kafka.Events;
import org.linkway.state.OfferState;
import org.linkway.state.OfferStatus;

/**
 * The referrer's cancel as the offer's decider takes it, by table: in each status (and, declined, for each kind of
 * decline), whether the offer is cancelled or the cancel refused with the end the offer came to first, and the
 * state after. Time is the decider's clock.
 */
class OfferCancelsTest {

  private static final Instant NOW = Instant.parse("2026-11-02T10:15:30.123Z");
  private final OfferCancels cancels = new OfferCancels(Clock.fixed(NOW, ZoneOffset.UTC));
  private final UUID referralId = UUID.randomUUID();

  @ParameterizedTest(name = "{0} {1} accepted={2}: {3}")
  @CsvSource(nullValues = "-", value = {
      "OFFERED,   -,                    false, CANCELLED, -",
      "ACCEPTING, -,                    false, CANCELLED, -",
      "ACCEPTED,  -,                    true,  CANCELLED, -",
      "CANCELLED, -,                    false, CANCELLED, -",
      "DECLINED,  CAPACITY,             false, CANCELLED, -",
      "DECLINED,  EXPIRED,              false, CANCELLED, -",
      // an offer declined before the reason was kept: only the person's decline follows an acceptance
      "DECLINED,  -,                    false, CANCELLED, -",
      "DECLINED,  -,                    true,  DECLINED,  the person declined the referral",
      "DECLINED,  PERSON_DECLINED,      false, DECLINED,  the person declined the referral",
      "DECLINED,  PERSON_UNCONTACTABLE, true,  DECLINED,  the person declined the referral",
      "COMPLETED, -,                    true,  COMPLETED, the referral has been completed",
      "WITHDRAWN, -,                    false, WITHDRAWN, the offer was withdrawn",
  })
  void givenAnOffer_whenTheReferrerAsksToCancel_thenItIsCancelledOrRefusedWithTheEndItCameToFirst(OfferStatus status,
      DeclineReason declined, boolean accepted, OfferStatus after, String refusal) {
    OfferState state = OfferState.newBuilder(offered()).setStatus(status).setDeclineReason(declined).setAccepted(accepted).build();

    List<OfferCancels.Event> events = cancels.decide(cancel("c-1"), state);

    assertThat(events).singleElement().satisfies(event -> {
      assertThat(event.event().getMetadata().getOccurredAt()).isEqualTo(NOW);
      assertThat(event.event().getMetadata().getReferralId()).isEqualTo(referralId);
      assertThat(event.event().getPayload()).isEqualTo(refusal == null
          ? new OfferCancelled("prov-1", "svc-1", "c-1", accepted)
          : new CancelRefused("prov-1", "svc-1", "c-1", refusal));
    });
    assertThat(cancels.evolve(state, events).getStatus()).isEqualTo(after);
  }

  @Test
  void givenNoOffer_whenTheReferrerAsksToCancel_thenNothingHeldItAndItIsCancelled() {
    List<OfferCancels.Event> events = cancels.decide(cancel("c-2"), null);

    assertThat(events).singleElement().satisfies(event ->
        assertThat(event.event().getPayload()).isEqualTo(new OfferCancelled(null, null, "c-2", false)));
    assertThat(cancels.evolve(null, events)).isNull();
  }

  private OfferCancels.Cancel cancel(String cancelId) {
    return new OfferCancels.Cancel(Events.metadata("referral-service", referralId, null), new CancelRequested("D82044", cancelId));
  }

  private OfferState offered() {
    ReferralOffered offer = ReferralOffered.newBuilder().setProviderId("prov-1").setServiceId("svc-1").setAttempt(1)
        .setNeedsMet(List.of(NeedCode.LONELINESS)).setCommissioner("QMM").setPersonId("p-0123456789abcdef")
        .setNeeds(List.of(NeedCode.LONELINESS)).build();
    return OfferLifecycle.offered(null, offer, Events.metadata("referral-service", referralId, null));
  }
}
