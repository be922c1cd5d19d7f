package org.linkway.provider.offers;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.linkway.commands.AcceptReferral;
import org.linkway.commands.CompleteReferral;
import org.linkway.commands.DeclineReferral;
import org.linkway.commands.ProviderCommand;
import org.linkway.commands.RecordSession;
import org.linkway.events.Completion;
import org.linkway.events.DeclineReason;
import org.linkway.events.NeedCode;
import org.linkway.events.Patient;
import org.linkway.events.ReferralAccepted;
import org.linkway.events.ReferralOffered;
import org.linkway.platform.Events;
import org.linkway.state.OfferState;
import org.linkway.state.OfferStatus;

/**
 * Properties of the provider-side state machine over random sequences of commands from several
 * providers, with re-offers after declines and cancellations in between: at most one
 * ReferralAccepted is ever written, a service that declined can never accept, and a completed or
 * cancelled referral never changes again.
 */
class OfferLifecycleProperties {

  static final List<String> PROVIDERS = List.of("prov-a", "prov-b", "prov-c");

  record Action(String kind, int provider, boolean attended) {}

  @Provide
  Arbitrary<List<Action>> actions() {
    return Combinators.combine(
            Arbitraries.of("accept", "decline", "person-decline", "session", "complete", "reoffer", "cancel"),
            Arbitraries.integers().between(0, PROVIDERS.size() - 1),
            Arbitraries.of(true, false))
        .as(Action::new).list().ofMinSize(1).ofMaxSize(40);
  }

  @Property(tries = 500)
  void atMostOneAcceptanceIsEverWrittenAndADeclinerNeverAccepts(@ForAll("actions") List<Action> actions) {
    UUID referralId = UUID.randomUUID();
    OfferState state = OfferLifecycle.offered(null, offer(PROVIDERS.get(0), 1), Events.metadata("test", referralId, null));
    List<String> acceptedBy = new ArrayList<>();
    List<String> declinedBy = new ArrayList<>();
    int attempt = 1;
    for (Action action : actions) {
      OfferStatus before = state.getStatus();
      String provider = PROVIDERS.get(action.provider());
      OfferState after;
      switch (action.kind()) {
        // referral-service never re-offers to a service that declined (ReferralLifecycleProperties shows it)
        case "reoffer" -> after = declinedBy.contains(provider) ? state
            : OfferLifecycle.offered(state, offer(provider, ++attempt), Events.metadata("test", referralId, null));
        case "cancel" -> after = OfferLifecycle.cancelled(state);
        default -> {
          Object command = switch (action.kind()) {
            case "accept" -> new AcceptReferral(null, List.of());
            case "decline" -> new DeclineReferral(DeclineReason.CAPACITY, null);
            case "person-decline" -> new DeclineReferral(DeclineReason.PERSON_DECLINED, null);
            case "session" -> new RecordSession(LocalDate.of(2026, 11, 1), action.attended(), List.of());
            default -> new CompleteReferral(Completion.COMPLETED, List.of());
          };
          OfferLifecycle.Step step = OfferLifecycle.decide(state,
              new ProviderCommand(Events.metadata("test", referralId, null), provider, command));
          if (step.event() != null && step.event().getPayload() instanceof ReferralAccepted accepted) {
            assertThat(declinedBy).as("a provider that declined never accepts").doesNotContain(accepted.getProviderId());
            acceptedBy.add(accepted.getProviderId());
          }
          if (step.refusal() == null && action.kind().endsWith("decline")) declinedBy.add(provider);
          after = step.state();
        }
      }
      if (before == OfferStatus.COMPLETED || before == OfferStatus.CANCELLED) {
        assertThat(after.getStatus()).as("a final state is never left").isEqualTo(before);
      }
      state = after;
    }
    assertThat(acceptedBy).as("ReferralAccepted written").hasSizeLessThanOrEqualTo(1);
  }

  private static ReferralOffered offer(String providerId, int attempt) {
    return ReferralOffered.newBuilder()
        .setProviderId(providerId).setServiceId(providerId + "-svc").setAttempt(attempt)
        .setNeedsMet(List.of(NeedCode.LONELINESS)).setCommissioner("QMM").setPersonId("p-1")
        .setNeeds(List.of(NeedCode.LONELINESS))
        .setPatient(new Patient("9434765919", "Ada", "Lovelace", LocalDate.of(1950, 12, 10), "NR1 3SR", null, null))
        .setRespondBy(Instant.now().plusSeconds(3600))
        .build();
  }
}
