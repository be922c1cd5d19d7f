package org.linkway.provider.directory.domain;

import java.util.Comparator;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.linkway.events.NeedCode;
import org.linkway.events.ServiceStatus;
import org.linkway.platform.domain.Codes;

/** The codes a directory listing is made of, and how each is checked; shared by the JSON API and the HSDS import. */
public final class DirectoryCodes {

  /** Provider and service ids, the keys of the directory: a lower-case UUID will do. */
  public static final Pattern ID = Pattern.compile("^[a-z0-9][a-z0-9-]{1,63}$");
  public static final String ID_RULE = "2-64 lower-case letters, digits and hyphens";
  /** A postcode district (the outward code), such as NR1, NR19 or EC1A. */
  public static final Pattern DISTRICT = Pattern.compile("^[A-Z]{1,2}[0-9][A-Z0-9]?$");
  /** A full UK postcode; group 1 is the district. */
  static final Pattern POSTCODE = Pattern.compile("^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})$");
  /** Eligible ages are whole years in this range. */
  public static final int MAX_AGE = 130;

  /** NR2 before NR10: by area letters, then district number, then any suffix. */
  public static final Comparator<String> DISTRICT_ORDER = Comparator
      .comparing((String d) -> d.replaceAll("[0-9].*$", ""))
      .thenComparingInt(d -> {
        Matcher m = Pattern.compile("[0-9]+").matcher(d);
        return m.find() ? Integer.parseInt(m.group()) : 0;
      })
      .thenComparing(Comparator.naturalOrder());

  private DirectoryCodes() {}

  public static boolean isNeed(String value) {
    return Codes.named(NeedCode.class, value) != null;
  }

  /** ACTIVE, INACTIVE, DEFUNCT or TEMPORARILY_CLOSED exactly; null for anything else. */
  public static ServiceStatus status(String value) {
    return Codes.named(ServiceStatus.class, value);
  }

  /**
   * An HSDS {@code service.status}: active, inactive, defunct or temporarily closed, in any case and with
   * spaces, underscores or hyphens between the words; null for anything else.
   */
  public static ServiceStatus hsdsStatus(String value) {
    if (value == null) return null;
    String words = value.trim().toUpperCase(Locale.ROOT).replaceAll("[\\s_-]+", "_");
    return status(words);
  }

  /** The district of a UK postcode (NR2 4TE → NR2), or null when it is not one. */
  public static String district(String postcode) {
    if (postcode == null) return null;
    Matcher m = POSTCODE.matcher(postcode.trim().toUpperCase(Locale.ROOT).replaceAll("\\s+", " "));
    return m.matches() ? m.group(1) : null;
  }
}
