package org.linkway.outcome.analytics;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.linkway.events.Completion;
import org.linkway.events.FundingCommitted;
import org.linkway.events.FundingReleased;
import org.linkway.events.MeasureChange;
import org.linkway.events.OutcomeReported;
import org.linkway.events.PaymentDue;
import org.linkway.outcome.ledger.domain.FundingRules;
import org.linkway.platform.domain.SocialPrescribing;
import org.linkway.state.FundingState;
import org.linkway.state.ReferralStatus;

/**
 * One commissioner's referrals broken down by a {@link Grouping}: how many were offered, accepted
 * and completed, how fast they were accepted, how the outcome measures moved, and what the money
 * bought. Pure: no Spring, no store.
 *
 * <p>Which referrals: those submitted between {@code from} and {@code to} inclusive, each a date in
 * UK time (Europe/London); either may be null (open-ended). While either is set, a referral whose
 * submission has not been seen (no submission time) is left out; with neither, it is counted (month
 * {@value #UNKNOWN}).
 *
 * <p>In each group (and in {@link #total()}, over every referral counted):
 * <ul>
 *   <li>{@code referrals}: referrals submitted.</li>
 *   <li>{@code offered}: of those, offered to a provider at least once (a provider was named, or the
 *       status is one only an offer leads to: OFFERED, ACCEPTED, COMPLETED or DECLINED). A referral
 *       cancelled before any offer, or unplaced because no service could be offered, was not.</li>
 *   <li>{@code accepted}: of those, accepted by a provider (whatever happened next).
 *       {@code acceptanceRate} = accepted / offered.</li>
 *   <li>{@code medianDaysToAcceptance}: the median time from submission to acceptance, in days
 *       (elapsed, 1 decimal), over the accepted referrals whose both times are known.</li>
 *   <li>{@code completed}: ended with the programme completed (the provider reported COMPLETED).
 *       {@code completionRate} = completed / accepted. {@code sessionsAttended}: the sessions the
 *       completed referrals attended, in all.</li>
 *   <li>{@code measures}: for each score (instrument and score) that moved between baseline and
 *       follow-up in a referral's reported outcome (whether completed or dropped out): how many
 *       referrals, the mean improvement (2 decimals, positive is better), and how many and what share
 *       improved meaningfully. {@code meaningfullyImproved}: referrals with at least one meaningful
 *       change.</li>
 *   <li>{@code committed}, {@code due}, {@code released}: the ledger's totals in GBP, exact.
 *       {@code costPerCompletion} = due / completed; {@code costPerMeaningfulImprovement} = due /
 *       meaningfullyImproved.</li>
 * </ul>
 * Rates have 3 decimals, money 2, days 1, all rounded half up; a rate or cost whose denominator is
 * 0 (or a median of nothing) is null. Groups are sorted by key, {@value #NONE} and
 * {@value #UNKNOWN} last.
 */
public record Breakdown(String commissioner, String by, LocalDate from, LocalDate to, String currency,
    List<Group> groups, Group total) {

  /** The provider or service of a referral never offered. */
  public static final String NONE = "none";
  /** The practice or month of a referral whose submission has not been seen. */
  public static final String UNKNOWN = "unknown";
  /** The key of {@link #total()}. */
  public static final String ALL = "all";
  public static final String CURRENCY = "GBP";

  static final int RATE_SCALE = 3;
  static final int MONEY_SCALE = 2;
  static final int DAYS_SCALE = 1;
  static final int IMPROVEMENT_SCALE = 2;
  private static final BigDecimal MILLIS_PER_DAY = BigDecimal.valueOf(Duration.ofDays(1).toMillis());
  private static final Set<ReferralStatus> OFFERED_ONLY_AFTER_AN_OFFER = EnumSet.of(ReferralStatus.OFFERED,
      ReferralStatus.ACCEPTED, ReferralStatus.COMPLETED, ReferralStatus.DECLINED);
  private static final Set<ReferralStatus> ACCEPTED_ONLY_AFTER_ACCEPTANCE = EnumSet.of(ReferralStatus.ACCEPTED,
      ReferralStatus.COMPLETED); // DECLINED can come before acceptance: acceptedAt tells

  /** One group's figures. */
  public record Group(String key, long referrals, long offered, long accepted, BigDecimal acceptanceRate,
      BigDecimal medianDaysToAcceptance, long completed, BigDecimal completionRate, long sessionsAttended,
      List<ScoreChange> measures, long meaningfullyImproved, BigDecimal committed, BigDecimal due,
      BigDecimal released, BigDecimal costPerCompletion, BigDecimal costPerMeaningfulImprovement) {}

  /** How one score (e.g. SWEMWBS metric, an ONS4 item) moved, over the referrals that measured it. */
  public record ScoreChange(String instrument, String score, long referrals, BigDecimal meanImprovement,
      long meaningfullyImproved, BigDecimal meaningfulShare) {}

  /** The commissioner's referrals (already only theirs) submitted from..to, broken down. */
  public static Breakdown of(String commissioner, Collection<FundingState> states, Grouping by, LocalDate from,
      LocalDate to) {
    Map<String, Tally> groups = new TreeMap<>(KEY_ORDER);
    Tally total = new Tally();
    for (FundingState s : states) {
      if (!submittedWithin(s, from, to)) continue;
      groups.computeIfAbsent(by.key(s), k -> new Tally()).add(s);
      total.add(s);
    }
    return of(commissioner, by, from, to, groups, total);
  }

  /** The breakdown of the groups' tallies (by key) and the total's. */
  static <T extends Tally> Breakdown of(String commissioner, Grouping by, LocalDate from, LocalDate to,
      Map<String, T> groups, Tally total) {
    Map<String, T> ordered = new TreeMap<>(KEY_ORDER);
    ordered.putAll(groups);
    List<Group> rows = new ArrayList<>(ordered.size());
    ordered.forEach((key, tally) -> rows.add(tally.group(key)));
    return new Breakdown(commissioner, by.param(), from, to, CURRENCY, List.copyOf(rows), total.group(ALL));
  }

  /** Submitted on a UK date within from..to, both inclusive and either open. */
  static boolean submittedWithin(FundingState s, LocalDate from, LocalDate to) {
    if (from == null && to == null) return true;
    if (s.getSubmittedAt() == null) return false;
    LocalDate on = LocalDate.ofInstant(s.getSubmittedAt(), SocialPrescribing.UK);
    return (from == null || !on.isBefore(from)) && (to == null || !on.isAfter(to));
  }

  /** Named keys in order; the placeholders for "not offered" and "not seen" last. */
  private static final Comparator<String> KEY_ORDER = Comparator
      .comparing((String k) -> k.equals(NONE) || k.equals(UNKNOWN))
      .thenComparing(Comparator.naturalOrder());

  static boolean offered(FundingState s) {
    return s.getProviderId() != null || s.getAcceptedAt() != null || OFFERED_ONLY_AFTER_AN_OFFER.contains(s.getStatus());
  }

  static boolean accepted(FundingState s) {
    return s.getAcceptedAt() != null || ACCEPTED_ONLY_AFTER_ACCEPTANCE.contains(s.getStatus());
  }

  static boolean completed(FundingState s) {
    return s.getStatus() == ReferralStatus.COMPLETED
        && Grouping.lastOutcome(s).map(o -> o.getCompletion() == Completion.COMPLETED).orElse(false);
  }

  /** The median of the values, exactly: the middle one, or the mean of the middle two. */
  static BigDecimal median(List<BigDecimal> values) {
    if (values.isEmpty()) return null;
    List<BigDecimal> sorted = values.stream().sorted().toList();
    int mid = sorted.size() / 2;
    return sorted.size() % 2 == 1 ? sorted.get(mid)
        : sorted.get(mid - 1).add(sorted.get(mid)).divide(BigDecimal.valueOf(2));
  }

  static BigDecimal rate(long numerator, long denominator) {
    return denominator == 0 ? null
        : BigDecimal.valueOf(numerator).divide(BigDecimal.valueOf(denominator), RATE_SCALE, RoundingMode.HALF_UP);
  }

  static BigDecimal perEach(BigDecimal money, long count) {
    return count == 0 ? null : money.divide(BigDecimal.valueOf(count), MONEY_SCALE, RoundingMode.HALF_UP);
  }

  private static BigDecimal money(BigDecimal amount) {
    return amount.setScale(MONEY_SCALE, RoundingMode.HALF_UP);
  }

  /**
   * The running counts of one group: from each referral's funding state ({@link #add(FundingState)}), or from the
   * counts kept of them ({@link BreakdownCells}), which give the median another way ({@link #medianMillis()}).
   */
  static class Tally {
    long referrals;
    long offered;
    long accepted;
    long completed;
    long sessions;
    long improved;
    final List<BigDecimal> millisToAcceptance = new ArrayList<>();
    final Map<ScoreKey, ScoreTally> scores = new TreeMap<>();
    BigDecimal committed = BigDecimal.ZERO;
    BigDecimal due = BigDecimal.ZERO;
    BigDecimal released = BigDecimal.ZERO;

    void add(FundingState s) {
      referrals++;
      if (offered(s)) offered++;
      if (accepted(s)) {
        accepted++;
        if (s.getSubmittedAt() != null && s.getAcceptedAt() != null) {
          millisToAcceptance.add(BigDecimal.valueOf(Duration.between(s.getSubmittedAt(), s.getAcceptedAt()).toMillis()));
        }
      }
      OutcomeReported outcome = Grouping.lastOutcome(s).orElse(null);
      if (completed(s)) {
        completed++;
        sessions += outcome.getSessionsAttended();
      }
      if (outcome != null) scores(outcome);
      committed = committed.add(FundingRules.sum(s.getLedger(), FundingCommitted.class));
      due = due.add(FundingRules.sum(s.getLedger(), PaymentDue.class));
      released = released.add(FundingRules.sum(s.getLedger(), FundingReleased.class));
    }

    /** Each score once per referral (the first reported), and whether any moved meaningfully. */
    private void scores(OutcomeReported outcome) {
      Map<ScoreKey, MeasureChange> changes = scoreChanges(outcome);
      changes.forEach((key, change) -> scores.computeIfAbsent(key, k -> new ScoreTally()).add(change));
      if (changes.values().stream().anyMatch(MeasureChange::getMeaningful)) improved++;
    }

    /** The median time from submission to acceptance, in milliseconds; null for none. */
    BigDecimal medianMillis() {
      return median(millisToAcceptance);
    }

    Group group(String key) {
      BigDecimal median = medianMillis();
      BigDecimal dueTotal = money(due);
      List<ScoreChange> measures = new ArrayList<>(scores.size());
      scores.forEach((k, t) -> measures.add(t.change(k)));
      return new Group(key, referrals, offered, accepted, rate(accepted, offered),
          median == null ? null : median.divide(MILLIS_PER_DAY, DAYS_SCALE, RoundingMode.HALF_UP),
          completed, rate(completed, accepted), sessions, List.copyOf(measures), improved,
          money(committed), dueTotal, money(released), perEach(dueTotal, completed), perEach(dueTotal, improved));
    }
  }

  /** The outcome's score changes, each score once (the first reported). */
  static Map<ScoreKey, MeasureChange> scoreChanges(OutcomeReported outcome) {
    Map<ScoreKey, MeasureChange> changes = new LinkedHashMap<>();
    for (MeasureChange c : outcome.getChanges()) {
      changes.putIfAbsent(new ScoreKey(c.getInstrument().name(), c.getScore()), c);
    }
    return changes;
  }

  record ScoreKey(String instrument, String score) implements Comparable<ScoreKey> {
    private static final Comparator<ScoreKey> ORDER = Comparator.comparing(ScoreKey::instrument)
        .thenComparing(ScoreKey::score);

    @Override
    public int compareTo(ScoreKey other) {
      return ORDER.compare(this, other);
    }
  }

  static final class ScoreTally {
    long referrals;
    long meaningful;
    BigDecimal improvement = BigDecimal.ZERO;

    void add(MeasureChange change) {
      add(1, change.getMeaningful() ? 1 : 0, change.getImprovement());
    }

    void add(long referrals, long meaningful, BigDecimal improvement) {
      this.referrals += referrals;
      this.meaningful += meaningful;
      this.improvement = this.improvement.add(improvement);
    }

    ScoreChange change(ScoreKey key) {
      return new ScoreChange(key.instrument(), key.score(), referrals,
          improvement.divide(BigDecimal.valueOf(referrals), IMPROVEMENT_SCALE, RoundingMode.HALF_UP),
          meaningful, rate(meaningful, referrals));
    }
  }
}
