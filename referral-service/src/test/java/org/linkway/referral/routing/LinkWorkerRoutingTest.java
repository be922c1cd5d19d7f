package org.linkway.referral.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.linkway.events.NeedCode.HOUSING;
import static org.linkway.events.NeedCode.LONELINESS;
import static org.linkway.events.NeedCode.MENTAL_WELLBEING;
import static org.linkway.referral.TestData.referral;
import static org.linkway.referral.TestData.service;

import java.time.LocalDate;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.linkway.events.ReferralSubmitted;
import org.linkway.events.ServiceKind;
import org.linkway.events.ServiceListed;
import org.linkway.events.ServiceStatus;

/**
 * To whom a referral goes first: the link worker service covering the referring practice (D82044 in {@code TestData}),
 * unless the referrer asks for a direct prescription or no link worker service covers the practice; then a community
 * service, as before link worker services were listed.
 */
class LinkWorkerRoutingTest {

  private static final ReferralSubmitted REFERRAL = referral(LONELINESS, MENTAL_WELLBEING).build();
  private static final ServiceListed COMMUNITY = service("c-befriending", LONELINESS).build();

  private static ServiceListed.Builder linkWorkers(String serviceId, String... practices) {
    return service(serviceId).setKind(ServiceKind.LINK_WORKER).setPractices(List.of(practices));
  }

  private static List<String> ranked(ReferralSubmitted referral, Collection<ServiceListed> directory, Set<String> tried) {
    return Router.ranked(referral, directory, tried, id -> new Load(0, 0), FundingRoom.UNKNOWN, LocalDate.now()).stream()
        .map(choice -> choice.service().getServiceId()).toList();
  }

  @Test
  void givenALinkWorkerServiceCoveringThePractice_whenTheGpRefers_thenOnlyLinkWorkerServicesCoveringItAreCandidates() {
    List<ServiceListed> directory = List.of(COMMUNITY,
        linkWorkers("lw-central", "D82044", "D82001").build(),
        linkWorkers("lw-north", "D82099").build());

    assertThat(ranked(REFERRAL, directory, Set.of())).containsExactly("lw-central");
  }

  @Test
  void givenALinkWorkerService_whenChosen_thenItMeetsEveryNeedAndSaysItCoversThePractice() {
    Router.Choice choice = Router.choose(referral(LONELINESS, HOUSING).build(),
        List.of(linkWorkers("lw-central", "D82044").build()), Set.of(), id -> new Load(1, 2), LocalDate.now()).orElseThrow();

    assertThat(choice.needsMet()).containsExactly(LONELINESS, HOUSING);
    assertThat(choice.reason()).contains("the link worker service covering the referring practice").contains("load 3 of 5");
  }

  @Test
  void givenADirectPrescription_whenTheGpRefers_thenCommunityServicesOnlyThoughALinkWorkerServiceCoversThePractice() {
    ReferralSubmitted direct = referral(LONELINESS).setDirectPrescription(true).build();

    assertThat(ranked(direct, List.of(COMMUNITY, linkWorkers("lw-central", "D82044").build()), Set.of()))
        .containsExactly("c-befriending");
  }

  @Test
  void givenNoLinkWorkerServiceForThePractice_whenTheGpRefers_thenItIsADirectPrescriptionAndNoLinkWorkerServiceIsOffered() {
    List<ServiceListed> directory = List.of(COMMUNITY,
        linkWorkers("lw-other-practice", "D82099").build(),
        linkWorkers("lw-other-icb", "D82044").setCommissioners(List.of("QUE")).build(),
        linkWorkers("lw-closed", "D82044").setStatus(ServiceStatus.INACTIVE).build());

    assertThat(ranked(REFERRAL, directory, Set.of())).containsExactly("c-befriending");
  }

  @Test
  void givenTheOnlyLinkWorkerServiceForThePracticePausedOrNotForThePersonsAge_whenTheGpRefers_thenACommunityService() {
    assertThat(ranked(REFERRAL, List.of(COMMUNITY, linkWorkers("lw-paused", "D82044").setIntakePaused(true).build()),
        Set.of())).containsExactly("c-befriending");
    assertThat(ranked(REFERRAL, List.of(COMMUNITY, linkWorkers("lw-young", "D82044").setMaxAge(25).build()), Set.of()))
        .as("TestData's person was born in 1950").containsExactly("c-befriending");
  }

  @Test
  void givenTheLinkWorkerServiceTriedOrPaused_whenRoutedAgain_thenTheNextCoveringOneAndNeverACommunityService() {
    List<ServiceListed> directory = List.of(COMMUNITY,
        linkWorkers("lw-a", "D82044").build(),
        linkWorkers("lw-b", "D82044").setIntakePaused(true).build(),
        linkWorkers("lw-c", "D82044").build());

    assertThat(ranked(REFERRAL, directory, Set.of("lw-a"))).containsExactly("lw-c");
    // every covering one tried: nothing left, so the referral is unplaced rather than sent past its link worker
    assertThat(ranked(REFERRAL, directory, Set.of("lw-a", "lw-c"))).isEmpty();
  }
}
