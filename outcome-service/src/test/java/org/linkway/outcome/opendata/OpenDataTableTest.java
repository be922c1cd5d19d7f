package org.linkway.outcome.opendata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.linkway.outcome.opendata.Referrals.NOV_2026;
import static org.linkway.outcome.opendata.Referrals.submitted;

import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.linkway.events.Completion;
import org.linkway.events.NeedCode;
import org.linkway.outcome.opendata.OpenDataTable.Row;
import org.linkway.state.FundingState;
import org.linkway.state.ReferralStatus;

class OpenDataTableTest {

  private static final String WALKERS = "wensum-walkers";
  private static final YearMonth NOVEMBER = YearMonth.of(2026, 11);

  @Test
  void givenReferralsOfEveryKind_whenTabulated_thenOneRowPerCommissionerProviderAndNeedWithItsCounts() {
    List<FundingState> states = List.of(
        // never offered
        submitted("QMM", NOV_2026, NeedCode.LONELINESS).build(),
        // two needs: counted under each; completed with a meaningful improvement
        submitted("QMM", NOV_2026, NeedCode.LONELINESS, NeedCode.NATURE).accepted(WALKERS).completed(true).build(),
        // completed without a meaningful improvement
        submitted("QMM", NOV_2026, NeedCode.LONELINESS).accepted(WALKERS).completed(false).build(),
        // dropped out: a meaningful change does not make it "improved"
        submitted("QMM", NOV_2026, NeedCode.LONELINESS).accepted(WALKERS).ended(Completion.DROPPED_OUT, true).build(),
        // declined before acceptance (no provider had accepted it), then after acceptance
        submitted("QMM", NOV_2026, NeedCode.LONELINESS).offered(WALKERS).status(ReferralStatus.DECLINED).build(),
        submitted("QMM", NOV_2026, NeedCode.LONELINESS).accepted(WALKERS).status(ReferralStatus.DECLINED).build(),
        // still open with the provider
        submitted("QMM", NOV_2026, NeedCode.NATURE).accepted(WALKERS).build(),
        // no provider could take it: offered, never accepted
        submitted("QMM", NOV_2026, NeedCode.HOUSING).offered("p2").status(ReferralStatus.UNPLACED).build(),
        // cancelled, and the completion read afterwards: cancelled only
        submitted("QMM", NOV_2026, NeedCode.HOUSING).accepted("p2").status(ReferralStatus.CANCELLED)
            .outcomeAfterCancel(Completion.COMPLETED, true).build(),
        // no needs named
        submitted("QMM", NOV_2026).build(),
        // another commissioner
        submitted("QOC", NOV_2026, NeedCode.LONELINESS).build(),
        // the submission not seen yet: in no month's release
        Referrals.submissionNotSeen().accepted(WALKERS).build());

    List<Row> rows = OpenDataTable.rows(states, NOVEMBER);

    assertThat(rows).containsExactly(
        new Row("QMM", "none", "HOUSING", "2026-11", 1, 0, 0, 0, 0, 0, 1, 0),
        new Row("QMM", "none", "LONELINESS", "2026-11", 2, 0, 0, 0, 0, 1, 0, 0),
        new Row("QMM", "none", "none", "2026-11", 1, 0, 0, 0, 0, 0, 0, 0),
        new Row("QMM", "p2", "HOUSING", "2026-11", 1, 1, 0, 0, 0, 0, 0, 1),
        new Row("QMM", WALKERS, "LONELINESS", "2026-11", 4, 4, 2, 1, 1, 1, 0, 0),
        new Row("QMM", WALKERS, "NATURE", "2026-11", 2, 2, 1, 0, 1, 0, 0, 0),
        new Row("QOC", "none", "LONELINESS", "2026-11", 1, 0, 0, 0, 0, 0, 0, 0));
  }

  @Test
  void givenAReferralAcceptedAndCompletedAfterItsMonth_whenItsMonthIsTabulated_thenItCountsAsItStoodAtTheEndOfTheMonth() {
    Instant december = Instant.parse("2026-12-02T09:00:00Z");
    List<FundingState> states = List.of(
        submitted("QMM", NOV_2026, NeedCode.NATURE).acceptedAt(WALKERS, december).completed(true)
            .endedAt(december.plusSeconds(86_400L * 20)).build(),
        // accepted in the last second of November (UK time), completed in the first of December
        submitted("QMM", NOV_2026, NeedCode.NATURE).acceptedAt(WALKERS, Instant.parse("2026-11-30T23:59:59Z"))
            .completed(true).endedAt(Instant.parse("2026-12-01T00:00:00Z")).build(),
        // declined on the last day of November, cancelled on the first of December
        submitted("QMM", NOV_2026, NeedCode.NATURE).status(ReferralStatus.DECLINED)
            .endedAt(Instant.parse("2026-11-30T12:00:00Z")).build(),
        submitted("QMM", NOV_2026, NeedCode.NATURE).status(ReferralStatus.CANCELLED)
            .endedAt(Instant.parse("2026-12-01T12:00:00Z")).build());

    assertThat(OpenDataTable.rows(states, NOVEMBER)).containsExactly(
        new Row("QMM", "none", "NATURE", "2026-11", 3, 0, 0, 0, 0, 1, 0, 0),
        new Row("QMM", WALKERS, "NATURE", "2026-11", 1, 1, 0, 0, 0, 0, 0, 0));
    assertThat(OpenDataTable.rows(states, NOVEMBER.plusMonths(1))).isEmpty();
  }

  @Test
  void givenAClosedMonth_whenItsReferralsMoveOnAndNewReferralsArrive_thenItsRowsAreTheSame() {
    List<FundingState> atTheEndOfNovember = new ArrayList<>();
    List<FundingState> inJanuary = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      Instant submitted = NOV_2026.plusSeconds(3_600L * 11 * i); // 10 to 28 November
      Referrals r = submitted("QMM", submitted, i % 2 == 0 ? NeedCode.NATURE : NeedCode.LONELINESS);
      if (i % 3 != 0) r.accepted(i % 4 == 0 ? WALKERS : "p2");
      atTheEndOfNovember.add(r.build());
      // in December: all but one accepted by the walkers, most completed, the rest declined
      Instant december = Instant.parse("2026-12-03T10:00:00Z").plusSeconds(3_600L * i);
      Referrals later = Referrals.of(r.build());
      if (i % 3 == 0 && i > 0) later.acceptedAt(WALKERS, december);
      if (i % 5 == 0) later.status(ReferralStatus.DECLINED).endedAt(december.plusSeconds(86_400));
      else if (i % 3 != 0 || i > 0) later.completed(i % 2 == 0).endedAt(december.plusSeconds(86_400 * 7));
      inJanuary.add(later.build());
      inJanuary.add(submitted("QMM", december, NeedCode.NATURE).accepted(WALKERS).build());
    }

    List<Row> rows = OpenDataTable.rows(atTheEndOfNovember, NOVEMBER);

    assertThat(OpenDataTable.rows(inJanuary, NOVEMBER)).isEqualTo(rows);
    assertThat(OpenDataTable.rows(inJanuary, NOVEMBER.plusMonths(1))).isNotEqualTo(OpenDataTable.rows(atTheEndOfNovember,
        NOVEMBER.plusMonths(1)));
  }

  @ParameterizedTest(name = "submitted at {0} counts in {1} only")
  @CsvSource({
      "2026-03-29T00:59:59Z, 2026-03",  // GMT
      "2026-03-31T23:30:00Z, 2026-04",  // 00:30 BST on 1 April
      "2026-04-30T22:59:59Z, 2026-04",  // 23:59:59 BST
      "2026-04-30T23:00:00Z, 2026-05",  // midnight BST
      "2026-10-31T23:30:00Z, 2026-10",  // GMT again from 25 October
      "2026-12-31T23:59:59Z, 2026-12",
      "2027-01-01T00:00:00Z, 2027-01"})
  void givenASubmissionNearTheEndOfAMonth_whenTabulated_thenItCountsInTheUkMonth(Instant submittedAt, String month) {
    List<FundingState> states = List.of(submitted("QMM", submittedAt, NeedCode.NATURE).build());
    YearMonth released = YearMonth.parse(month);

    assertThat(OpenDataTable.rows(states, released)).extracting(Row::month).containsExactly(month);
    assertThat(OpenDataTable.rows(states, released.minusMonths(1))).isEmpty();
    assertThat(OpenDataTable.rows(states, released.plusMonths(1))).isEmpty();
  }

  @Test
  void givenTheSameReferralsInAnyOrder_whenTabulated_thenTheRowsAreTheSameAndSorted() {
    List<FundingState> states = new ArrayList<>();
    String[] providers = {"wensum-walkers", "p2", "Aylsham-arts", "none-such"};
    NeedCode[] needs = {NeedCode.NATURE, NeedCode.HOUSING, NeedCode.LONELINESS};
    for (int i = 0; i < 60; i++) {
      Referrals r = submitted(i % 2 == 0 ? "QMM" : "QOC", NOV_2026.minusSeconds(86_400L * 31 * (i % 4)), needs[i % 3]);
      if (i % 5 != 0) r.accepted(providers[i % 4]);
      states.add(r.build());
    }
    long referrals = 0;
    for (YearMonth month = NOVEMBER.minusMonths(3); !month.isAfter(NOVEMBER); month = month.plusMonths(1)) {
      List<Row> expected = OpenDataTable.rows(states, month);

      Collections.shuffle(states, new Random(42));
      List<Row> rows = OpenDataTable.rows(states, month);

      assertThat(rows).isEqualTo(expected);
      assertThat(rows).isSortedAccordingTo(java.util.Comparator.comparing(Row::commissioner)
          .thenComparing(Row::provider).thenComparing(Row::need).thenComparing(Row::month));
      referrals += rows.stream().mapToLong(Row::referrals).sum();
    }
    assertThat(referrals).isEqualTo(60);
  }

  @Test
  void givenAReferralNamingANeedTwice_whenTabulated_thenItCountsOnceUnderThatNeed() {
    List<Row> rows = OpenDataTable.rows(List.of(
        submitted("QMM", NOV_2026, NeedCode.NATURE, NeedCode.NATURE).build()), NOVEMBER);

    assertThat(rows).containsExactly(new Row("QMM", "none", "NATURE", "2026-11", 1, 0, 0, 0, 0, 0, 0, 0));
  }

  @Test
  void givenNoReferrals_whenTabulated_thenThereAreNoRows() {
    assertThat(OpenDataTable.rows(List.of(), NOVEMBER)).isEmpty();
  }
}
