package org.linkway.outcome.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.linkway.outcome.analytics.FundingStates.COMMISSIONER;
import static org.linkway.outcome.analytics.FundingStates.change;
import static org.linkway.outcome.analytics.FundingStates.days;
import static org.linkway.outcome.analytics.FundingStates.submissionNotSeen;
import static org.linkway.outcome.analytics.FundingStates.submitted;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.linkway.events.Completion;
import org.linkway.events.Instrument;
import org.linkway.events.Milestone;
import org.linkway.outcome.analytics.Breakdown.Group;
import org.linkway.outcome.analytics.Breakdown.ScoreChange;
import org.linkway.state.FundingState;
import org.linkway.state.ReferralStatus;

/** The breakdown's figures, worked by hand from {@link FundingStates#april()}. */
class BreakdownTest {

  private static final List<ScoreChange> NO_MEASURES = List.of();

  private static BigDecimal n(String value) {
    return value == null ? null : new BigDecimal(value);
  }

  private static ScoreChange score(Instrument instrument, String score, long referrals, String mean, long meaningful,
      String share) {
    return new ScoreChange(instrument.name(), score, referrals, n(mean), meaningful, n(share));
  }

  private static final Group WENSUM = new Group("wensum-walkers", 5, 5, 4, n("0.800"), n("2.5"), 2, n("0.500"), 14,
      List.of(score(Instrument.ONS4, "happy", 1, "2.00", 1, "1.000"),
          score(Instrument.SWEMWBS, "metric", 3, "2.24", 2, "0.667")),
      3, n("400.00"), n("210.01"), n("189.99"), n("105.01"), n("70.00"));
  private static final Group CITY_ARTS = new Group("city-arts", 3, 3, 3, n("1.000"), n("2.0"), 1, n("0.333"), 5,
      NO_MEASURES, 0, n("160.00"), n("120.00"), n("0.00"), n("120.00"), null);
  private static final Group NEVER_OFFERED = new Group("none", 3, 0, 0, null, null, 0, null, 0,
      NO_MEASURES, 0, n("0.00"), n("0.00"), n("0.00"), null, null);
  private static final Group TOTAL = new Group("all", 11, 8, 7, n("0.875"), n("2.0"), 3, n("0.429"), 19,
      List.of(score(Instrument.ONS4, "happy", 1, "2.00", 1, "1.000"),
          score(Instrument.SWEMWBS, "metric", 3, "2.24", 2, "0.667")),
      3, n("560.00"), n("330.01"), n("189.99"), n("110.00"), n("110.00"));

  @Test
  void givenAprilsReferrals_whenBrokenDownByProvider_thenEachProviderHasItsExactFiguresAndTheNeverOfferedComeLast() {
    Breakdown breakdown = Breakdown.of(COMMISSIONER, FundingStates.april(), Grouping.PROVIDER, null, null);

    assertThat(breakdown.commissioner()).isEqualTo("QMM");
    assertThat(breakdown.by()).isEqualTo("provider");
    assertThat(breakdown.currency()).isEqualTo("GBP");
    assertThat(breakdown.groups()).containsExactly(CITY_ARTS, WENSUM, NEVER_OFFERED);
    assertThat(breakdown.total()).isEqualTo(TOTAL);
  }

  @Test
  void givenAprilsReferrals_whenBrokenDownByService_thenServicesOfOneProviderAreApart() {
    Breakdown breakdown = Breakdown.of(COMMISSIONER, FundingStates.april(), Grouping.SERVICE, null, null);

    assertThat(breakdown.by()).isEqualTo("service");
    assertThat(breakdown.groups()).containsExactly(
        new Group("choir", 2, 2, 2, n("1.000"), n("1.5"), 0, n("0.000"), 0, NO_MEASURES, 0,
            n("80.00"), n("40.00"), n("0.00"), null, null),
        new Group("print-club", 1, 1, 1, n("1.000"), n("3.0"), 1, n("1.000"), 5, NO_MEASURES, 0,
            n("80.00"), n("80.00"), n("0.00"), n("80.00"), null),
        withKey(WENSUM, "riverside-walks"),
        NEVER_OFFERED);
    assertThat(breakdown.total()).isEqualTo(TOTAL);
  }

  @Test
  void givenAprilsReferrals_whenBrokenDownByPractice_thenEachPracticeHasItsExactFiguresRoundedHalfUp() {
    Breakdown breakdown = Breakdown.of(COMMISSIONER, FundingStates.april(), Grouping.PRACTICE, null, null);

    assertThat(breakdown.by()).isEqualTo("practice");
    assertThat(breakdown.groups()).containsExactly(
        // SWEMWBS (3.96 + 0.73) / 2 = 2.345 -> 2.35; 223.35 / 2 = 111.675 -> 111.68
        new Group("D82044", 5, 3, 3, n("1.000"), n("2.0"), 3, n("1.000"), 19,
            List.of(score(Instrument.ONS4, "happy", 1, "2.00", 1, "1.000"),
                score(Instrument.SWEMWBS, "metric", 2, "2.35", 1, "0.500")),
            2, n("280.00"), n("223.35"), n("56.65"), n("74.45"), n("111.68")),
        new Group("D82045", 3, 2, 1, n("0.500"), n("4.0"), 0, n("0.000"), 0,
            List.of(score(Instrument.SWEMWBS, "metric", 1, "2.02", 1, "1.000")),
            1, n("100.00"), n("33.33"), n("66.67"), null, n("33.33")),
        new Group("D82099", 3, 3, 3, n("1.000"), n("2.0"), 0, n("0.000"), 0, NO_MEASURES, 0,
            n("180.00"), n("73.33"), n("66.67"), null, null));
    assertThat(breakdown.total()).isEqualTo(TOTAL);
  }

  @Test
  void givenAprilsReferrals_whenBrokenDownByMonth_thenOneGroupForAprilEqualToTheTotal() {
    Breakdown breakdown = Breakdown.of(COMMISSIONER, FundingStates.april(), Grouping.MONTH, null, null);

    assertThat(breakdown.by()).isEqualTo("month");
    assertThat(breakdown.groups()).containsExactly(withKey(TOTAL, "2026-04"));
  }

  @Test
  void givenAnOddNumberAccepted_whenBrokenDown_thenTheMedianIsTheMiddleOneRoundedHalfUpToADecimal() {
    // 1.05 days (1 day 1h12m) is the middle of three: 1.1 half up
    List<FundingState> states = List.of(
        submitted("2026-04-01T09:00:00Z", "D82044").accepted("p1", "s1", Duration.ofHours(1)).build(),
        submitted("2026-04-01T09:00:00Z", "D82044").accepted("p1", "s1", Duration.ofMinutes(24 * 60 + 72)).build(),
        submitted("2026-04-01T09:00:00Z", "D82044").accepted("p1", "s1", days(30)).build());

    Group group = Breakdown.of(COMMISSIONER, states, Grouping.PROVIDER, null, null).groups().get(0);

    assertThat(group.medianDaysToAcceptance()).isEqualTo(n("1.1"));
  }

  @Test
  void givenAnEvenNumberAccepted_whenBrokenDown_thenTheMedianIsTheMeanOfTheMiddleTwo() {
    // the middle two, 1 day and 2 days 2h24m (2.1 days), average 1.55 days: 1.6 half up
    List<FundingState> states = List.of(
        submitted("2026-04-01T09:00:00Z", "D82044").accepted("p1", "s1", days(9)).build(),
        submitted("2026-04-01T09:00:00Z", "D82044").accepted("p1", "s1", Duration.ofHours(24)).build(),
        submitted("2026-04-01T09:00:00Z", "D82044").accepted("p1", "s1", Duration.ofMinutes(2 * 24 * 60 + 144)).build(),
        submitted("2026-04-01T09:00:00Z", "D82044").accepted("p1", "s1", Duration.ofMinutes(30)).build());

    Group group = Breakdown.of(COMMISSIONER, states, Grouping.PROVIDER, null, null).groups().get(0);

    assertThat(group.medianDaysToAcceptance()).isEqualTo(n("1.6"));
  }

  @Test
  void givenAnAcceptanceAcrossTheClockChange_whenBrokenDown_thenTheDaysAreElapsedTime() {
    // submitted before BST began (29 March 2026), accepted 48 hours later: 2.0 days, not 47 or 49 hours of "days"
    FundingState s = submitted("2026-03-28T12:00:00Z", "D82044").accepted("p1", "s1", Duration.ofHours(48)).build();

    Group group = Breakdown.of(COMMISSIONER, List.of(s), Grouping.PROVIDER, null, null).groups().get(0);

    assertThat(group.medianDaysToAcceptance()).isEqualTo(n("2.0"));
  }

  @Test
  void givenNoReferrals_whenBrokenDown_thenNoGroupsAndATotalOfZerosWithNullRatesAndCosts() {
    Breakdown breakdown = Breakdown.of(COMMISSIONER, List.of(), Grouping.PROVIDER, null, null);

    assertThat(breakdown.groups()).isEmpty();
    assertThat(breakdown.total()).isEqualTo(new Group("all", 0, 0, 0, null, null, 0, null, 0, NO_MEASURES, 0,
        n("0.00"), n("0.00"), n("0.00"), null, null));
  }

  @Test
  void givenOfferedButNoneAccepted_whenBrokenDown_thenTheAcceptanceRateIsZeroAndTheRestNull() {
    List<FundingState> states = List.of(submitted("2026-04-01T09:00:00Z", "D82044").offered("p1", "s1").build());

    Group group = Breakdown.of(COMMISSIONER, states, Grouping.PROVIDER, null, null).groups().get(0);

    assertThat(group.acceptanceRate()).isEqualTo(n("0.000"));
    assertThat(group.medianDaysToAcceptance()).isNull();
    assertThat(group.completionRate()).isNull();
    assertThat(group.costPerCompletion()).isNull();
    assertThat(group.costPerMeaningfulImprovement()).isNull();
  }

  @Test
  void givenManyPennies_whenSummed_thenTheMoneyIsExactToThePennyWithTwoDecimals() {
    // ten times 0.10 is 1.00 exactly (never 0.9999999999 as a double would make it)
    List<FundingState> states = new java.util.ArrayList<>();
    for (int i = 0; i < 10; i++) {
      states.add(submitted("2026-04-01T09:00:00Z", "D82044").accepted("p1", "s1", days(1))
          .committed("0.30").due(Milestone.ENGAGEMENT, "0.10").completed(1).released("0.20").build());
    }
    states.add(submitted("2026-04-01T09:00:00Z", "D82044").accepted("p1", "s1", days(1))
        .committed("0.1").due(Milestone.ENGAGEMENT, "0.1").build());

    Group group = Breakdown.of(COMMISSIONER, states, Grouping.PROVIDER, null, null).groups().get(0);

    assertThat(group.committed()).isEqualTo(n("3.10"));
    assertThat(group.due()).isEqualTo(n("1.10"));
    assertThat(group.released()).isEqualTo(n("2.00"));
    // 1.10 / 10 completed
    assertThat(group.costPerCompletion()).isEqualTo(n("0.11"));
  }

  @Test
  void givenReferralsCancelledOrUnplacedBeforeAnyOffer_whenBrokenDown_thenTheyWereNotOfferedButThoseAfterAnOfferWere() {
    List<FundingState> states = List.of(
        submitted("2026-04-01T09:00:00Z", "D82044").status(ReferralStatus.CANCELLED).build(),
        submitted("2026-04-01T09:00:00Z", "D82044").status(ReferralStatus.UNPLACED).build(),
        submitted("2026-04-01T09:00:00Z", "D82044").offered("p1", "s1").status(ReferralStatus.CANCELLED).build(),
        submitted("2026-04-01T09:00:00Z", "D82044").offered("p1", "s1").status(ReferralStatus.UNPLACED).build(),
        submitted("2026-04-01T09:00:00Z", "D82044").accepted("p1", "s1", days(1)).status(ReferralStatus.CANCELLED).build());

    Breakdown breakdown = Breakdown.of(COMMISSIONER, states, Grouping.PRACTICE, null, null);

    Group group = breakdown.groups().get(0);
    assertThat(group.referrals()).isEqualTo(5);
    assertThat(group.offered()).isEqualTo(3);
    assertThat(group.accepted()).isEqualTo(1);
    assertThat(group.acceptanceRate()).isEqualTo(n("0.333"));
  }

  @Test
  void givenTheCompletionReadBeforeTheOffer_whenBrokenDownByProvider_thenItCountsUnderTheReportingProviderAsOfferedAcceptedAndCompleted() {
    // the provider's completion arrived first: no provider, service or acceptance time on the state yet
    FundingState s = submitted("2026-04-01T09:00:00Z", "D82044").completed(7).build();

    Breakdown byProvider = Breakdown.of(COMMISSIONER, List.of(s), Grouping.PROVIDER, null, null);
    Breakdown byService = Breakdown.of(COMMISSIONER, List.of(s), Grouping.SERVICE, null, null);

    Group group = byProvider.groups().get(0);
    assertThat(group.key()).isEqualTo("unknown-provider");
    assertThat(byService.groups().get(0).key()).isEqualTo("unknown-service");
    assertThat(List.of(group.offered(), group.accepted(), group.completed(), group.sessionsAttended()))
        .containsExactly(1L, 1L, 1L, 7L);
    assertThat(group.medianDaysToAcceptance()).isNull();
  }

  @Test
  void givenAnOutcomeReportedAfterACancellation_whenBrokenDown_thenItsChangesCountButItIsNotCompleted() {
    FundingState s = submitted("2026-04-01T09:00:00Z", "D82044").accepted("p1", "s1", days(1))
        .status(ReferralStatus.CANCELLED)
        .outcomeOnly(Completion.COMPLETED, 6, change(Instrument.UCLA3, "total", "1.00", true)).build();

    Group group = Breakdown.of(COMMISSIONER, List.of(s), Grouping.PROVIDER, null, null).groups().get(0);

    assertThat(group.completed()).isZero();
    assertThat(group.sessionsAttended()).isZero();
    assertThat(group.meaningfullyImproved()).isEqualTo(1);
    assertThat(group.measures()).containsExactly(score(Instrument.UCLA3, "total", 1, "1.00", 1, "1.000"));
  }

  @Test
  void givenTheSameScoreTwiceInOneOutcome_whenBrokenDown_thenTheReferralCountsOnceWithTheFirst() {
    FundingState s = submitted("2026-04-01T09:00:00Z", "D82044").accepted("p1", "s1", days(1))
        .completed(6, change(Instrument.SWEMWBS, "metric", "1.00", false), change(Instrument.SWEMWBS, "metric", "5.00", true))
        .build();

    Group group = Breakdown.of(COMMISSIONER, List.of(s), Grouping.PROVIDER, null, null).groups().get(0);

    assertThat(group.measures()).containsExactly(score(Instrument.SWEMWBS, "metric", 1, "1.00", 0, "0.000"));
    assertThat(group.meaningfullyImproved()).isZero();
  }

  @Test
  void givenReferralsAtTheUkMonthBoundaries_whenBrokenDownByMonth_thenEachFallsInItsUkMonthAndTheUnseenLast() {
    Breakdown breakdown = Breakdown.of(COMMISSIONER, boundaries(), Grouping.MONTH, null, null);

    assertThat(breakdown.groups()).extracting(Group::key, Group::referrals).containsExactly(
        org.assertj.core.groups.Tuple.tuple("2026-03", 1L),
        org.assertj.core.groups.Tuple.tuple("2026-04", 2L),
        org.assertj.core.groups.Tuple.tuple("2026-05", 1L),
        org.assertj.core.groups.Tuple.tuple("2026-10", 1L),
        org.assertj.core.groups.Tuple.tuple("2026-12", 1L),
        org.assertj.core.groups.Tuple.tuple("2027-01", 1L),
        org.assertj.core.groups.Tuple.tuple("unknown", 1L));
    assertThat(breakdown.total().referrals()).isEqualTo(8);
  }

  @Test
  void givenFromAndToInSummerTime_whenBrokenDown_thenOnlyReferralsSubmittedOnThoseUkDaysInclusive() {
    assertThat(referralsBetween("2026-04-01", "2026-04-30")).isEqualTo(2);
    assertThat(referralsBetween("2026-04-01", "2026-04-01")).isEqualTo(1);
    assertThat(referralsBetween("2026-03-31", "2026-03-31")).isEqualTo(1);
    assertThat(referralsBetween("2026-05-01", "2026-05-01")).isEqualTo(1);
  }

  @Test
  void givenFromAndToInWinterTime_whenBrokenDown_thenUkDaysAreUtcDays() {
    assertThat(referralsBetween("2026-10-31", "2026-10-31")).isEqualTo(1);
    assertThat(referralsBetween("2026-12-31", "2026-12-31")).isEqualTo(1);
    assertThat(referralsBetween("2027-01-01", "2027-01-31")).isEqualTo(1);
  }

  @Test
  void givenOnlyFromOrOnlyTo_whenBrokenDown_thenTheOtherEndIsOpenAndTheUnseenAreLeftOut() {
    assertThat(referralsBetween("2026-04-01", null)).isEqualTo(6);
    assertThat(referralsBetween(null, "2026-04-30")).isEqualTo(3);
    assertThat(referralsBetween(null, null)).isEqualTo(8);
  }

  @Test
  void givenFromAndTo_whenBrokenDown_thenTheyAreEchoedAndTheTotalIsOverThePeriodOnly() {
    Breakdown breakdown = Breakdown.of(COMMISSIONER, FundingStates.april(), Grouping.PROVIDER,
        LocalDate.parse("2026-04-06"), LocalDate.parse("2026-04-10"));

    assertThat(breakdown.from()).isEqualTo(LocalDate.parse("2026-04-06"));
    assertThat(breakdown.to()).isEqualTo(LocalDate.parse("2026-04-10"));
    // E (wensum, declined) and F (city-arts, completed)
    assertThat(breakdown.groups()).extracting(Group::key).containsExactly("city-arts", "wensum-walkers");
    assertThat(breakdown.total().referrals()).isEqualTo(2);
    assertThat(breakdown.total().due()).isEqualTo(n("113.33"));
  }

  @Test
  void givenTheGroupingNames_whenParsed_thenEachIsFoundWhateverItsCaseAndOthersAreNot() {
    assertThat(Grouping.params()).containsExactly("provider", "service", "practice", "month");
    assertThat(Grouping.parse("provider")).contains(Grouping.PROVIDER);
    assertThat(Grouping.parse("Month")).contains(Grouping.MONTH);
    assertThat(Grouping.parse("need")).isEmpty();
    assertThat(Grouping.parse(null)).isEmpty();
  }

  /** Submitted either side of UK midnight at the start and end of BST and of the year. */
  private static List<FundingState> boundaries() {
    return List.of(
        submitted("2026-03-31T22:59:59Z", "D82044").build(), // 31 March 23:59:59 BST
        submitted("2026-03-31T23:00:00Z", "D82044").build(), // 1 April 00:00 BST
        submitted("2026-04-30T22:59:59Z", "D82044").build(), // 30 April 23:59:59 BST
        submitted("2026-04-30T23:00:00Z", "D82044").build(), // 1 May 00:00 BST
        submitted("2026-10-31T23:30:00Z", "D82044").build(), // 31 October 23:30 GMT (BST ended 25 October)
        submitted("2026-12-31T23:59:59Z", "D82044").build(), // 31 December 23:59:59 GMT
        submitted("2027-01-01T00:00:00Z", "D82044").build(), // 1 January 00:00 GMT
        submissionNotSeen().commissioner(COMMISSIONER).build());
  }

  private static long referralsBetween(String from, String to) {
    return Breakdown.of(COMMISSIONER, boundaries(), Grouping.MONTH,
        from == null ? null : LocalDate.parse(from), to == null ? null : LocalDate.parse(to)).total().referrals();
  }

  private static Group withKey(Group g, String key) {
    return new Group(key, g.referrals(), g.offered(), g.accepted(), g.acceptanceRate(), g.medianDaysToAcceptance(),
        g.completed(), g.completionRate(), g.sessionsAttended(), g.measures(), g.meaningfullyImproved(), g.committed(),
        g.due(), g.released(), g.costPerCompletion(), g.costPerMeaningfulImprovement());
  }
}
