package org.linkway.platform.pages;

import java.util.Collection;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Code names as the pages say them to people: {@code MENTAL_WELLBEING} is "mental wellbeing", a list
 * of needs is "loneliness, mental wellbeing", and {@code DROPPED_OUT} at the start of a sentence is
 * "Dropped out". Wording that a service means differently (a status as a tag, a ledger entry) stays
 * with that service's pages.
 */
public final class PageWords {

  private PageWords() {}

  /** A code as people say it: {@code MENTAL_WELLBEING} is "mental wellbeing"; no code is "". */
  public static String plain(Object code) {
    return code == null ? "" : code.toString().toLowerCase(Locale.ROOT).replace('_', ' ');
  }

  /** Codes as a list people read: "loneliness, mental wellbeing". */
  public static String plainList(Collection<?> codes) {
    return codes == null ? "" : codes.stream().map(PageWords::plain).collect(Collectors.joining(", "));
  }

  /** A code at the start of a sentence or as a label: {@code DROPPED_OUT} is "Dropped out". */
  public static String sentence(Object code) {
    String words = plain(code);
    return words.isEmpty() ? words : Character.toUpperCase(words.charAt(0)) + words.substring(1);
  }
}
