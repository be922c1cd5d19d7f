package org.linkway.platform.people;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class NhsNumberTest {

  /**
   * Each check digit was worked out by hand: weights 10..2 on the first nine digits, check = 11 - (sum mod 11).
   */
  @ParameterizedTest(name = "{0} is valid")
  @CsvSource({
      // 9*10+4*9+3*8+4*7+7*6+6*5+5*4+9*3+1*2 = 299; 299 mod 11 = 2; 11-2 = 9
      "9434765919",
      // 4*10+0+1*8+0+2*6+3*5+2*4+1*3+3*2 = 92; 92 mod 11 = 4; 11-4 = 7
      "4010232137",
      // 9*10+9*9+9*8+0+0+0+0+0+1*2 = 245; 245 mod 11 = 3; 11-3 = 8
      "9990000018",
      // 8*10+2*9+8*8+8*7+3*6+6*5+0+7*3+5*2 = 297; 297 mod 11 = 0; 11-0 = 11, written 0
      "8288360750",
  })
  void givenANumberWithTheRightCheckDigit_whenValidated_thenItIsValid(String number) {
    assertThat(NhsNumber.isValid(number)).isTrue();
  }

  @ParameterizedTest(name = "\"{0}\" is valid")
  @ValueSource(strings = {"943 476 5919", "401 023 2137", "9434 765919", "9 4 3 4 7 6 5 9 1 9"})
  void givenANumberWrittenWithSpacesBetweenItsDigits_whenValidated_thenItIsValid(String number) {
    assertThat(NhsNumber.isValid(number)).isTrue();
    assertThat(NhsNumber.problem(number)).isNull();
  }

  @Test
  void givenANumberWithSpaces_whenNormalised_thenOnlyTheDigitsRemain() {
    assertThat(NhsNumber.normalise("943 476 5919")).isEqualTo("9434765919");
    assertThat(NhsNumber.normalise(null)).isNull();
  }

  /**
   * Issue 13 point 11: a sign or other junk around or among the digits was cleaned away and the
   * number taken as if typed cleanly. Each of these has the digits of a valid number (9434765919)
   * and is refused, with the reason that says how an NHS number is written.
   */
  @ParameterizedTest(name = "\"{0}\" is refused")
  @ValueSource(strings = {"+9434765919", "-9434765919", "9434765919-", "9434765919x", "x9434765919", "94347-65919",
      "943-476-5919", "943.476.5919", "943/476/5919", "(943) 476 5919", " 9434765919", "9434765919 ", " 943 476 5919 ",
      "943  476 5919", "943\t476\t5919", "943\n476\n5919", "9434765919\n", "\t9434765919", "943\u00a0476\u00a05919",
      "943\u2009476\u20095919", "\u200b9434765919", "\ufeff9434765919", "９４３４７６５９１９", "٩٤٣٤٧٦٥٩١٩",
      "943476591\u0669", "9434765919\u0000", "NHS 9434765919"})
  void givenTheDigitsOfAValidNumberWithAnythingButSpacesBetweenThem_whenValidated_thenItIsRefusedAsNotWrittenAsANumber(
      String number) {
    assertThat(NhsNumber.isValid(number)).isFalse();
    assertThat(NhsNumber.problem(number)).isEqualTo(NhsNumber.NOT_AS_WRITTEN).doesNotContain("9434765919");
  }

  @ParameterizedTest(name = "{0} has the wrong check digit")
  @ValueSource(strings = {"9434765918", "9434765910", "4010232138", "9990000019", "8288360751", "943 476 5911"})
  void givenANumberWithTheWrongCheckDigit_whenValidated_thenItIsInvalid(String number) {
    assertThat(NhsNumber.isValid(number)).isFalse();
  }

  /** 1*10+2*9+3*8+4*7+5*6+6*5+7*4+8*3+9*2 = 210; 210 mod 11 = 1; 11-1 = 10: no check digit can make it valid. */
  @ParameterizedTest(name = "123456789{0} is invalid")
  @ValueSource(strings = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"})
  void givenNineDigitsWhoseCheckWouldBeTen_whenValidatedWithAnyLastDigit_thenItIsInvalid(String last) {
    assertThat(NhsNumber.isValid("123456789" + last)).isFalse();
  }

  @ParameterizedTest(name = "\"{0}\" is invalid")
  @ValueSource(strings = {"943476591A", "94347659I9", "943.476.5919", "+9434765919", "943/476/5919", "abcdefghij",
      "９４３４７６５９１９"})
  void givenNonDigits_whenValidated_thenItIsInvalid(String number) {
    assertThat(NhsNumber.isValid(number)).isFalse();
  }

  @ParameterizedTest(name = "\"{0}\" is invalid")
  @ValueSource(strings = {"943476591", "94347659190", "1", "943 476 591", "0094347659190"})
  void givenTheWrongNumberOfDigits_whenValidated_thenItIsInvalid(String number) {
    assertThat(NhsNumber.isValid(number)).isFalse();
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {"   ", " - "})
  void givenNothing_whenValidated_thenItIsInvalid(String number) {
    assertThat(NhsNumber.isValid(number)).isFalse();
  }

  @Test
  void givenNothing_whenValidated_thenTheReasonIsThatItIsRequired() {
    assertThat(NhsNumber.problem(null)).isEqualTo(NhsNumber.REQUIRED);
    assertThat(NhsNumber.problem(" \t ")).isEqualTo(NhsNumber.REQUIRED);
  }

  @Test
  void givenWellWrittenDigitsWithTheWrongCheckDigit_whenValidated_thenTheReasonIsTheCheckDigit() {
    assertThat(NhsNumber.problem("943 476 5918")).isEqualTo(NhsNumber.WRONG_CHECK_DIGIT);
  }

  @ParameterizedTest(name = "{0} has the check digit {1}")
  @CsvSource({"943476591, 9", "401023213, 7", "828836075, 0", "123456789, -1"})
  void givenNineDigits_whenTheirCheckDigitIsAsked_thenItIsTheOneThatMakesAValidNumberOrNoneForTen(String nine, int check) {
    assertThat(NhsNumber.checkDigit(nine)).isEqualTo(check);
    if (check >= 0) assertThat(NhsNumber.isValid(nine + check)).isTrue();
  }

  @Test
  void givenSomethingButNineDigits_whenTheirCheckDigitIsAsked_thenItIsRefused() {
    org.assertj.core.api.Assertions.assertThatIllegalArgumentException().isThrownBy(() -> NhsNumber.checkDigit("94347659"));
  }
}
