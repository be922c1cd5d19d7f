package org.linkway.outcome.analytics;

import static org.linkway.platform.domain.SocialPrescribing.UK;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.temporal.Temporal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.linkway.events.MeasureChange;
import org.linkway.events.OutcomeReported;
import org.linkway.outcome.ledger.domain.FundingRules;
import org.linkway.platform.streams.StoreQueries;
import org.linkway.platform.streams.Tally;
import org.linkway.state.FundingState;

/**
 * A commissioner's {@link Breakdown} kept as its referrals' funding changes ({@link Tally} beside the commissioner's
 * funding view, {@code CommissionerFunding}), so that the breakdown API and the dashboard's charts read cells, not
 * every referral: the same with ten referrals or millions. Each referral counts in these cells, each
 * {@code {grouping}|…|{group key}} (a key escaped so it holds no {@code |}):
 * <ul>
 *   <li>{@code d|{provider, service or practice}|{day}|{key}}, and {@code d|total|{day}|all}: by the UK day of
 *       submission ({@code YYYY-MM-DD}, or {@value Breakdown#UNKNOWN}, which sorts after every day), so a breakdown
 *       {@code from}..{@code to} reads the range of those days' cells;</li>
 *   <li>{@code a|{provider, service, practice or month}|{key}}: every day, so a breakdown with neither reads one cell
 *       a group;</li>
 *   <li>in a store of their own ({@link #MONTHS}), {@code {provider, service, practice or total}|{YYYY-MM}|{key}}: by
 *       the UK month of submission, so a range reads one cell a group for each whole month in it, and the day cells
 *       of the part-months at its two ends alone.</li>
 * </ul>
 * Each cell holds the referrals, offered, accepted, completed, sessions attended by the completed, referrals with a
 * meaningful change, and the money committed, due and released; beside it, {@code …|s|{instrument}|{score}} the
 * referrals whose score moved, those that moved meaningfully and the sum of the improvements, and {@code …|t|{bucket}}
 * a histogram of the times from submission to acceptance (how many, the sum of their milliseconds). The total of a
 * breakdown is the sum of its groups (each referral is in exactly one group of a grouping).
 *
 * <p><b>The median's precision.</b> A median cannot be kept as a running sum, so {@code medianDaysToAcceptance} is
 * read from the histogram. Its buckets are a whole day wide from submission up to 91 days (by the whole days elapsed,
 * {@code floor(time / 24 h)}), a week wide from 91 to 364 days, and 28 days wide beyond. The middle time (or each of
 * the two middle times) is taken as the mean of the times in its bucket. So the median is exact when each middle time's
 * bucket holds only that time, or only times equal to it; otherwise it is within its bucket's width of the exact
 * median (less than a day up to 91 days), before rounding to one decimal.
 *
 * <p>Also {@code entries}: how many ledger entries the commissioner's referrals have (the dashboard's count).
 */
public final class BreakdownCells {

  /** The cells: {@code {commissioner}|{cell}} to its numbers. */
  public static final Tally<FundingState> TALLY = new Tally<>("commissioner-breakdown", BreakdownCells::cells);

  /**
   * The same figures by UK month of submission, so that a range reads a cell a group for each whole month in it:
   * {@code {commissioner}|{provider, service, practice or total}|{YYYY-MM}|{key}}, with its scores' and times' cells.
   */
  public static final Tally<FundingState> MONTHS = new Tally<>("commissioner-breakdown-months", BreakdownCells::monthCells);

  /** Buckets a day wide below this many days. */
  static final long DAILY_UP_TO = 91;
  /** Buckets a week wide below this many days, 28 days wide from it. */
  static final long WEEKLY_UP_TO = 364;

  private static final long MILLIS_PER_DAY = Duration.ofDays(1).toMillis();
  private static final String BY_DAY = "d|";
  private static final String EVERY_DAY = "a|";
  private static final String TOTAL = "total";
  private static final String SCORE = "|s|";
  private static final String TIME = "|t|";
  private static final String ENTRIES = "entries";
  private static final Pattern BAR = Pattern.compile("\\|");

  private BreakdownCells() {}

  /** What one referral's funding adds to its commissioner's cells. */
  static Map<String, List<BigDecimal>> cells(FundingState s) {
    String day = day(s);
    Map<String, List<BigDecimal>> cells = cells(s, List.of(
        BY_DAY + Grouping.PROVIDER.param() + "|" + day + "|" + escape(Grouping.PROVIDER.key(s)),
        BY_DAY + Grouping.SERVICE.param() + "|" + day + "|" + escape(Grouping.SERVICE.key(s)),
        BY_DAY + Grouping.PRACTICE.param() + "|" + day + "|" + escape(Grouping.PRACTICE.key(s)),
        BY_DAY + TOTAL + "|" + day + "|" + Breakdown.ALL,
        EVERY_DAY + Grouping.PROVIDER.param() + "|" + escape(Grouping.PROVIDER.key(s)),
        EVERY_DAY + Grouping.SERVICE.param() + "|" + escape(Grouping.SERVICE.key(s)),
        EVERY_DAY + Grouping.PRACTICE.param() + "|" + escape(Grouping.PRACTICE.key(s)),
        EVERY_DAY + Grouping.MONTH.param() + "|" + escape(Grouping.MONTH.key(s))));
    if (s.getLedger() != null && !s.getLedger().isEmpty()) {
      cells.put(ENTRIES, List.of(BigDecimal.valueOf(s.getLedger().size())));
    }
    return cells;
  }

  /**
   * What one referral's funding adds to its commissioner's cells by month ({@link #MONTHS}): those of its UK day of
   * submission's cells, under its month; nothing while its submission is not yet seen.
   */
  static Map<String, List<BigDecimal>> monthCells(FundingState s) {
    if (s.getSubmittedAt() == null) return Map.of();
    String month = day(s).substring(0, 7);
    return cells(s, List.of(
        Grouping.PROVIDER.param() + "|" + month + "|" + escape(Grouping.PROVIDER.key(s)),
        Grouping.SERVICE.param() + "|" + month + "|" + escape(Grouping.SERVICE.key(s)),
        Grouping.PRACTICE.param() + "|" + month + "|" + escape(Grouping.PRACTICE.key(s)),
        TOTAL + "|" + month + "|" + Breakdown.ALL));
  }

  /** The referral's figures in each of {@code groups}, with its scores' and its time to acceptance's cells. */
  private static Map<String, List<BigDecimal>> cells(FundingState s, List<String> groups) {
    Map<String, List<BigDecimal>> cells = new LinkedHashMap<>();
    OutcomeReported outcome = Grouping.lastOutcome(s).orElse(null);
    Map<Breakdown.ScoreKey, MeasureChange> changes = outcome == null ? Map.of() : Breakdown.scoreChanges(outcome);
    boolean completed = Breakdown.completed(s);
    boolean accepted = Breakdown.accepted(s);
    List<BigDecimal> figures = List.of(BigDecimal.ONE, one(Breakdown.offered(s)), one(accepted), one(completed),
        BigDecimal.valueOf(completed ? outcome.getSessionsAttended() : 0),
        one(changes.values().stream().anyMatch(MeasureChange::getMeaningful)),
        FundingRules.committed(s), FundingRules.due(s), FundingRules.released(s));
    for (String group : groups) {
      cells.put(group, figures);
      changes.forEach((score, change) -> cells.put(group + SCORE + escape(score.instrument()) + "|" + escape(score.score()),
          List.of(BigDecimal.ONE, one(change.getMeaningful()), change.getImprovement())));
      if (accepted && s.getSubmittedAt() != null && s.getAcceptedAt() != null) {
        long millis = Duration.between(s.getSubmittedAt(), s.getAcceptedAt()).toMillis();
        cells.put(group + TIME + bucket(millis), List.of(BigDecimal.ONE, BigDecimal.valueOf(millis)));
      }
    }
    return cells;
  }

  /**
   * The commissioner's breakdown now, from the instance that owns the commissioner: {@link Breakdown#of} over its
   * referrals, the median as precise as the histogram allows (see above). With neither {@code from} nor {@code to},
   * one cell a group (and its scores and times); with either, the cells of the whole UK months within from..to
   * ({@link #MONTHS}) and the day cells of the part-months at its ends: at most 61 days' cells and one cell a month.
   */
  public static Breakdown of(StoreQueries stores, String commissioner, Grouping by, LocalDate from, LocalDate to) {
    Map<String, Group> groups = new TreeMap<>();
    if (from == null && to == null) {
      TALLY.of(stores, commissioner, EVERY_DAY + by.param() + "|").forEach((cell, numbers) -> {
        int bar = cell.indexOf('|');
        String key = bar < 0 ? cell : cell.substring(0, bar);
        groups.computeIfAbsent(unescape(key), k -> new Group()).add(bar < 0 ? "" : cell.substring(bar), numbers);
      });
    } else {
      String grouping = by == Grouping.MONTH ? TOTAL : by.param();
      // the whole months within the range, each one cell a group; null ends: open
      YearMonth firstWhole = from == null ? null : YearMonth.from(from).plusMonths(from.getDayOfMonth() == 1 ? 0 : 1);
      YearMonth lastWhole = to == null ? null : YearMonth.from(to).minusMonths(isMonthEnd(to) ? 0 : 1);
      String days = BY_DAY + grouping + "|";
      if (firstWhole != null && lastWhole != null && firstWhole.isAfter(lastWhole)) {
        // no whole month: the days alone (of two part-months at most)
        add(stores, TALLY.store(), commissioner, days, from, to, by, groups);
      } else {
        if (from != null && from.getDayOfMonth() != 1) {
          add(stores, TALLY.store(), commissioner, days, from, from.withDayOfMonth(from.lengthOfMonth()), by, groups);
        }
        add(stores, MONTHS.store(), commissioner, grouping + "|", firstWhole, lastWhole, by, groups);
        if (to != null && !isMonthEnd(to)) {
          add(stores, TALLY.store(), commissioner, days, to.withDayOfMonth(1), to, by, groups);
        }
      }
    }
    Group total = new Group();
    groups.values().forEach(total::addAll);
    return Breakdown.of(commissioner, by, from, to, groups, total);
  }

  private static boolean isMonthEnd(LocalDate day) {
    return day.getDayOfMonth() == day.lengthOfMonth();
  }

  /**
   * Adds the commissioner's cells {@code {prefix}{period}|{key}…} of the periods (days or months, {@code YYYY-MM-DD} or
   * {@code YYYY-MM}) from {@code first} to {@code last} (null: open) to their groups: by the key, or by month.
   */
  private static void add(StoreQueries stores, String store, String commissioner, String prefix, Temporal first,
      Temporal last, Grouping by, Map<String, Group> groups) {
    String end = last == null ? null : last.toString();
    stores.<String>scan(store, commissioner, commissioner + "|" + prefix, first == null ? null : first.toString(),
        false, (cell, text) -> {
          String[] parts = BAR.split(cell, 3);
          String period = parts[0];
          // the unknown day sorts last: with a range, it and everything after are left out
          if (period.equals(Breakdown.UNKNOWN) || (end != null && period.compareTo(end) > 0)) return false;
          String key = by == Grouping.MONTH ? period.substring(0, 7) : unescape(parts[1]);
          groups.computeIfAbsent(key, k -> new Group()).add(parts.length > 2 ? "|" + parts[2] : "", Tally.parse(text));
          return true;
        });
  }

  /** How many ledger entries the commissioner's referrals have now, from the instance that owns the commissioner. */
  public static long ledgerEntries(StoreQueries stores, String commissioner) {
    List<BigDecimal> entries = TALLY.of(stores, commissioner, ENTRIES).get("");
    return entries == null ? 0 : entries.get(0).longValueExact();
  }

  /** The lower end, in whole days, of the bucket of a time from submission to acceptance. */
  static long bucket(long millis) {
    long days = Math.floorDiv(millis, MILLIS_PER_DAY);
    if (days < DAILY_UP_TO) return days;
    if (days < WEEKLY_UP_TO) return DAILY_UP_TO + (days - DAILY_UP_TO) / 7 * 7;
    return WEEKLY_UP_TO + (days - WEEKLY_UP_TO) / 28 * 28;
  }

  /** The width in days of the bucket whose lower end is {@code bucket}. */
  static long width(long bucket) {
    return bucket < DAILY_UP_TO ? 1 : bucket < WEEKLY_UP_TO ? 7 : 28;
  }

  private static String day(FundingState s) {
    return s.getSubmittedAt() == null ? Breakdown.UNKNOWN : LocalDate.ofInstant(s.getSubmittedAt(), UK).toString();
  }

  private static BigDecimal one(boolean counted) {
    return counted ? BigDecimal.ONE : BigDecimal.ZERO;
  }

  static String escape(String key) {
    return key.replace("%", "%25").replace("|", "%7C");
  }

  static String unescape(String key) {
    return key.replace("%7C", "|").replace("%25", "%");
  }

  /** One group's figures summed from its cells, with its histogram of times to acceptance. */
  static final class Group extends Breakdown.Tally {

    /** Bucket (lower end, days) to how many times and the sum of their milliseconds. */
    private final TreeMap<Long, BigDecimal[]> times = new TreeMap<>();

    /** Adds a cell's numbers: the group's own ({@code rest} empty), a score's or a bucket's. */
    void add(String rest, List<BigDecimal> n) {
      if (rest.isEmpty()) {
        referrals += n.get(0).longValueExact();
        offered += n.get(1).longValueExact();
        accepted += n.get(2).longValueExact();
        completed += n.get(3).longValueExact();
        sessions += n.get(4).longValueExact();
        improved += n.get(5).longValueExact();
        committed = committed.add(n.get(6));
        due = due.add(n.get(7));
        released = released.add(n.get(8));
      } else if (rest.startsWith(SCORE)) {
        String[] score = BAR.split(rest.substring(SCORE.length()), 2);
        scores.computeIfAbsent(new Breakdown.ScoreKey(unescape(score[0]), unescape(score[1])), k -> new Breakdown.ScoreTally())
            .add(n.get(0).longValueExact(), n.get(1).longValueExact(), n.get(2));
      } else if (rest.startsWith(TIME)) {
        addTimes(Long.parseLong(rest.substring(TIME.length())), n.get(0), n.get(1));
      }
    }

    /** Adds another group's figures: for the total. */
    void addAll(Group other) {
      referrals += other.referrals;
      offered += other.offered;
      accepted += other.accepted;
      completed += other.completed;
      sessions += other.sessions;
      improved += other.improved;
      committed = committed.add(other.committed);
      due = due.add(other.due);
      released = released.add(other.released);
      other.scores.forEach((key, t) -> scores.computeIfAbsent(key, k -> new Breakdown.ScoreTally())
          .add(t.referrals, t.meaningful, t.improvement));
      other.times.forEach((bucket, t) -> addTimes(bucket, t[0], t[1]));
    }

    private void addTimes(long bucket, BigDecimal count, BigDecimal millis) {
      times.merge(bucket, new BigDecimal[] {count, millis},
          (a, b) -> new BigDecimal[] {a[0].add(b[0]), a[1].add(b[1])});
    }

    /** The median from the histogram: each middle time as the mean of its bucket's (see {@link BreakdownCells}). */
    @Override
    BigDecimal medianMillis() {
      long count = times.values().stream().mapToLong(t -> t[0].longValueExact()).sum();
      if (count == 0) return null;
      BigDecimal lower = nth((count - 1) / 2);
      BigDecimal upper = nth(count / 2);
      return lower.add(upper).divide(BigDecimal.valueOf(2), MathContext.DECIMAL128);
    }

    /** The time at place {@code n} (from 0) in order: its bucket's mean. */
    private BigDecimal nth(long n) {
      long passed = 0;
      for (BigDecimal[] t : times.values()) {
        passed += t[0].longValueExact();
        if (n < passed) return t[1].divide(t[0], MathContext.DECIMAL128);
      }
      throw new IllegalStateException("no time at " + n);
    }
  }
}
