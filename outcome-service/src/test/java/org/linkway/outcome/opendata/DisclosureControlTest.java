package org.linkway.outcome.opendata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.linkway.outcome.opendata.DisclosureControl.Count;
import org.linkway.outcome.opendata.DisclosureControl.PublishedRow;
import org.linkway.outcome.opendata.OpenDataTable.Row;

class DisclosureControlTest {

  @ParameterizedTest(name = "{0} is published as {1}")
  @CsvSource(textBlock = """
      # raw, published
         5,   5
         6,   5
         7,   5
         8,  10
         9,  10
        10,  10
        11,  10
        12,  10
        13,  15
        14,  15
        15,  15
        17,  15
        18,  20
        22,  20
        23,  25
        97,  95
        98, 100
      1002, 1000
      1003, 1005
      """)
  void givenACountOfAtLeastFive_whenControlled_thenItIsRoundedToTheNearestFive(long raw, long published) {
    Count count = DisclosureControl.control(raw);

    assertThat(count).isEqualTo(new Count(published, false));
    assertThat(count.csv()).isEqualTo(String.valueOf(published));
  }

  @ParameterizedTest(name = "{0} is suppressed")
  @CsvSource({"0", "1", "2", "3", "4"})
  void givenACountFromZeroToFour_whenControlled_thenItIsSuppressed(long raw) {
    Count count = DisclosureControl.control(raw);

    assertThat(count.value()).isNull();
    assertThat(count.suppressed()).isTrue();
    assertThat(count.csv()).isEqualTo("*");
  }

  @Test
  void givenANegativeCount_whenControlled_thenItIsRefused() {
    assertThatThrownBy(() -> DisclosureControl.control(-1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void givenARawRow_whenPublished_thenEveryCountIsControlledAndTheDimensionsAreKept() {
    Row row = new Row("QMM", "wensum-walkers", "LONELINESS", "2026-11", 13, 8, 4, 1, 0, 2, 0, 7);

    PublishedRow published = DisclosureControl.publish(row);

    Count suppressed = new Count(null, true);
    assertThat(published).isEqualTo(new PublishedRow("QMM", "wensum-walkers", "LONELINESS", "2026-11",
        new Count(15L, false), new Count(10L, false), suppressed, suppressed, suppressed, suppressed,
        suppressed, new Count(5L, false)));
  }
}
