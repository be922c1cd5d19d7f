package org.linkway.bench.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.linkway.bench.Journey;
import org.linkway.platform.people.NhsNumber;

/** The demo history's referrals: the same on every fresh stack, valid, and planned as the demo README says. */
class DemoReferralsTest {

  private static final LocalDate TODAY = LocalDate.of(2026, 12, 5);

  @Test
  void givenTheHistory_whenMadeTwice_thenItIsTheSame() {
    assertThat(DemoReferrals.all(TODAY)).isEqualTo(DemoReferrals.all(TODAY));
  }

  @Test
  void givenTheHistory_whenMade_thenEveryReferralHasAValidNhsNumberOfItsOwnAndAKnownPractice() {
    List<Journey.Referral> all = DemoReferrals.all(TODAY);

    List<String> numbers = all.stream().map(r -> r.body().replaceAll(".*\"nhsNumber\":\"([0-9]{10})\".*", "$1")).toList();
    assertThat(numbers).hasSize(DemoReferrals.COUNT).doesNotHaveDuplicates().allMatch(NhsNumber::isValid);
    assertThat(all).extracting(Journey.Referral::practice).allMatch(DemoReferrals.PRACTICES::contains);
    assertThat(all).extracting(Journey.Referral::requestId).doesNotHaveDuplicates();
    assertThat(all).allMatch(r -> r.body().contains("\"referrer\":{\"odsCode\":\"" + r.practice() + "\"}"));
  }

  @Test
  void givenTheHistory_whenPlanned_then6AreDeclined5LeftInProgressAndTheRestCompletedAfterFourSessions() {
    List<Journey.Plan> plans = DemoReferrals.all(TODAY).stream().map(Journey.Referral::plan).toList();

    assertThat(plans).filteredOn(Journey.Plan::declineFirstOffer).hasSize(6).noneMatch(Journey.Plan::acceptLaterOffer);
    assertThat(plans).filteredOn(p -> !p.declineFirstOffer() && p.followUp() == null).hasSize(5)
        .allMatch(p -> p.sessions().equals(List.of(TODAY.minusDays(12), TODAY.minusDays(9))));
    assertThat(plans).filteredOn(p -> p.followUp() != null).hasSize(49)
        .allMatch(p -> p.sessions().size() == 4 && p.followUp().contains("\"stage\":\"FOLLOW_UP\""));
  }
}
