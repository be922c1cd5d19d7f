package org.linkway.outcome.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.linkway.outcome.analytics.FundingStates.submitted;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.linkway.state.FundingState;

class StatusByMonthTest {

  @Test
  void givenAprilsElevenReferrals_whenCounted_thenEachStandsAtOneStage() {
    StatusByMonth result = StatusByMonth.of(FundingStates.april());

    assertThat(result.months()).hasSize(1);
    StatusByMonth.Month april = result.months().get(0);
    assertThat(april.month()).isEqualTo("2026-04");
    // waiting D, K; accepted G, H; completed A, B, F; ended early C (dropped out), E (declined), I (cancelled); unplaced J
    assertThat(april.counts()).containsExactly(2L, 2L, 3L, 3L, 1L);
    assertThat(april.total()).isEqualTo(11);
  }

  @Test
  void givenMonthsAndAnUnseenSubmission_whenCounted_thenMonthsInOrderAndUnknownLast() {
    List<FundingState> states = new ArrayList<>();
    states.add(FundingStates.submissionNotSeen().commissioner("QMM").offered("p", "s").build());
    states.add(submitted("2026-05-31T23:30:00Z", "D82044").build()); // 1 June in UK summer time
    states.add(submitted("2026-03-02T10:00:00Z", "D82044").accepted("p", "s", FundingStates.days(1)).build());

    StatusByMonth result = StatusByMonth.of(states);

    assertThat(result.months()).extracting(StatusByMonth.Month::month).containsExactly("2026-03", "2026-06", "unknown");
    assertThat(result.months().get(0).counts()).containsExactly(0L, 1L, 0L, 0L, 0L);
    assertThat(result.months().get(2).counts()).containsExactly(1L, 0L, 0L, 0L, 0L);
    assertThat(StatusByMonth.of(List.of()).months()).isEmpty();
  }
}
