package org.linkway.provider.measures;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.linkway.events.Instrument;
import org.linkway.events.Measure;
import org.linkway.events.MeasureStage;
import org.linkway.platform.ProblemException.FieldProblem;
import org.linkway.provider.measures.Measures.Answers;

class MeasuresTest {

  /** The Warwick SWEMWBS raw-to-metric conversion table, all 29 raw totals. */
  @ParameterizedTest(name = "raw {0} -> metric {1}")
  @CsvSource({
      "7, 7.00", "8, 9.51", "9, 11.25", "10, 12.40", "11, 13.33", "12, 14.08", "13, 14.75", "14, 15.32",
      "15, 15.84", "16, 16.36", "17, 16.88", "18, 17.43", "19, 17.98", "20, 18.59", "21, 19.25", "22, 19.98",
      "23, 20.73", "24, 21.54", "25, 22.35", "26, 23.21", "27, 24.11", "28, 25.03", "29, 26.02", "30, 27.03",
      "31, 28.13", "32, 29.31", "33, 30.70", "34, 32.55", "35, 35.00",
  })
  void givenASwemwbsRawTotal_whenConverted_thenItIsTheWarwickMetricScoreToTwoPlaces(int raw, String metric) {
    BigDecimal score = Measures.swemwbsMetric(raw);

    assertThat(score).isEqualTo(new BigDecimal(metric));
    assertThat(score.scale()).isEqualTo(2);
  }

  @ParameterizedTest(name = "raw {0}")
  @ValueSource(ints = {Integer.MIN_VALUE, 0, 6, 36, 70})
  void givenASwemwbsRawTotalOutsideSevenToThirtyFive_whenConverted_thenItIsRefused(int raw) {
    assertThatThrownBy(() -> Measures.swemwbsMetric(raw))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("7..35");
  }

  @Test
  void givenTheWholeSwemwbsRange_whenConverted_thenTheMetricScoreRisesStrictly() {
    for (int raw = 8; raw <= 35; raw++) {
      assertThat(Measures.swemwbsMetric(raw)).isGreaterThan(Measures.swemwbsMetric(raw - 1));
    }
  }

  @ParameterizedTest(name = "SWEMWBS {0} -> {1}, {2}")
  @CsvSource({
      "'2,2,3,2,2,3,2', 16, 16.36",
      "'3,4,3,4,3,4,3', 24, 21.54",
      "'1,1,1,1,1,1,1', 7, 7.00",
      "'5,5,5,5,5,5,5', 35, 35.00",
  })
  void givenSwemwbsAnswers_whenScored_thenTheRawTotalAndMetricScoreAreGiven(String answers, int total, String metric) {
    List<Integer> items = Arrays.stream(answers.split(",")).map(Integer::valueOf).toList();

    Measure measure = Measures.score(new Answers("SWEMWBS", "BASELINE", items));

    assertThat(measure.getInstrument()).isEqualTo(Instrument.SWEMWBS);
    assertThat(measure.getStage()).isEqualTo(MeasureStage.BASELINE);
    assertThat(measure.getAnswers()).isEqualTo(items);
    assertThat(measure.getRawTotal()).isEqualTo(total);
    assertThat(measure.getMetricScore()).isEqualTo(new BigDecimal(metric));
  }

  @Test
  void givenOns4Answers_whenScored_thenTheyAreNeverSummed() {
    Measure measure = Measures.score(new Answers("ONS4", "FOLLOW_UP", List.of(7, 8, 3, 6)));

    assertThat(measure.getInstrument()).isEqualTo(Instrument.ONS4);
    assertThat(measure.getStage()).isEqualTo(MeasureStage.FOLLOW_UP);
    assertThat(measure.getAnswers()).containsExactly(7, 8, 3, 6);
    assertThat(measure.getRawTotal()).isNull();
    assertThat(measure.getMetricScore()).isNull();
  }

  @Test
  void givenWemwbsAnswersToAllFourteenItems_whenScored_thenTheyAreSummedWithoutAMetricScore() {
    List<Integer> items = List.of(3, 4, 3, 2, 5, 3, 4, 3, 2, 4, 3, 3, 4, 5);

    Measure measure = Measures.score(new Answers("WEMWBS", "BASELINE", items));

    assertThat(measure.getRawTotal()).isEqualTo(48);
    assertThat(measure.getMetricScore()).isNull();
  }

  @ParameterizedTest(name = "UCLA3 {0} -> {1}")
  @CsvSource({"'1,1,1', 3", "'2,3,1', 6", "'3,3,3', 9"})
  void givenUcla3Answers_whenScored_thenTheTotalIsThreeToNine(String answers, int total) {
    List<Integer> items = Arrays.stream(answers.split(",")).map(Integer::valueOf).toList();

    Measure measure = Measures.score(new Answers("UCLA3", "FOLLOW_UP", items));

    assertThat(measure.getRawTotal()).isEqualTo(total).isBetween(3, 9);
    assertThat(measure.getMetricScore()).isNull();
  }

  @ParameterizedTest(name = "{0}: {1} items, {2}..{3}, summed {4}")
  @CsvSource({
      "SWEMWBS, 7, 1, 5, true",
      "WEMWBS, 14, 1, 5, true",
      "ONS4, 4, 0, 10, false",
      "UCLA3, 3, 1, 3, true",
  })
  void givenAnInstrument_whenItsShapeIsLookedUp_thenItHasItsItemsAndRange(
      Instrument instrument, int items, int min, int max, boolean summed) {
    assertThat(Measures.SHAPES.get(instrument)).isEqualTo(new Measures.Shape(items, min, max, summed));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("validMeasures")
  void givenAnswersInRange_whenValidated_thenThereAreNoProblems(String description, Answers answers) {
    assertThat(Measures.validate(List.of(answers))).isEmpty();
  }

  static Stream<Arguments> validMeasures() {
    return Stream.of(
        Arguments.of("SWEMWBS at the bounds", new Answers("SWEMWBS", "BASELINE", List.of(1, 5, 1, 5, 1, 5, 3))),
        Arguments.of("WEMWBS", new Answers("WEMWBS", "FOLLOW_UP", Collections.nCopies(14, 3))),
        Arguments.of("ONS4 at the bounds", new Answers("ONS4", "BASELINE", List.of(0, 10, 0, 10))),
        Arguments.of("UCLA3", new Answers("UCLA3", "FOLLOW_UP", List.of(1, 2, 3))));
  }

  @Test
  void givenNoMeasures_whenValidated_thenThereAreNoProblems() {
    assertThat(Measures.validate(null)).isEmpty();
    assertThat(Measures.validate(List.of())).isEmpty();
  }

  static Stream<Arguments> answersOutOfRange() {
    return Stream.of(
        Arguments.of("SWEMWBS", List.of(3, 3, 3, 6, 3, 3, 3), "must be between 1 and 5 for SWEMWBS"),
        Arguments.of("SWEMWBS", List.of(3, 3, 3, 0, 3, 3, 3), "must be between 1 and 5 for SWEMWBS"),
        Arguments.of("SWEMWBS", Arrays.asList(3, 3, 3, null, 3, 3, 3), "must be between 1 and 5 for SWEMWBS"),
        Arguments.of("WEMWBS", List.of(3, 3, 3, 9, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3), "must be between 1 and 5 for WEMWBS"),
        Arguments.of("ONS4", List.of(5, 5, 5, 11), "must be between 0 and 10 for ONS4"),
        Arguments.of("ONS4", List.of(5, 5, 5, -1), "must be between 0 and 10 for ONS4"));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("answersOutOfRange")
  void givenAnAnswerOutOfRangeInTheSecondMeasure_whenValidated_thenItIsNamedByPathWithTheRange(
      String instrument, List<Integer> answers, String reason) {
    Answers good = new Answers("SWEMWBS", "BASELINE", List.of(3, 3, 3, 3, 3, 3, 3));

    List<FieldProblem> problems = Measures.validate(List.of(good, new Answers(instrument, "FOLLOW_UP", answers)));

    assertThat(problems).containsExactly(new FieldProblem("measures[1].answers[3]", reason));
  }

  @Test
  void givenSeveralAnswersOutOfRange_whenValidated_thenEachIsNamed() {
    List<FieldProblem> problems = Measures.validate(List.of(new Answers("UCLA3", "BASELINE", List.of(0, 2, 4))));

    assertThat(problems).containsExactly(
        new FieldProblem("measures[0].answers[0]", "must be between 1 and 3 for UCLA3"),
        new FieldProblem("measures[0].answers[2]", "must be between 1 and 3 for UCLA3"));
  }

  @ParameterizedTest(name = "{0} with {1} answers")
  @CsvSource({
      "SWEMWBS, 6, 7",
      "SWEMWBS, 8, 7",
      "WEMWBS, 7, 14",
      "ONS4, 3, 4",
      "UCLA3, 4, 3",
      "UCLA3, 0, 3",
  })
  void givenTheWrongNumberOfAnswers_whenValidated_thenTheAnswersAreNamedWithTheItemCount(
      String instrument, int given, int items) {
    List<FieldProblem> problems = Measures.validate(
        List.of(new Answers(instrument, "BASELINE", Collections.nCopies(given, 1))));

    assertThat(problems).containsExactly(new FieldProblem("measures[0].answers",
        instrument + " has " + items + " items; give one answer for each"));
  }

  @Test
  void givenNoAnswers_whenValidated_thenTheAnswersAreNamed() {
    assertThat(Measures.validate(List.of(new Answers("ONS4", "BASELINE", null))))
        .extracting(FieldProblem::field).containsExactly("measures[0].answers");
  }

  @ParameterizedTest(name = "instrument \"{0}\"")
  @ValueSource(strings = {"PHQ9", "swemwbs", "UNKNOWN", ""})
  void givenAnUnknownInstrument_whenValidated_thenTheInstrumentIsNamedWithTheKnownOnes(String instrument) {
    List<FieldProblem> problems = Measures.validate(List.of(new Answers(instrument, "BASELINE", List.of(1, 2, 3))));

    assertThat(problems).containsExactly(new FieldProblem("measures[0].instrument",
        "is not a known instrument ([ONS4, SWEMWBS, UCLA3, WEMWBS])"));
  }

  @Test
  void givenNoInstrument_whenValidated_thenTheInstrumentIsNamed() {
    assertThat(Measures.validate(List.of(new Answers(null, "BASELINE", List.of(1, 2, 3)))))
        .extracting(FieldProblem::field).containsExactly("measures[0].instrument");
  }

  @ParameterizedTest(name = "stage {0}")
  @CsvSource(value = {"NULL", "UNKNOWN", "MIDPOINT", "baseline"}, nullValues = "NULL")
  void givenAMissingOrUnknownStage_whenValidated_thenTheStageIsNamed(String stage) {
    List<FieldProblem> problems = Measures.validate(List.of(new Answers("UCLA3", stage, List.of(1, 2, 3))));

    assertThat(problems).containsExactly(new FieldProblem("measures[0].stage", "must be BASELINE or FOLLOW_UP"));
  }

  @Test
  void givenAMissingMeasure_whenValidated_thenItIsNamed() {
    List<FieldProblem> problems = Measures.validate(Arrays.asList(
        new Answers("UCLA3", "BASELINE", List.of(1, 2, 3)), null));

    assertThat(problems).containsExactly(new FieldProblem("measures[1]", "is required"));
  }

  @Test
  void givenSeveralBadMeasures_whenValidated_thenEveryProblemIsNamedAtOnce() {
    List<FieldProblem> problems = Measures.validate(List.of(
        new Answers("SWEMWBS", null, List.of(1, 2, 3)),
        new Answers("PHQ9", "FOLLOW_UP", List.of(1)),
        new Answers("ONS4", "FOLLOW_UP", List.of(0, 10, 11, 5))));

    assertThat(problems).extracting(FieldProblem::field).containsExactly(
        "measures[0].stage", "measures[0].answers", "measures[1].instrument", "measures[2].answers[2]");
  }
}
