package org.linkway.referral.lifecycle.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.linkway.commands.CancelReferral;
import org.linkway.commands.ReferralCommand;
import org.linkway.events.Completion;
import org.linkway.events.DeclineReason;
import org.linkway.events.NeedCode;
import org.linkway.events.OfferCancelled;
import org.linkway.events.Patient;
import org.linkway.events.ProviderEvent;
import org.linkway.events.ReferralAccepted;
import org.linkway.events.ReferralCompleted;
import org.linkway.events.ReferralDeclined;
import org.linkway.events.ReferralEvent;
import org.linkway.events.ReferralOffered;
import org.linkway.events.ReferralSubmitted;
import org.linkway.events.Referrer;
import org.linkway.events.ServiceListed;
import org.linkway.events.ServiceStatus;
import org.linkway.events.SessionAttended;
import org.linkway.platform.kafka.Events;
import org.linkway.state.ReferralState;
import org.linkway.state.ReferralStatus;
import org.linkway.platform.testing.ReferenceTables;

/**
 * Properties of the referral state machine over random sequences of what providers, people and
 * referrers do, in any order and from any provider: a referral is never accepted by two
 * providers, never re-offered to a service that declined it, and never leaves a final state.
 */
class ReferralLifecycleProperties {

  static final List<String> SERVICES = List.of("svc-1", "svc-2", "svc-3", "svc-4");
  static final Set<ReferralStatus> FINAL =
      Set.of(ReferralStatus.COMPLETED, ReferralStatus.UNPLACED, ReferralStatus.CANCELLED, ReferralStatus.DECLINED);

  /** One thing that happens to a referral. */
  record Action(String kind, int service, DeclineReason reason) {}

  @Provide
  Arbitrary<List<Action>> actions() {
    Arbitrary<Action> action = Combinators.combine(
            Arbitraries.of("accept", "decline", "session", "complete", "cancel", "cancelled"),
            Arbitraries.integers().between(0, SERVICES.size() - 1),
            Arbitraries.of(DeclineReason.CAPACITY, DeclineReason.NOT_ELIGIBLE, DeclineReason.EXPIRED,
                DeclineReason.PERSON_DECLINED, DeclineReason.PERSON_UNCONTACTABLE))
        .as(Action::new);
    return action.list().ofMinSize(1).ofMaxSize(30);
  }

  @Property(tries = 500)
  void aReferralIsNeverAcceptedTwiceNeverReofferedToADeclinerAndNeverLeavesAFinalState(
      @ForAll("actions") List<Action> actions) {
    ReferralLifecycle lifecycle = new ReferralLifecycle(ReferenceTables.listed(
        () -> SERVICES.stream().map(ReferralLifecycleProperties::service).toList(), ServiceListed::getServiceId));
    UUID referralId = UUID.randomUUID();
    // every place asked for is granted by the first candidate: the referral goes on to be offered, as before places
    ReferralLifecycle.Step step = FreePlaces.placed(lifecycle,
        lifecycle.submitted(new ReferralEvent(Events.metadata("test", referralId, null), submission())));
    ReferralState state = step.state();
    Set<String> declinedServices = new HashSet<>();
    List<String> acceptedBy = new ArrayList<>();
    checkOffers(step, declinedServices);

    for (Action action : actions) {
      ReferralStatus before = state.getStatus();
      String serviceId = SERVICES.get(action.service());
      String providerId = "prov-" + serviceId;
      step = FreePlaces.placed(lifecycle, switch (action.kind()) {
        case "accept" -> lifecycle.providerEvent(state, provider(referralId,
            new ReferralAccepted(providerId, serviceId, "QMM", "p-1", List.of(NeedCode.LONELINESS), null)));
        case "decline" -> lifecycle.providerEvent(state, provider(referralId,
            new ReferralDeclined(providerId, serviceId, action.reason(), null, null, null)));
        case "session" -> lifecycle.providerEvent(state, provider(referralId,
            new SessionAttended(providerId, serviceId, LocalDate.of(2026, 11, 1), 1)));
        case "complete" -> lifecycle.providerEvent(state, provider(referralId, new ReferralCompleted(providerId, serviceId,
            "QMM", "p-1", List.of(NeedCode.LONELINESS), Completion.COMPLETED, 1, List.of(), List.of(), 0)));
        // provider-service cancels the offer for the cancel asked of it, if one was
        case "cancelled" -> state.getPendingCancel() == null ? new ReferralLifecycle.Step(state, List.of(), null)
            : lifecycle.providerEvent(state, provider(referralId, new OfferCancelled(providerId, serviceId,
                state.getPendingCancel().getMetadata().getEventId().toString(), false)));
        default -> lifecycle.command(state, new ReferralCommand(Events.metadata("test", referralId, null),
            new CancelReferral(null, "D82044", null)));
      });
      // a decline that was applied: the service that declined must never be offered the referral again
      if (step.state().getLastDecline() != null) declinedServices.add(step.state().getLastDecline().getServiceId());
      if (step.state().getStatus() == ReferralStatus.ACCEPTED && before != ReferralStatus.ACCEPTED) {
        acceptedBy.add(step.state().getProviderId());
      }
      checkOffers(step, declinedServices);
      if (FINAL.contains(before)) {
        assertThat(step.state().getStatus()).as("a final state is never left").isEqualTo(before);
        assertThat(step.events()).as("nothing is offered after the end").isEmpty();
      }
      assertThat(ReferralLifecycle.allows(before, step.state().getStatus()) || before == step.state().getStatus())
          .as("%s -> %s", before, step.state().getStatus()).isTrue();
      state = step.state();
    }
    assertThat(acceptedBy).as("accepted by at most one provider").hasSizeLessThanOrEqualTo(1);
  }

  private static void checkOffers(ReferralLifecycle.Step step, Set<String> declinedServices) {
    for (ReferralEvent event : step.events()) {
      if (event.getPayload() instanceof ReferralOffered offered) {
        assertThat(declinedServices).as("never re-offered to a service that declined").doesNotContain(offered.getServiceId());
      }
    }
  }

  private static ProviderEvent provider(UUID referralId, Object payload) {
    return new ProviderEvent(Events.metadata("provider-service", referralId, null), payload);
  }

  private static ReferralSubmitted submission() {
    return ReferralSubmitted.newBuilder()
        .setPersonId("p-1")
        .setPatient(new Patient("9434765919", "Ada", "Lovelace", LocalDate.of(1950, 12, 10), "NR1 3SR", null, null))
        .setConsent(true).setReferrer(new Referrer("D82044", null)).setCommissioner("QMM")
        .setNeeds(List.of(NeedCode.LONELINESS)).build();
  }

  private static ServiceListed service(String id) {
    return ServiceListed.newBuilder()
        .setMetadata(Events.metadata("test", null, null))
        .setServiceId(id).setProviderId("prov-" + id).setProviderName(id).setServiceName(id)
        .setNeeds(List.of(NeedCode.LONELINESS)).setCommissioners(List.of("QMM"))
        .setCapacity(5).setStatus(ServiceStatus.ACTIVE).build();
  }
}
