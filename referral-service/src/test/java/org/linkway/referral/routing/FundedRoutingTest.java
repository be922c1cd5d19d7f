package org.linkway.referral.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.linkway.events.NeedCode.LONELINESS;
import static org.linkway.events.NeedCode.MENTAL_WELLBEING;
import static org.linkway.referral.TestData.referral;
import static org.linkway.referral.TestData.service;
import static org.linkway.referral.routing.FundingRoomTest.budget;
import static org.linkway.referral.routing.FundingRoomTest.contractWorth;
import static org.linkway.referral.routing.FundingRoomTest.room;
import static org.linkway.referral.routing.FundingRoomTest.use;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.linkway.events.ReferralSubmitted;
import org.linkway.events.ServiceListed;

/**
 * Routing prefers services whose places would be paid for. QMM has £100 free of its 2026-27
 * budget (£1,000 less £900 committed); a service is made funded by a contract worth at most £80 a
 * referral, spent by one worth £150, unfunded by none.
 */
class FundedRoutingTest {

  static final LocalDate TODAY = LocalDate.of(2026, 11, 22);
  static final ReferralSubmitted REFERRAL = referral(LONELINESS, MENTAL_WELLBEING).build();

  /** Services named for their room: "funded..." have an £80 contract, "spent..." a £150 one, the rest none. */
  static FundingRoom rooms(List<ServiceListed> directory) {
    return room(
        directory.stream()
            .filter(s -> s.getServiceId().contains("funded") && !s.getServiceId().contains("unfunded")
                || s.getServiceId().contains("spent"))
            .map(s -> contractWorth("c-" + s.getServiceId(), s.getProviderId(),
                s.getServiceId().contains("spent") ? "150" : "80").build())
            .toList(),
        List.of(budget("QMM", "2026-27", "1000")),
        List.of(use("QMM", "2026-27", "900", "0", "0")));
  }

  static Optional<Router.Choice> choose(ReferralSubmitted referral, List<ServiceListed> directory,
      Map<String, Load> loads) {
    return Router.choose(referral, directory, Set.of(), id -> loads.getOrDefault(id, new Load(0, 0)),
        rooms(directory), TODAY);
  }

  static Optional<String> chosen(ReferralSubmitted referral, List<ServiceListed> directory,
      Map<String, Load> loads) {
    return choose(referral, directory, loads).map(c -> c.service().getServiceId());
  }

  @Test
  void givenTheRoomsOfTheTestDirectory_whenClassified_thenTheyAreAsNamed() {
    List<ServiceListed> directory = List.of(service("funded", LONELINESS).build(),
        service("unfunded", LONELINESS).build(), service("spent", LONELINESS).build());
    FundingRoom rooms = rooms(directory);

    assertThat(directory).extracting(s -> rooms.of("QMM", s, TODAY))
        .containsExactly(FundingRoom.Room.FUNDED, FundingRoom.Room.UNFUNDED, FundingRoom.Room.SPENT);
  }

  /** The busier service (2 of 2 places taken) is in the better room, the idle one in the worse; the room wins. */
  @ParameterizedTest(name = "a busier {0} service beats an idle {1} one")
  @CsvSource({
      "funded,   unfunded",
      "unfunded, spent",
  })
  void givenAServiceInABetterRoomBusierThanOneInAWorseRoom_whenRouted_thenTheBetterRoomWins(String better, String worse) {
    List<ServiceListed> directory = List.of(
        service("a-" + worse, LONELINESS, MENTAL_WELLBEING).build(),
        service("z-" + better, LONELINESS).build());
    Map<String, Load> loads = Map.of("z-" + better, new Load(2, 2));

    assertThat(chosen(REFERRAL, directory, loads)).contains("z-" + better);
  }

  @Test
  void givenAllThreeRooms_whenRoutedAgainAndAgain_thenTheyAreOfferedFundedThenUnfundedThenSpent() {
    List<ServiceListed> directory = List.of(
        service("a-spent", LONELINESS).build(),
        service("b-unfunded", LONELINESS).build(),
        service("c-funded", LONELINESS).build());

    assertThat(Router.choose(REFERRAL, directory, Set.of(), id -> new Load(0, 0), rooms(directory), TODAY)
        .map(c -> c.service().getServiceId())).contains("c-funded");
    assertThat(Router.choose(REFERRAL, directory, Set.of("c-funded"), id -> new Load(0, 0),
        rooms(directory), TODAY).map(c -> c.service().getServiceId())).contains("b-unfunded");
    assertThat(Router.choose(REFERRAL, directory, Set.of("c-funded", "b-unfunded"), id -> new Load(0, 0),
        rooms(directory), TODAY).map(c -> c.service().getServiceId())).contains("a-spent");
  }

  @Test
  void givenOnlyASpentService_whenRouted_thenItIsStillOffered() {
    List<ServiceListed> directory = List.of(service("spent", LONELINESS).build());

    assertThat(choose(REFERRAL, directory, Map.of())).hasValueSatisfying(c -> {
      assertThat(c.service().getServiceId()).isEqualTo("spent");
      assertThat(c.reason()).endsWith("; the budget is spent for it");
    });
  }

  @Test
  void givenAFullFundedService_whenRouted_thenAnOpenUnfundedOneIsChosen() {
    List<ServiceListed> directory = List.of(
        service("a-funded", LONELINESS).build(),
        service("b-unfunded", LONELINESS).build());
    Map<String, Load> loads = Map.of("a-funded", new Load(0, 5));

    assertThat(chosen(REFERRAL, directory, loads)).contains("b-unfunded");
  }

  @Test
  void givenThePreferredServiceIsSpent_whenRouted_thenAFundedServiceWinsOverIt() {
    ReferralSubmitted preferring = referral(LONELINESS, MENTAL_WELLBEING).setPreferredServiceId("a-spent").build();
    List<ServiceListed> directory = List.of(
        service("a-spent", LONELINESS, MENTAL_WELLBEING).build(),
        service("z-funded", LONELINESS).build());
    Map<String, Load> loads = Map.of("z-funded", new Load(2, 2));

    assertThat(choose(preferring, directory, loads)).hasValueSatisfying(c -> {
      assertThat(c.service().getServiceId()).isEqualTo("z-funded");
      assertThat(c.reason()).doesNotContain("preferred").endsWith("; funded");
    });
  }

  @Test
  void givenThePreferredServiceIsUnfunded_whenRouted_thenAFundedServiceWinsOverIt() {
    ReferralSubmitted preferring = referral(LONELINESS).setPreferredServiceId("a-unfunded").build();
    List<ServiceListed> directory = List.of(
        service("a-unfunded", LONELINESS).build(),
        service("z-funded", LONELINESS).build());

    assertThat(chosen(preferring, directory, Map.of())).contains("z-funded");
  }

  @ParameterizedTest(name = "both {0}")
  @EnumSource(FundingRoom.Room.class)
  void givenThePreferredServiceAndAnotherInTheSameRoom_whenRouted_thenThePreferredOneWinsDespiteMoreLoad(
      FundingRoom.Room both) {
    String kind = switch (both) {
      case FUNDED -> "funded";
      case UNFUNDED -> "unfunded";
      case SPENT -> "spent";
    };
    ReferralSubmitted preferring = referral(LONELINESS, MENTAL_WELLBEING).setPreferredServiceId("z-" + kind).build();
    List<ServiceListed> directory = List.of(
        service("a-" + kind, LONELINESS, MENTAL_WELLBEING).build(),
        service("z-" + kind, LONELINESS).build());
    Map<String, Load> loads = Map.of("z-" + kind, new Load(2, 2));
    assertThat(directory).allSatisfy(s -> assertThat(rooms(directory).of("QMM", s, TODAY)).isEqualTo(both));

    assertThat(choose(preferring, directory, loads)).hasValueSatisfying(c -> {
      assertThat(c.service().getServiceId()).isEqualTo("z-" + kind);
      assertThat(c.reason()).startsWith("the person's preferred service; ").endsWith("; " + both.words());
    });
  }

  @Test
  void givenAFundedChoice_whenRouted_thenTheReasonSaysItIsFunded() {
    List<ServiceListed> directory = List.of(service("funded", LONELINESS).build());

    assertThat(choose(REFERRAL, directory, Map.of())).hasValueSatisfying(c -> assertThat(c.reason())
        .isEqualTo("meets [LONELINESS]; serves the whole QMM area; load 0 of 5 places (0 offers waiting, 0 accepted); funded"));
  }

  @Test
  void givenAnUnfundedChoice_whenRouted_thenTheReasonSaysNoContractCoversIt() {
    List<ServiceListed> directory = List.of(service("unfunded", LONELINESS).build());

    assertThat(choose(REFERRAL, directory, Map.of())).hasValueSatisfying(c -> assertThat(c.reason())
        .endsWith("; no contract covers it"));
  }

  /** Routing without contracts, as before funding was known: every service is unfunded and load decides. */
  @Test
  void givenNoFundingKnown_whenRoutedWithTheOldSignature_thenLoadDecidesAndTheReasonSaysSo() {
    List<ServiceListed> directory = List.of(
        service("a-funded", LONELINESS).build(),
        service("b-funded", LONELINESS).build());
    Map<String, Load> loads = Map.of("a-funded", new Load(1, 0));

    assertThat(Router.choose(REFERRAL, directory, Set.of(), id -> loads.getOrDefault(id, new Load(0, 0)),
        TODAY)).hasValueSatisfying(c -> {
          assertThat(c.service().getServiceId()).isEqualTo("b-funded");
          assertThat(c.reason()).endsWith("; no contract covers it");
        });
  }
}
