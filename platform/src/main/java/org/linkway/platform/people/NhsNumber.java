package org.linkway.platform.people;

/**
 * NHS number rules: 10 digits, the last a modulus-11 check digit. The one place the rule is written:
 * referral-service checks what GP systems send with it, the demo and the benchmark make valid
 * numbers with {@link #checkDigit}, the personal-data scan recognises numbers with it.
 *
 * <p>As written, an NHS number is its ten digits (0-9), with nothing else but the single spaces
 * people put between groups of them ({@code 943 476 5919}). Anything else (a sign, a hyphen, a
 * full stop, a tab or line break, a space before or after, digits of another script) is refused,
 * not cleaned away: a value with junk around the digits is not what the referrer's system meant to
 * send, and taking it as if typed cleanly would hide that.
 */
public final class NhsNumber {

  static final String REQUIRED = "is required";
  static final String NOT_AS_WRITTEN =
      "must be 10 digits (0-9) with nothing else but single spaces between them, e.g. 943 476 5919";
  static final String WRONG_CHECK_DIGIT = "is not a valid NHS number (10 digits with a modulus-11 check digit)";

  private static final int DIGITS = 10;

  private NhsNumber() {}

  /** The digits alone, for a value {@link #isValid} took: the spaces between them are removed. */
  public static String normalise(String value) {
    return value == null ? null : value.replace(" ", "");
  }

  public static boolean isValid(String value) {
    return problem(value) == null;
  }

  /** Why the value is not an NHS number, in words that do not repeat it; null when it is one. */
  public static String problem(String value) {
    if (value == null || value.isBlank()) return REQUIRED;
    if (!writtenAsDigitsAndSpaces(value)) return NOT_AS_WRITTEN;
    return checkDigitHolds(normalise(value)) ? null : WRONG_CHECK_DIGIT;
  }

  /** Ten ASCII digits, each space between two of them; nothing else at all. */
  private static boolean writtenAsDigitsAndSpaces(String value) {
    int digits = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c >= '0' && c <= '9') {
        if (++digits > DIGITS) return false;
      } else if (c != ' ' || i == 0 || i == value.length() - 1 || value.charAt(i - 1) == ' ') {
        return false;
      }
    }
    return digits == DIGITS;
  }

  private static boolean checkDigitHolds(String digits) {
    int check = checkDigit(digits.substring(0, 9));
    return check >= 0 && check == digits.charAt(9) - '0';
  }

  /**
   * The check digit of nine digits (modulus 11: weights 10 down to 2, eleven minus the remainder, 11
   * giving 0), or -1 when it would be 10: no NHS number starts with those nine digits.
   */
  public static int checkDigit(String nineDigits) {
    if (!nineDigits.matches("[0-9]{9}")) throw new IllegalArgumentException("nine digits (0-9) have a check digit");
    int sum = 0;
    for (int i = 0; i < 9; i++) {
      sum += (nineDigits.charAt(i) - '0') * (10 - i);
    }
    int check = 11 - (sum % 11);
    if (check == 11) return 0;
    return check == 10 ? -1 : check;
  }
}
