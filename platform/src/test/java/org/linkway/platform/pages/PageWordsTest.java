package org.linkway.platform.pages;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PageWordsTest {

  enum Need { LONELINESS, MENTAL_WELLBEING }

  @Test
  void givenCodes_whenSaid_thenInPlainWords() {
    assertThat(PageWords.plain(Need.MENTAL_WELLBEING)).isEqualTo("mental wellbeing");
    assertThat(PageWords.plain("PAYMENT_DUE")).isEqualTo("payment due");
    assertThat(PageWords.plain(null)).isEmpty();
    assertThat(PageWords.plainList(List.of(Need.LONELINESS, Need.MENTAL_WELLBEING))).isEqualTo("loneliness, mental wellbeing");
    assertThat(PageWords.plainList(List.of())).isEmpty();
    assertThat(PageWords.sentence("DROPPED_OUT")).isEqualTo("Dropped out");
    assertThat(PageWords.sentence("")).isEmpty();
  }
}
