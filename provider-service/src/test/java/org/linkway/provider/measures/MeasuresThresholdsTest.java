package org.linkway.provider.measures;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.linkway.events.Instrument;

class MeasuresThresholdsTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({"SWEMWBS, 1.00", "WEMWBS, 3.00", "UCLA3, 1.00", "ONS4, 1.00"})
  void givenNoSettings_whenTheThresholdsAreRead_thenTheyAreTheDomainDefaults(Instrument instrument, String threshold) {
    BigDecimal value = Thresholds.defaults().of(instrument);

    assertThat(value).isEqualTo(new BigDecimal(threshold));
    assertThat(value.scale()).isEqualTo(2);
    assertThat(Thresholds.from(null).of(instrument)).isEqualTo(value);
    assertThat(Thresholds.from(Map.of()).of(instrument)).isEqualTo(value);
  }

  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource({
      "swemwbs, 2, SWEMWBS, 2.00",
      "linkway.measures.threshold.swemwbs, 3, SWEMWBS, 3.00",
      "wemwbs, 4.5, WEMWBS, 4.50",
      "linkway.measures.threshold.wemwbs, 5, WEMWBS, 5.00",
      "ucla3, 2, UCLA3, 2.00",
      "UCLA3, 1.25, UCLA3, 1.25",
      "ons4, 2, ONS4, 2.00",
      "Linkway.Measures.Threshold.ONS4, 1.500, ONS4, 1.50",
  })
  void givenASetting_whenTheThresholdsAreBuilt_thenItOverridesOnlyItsInstrument(
      String key, BigDecimal value, Instrument instrument, String expected) {
    Thresholds thresholds = Thresholds.from(Map.of(key, value));

    for (Instrument other : Measures.SHAPES.keySet()) {
      BigDecimal threshold = thresholds.of(other);
      assertThat(threshold.scale()).isEqualTo(2);
      assertThat(threshold).isEqualTo(other == instrument ? new BigDecimal(expected) : Thresholds.defaults().of(other));
    }
  }

  @Test
  void givenEverySetting_whenTheThresholdsAreBuilt_thenEachIsUsed() {
    Thresholds thresholds = Thresholds.from(Map.of(
        "linkway.measures.threshold.swemwbs", new BigDecimal("3"),
        "linkway.measures.threshold.wemwbs", new BigDecimal("4"),
        "linkway.measures.threshold.ucla3", new BigDecimal("2"),
        "linkway.measures.threshold.ons4", new BigDecimal("1.5")));

    assertThat(thresholds).isEqualTo(new Thresholds(
        new BigDecimal("3.00"), new BigDecimal("4.00"), new BigDecimal("2.00"), new BigDecimal("1.50")));
  }

  @Test
  void givenASettingWithNoValue_whenTheThresholdsAreBuilt_thenTheDefaultStays() {
    Map<String, BigDecimal> settings = new HashMap<>();
    settings.put("swemwbs", null);

    assertThat(Thresholds.from(settings)).isEqualTo(Thresholds.defaults());
  }

  @ParameterizedTest(name = "\"{0}\"")
  @ValueSource(strings = {"phq9", "linkway.measures.threshold.", "linkway.measures.swemwbs", "", " "})
  void givenAnUnknownSetting_whenTheThresholdsAreBuilt_thenItIsRefusedWithTheKnownNames(String key) {
    assertThatThrownBy(() -> Thresholds.from(Map.of(key, BigDecimal.ONE)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no measure threshold is called \"" + key + "\"; use swemwbs, wemwbs, ucla3 or ons4");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"0", "0.00", "-1", "-0.01"})
  void givenAThresholdThatIsNotPositive_whenTheThresholdsAreBuilt_thenItIsRefused(String value) {
    assertThatThrownBy(() -> Thresholds.from(Map.of("ucla3", new BigDecimal(value))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the ucla3 threshold must be more than 0, not " + value);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"1.005", "0.001", "2.12345"})
  void givenAThresholdWithMoreThanTwoDecimalPlaces_whenTheThresholdsAreBuilt_thenItIsRefused(String value) {
    assertThatThrownBy(() -> Thresholds.from(Map.of("swemwbs", new BigDecimal(value))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the swemwbs threshold has at most two decimal places, not " + value);
  }

  @Test
  void givenAMissingThreshold_whenTheThresholdsAreMade_thenItIsRefused() {
    assertThatThrownBy(() -> new Thresholds(BigDecimal.ONE, null, BigDecimal.ONE, BigDecimal.ONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the wemwbs threshold is required");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"SWEMWBS", "WEMWBS", "UCLA3", "ONS4"})
  void givenAnOverride_whenApplied_thenOnlyThatInstrumentChangesAndTheDefaultsStay(Instrument instrument) {
    Thresholds raised = Thresholds.defaults().with(instrument, new BigDecimal("2.5"));

    assertThat(raised.of(instrument)).isEqualTo(new BigDecimal("2.50"));
    for (Instrument other : Measures.SHAPES.keySet()) {
      if (other != instrument) assertThat(raised.of(other)).isEqualTo(Thresholds.defaults().of(other));
    }
    assertThat(Thresholds.defaults().of(instrument)).isNotEqualTo(new BigDecimal("2.50"));
  }

  @Test
  void givenTheUnknownInstrument_whenItsThresholdIsAskedForOrSet_thenItIsRefused() {
    assertThatThrownBy(() -> Thresholds.defaults().of(Instrument.UNKNOWN))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("UNKNOWN has no threshold");
    assertThatThrownBy(() -> Thresholds.defaults().with(Instrument.UNKNOWN, BigDecimal.ONE))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("UNKNOWN has no threshold");
  }
}
