package org.linkway.provider.directory.domain;

import java.util.Comparator;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.linkway.events.NeedCode;
import org.linkway.events.ServiceKind;
import org.linkway.events.ServiceStatus;
import org.linkway.platform.domain.Codes;

/** The codes a directory listing is made of, and how each is checked; shared by the JSON API and the HSDS import. */
public final class DirectoryCodes {

  /** Provider and service ids, the keys of the directory: a lower-case UUID will do. */
  public static final Pattern ID = Pattern.compile("^[a-z0-9][a-z0-9-]{1,63}$");
  public static final String ID_RULE = "2-64 lower-case letters, digits and hyphens";
  /** Eligible ages are whole years in this range. */
  public static final int MAX_AGE = 130;

  private DirectoryCodes() {}

  public static boolean isNeed(String value) {
    return Codes.named(NeedCode.class, value) != null;
  }

  /** ACTIVE, INACTIVE, DEFUNCT or TEMPORARILY_CLOSED exactly; null for anything else. */
  public static ServiceStatus status(String value) {
    return Codes.named(ServiceStatus.class, value);
  }

  /** COMMUNITY or LINK_WORKER exactly; null for anything else. */
  public static ServiceKind kind(String value) {
    return Codes.named(ServiceKind.class, value);
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
}
