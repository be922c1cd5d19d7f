package org.linkway.platform.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link FixedWidth} writes what {@code String.format} writes, for any number and width the keys use and more. */
class FixedWidthTest {

  @Test
  void givenNumbersOfEverySize_whenWrittenWithAFixedWidth_thenTheTextIsStringFormatsAndSortsAsTheNumbers() {
    SplittableRandom random = new SplittableRandom(19);
    long[] edges = {0, 1, 9, 10, Long.MAX_VALUE, Long.MIN_VALUE, -1, -10, 1_796_585_518_420L, 9_999_999_999_999L};
    for (int width : new int[] {1, 2, 6, 13, 19, 20, 25}) {
      for (long n : edges) assertThat(FixedWidth.digits(n, width)).isEqualTo(String.format("%0" + width + "d", n));
      for (int i = 0; i < 5_000; i++) {
        long n = random.nextLong() >> random.nextInt(64);
        assertThat(FixedWidth.digits(n, width)).as("%d in %d", n, width).isEqualTo(String.format("%0" + width + "d", n));
      }
    }
    for (int i = 0; i < 5_000; i++) {
      long a = random.nextLong(Long.MAX_VALUE);
      long b = random.nextLong(Long.MAX_VALUE);
      assertThat(Integer.signum(FixedWidth.digits(a, 19).compareTo(FixedWidth.digits(b, 19))))
          .isEqualTo(Long.signum(Long.compare(a, b)));
    }
  }
}
