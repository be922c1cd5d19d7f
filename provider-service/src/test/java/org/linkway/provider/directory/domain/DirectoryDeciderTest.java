package org.linkway.provider.directory.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.linkway.commands.DirectoryCommand;
import org.linkway.events.NeedCode;
import org.linkway.events.ServiceKind;
import org.linkway.events.ServiceListed;
import org.linkway.events.ServiceStatus;
import org.linkway.platform.kafka.Events;
import org.linkway.platform.streams.KeyedDecider;

/** The directory decider's rule, one command after another, as the processor applies them. */
class DirectoryDeciderTest {

  @Test
  void givenTwoProvidersClaimingOneNewId_whenDecidedInOrder_thenTheFirstOwnsItAndTheSecondIsRefused() {
    KeyedDecider.Step<ServiceListed> first = DirectoryDecider.decide(null, "canal-walks", claim("wensum-walkers", List.of()));
    KeyedDecider.Step<ServiceListed> second = DirectoryDecider.decide(first.value(), "canal-walks", claim("river-rovers", List.of()));

    assertThat(first.refusal()).isNull();
    assertThat(first.value().getProviderId()).isEqualTo("wensum-walkers");
    assertThat(second.refusal()).isEqualTo("service canal-walks belongs to another provider");
    assertThat(second.value()).isNull();
  }

  @Test
  void givenAListingAnIcbListed_whenItsProviderRelistsItKeepingCommissioners_thenTheIcbsListingAndThePauseStay() {
    ServiceListed listed = DirectoryDecider.decide(null, "canal-walks", claim("wensum-walkers", List.of("QMM"))).value();
    ServiceListed paused = DirectoryDecider.decide(listed, "canal-walks", change("wensum-walkers").setIntakePaused(true).build()).value();
    ServiceListed byQue = DirectoryDecider.decide(paused, "canal-walks", change("wensum-walkers").setAddCommissioner("QUE").build()).value();

    DirectoryCommand relist = DirectoryCommand.newBuilder(claim("wensum-walkers", List.of())).setKeepCommissioners(true).build();
    KeyedDecider.Step<ServiceListed> step = DirectoryDecider.decide(byQue, "canal-walks", relist);

    assertThat(step.value().getCommissioners()).containsExactly("QMM", "QUE");
    assertThat(step.value().getIntakePaused()).isTrue();
  }

  @Test
  void givenALinkWorkerService_whenItsProviderRelistsItAsACommunityServiceKeepingCommissioners_thenItsKindAndPracticesStay() {
    DirectoryCommand claim = claim("city-pcn", List.of("QMM"));
    ServiceListed linkWorkers = DirectoryDecider.decide(null, "city-link-workers", DirectoryCommand.newBuilder(claim)
        .setListing(ServiceListed.newBuilder(claim.getListing()).setKind(ServiceKind.LINK_WORKER)
            .setPractices(List.of("D82044")).build()).build()).value();

    DirectoryCommand relist = DirectoryCommand.newBuilder(claim("city-pcn", List.of())).setKeepCommissioners(true).build();
    ServiceListed relisted = DirectoryDecider.decide(linkWorkers, "city-link-workers", relist).value();

    assertThat(relisted.getKind()).isEqualTo(ServiceKind.LINK_WORKER);
    assertThat(relisted.getPractices()).containsExactly("D82044");
    assertThat(relisted.getCommissioners()).containsExactly("QMM");
  }

  @Test
  void givenAChangeThatChangesNothing_whenDecided_thenTheListingAsItIsIsTheAnswerAndNothingIsWritten() {
    ServiceListed listed = DirectoryDecider.decide(null, "canal-walks", claim("wensum-walkers", List.of("QMM"))).value();

    KeyedDecider.Step<ServiceListed> step = DirectoryDecider.decide(listed, "canal-walks", change("wensum-walkers").setAddCommissioner("QMM").build());

    assertThat(step.changes(listed)).isFalse();
    assertThat(step.value()).isSameAs(listed);
  }

  private static DirectoryCommand claim(String providerId, List<String> commissioners) {
    return change(providerId).setListing(ServiceListed.newBuilder()
        .setMetadata(Events.metadata("provider-service", null, null))
        .setServiceId("canal-walks")
        .setProviderId(providerId)
        .setProviderName(providerId)
        .setServiceName("Canal walks")
        .setNeeds(List.of(NeedCode.PHYSICAL_ACTIVITY))
        .setCommissioners(commissioners)
        .setCapacity(8)
        .setStatus(ServiceStatus.ACTIVE)
        .build()).build();
  }

  private static DirectoryCommand.Builder change(String providerId) {
    return DirectoryCommand.newBuilder().setMetadata(Events.metadata("provider-service", null, null)).setProviderId(providerId);
  }
}
