package org.linkway.outcome.opendata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.linkway.outcome.opendata.Referrals.NOV_2026;
import static org.linkway.outcome.opendata.Referrals.submitted;

import java.time.Instant;
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

  @Test
  void givenReferralsOfEveryKind_whenTabulated_thenOneRowPerCommissionerProviderNeedAndMonthWithItsCounts() {
    List<FundingState> states = List.of(
        // never offered
        submitted("QMM", NOV_2026, NeedCode.LONELINESS).build(),
        // two needs: counted under each; completed with a meaningful improvement
        submitted("QMM", NOV_2026, NeedCode.LONELINESS, NeedCode.NATURE).accepted(WALKERS).completed(true).build(),
        // completed without a meaningful improvement
        submitted("QMM", NOV_2026, NeedCode.LONELINESS).accepted(WALKERS).completed(false).build(),
        // dropped out: a meaningful change does not make it "improved"
        submitted("QMM", NOV_2026, NeedCode.LONELINESS).accepted(WALKERS).ended(Completion.DROPPED_OUT, true).build(),
        // declined before acceptance, then after acceptance
        submitted("QMM", NOV_2026, NeedCode.LONELINESS).offered(WALKERS).status(ReferralStatus.DECLINED).build(),
        submitted("QMM", NOV_2026, NeedCode.LONELINESS).accepted(WALKERS).status(ReferralStatus.DECLINED).build(),
        // still open with the provider
        submitted("QMM", NOV_2026, NeedCode.NATURE).accepted(WALKERS).build(),
        // no provider could take it (the last one offered is kept)
        submitted("QMM", NOV_2026, NeedCode.HOUSING).offered("p2").status(ReferralStatus.UNPLACED).build(),
        // cancelled, and the completion read afterwards: cancelled only
        submitted("QMM", NOV_2026, NeedCode.HOUSING).accepted("p2").status(ReferralStatus.CANCELLED)
            .outcomeAfterCancel(Completion.COMPLETED, true).build(),
        // no needs named
        submitted("QMM", NOV_2026).build(),
        // another commissioner
        submitted("QOC", NOV_2026, NeedCode.LONELINESS).build(),
        // the submission not seen yet
        Referrals.submissionNotSeen().accepted(WALKERS).build());

    List<Row> rows = OpenDataTable.rows(states);

    assertThat(rows).containsExactly(
        new Row("QMM", "none", "LONELINESS", "2026-11", 1, 0, 0, 0, 0, 0, 0, 0),
        new Row("QMM", "none", "none", "2026-11", 1, 0, 0, 0, 0, 0, 0, 0),
        new Row("QMM", "p2", "HOUSING", "2026-11", 2, 1, 0, 0, 0, 0, 1, 1),
        new Row("QMM", WALKERS, "LONELINESS", "2026-11", 5, 4, 2, 1, 1, 2, 0, 0),
        new Row("QMM", WALKERS, "NATURE", "2026-11", 2, 2, 1, 0, 1, 0, 0, 0),
        new Row("QOC", "none", "LONELINESS", "2026-11", 1, 0, 0, 0, 0, 0, 0, 0),
        new Row("unknown", WALKERS, "none", "unknown", 1, 1, 0, 0, 0, 0, 0, 0));
  }

  @ParameterizedTest(name = "submitted at {0} counts in {1}")
  @CsvSource({
      "2026-03-29T00:59:59Z, 2026-03",  // GMT
      "2026-03-31T23:30:00Z, 2026-04",  // 00:30 BST on 1 April
      "2026-04-30T22:59:59Z, 2026-04",  // 23:59:59 BST
      "2026-04-30T23:00:00Z, 2026-05",  // midnight BST
      "2026-10-31T23:30:00Z, 2026-10",  // GMT again from 25 October
      "2026-12-31T23:59:59Z, 2026-12",
      "2027-01-01T00:00:00Z, 2027-01"})
  void givenASubmissionNearTheEndOfAMonth_whenTabulated_thenItCountsInTheUkMonth(Instant submittedAt, String month) {
    List<Row> rows = OpenDataTable.rows(List.of(submitted("QMM", submittedAt, NeedCode.NATURE).build()));

    assertThat(rows).extracting(Row::month).containsExactly(month);
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
    List<Row> expected = OpenDataTable.rows(states);

    Collections.shuffle(states, new Random(42));
    List<Row> rows = OpenDataTable.rows(states);

    assertThat(rows).isEqualTo(expected);
    assertThat(rows).isSortedAccordingTo(java.util.Comparator.comparing(Row::commissioner)
        .thenComparing(Row::provider).thenComparing(Row::need).thenComparing(Row::month));
    assertThat(rows.stream().mapToLong(Row::referrals).sum()).isEqualTo(60);
  }

  @Test
  void givenAReferralNamingANeedTwice_whenTabulated_thenItCountsOnceUnderThatNeed() {
    List<Row> rows = OpenDataTable.rows(List.of(
        submitted("QMM", NOV_2026, NeedCode.NATURE, NeedCode.NATURE).build()));

    assertThat(rows).containsExactly(new Row("QMM", "none", "NATURE", "2026-11", 1, 0, 0, 0, 0, 0, 0, 0));
  }

  @Test
  void givenNoReferrals_whenTabulated_thenThereAreNoRows() {
    assertThat(OpenDataTable.rows(List.of())).isEmpty();
  }
}
