package org.linkway.outcome.dashboard;

import java.math.BigDecimal;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.time.Instant;
import java.time.YearMonth;
import java.util.Locale;
import java.util.Map;
import org.linkway.outcome.analytics.Breakdown;
import org.linkway.platform.pages.PageDates;
import org.linkway.platform.pages.PageWords;

/** How the commissioning dashboard says things: money, dates, months, ledger entries and measures, in plain English. */
final class Words {

  private static final Map<String, String> MEASURES = Map.of(
      "SWEMWBS metric", "SWEMWBS wellbeing (metric score)",
      "WEMWBS total", "WEMWBS wellbeing (total)",
      "UCLA3 total", "UCLA-3 loneliness (a fall is better)",
      "ONS4 lifeSatisfaction", "ONS4 life satisfaction",
      "ONS4 worthwhile", "ONS4 things done are worthwhile",
      "ONS4 happy", "ONS4 happiness",
      "ONS4 anxiety", "ONS4 anxiety (a fall is better)");

  private Words() {}

  /** £1,234.50; a dash when there is no figure. */
  static String money(BigDecimal amount) {
    if (amount == null) return "–";
    DecimalFormat pounds = new DecimalFormat("£#,##0.00", DecimalFormatSymbols.getInstance(Locale.UK));
    return pounds.format(amount);
  }

  /** 3 May 2026 14:05 (UK time). */
  static String when(Instant at) {
    return at == null ? "–" : PageDates.shortDateTime(at);
  }

  /** 1 April 2026. */
  static String day(java.time.LocalDate date) {
    return date == null ? "–" : PageDates.longDate(date);
  }

  /** "April 2026" for 2026-04; "Not yet known" for a month not seen. */
  static String month(String yearMonth) {
    return Breakdown.UNKNOWN.equals(yearMonth) ? "Not yet known" : PageDates.month(YearMonth.parse(yearMonth));
  }

  /** A referral's pseudonymous id, shortened to what a person can read and compare. */
  static String referral(String referralId) {
    return referralId == null ? "–" : referralId.substring(0, Math.min(8, referralId.length()));
  }

  /** A measure's name as an analyst knows it, e.g. "SWEMWBS wellbeing (metric score)". */
  static String measure(String instrument, String score) {
    return MEASURES.getOrDefault(instrument + " " + score, instrument + " " + score);
  }

  /** A ledger entry's type (COMMITTED, PAYMENT_DUE, RELEASED) in words, with its milestone. */
  static String entry(String type, String milestone) {
    return switch (type) {
      case "COMMITTED" -> "Committed";
      case "PAYMENT_DUE" -> "Due to provider" + (milestone == null ? "" : ": " + PageWords.plain(milestone));
      default -> PageWords.sentence(type);
    };
  }

  /** The tag class (linkway.css) of a ledger entry's type. */
  static String entryTag(String type) {
    return switch (type) {
      case "COMMITTED" -> "committed";
      case "PAYMENT_DUE" -> "paid";
      default -> "released";
    };
  }
}
