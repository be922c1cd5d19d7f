package org.linkway.platform.pages;

import static org.linkway.platform.domain.SocialPrescribing.UK;

import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Dates and times as the pages show them ({@code dates} in every page's model): UK time, "22 Nov 2026 14:05". */
public final class PageDates {

  private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("d MMM yyyy HH:mm", Locale.UK).withZone(UK);
  private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("d MMM yyyy", Locale.UK).withZone(UK);
  private static final DateTimeFormatter LONG_DATE = DateTimeFormatter.ofPattern("d MMMM yyyy", Locale.UK);

  public String dateTime(Instant at) {
    return at == null ? "" : DATE_TIME.format(at);
  }

  public String date(Instant at) {
    return at == null ? "" : DATE.format(at);
  }

  public String date(LocalDate day) {
    return day == null ? "" : DATE.format(day);
  }

  /** A day written out, "1 April 2026", as the inbox and the dashboard say a birth date or a contract's dates. */
  public static String longDate(LocalDate day) {
    return LONG_DATE.format(day);
  }
}
