package org.linkway.platform.domain;

import java.util.Comparator;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The UK postcode rule, one for every service: what a postcode is as a person types it, its district
 * (the outward code, which routing and the directory match on), how Royal Mail writes it, and the
 * order districts are listed in.
 */
public final class Postcodes {

  /** A postcode district (the outward code), such as NR1, NR19 or EC1A. */
  public static final Pattern DISTRICT = Pattern.compile("^[A-Z]{1,2}[0-9][A-Z0-9]?$");

  /** NR2 before NR10: by area letters, then district number, then any suffix. */
  public static final Comparator<String> DISTRICT_ORDER = Comparator
      .comparing((String d) -> d.replaceAll("[0-9].*$", ""))
      .thenComparingInt(d -> {
        Matcher m = Pattern.compile("[0-9]+").matcher(d);
        return m.find() ? Integer.parseInt(m.group()) : 0;
      })
      .thenComparing(Comparator.naturalOrder());

  /** A full UK postcode, outward code (area, district) and inward code (sector, unit); group 1 is the district. */
  private static final Pattern POSTCODE = Pattern.compile("^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})$");

  private Postcodes() {}

  /**
   * Whether a person typed a UK postcode: any case, one space or none before the inward code, and
   * spaces around it; not tabs, line breaks or several spaces inside.
   */
  public static boolean isPostcode(String typed) {
    return typed != null && POSTCODE.matcher(stripSpaces(typed).toUpperCase(Locale.ROOT)).matches();
  }

  /** The district of a UK postcode (NR2 4TE → NR2), or null when it is not one. */
  public static String district(String postcode) {
    Matcher m = parts(postcode);
    return m == null ? null : m.group(1);
  }

  /** The postcode as Royal Mail writes it (nr13sr → NR1 3SR), or null when it is not one. */
  public static String format(String postcode) {
    Matcher m = parts(postcode);
    return m == null ? null : m.group(1) + " " + m.group(2);
  }

  private static Matcher parts(String postcode) {
    if (postcode == null) return null;
    Matcher m = POSTCODE.matcher(postcode.trim().toUpperCase(Locale.ROOT).replaceAll("\\s+", " "));
    return m.matches() ? m : null;
  }

  /** Leading and trailing spaces, as people type them; not tabs, line breaks or anything else. */
  private static String stripSpaces(String value) {
    int start = 0;
    int end = value.length();
    while (start < end && value.charAt(start) == ' ') start++;
    while (end > start && value.charAt(end - 1) == ' ') end--;
    return value.substring(start, end);
  }
}
