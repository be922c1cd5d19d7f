package org.linkway.outcome.analytics;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.linkway.state.FundingState;

/**
 * A commissioner's referrals by the month they were submitted (UK time), each counted under where
 * it stands now. Outcome-service keeps each referral's current status, not the history of its
 * statuses, so this is not "how many were waiting at the end of each month": a referral made in
 * April and completed in June counts in April, as completed. Pure: no Spring, no store.
 *
 * @param months one row a month, oldest first; {@value Breakdown#UNKNOWN} (submission not yet
 *     seen) last
 */
public record StatusByMonth(List<Month> months) {

  /** Where a referral stands, in the words the dashboard uses. */
  public enum Stage {
    WAITING("Waiting for a provider"),
    ACCEPTED("Accepted, under way"),
    COMPLETED("Completed"),
    ENDED_EARLY("Ended without completing"),
    UNPLACED("No service found");

    private final String label;

    Stage(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }

    static Stage of(FundingState s) {
      return switch (s.getStatus()) {
        case ACCEPTED -> ACCEPTED;
        case COMPLETED -> Breakdown.completed(s) ? COMPLETED : ENDED_EARLY;
        case DECLINED, CANCELLED -> ENDED_EARLY;
        case UNPLACED -> UNPLACED;
        case SUBMITTED, OFFERED, UNKNOWN -> WAITING;
      };
    }
  }

  /**
   * One month's referrals.
   *
   * @param month YYYY-MM, or {@value Breakdown#UNKNOWN}
   * @param counts how many stand at each stage, in {@link Stage} order
   */
  public record Month(String month, List<Long> counts, long total) {}

  /** The commissioner's referrals (already only theirs), by month of submission and stage. */
  public static StatusByMonth of(Collection<FundingState> states) {
    Map<String, Long> counts = new TreeMap<>();
    for (FundingState s : states) counts.merge(cell(s), 1L, Long::sum);
    return fromCounts(counts);
  }

  /** Where one referral counts: {@code {month of submission}|{stage now}}, e.g. {@code 2026-04|COMPLETED}. */
  public static String cell(FundingState s) {
    return Grouping.month(s.getSubmittedAt()) + "|" + Stage.of(s).name();
  }

  /** From how many referrals count in each {@link #cell} (kept as they change: {@link CommissionerTotals}). */
  public static StatusByMonth fromCounts(Map<String, Long> byCell) {
    Map<String, Map<Stage, Long>> byMonth = new TreeMap<>((a, b) -> a.equals(b) ? 0
        : a.equals(Breakdown.UNKNOWN) ? 1 : b.equals(Breakdown.UNKNOWN) ? -1 : a.compareTo(b));
    byCell.forEach((cell, count) -> {
      int bar = cell.lastIndexOf('|');
      byMonth.computeIfAbsent(cell.substring(0, bar), k -> new EnumMap<>(Stage.class))
          .merge(Stage.valueOf(cell.substring(bar + 1)), count, Long::sum);
    });
    List<Month> months = new ArrayList<>(byMonth.size());
    byMonth.forEach((month, stages) -> {
      List<Long> counts = new ArrayList<>();
      for (Stage stage : Stage.values()) counts.add(stages.getOrDefault(stage, 0L));
      months.add(new Month(month, List.copyOf(counts), counts.stream().mapToLong(Long::longValue).sum()));
    });
    return new StatusByMonth(List.copyOf(months));
  }
}
