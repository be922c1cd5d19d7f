package org.linkway.platform.pages;

import static org.linkway.platform.domain.SocialPrescribing.UK;

import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Every date and time the pages show, in UK time and written the one way each ({@code dates} in every
 * page's model): a moment in a table "22 Nov 2026 14:05", a day in a table "22 Nov 2026", a day in a
 * sentence "22 November 2026", a moment in a sentence "22 November 2026 at 2:05pm", a month
 * "November 2026".
 */
public final class PageDates {

  private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("d MMM yyyy HH:mm", Locale.UK).withZone(UK);
  private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("d MMM yyyy", Locale.UK).withZone(UK);
  private static final DateTimeFormatter LONG_DATE = DateTimeFormatter.ofPattern("d MMMM yyyy", Locale.UK);
  private static final DateTimeFormatter LONG_DATE_TIME =
      DateTimeFormatter.ofPattern("d MMMM yyyy 'at' h:mma", Locale.UK).withZone(UK);
  private static final DateTimeFormatter MONTH = DateTimeFormatter.ofPattern("MMMM yyyy", Locale.UK);

  /** "22 Nov 2026 14:05"; empty for none. */
  public String dateTime(Instant at) {
    return at == null ? "" : DATE_TIME.format(at);
  }

  /** "22 Nov 2026"; empty for none. */
  public String date(Instant at) {
    return at == null ? "" : DATE.format(at);
  }

  /** "22 Nov 2026"; empty for none. */
  public String date(LocalDate day) {
    return day == null ? "" : DATE.format(day);
  }

  /** A day written out, "1 April 2026", as the inbox and the dashboard say a birth date or a contract's dates. */
  public static String longDate(LocalDate day) {
    return LONG_DATE.format(day);
  }

  /** A moment written out for a sentence, "1 April 2026 at 2:05pm", as the inbox says when an answer is due. */
  public static String longDateTime(Instant at) {
    return LONG_DATE_TIME.format(at).replace("AM", "am").replace("PM", "pm");
  }

  /** A moment in a table or a list, "1 Apr 2026 14:05", for code that has no page model at hand. */
  public static String shortDateTime(Instant at) {
    return DATE_TIME.format(at);
  }

  /** "April 2026". */
  public static String month(YearMonth month) {
    return MONTH.format(month);
  }
}
