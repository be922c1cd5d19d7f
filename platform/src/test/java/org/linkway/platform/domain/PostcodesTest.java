package org.linkway.platform.domain;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PostcodesTest {

  @ParameterizedTest(name = "\"{0}\" is in district {1}")
  @CsvSource({
      "NR1 3SR, NR1",
      "nr13sr, NR1",
      "SW1A 1AA, SW1A",
      "M1 1AE, M1",
      "B33 8TH, B33",
      "CR2 6XH, CR2",
      "DN55 1PT, DN55",
      "NR2 4TE, NR2",
      "nr192xx, NR19",
      "'  NR28   9JH ', NR28",
      "EC1A 1BB, EC1A",
      "Dereham,",
      "NR13,",
  })
  void givenAPostcode_whenItsDistrictIsTaken_thenItIsTheOutwardCodeOrNone(String postcode, String district) {
    assertThat(Postcodes.district(postcode)).isEqualTo(district);
  }

  @ParameterizedTest(name = "\"{0}\" is written {1}")
  @CsvSource({
      "nr13sr, NR1 3SR",
      "NR1 3SR, NR1 3SR",
      "sw1a1aa, SW1A 1AA",
      "m1 1ae, M1 1AE",
      "DN551PT, DN55 1PT",
  })
  void givenAPostcodeAsTyped_whenFormatted_thenItIsWrittenAsRoyalMailWritesIt(String typed, String formatted) {
    assertThat(Postcodes.format(typed)).isEqualTo(formatted);
  }
}
