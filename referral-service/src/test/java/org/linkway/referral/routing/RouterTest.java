package org.linkway.referral.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.linkway.events.NeedCode.HOUSING;
import static org.linkway.events.NeedCode.LONELINESS;
import static org.linkway.events.NeedCode.MENTAL_WELLBEING;
import static org.linkway.events.NeedCode.MONEY_AND_DEBT;
import static org.linkway.events.NeedCode.NATURE;
import static org.linkway.referral.TestData.referral;
import static org.linkway.referral.TestData.service;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.linkway.events.Patient;
import org.linkway.events.ReferralSubmitted;
import org.linkway.events.ServiceListed;
import org.linkway.events.ServiceStatus;

class RouterTest {

  /** NR1 3SR, QMM, lonely and low. */
  private static final ReferralSubmitted REFERRAL = referral(LONELINESS, MENTAL_WELLBEING).build();

  private static Optional<String> chosen(ReferralSubmitted referral, List<ServiceListed> directory, Set<String> tried) {
    return choose(referral, directory, tried).map(c -> c.service().getServiceId());
  }

  static Stream<Arguments> candidates() {
    return Stream.of(
        Arguments.of("active, open, QMM, whole area, meets a need", service("s1", LONELINESS).build(), true),
        Arguments.of("covers NR1 among others", service("s1", LONELINESS).setPostcodeDistricts(List.of("NR2", "NR1")).build(), true),
        Arguments.of("one place left", service("s1", LONELINESS).setCapacity(1).build(), true),
        Arguments.of("commissioned by QMM and another ICB", service("s1", LONELINESS).setCommissioners(List.of("QUE", "QMM")).build(), true),
        Arguments.of("inactive", service("s1", LONELINESS).setStatus(ServiceStatus.INACTIVE).build(), false),
        Arguments.of("defunct", service("s1", LONELINESS).setStatus(ServiceStatus.DEFUNCT).build(), false),
        Arguments.of("temporarily closed", service("s1", LONELINESS).setStatus(ServiceStatus.TEMPORARILY_CLOSED).build(), false),
        Arguments.of("status unknown", service("s1", LONELINESS).setStatus(ServiceStatus.UNKNOWN).build(), false),
        Arguments.of("no places", service("s1", LONELINESS).setCapacity(0).build(), false),
        Arguments.of("negative places", service("s1", LONELINESS).setCapacity(-1).build(), false),
        Arguments.of("another ICB's service", service("s1", LONELINESS).setCommissioners(List.of("QUE")).build(), false),
        Arguments.of("no commissioners", service("s1", LONELINESS).setCommissioners(List.of()).build(), false),
        Arguments.of("other districts only", service("s1", LONELINESS).setPostcodeDistricts(List.of("NR2", "NR3")).build(), false),
        Arguments.of("NR10 is not NR1", service("s1", LONELINESS).setPostcodeDistricts(List.of("NR10")).build(), false),
        Arguments.of("meets none of the needs", service("s1", HOUSING, MONEY_AND_DEBT).build(), false),
        Arguments.of("meets no needs at all", service("s1").build(), false));
  }

  @ParameterizedTest(name = "{0}: suitable = {2}")
  @MethodSource("candidates")
  void givenADirectoryOfOneService_whenAReferralIsRouted_thenItIsChosenOnlyIfSuitable(
      String description, ServiceListed service, boolean suitable) {
    Optional<Router.Choice> choice = choose(REFERRAL, List.of(service), Set.of());

    assertThat(choice.isPresent()).isEqualTo(suitable);
    choice.ifPresent(c -> assertThat(c.service()).isSameAs(service));
  }

  @Test
  void givenAnEmptyDirectory_whenAReferralIsRouted_thenNothingIsChosen() {
    assertThat(choose(REFERRAL, List.of(), Set.of())).isEmpty();
  }

  @Test
  void givenTheOnlySuitableServiceWasTried_whenAReferralIsRouted_thenNothingIsChosen() {
    assertThat(choose(REFERRAL, List.of(service("s1", LONELINESS).build()), Set.of("s1"))).isEmpty();
  }

  @Test
  void givenATriedService_whenAReferralIsRouted_thenTheNextSuitableServiceIsChosen() {
    List<ServiceListed> directory = List.of(
        service("s1", LONELINESS, MENTAL_WELLBEING).build(),
        service("s2", LONELINESS).build());

    assertThat(chosen(REFERRAL, directory, Set.of("s1"))).contains("s2");
    assertThat(chosen(REFERRAL, directory, Set.of("s1", "s2"))).isEmpty();
  }

  @Test
  void givenServicesMeetingDifferentNumbersOfNeeds_whenAReferralIsRouted_thenTheOneMeetingMostIsChosen() {
    List<ServiceListed> directory = List.of(
        service("a-one-need", LONELINESS).build(),
        service("z-two-needs", LONELINESS, MENTAL_WELLBEING, NATURE).build());

    Optional<Router.Choice> choice = choose(REFERRAL, directory, Set.of());

    assertThat(choice).hasValueSatisfying(c -> {
      assertThat(c.service().getServiceId()).isEqualTo("z-two-needs");
      assertThat(c.needsMet()).containsExactly(LONELINESS, MENTAL_WELLBEING);
    });
  }

  @Test
  void givenServicesMeetingTheSameNumberOfNeeds_whenAReferralIsRouted_thenTheLowestServiceIdIsChosen() {
    List<ServiceListed> directory = List.of(
        service("svc-c", MENTAL_WELLBEING).build(),
        service("svc-a", LONELINESS).build(),
        service("svc-b", LONELINESS).build());

    assertThat(chosen(REFERRAL, directory, Set.of())).contains("svc-a");
    assertThat(chosen(REFERRAL, List.of(directory.get(2), directory.get(1), directory.get(0)), Set.of()))
        .contains("svc-a");
  }

  @Test
  void givenASuitablePreferredService_whenAReferralIsRouted_thenItIsChosenOverOneMeetingMoreNeeds() {
    ReferralSubmitted preferring = referral(LONELINESS, MENTAL_WELLBEING).setPreferredServiceId("z-preferred").build();
    List<ServiceListed> directory = List.of(
        service("a-best", LONELINESS, MENTAL_WELLBEING).build(),
        service("z-preferred", MENTAL_WELLBEING).build());

    Optional<Router.Choice> choice = choose(preferring, directory, Set.of());

    assertThat(choice).hasValueSatisfying(c -> {
      assertThat(c.service().getServiceId()).isEqualTo("z-preferred");
      assertThat(c.needsMet()).containsExactly(MENTAL_WELLBEING);
    });
  }

  @Test
  void givenAnUnsuitablePreferredService_whenAReferralIsRouted_thenTheBestSuitableServiceIsChosen() {
    ReferralSubmitted preferring = referral(LONELINESS, MENTAL_WELLBEING).setPreferredServiceId("a-preferred").build();
    List<ServiceListed> directory = List.of(
        service("a-preferred", LONELINESS, MENTAL_WELLBEING).setCapacity(0).build(),
        service("b-open", LONELINESS).build(),
        service("c-open", LONELINESS, MENTAL_WELLBEING).build());

    assertThat(chosen(preferring, directory, Set.of())).contains("c-open");
  }

  @Test
  void givenAPreferredServiceAlreadyTried_whenAReferralIsRouted_thenAnotherServiceIsChosen() {
    ReferralSubmitted preferring = referral(LONELINESS).setPreferredServiceId("s2").build();
    List<ServiceListed> directory = List.of(service("s1", LONELINESS).build(), service("s2", LONELINESS).build());

    assertThat(chosen(preferring, directory, Set.of())).contains("s2");
    assertThat(chosen(preferring, directory, Set.of("s2"))).contains("s1");
  }

  @Test
  void givenAPostcodeTypedInLowerCaseWithoutASpace_whenAReferralIsRouted_thenItsDistrictIsMatched() {
    ReferralSubmitted referral = referral(LONELINESS)
        .setPatient(Patient.newBuilder(REFERRAL.getPatient()).setPostcode("nr13sr").build()).build();
    List<ServiceListed> directory = List.of(
        service("s-nr2", LONELINESS).setPostcodeDistricts(List.of("NR2")).build(),
        service("s-nr1", LONELINESS).setPostcodeDistricts(List.of("NR1")).build());

    assertThat(chosen(referral, directory, Set.of())).contains("s-nr1");
  }

  @Test
  void givenAMixedDirectory_whenAReferralIsRouted_thenOnlyTheSuitableServiceIsChosen() {
    List<ServiceListed> directory = List.of(
        service("a-closed", LONELINESS, MENTAL_WELLBEING).setStatus(ServiceStatus.TEMPORARILY_CLOSED).build(),
        service("b-full", LONELINESS, MENTAL_WELLBEING).setCapacity(0).build(),
        service("c-elsewhere", LONELINESS, MENTAL_WELLBEING).setCommissioners(List.of("QUE")).build(),
        service("d-far", LONELINESS, MENTAL_WELLBEING).setPostcodeDistricts(List.of("IP1")).build(),
        service("e-tried", LONELINESS, MENTAL_WELLBEING).build(),
        service("f-debt", MONEY_AND_DEBT).build(),
        service("g-fits", MENTAL_WELLBEING).setPostcodeDistricts(List.of("NR1")).build());

    assertThat(chosen(REFERRAL, directory, Set.of("e-tried"))).contains("g-fits");
  }

  /** Routing with no load on any service, today. */
  private static java.util.Optional<Router.Choice> choose(org.linkway.events.ReferralSubmitted referral,
      java.util.Collection<org.linkway.events.ServiceListed> directory, java.util.Collection<String> tried) {
    return Router.choose(referral, directory, tried, id -> new Load(0, 0), java.time.LocalDate.now());
  }
}
