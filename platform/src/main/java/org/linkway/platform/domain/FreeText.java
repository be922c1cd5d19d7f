package org.linkway.platform.domain;

/** The one rule for free text people type into Linkway: bounded, no control characters, valid Unicode. */
public final class FreeText {

  private FreeText() {}

  /**
   * Why a text is refused, or null if it is fine: longer than {@code max} characters, a control
   * character (line breaks and tabs are allowed where {@code lines}), or an unpaired surrogate.
   */
  public static String problem(String value, int max, boolean lines) {
    if (value.length() > max) return "is longer than " + max + " characters";
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean allowed = lines && (c == '\n' || c == '\r' || c == '\t');
      if (Character.isISOControl(c) && !allowed) return "contains control characters";
      if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return "is not valid Unicode text (an unpaired surrogate)";
      }
    }
    return null;
  }
}
