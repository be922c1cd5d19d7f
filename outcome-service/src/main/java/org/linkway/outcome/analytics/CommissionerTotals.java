package org.linkway.outcome.analytics;

import java.math.BigDecimal;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.function.BiPredicate;
import org.linkway.outcome.ledger.domain.FundingRules;
import org.linkway.platform.streams.KeptBeside;
import org.linkway.platform.streams.StoreQueries;
import org.linkway.platform.streams.Tally;
import org.linkway.state.FundingState;
import org.linkway.state.ReferralStatus;

/**
 * A commissioner's totals kept as its referrals' funding changes ({@link Tally} beside the commissioner's funding
 * view, {@code CommissionerFunding}), so that its summary and its referrals by month are read as a few cells, the
 * same with ten referrals or millions: how many referrals stand at each status, the money committed, due and
 * released, and how many referrals of each month of submission stand at each stage ({@link StatusByMonth}).
 */
public final class CommissionerTotals {

  /** The totals: {@code {commissioner}|{cell}} to its numbers. */
  public static final Tally<FundingState> TALLY = new Tally<>("commissioner-totals", CommissionerTotals::cells);

  /**
   * The same kept once per task, over the commissioners it holds ({@link Tally#perTask}): the money committed, due and
   * released ({@code task|money}), and how many referrals each commissioner has ({@code task|commissioner|{code}}), so
   * that the ledger's gauge and the reconciliation's list of commissioners read a few keys per task, not every cell.
   */
  public static final KeptBeside<FundingState> IN_TASK;

  private static final String TASK = "task";
  private static final Tally<FundingState> TASK_TALLY =
      new Tally<>("commissioner-task-totals", CommissionerTotals::taskCells);

  static {
    IN_TASK = TASK_TALLY.perTask(TASK);
  }

  private static final String COMMISSIONER = "commissioner|";
  private static final String STATUS = "status|";
  private static final String MONEY = "money";
  private static final String MONTH = "month|";

  /**
   * @param byStatus how many referrals stand at each status (every status, 0 for none)
   * @param committed the ledger's commitments, due its payments due, released its releases, in GBP
   */
  public record Totals(Map<String, Long> byStatus, BigDecimal committed, BigDecimal due, BigDecimal released) {}

  private CommissionerTotals() {}

  /** What one referral's funding adds to its commissioner's totals. */
  static Map<String, List<BigDecimal>> cells(FundingState s) {
    Map<String, List<BigDecimal>> cells = new LinkedHashMap<>();
    cells.put(STATUS + s.getStatus().name(), List.of(BigDecimal.ONE));
    cells.put(MONEY, List.of(FundingRules.committed(s), FundingRules.due(s), FundingRules.released(s)));
    cells.put(MONTH + StatusByMonth.cell(s), List.of(BigDecimal.ONE));
    return cells;
  }

  /** What one referral's funding adds to its task's totals: its money, and one referral of its commissioner. */
  static Map<String, List<BigDecimal>> taskCells(FundingState s) {
    Map<String, List<BigDecimal>> cells = new LinkedHashMap<>();
    cells.put(MONEY, List.of(FundingRules.committed(s), FundingRules.due(s), FundingRules.released(s)));
    cells.put(COMMISSIONER + s.getCommissioner(), List.of(BigDecimal.ONE));
    return cells;
  }

  /**
   * The commissioner's totals now, from the instance that owns the commissioner: its status and money cells alone, not
   * its cells by month, so the read is the same size in the commissioner's tenth year as in its first.
   */
  public static Totals of(StoreQueries stores, String commissioner) {
    Map<String, List<BigDecimal>> cells = new LinkedHashMap<>();
    for (String kind : List.of(STATUS, MONEY)) {
      TALLY.of(stores, commissioner, kind).forEach((rest, numbers) -> cells.put(kind + rest, numbers));
    }
    return totals(cells);
  }

  /**
   * The commissioner's referrals by month of submission and stage now, from the instance that owns the commissioner:
   * the latest {@code months} months with referrals, and those whose submission is not yet seen. Read from the last of
   * the commissioner's month cells back, so it costs those months' cells (at most one per stage), however many months
   * the commissioner has been running.
   */
  public static StatusByMonth byMonth(StoreQueries stores, String commissioner, int months) {
    return byMonth((prefix, action) -> stores.scan(TALLY.store(), commissioner, prefix, null, true, action),
        commissioner, months);
  }

  /**
   * {@link #byMonth(StoreQueries, String, int)} from {@code lastFirst}, which hands the cells of the totals' store whose
   * keys start with a prefix to an action, by the rest of their keys, last key first, for as long as it returns true.
   */
  static StatusByMonth byMonth(BiConsumer<String, BiPredicate<String, String>> lastFirst, String commissioner,
      int months) {
    Map<String, Long> counts = new TreeMap<>();
    Set<String> dated = new HashSet<>();
    // "unknown" sorts after every YYYY-MM, so it is read first
    lastFirst.accept(KeptBeside.prefix(commissioner) + MONTH, (cell, text) -> {
      String month = cell.substring(0, cell.indexOf('|'));
      if (!month.equals(Breakdown.UNKNOWN) && dated.add(month) && dated.size() > months) return false;
      counts.put(cell, Tally.parse(text).get(0).longValueExact());
      return true;
    });
    return StatusByMonth.fromCounts(counts);
  }

  /**
   * The money committed, due and released over the commissioners whose totals this instance holds: for a gauge (the
   * metrics system sums the instances). One cell per task ({@link #IN_TASK}).
   */
  public static List<BigDecimal> moneyHere(StoreQueries stores) {
    return TASK_TALLY.sumsHere(stores, TASK, MONEY)
        .getOrDefault(MONEY, List.of(BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO));
  }

  /**
   * The commissioners with referrals in the partitions this instance holds, in order: one key per commissioner per
   * task ({@link #IN_TASK}), however many months or referrals each has.
   */
  public static SortedSet<String> commissionersHere(StoreQueries stores) {
    String from = KeptBeside.prefix(TASK) + COMMISSIONER;
    SortedSet<String> codes = new TreeSet<>();
    for (String key : stores.keys(IN_TASK.store(), from, from + Character.MAX_VALUE)) codes.add(key.substring(from.length()));
    return codes;
  }

  /** The totals in the commissioner's {@code cells} ({@link #TALLY}). */
  static Totals totals(Map<String, List<BigDecimal>> cells) {
    Map<String, Long> byStatus = new TreeMap<>();
    for (ReferralStatus status : ReferralStatus.values()) {
      if (status != ReferralStatus.UNKNOWN) byStatus.put(status.name(), 0L);
    }
    List<BigDecimal> money = cells.getOrDefault(MONEY, List.of(BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO));
    cells.forEach((cell, n) -> {
      if (cell.startsWith(STATUS)) byStatus.merge(cell.substring(STATUS.length()), n.get(0).longValueExact(), Long::sum);
    });
    return new Totals(byStatus, pence(money.get(0)), pence(money.get(1)), pence(money.get(2)));
  }

  /** The referrals by month and stage in the commissioner's {@code cells} ({@link #TALLY}). */
  static StatusByMonth byMonth(Map<String, List<BigDecimal>> cells) {
    Map<String, Long> counts = new TreeMap<>();
    cells.forEach((cell, n) -> {
      if (cell.startsWith(MONTH)) counts.put(cell.substring(MONTH.length()), n.get(0).longValueExact());
    });
    return StatusByMonth.fromCounts(counts);
  }

  private static BigDecimal pence(BigDecimal amount) {
    return amount.setScale(2, java.math.RoundingMode.UNNECESSARY);
  }
}
