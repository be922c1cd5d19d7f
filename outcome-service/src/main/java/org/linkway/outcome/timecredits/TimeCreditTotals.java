package org.linkway.outcome.timecredits;

import java.math.BigDecimal;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.linkway.events.TimeCreditsEarned;
import org.linkway.platform.streams.StoreQueries;
import org.linkway.platform.streams.Tally;
import org.linkway.state.FundingState;

/**
 * A commissioner's Time Credits by month and provider, kept as its referrals' funding changes ({@link Tally} beside
 * the commissioner's funding view), so that a month's totals are read as that month's cells, the same after ten
 * years as after one: {@code {YYYY-MM}|{providerId}|given} holds the hours and credits given, and
 * {@code {YYYY-MM}|{providerId}|person|{personId}} how many entries each (pseudonymous) person has there, so that the
 * people are counted once each.
 */
public final class TimeCreditTotals {

  /** The totals: {@code {commissioner}|{cell}} to its numbers. */
  public static final Tally<FundingState> TALLY = new Tally<>("commissioner-time-credits", TimeCreditTotals::cells);

  private static final String GIVEN = "|given";
  private static final String PERSON = "|person|";

  /** One provider's month: hours and credits given, and how many people gave them. */
  record ProviderMonth(String providerId, YearMonth month, BigDecimal hours, BigDecimal credits, long people) {}

  private TimeCreditTotals() {}

  /** What one referral's Time Credits add to its commissioner's totals. */
  static Map<String, List<BigDecimal>> cells(FundingState s) {
    Map<String, List<BigDecimal>> cells = new LinkedHashMap<>();
    for (TimeCreditsEarned t : s.getTimeCredits()) {
      String at = YearMonth.from(t.getGivenOn()) + "|" + t.getProviderId();
      cells.merge(at + GIVEN, List.of(t.getHours(), t.getCredits()),
          (a, b) -> List.of(a.get(0).add(b.get(0)), a.get(1).add(b.get(1))));
      cells.merge(at + PERSON + t.getPersonId(), List.of(BigDecimal.ONE), (a, b) -> List.of(a.get(0).add(b.get(0))));
    }
    return cells;
  }

  /** The commissioner's months from {@code from} to {@code to}, by provider, from the instance that owns it. */
  static List<ProviderMonth> of(StoreQueries stores, String commissioner, YearMonth from, YearMonth to) {
    List<ProviderMonth> months = new ArrayList<>();
    for (YearMonth month = from; !month.isAfter(to); month = month.plusMonths(1)) {
      months.addAll(inMonth(month, TALLY.of(stores, commissioner, month + "|")));
    }
    return months;
  }

  /** The providers' totals of one month, from its cells (their names after {@code {YYYY-MM}|}). */
  static List<ProviderMonth> inMonth(YearMonth month, Map<String, List<BigDecimal>> cells) {
    Map<String, List<BigDecimal>> given = new TreeMap<>();
    Map<String, Long> people = new TreeMap<>();
    cells.forEach((cell, numbers) -> {
      if (cell.endsWith(GIVEN)) given.put(cell.substring(0, cell.length() - GIVEN.length()), numbers);
      else if (cell.contains(PERSON)) people.merge(cell.substring(0, cell.indexOf(PERSON)), 1L, Long::sum);
    });
    return given.entrySet().stream().map(p -> new ProviderMonth(p.getKey(), month, pence(p.getValue().get(0)),
        pence(p.getValue().get(1)), people.getOrDefault(p.getKey(), 0L))).toList();
  }

  private static BigDecimal pence(BigDecimal amount) {
    return amount.setScale(2, java.math.RoundingMode.HALF_UP);
  }
}
