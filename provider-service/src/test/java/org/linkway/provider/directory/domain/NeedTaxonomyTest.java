package org.linkway.provider.directory.domain;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.linkway.events.NeedCode;

class NeedTaxonomyTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "esdNeed:loneliness, LONELINESS", "esdNeed:social-isolation, LONELINESS", "esdServiceType:befriending, LONELINESS",
      "esdServiceType:mens-sheds, LONELINESS",
      "esdNeed:mental-health, MENTAL_WELLBEING", "esdNeed:wellbeing, MENTAL_WELLBEING",
      "esdNeed:mental-wellbeing, MENTAL_WELLBEING", "esdNeed:bereavement, MENTAL_WELLBEING",
      "esdNeed:physical-activity, PHYSICAL_ACTIVITY", "openActiveActivity:walking-football, PHYSICAL_ACTIVITY",
      "openActiveActivity:anything-at-all, PHYSICAL_ACTIVITY",
      "esdNeed:debt, MONEY_AND_DEBT", "esdNeed:money-advice, MONEY_AND_DEBT", "esdServiceType:food-bank, MONEY_AND_DEBT",
      "esdNeed:housing, HOUSING", "esdNeed:homelessness, HOUSING",
      "esdServiceType:arts, ARTS_AND_CULTURE", "esdServiceType:arts-on-prescription, ARTS_AND_CULTURE",
      "esdServiceType:choirs, ARTS_AND_CULTURE", "esdNeed:arts, ARTS_AND_CULTURE",
      "esdNeed:nature, NATURE", "esdNeed:green-space, NATURE", "esdServiceType:gardening, NATURE",
      "esdServiceType:allotments, NATURE",
  })
  void givenATermInTheTable_whenMapped_thenItMeetsItsNeed(String term, NeedCode need) {
    assertThat(NeedTaxonomy.need(term)).contains(need);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"ESDNEED:LONELINESS", "esdneed:Loneliness", " esdNeed:loneliness "})
  void givenATermInAnotherCase_whenMapped_thenItStillMeetsItsNeed(String term) {
    assertThat(NeedTaxonomy.need(term)).contains(NeedCode.LONELINESS);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"snomedCT:871731000000106", "esdNeed:carers", "esdServiceType:digital-skills", "loneliness",
      "esdNeed:lonely", "arts", ""})
  void givenATermTheTableDoesNotKnow_whenMapped_thenItMeetsNoNeed(String term) {
    assertThat(NeedTaxonomy.need(term)).isEmpty();
  }

  @Test
  void givenTheTable_whenEveryNeedIsLookedFor_thenEachNeedButUnknownHasATerm() {
    assertThat(NeedTaxonomy.knownTerms().stream().map(t -> NeedTaxonomy.need(t).orElseThrow()).distinct())
        .containsExactlyInAnyOrder(NeedCode.LONELINESS, NeedCode.MENTAL_WELLBEING, NeedCode.PHYSICAL_ACTIVITY,
            NeedCode.MONEY_AND_DEBT, NeedCode.HOUSING, NeedCode.ARTS_AND_CULTURE, NeedCode.NATURE);
  }
}
