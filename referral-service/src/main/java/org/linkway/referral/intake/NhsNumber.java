package org.linkway.referral.intake;

/** NHS number rules: 10 digits, the last a modulus-11 check digit. */
public final class NhsNumber {

  private NhsNumber() {}

  /** Digits only: spaces and hyphens, as people write them (943 476 5919), are removed. */
  public static String normalise(String value) {
    return value == null ? null : value.replaceAll("[\\s-]", "");
  }

  public static boolean isValid(String value) {
    String digits = normalise(value);
    if (digits == null || !digits.matches("\\d{10}")) return false;
    int sum = 0;
    for (int i = 0; i < 9; i++) {
      sum += (digits.charAt(i) - '0') * (10 - i);
    }
    int check = 11 - (sum % 11);
    if (check == 11) check = 0;
    if (check == 10) return false;
    return check == digits.charAt(9) - '0';
  }
}
