package org.linkway.platform.people;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Issue 13 point 11, at random: the digits of a valid NHS number are taken with single spaces
 * between them wherever they fall, and refused with anything else put anywhere among them or
 * around them (a sign, a letter, other whitespace, a digit of another script, a control character).
 */
class NhsNumberProperties {

  private static final String VALID = "9434765919";

  @Property(tries = 300)
  void givenValidDigitsWithSingleSpacesBetweenThemAnywhere_whenValidated_thenTaken(@ForAll("spacings") String written) {
    assertThat(NhsNumber.problem(written)).as("\"%s\"", written).isNull();
    assertThat(NhsNumber.normalise(written)).isEqualTo(VALID);
  }

  @Property(tries = 1000)
  void givenValidDigitsWithAnythingElsePutAmongOrAroundThem_whenValidated_thenRefusedAsNotWrittenAsANumber(
      @ForAll("junk") char junk, @ForAll @IntRange(min = 0, max = 10) int at) {
    String written = VALID.substring(0, at) + junk + VALID.substring(at);

    assertThat(NhsNumber.problem(written)).as("\"%s\"", written).isEqualTo(NhsNumber.NOT_AS_WRITTEN);
  }

  @Provide
  Arbitrary<String> spacings() {
    // after each of the first nine digits, a space or not
    return Arbitraries.integers().between(0, (1 << 9) - 1).map(spaces -> {
      StringBuilder written = new StringBuilder();
      for (int i = 0; i < VALID.length(); i++) {
        written.append(VALID.charAt(i));
        if (i < 9 && (spaces & (1 << i)) != 0) written.append(' ');
      }
      return written.toString();
    });
  }

  /** Any character but an ASCII digit; a space only where it is not between two digits (first or last). */
  @Provide
  Arbitrary<Character> junk() {
    Arbitrary<Character> notADigitOrSpace = Arbitraries.chars().all().filter(c -> (c < '0' || c > '9') && c != ' ');
    Arbitrary<Character> likely = Arbitraries.of('+', '-', '.', '/', '\t', '\n', '\r', '\u00a0', '\u2009', '\u200b',
        '\ufeff', '\u0000', '\u0669', '\uff19', 'x', 'O', 'l');
    return Arbitraries.oneOf(notADigitOrSpace, likely);
  }

  @Property(tries = 50)
  void givenASpaceBeforeOrAfterTheDigits_whenValidated_thenRefused(@ForAll("spacings") String written,
      @ForAll boolean before) {
    String padded = before ? " " + written : written + " ";

    assertThat(NhsNumber.problem(padded)).as("\"%s\"", padded).isEqualTo(NhsNumber.NOT_AS_WRITTEN);
  }
}
