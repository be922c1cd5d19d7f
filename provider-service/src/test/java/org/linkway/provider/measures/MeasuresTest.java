package org.linkway.provider.measures;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.tuple;

import java.math.BigDecimal;
import java.util.ArrayList;
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
import org.linkway.platform.web.ProblemException.FieldProblem;
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
        Arguments.of("SWEMWBS", List.of(3, 3, 3, 6, 3, 3, 3), "SWEMWBS item 4 must be between 1 and 5, not 6"),
        Arguments.of("SWEMWBS", List.of(3, 3, 3, 0, 3, 3, 3), "SWEMWBS item 4 must be between 1 and 5, not 0"),
        Arguments.of("SWEMWBS", List.of(3, 3, 3, 9, 3, 3, 3), "SWEMWBS item 4 must be between 1 and 5, not 9"),
        Arguments.of("SWEMWBS", Arrays.asList(3, 3, 3, null, 3, 3, 3),
            "SWEMWBS item 4 is missing; give a number between 1 and 5"),
        Arguments.of("WEMWBS", List.of(3, 3, 3, 9, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3),
            "WEMWBS item 4 must be between 1 and 5, not 9"),
        Arguments.of("WEMWBS", List.of(3, 3, 3, 0, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3),
            "WEMWBS item 4 must be between 1 and 5, not 0"),
        Arguments.of("ONS4", List.of(5, 5, 5, 11), "ONS4 item 4 (anxiety) must be between 0 and 10, not 11"),
        Arguments.of("ONS4", List.of(5, 5, 5, -1), "ONS4 item 4 (anxiety) must be between 0 and 10, not -1"),
        Arguments.of("ONS4", Arrays.asList(5, 5, 5, null), "ONS4 item 4 (anxiety) is missing; give a number between 0 and 10"));
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
        new FieldProblem("measures[0].answers[0]", "UCLA3 item 1 must be between 1 and 3, not 0"),
        new FieldProblem("measures[0].answers[2]", "UCLA3 item 3 must be between 1 and 3, not 4"));
  }

  @ParameterizedTest(name = "{0} with {1} answers")
  @CsvSource(delimiter = '|', value = {
      "SWEMWBS | 6  | SWEMWBS has 7 items; 6 given",
      "SWEMWBS | 8  | SWEMWBS has 7 items; 8 given",
      "WEMWBS  | 7  | WEMWBS has 14 items; 7 given",
      "WEMWBS  | 15 | WEMWBS has 14 items; 15 given",
      "ONS4    | 3  | ONS4 has 4 items (life satisfaction, worthwhile, happy, anxiety); 3 given",
      "ONS4    | 5  | ONS4 has 4 items (life satisfaction, worthwhile, happy, anxiety); 5 given",
      "UCLA3   | 4  | UCLA3 has 3 items; 4 given",
      "UCLA3   | 0  | UCLA3 has 3 items; 0 given",
  })
  void givenTheWrongNumberOfAnswers_whenValidated_thenTheAnswersAreNamedWithTheItemCount(
      String instrument, int given, String reason) {
    List<FieldProblem> problems = Measures.validate(
        List.of(new Answers(instrument, "BASELINE", Collections.nCopies(given, 1))));

    assertThat(problems).containsExactly(new FieldProblem("measures[0].answers", reason));
  }

  @Test
  void givenNoAnswers_whenValidated_thenTheAnswersAreNamed() {
    assertThat(Measures.validate(List.of(new Answers("ONS4", "BASELINE", null)))).containsExactly(new FieldProblem(
        "measures[0].answers", "ONS4 has 4 items (life satisfaction, worthwhile, happy, anxiety); none given"));
  }

  @ParameterizedTest(name = "instrument \"{0}\"")
  @ValueSource(strings = {"PHQ9", "swemwbs", "UNKNOWN", ""})
  void givenAnUnknownInstrument_whenValidated_thenTheInstrumentIsNamedWithTheKnownOnes(String instrument) {
    List<FieldProblem> problems = Measures.validate(List.of(new Answers(instrument, "BASELINE", List.of(1, 2, 3))));

    assertThat(problems).containsExactly(new FieldProblem("measures[0].instrument",
        "\"" + instrument + "\" is not a known instrument; use one of ONS4, SWEMWBS, UCLA3, WEMWBS"));
  }

  @Test
  void givenNoInstrument_whenValidated_thenTheInstrumentIsNamed() {
    assertThat(Measures.validate(List.of(new Answers(null, "BASELINE", List.of(1, 2, 3)))))
        .containsExactly(new FieldProblem("measures[0].instrument", "is required: one of ONS4, SWEMWBS, UCLA3, WEMWBS"));
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

  // ---- ONS4 items and bands -------------------------------------------------------------------

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @CsvSource({
      "LIFE_SATISFACTION, 0, LOW", "LIFE_SATISFACTION, 4, LOW", "LIFE_SATISFACTION, 5, MEDIUM",
      "LIFE_SATISFACTION, 6, MEDIUM", "LIFE_SATISFACTION, 7, HIGH", "LIFE_SATISFACTION, 8, HIGH",
      "LIFE_SATISFACTION, 9, VERY_HIGH", "LIFE_SATISFACTION, 10, VERY_HIGH",
      "WORTHWHILE, 0, LOW", "WORTHWHILE, 4, LOW", "WORTHWHILE, 5, MEDIUM", "WORTHWHILE, 6, MEDIUM",
      "WORTHWHILE, 7, HIGH", "WORTHWHILE, 8, HIGH", "WORTHWHILE, 9, VERY_HIGH", "WORTHWHILE, 10, VERY_HIGH",
      "HAPPY, 0, LOW", "HAPPY, 4, LOW", "HAPPY, 5, MEDIUM", "HAPPY, 6, MEDIUM",
      "HAPPY, 7, HIGH", "HAPPY, 8, HIGH", "HAPPY, 9, VERY_HIGH", "HAPPY, 10, VERY_HIGH",
      "ANXIETY, 0, VERY_LOW", "ANXIETY, 1, VERY_LOW", "ANXIETY, 2, LOW", "ANXIETY, 3, LOW",
      "ANXIETY, 4, MEDIUM", "ANXIETY, 5, MEDIUM", "ANXIETY, 6, HIGH", "ANXIETY, 10, HIGH",
  })
  void givenAnOns4AnswerAtABandBoundary_whenBanded_thenItIsInTheOnsBand(Ons4Item item, int score, Ons4Band band) {
    assertThat(Measures.ons4Band(item, score)).isEqualTo(band);
  }

  @Test
  void givenEveryOns4Answer_whenBanded_thenTheBandsNeverGoDownAsTheAnswerRises() {
    for (Ons4Item item : Ons4Item.values()) {
      for (int score = 1; score <= 10; score++) {
        assertThat(Measures.ons4Band(item, score)).isGreaterThanOrEqualTo(Measures.ons4Band(item, score - 1));
      }
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"LIFE_SATISFACTION, -1", "LIFE_SATISFACTION, 11", "ANXIETY, -1", "ANXIETY, 11"})
  void givenAnOns4AnswerOutsideZeroToTen_whenBanded_thenItIsRefused(Ons4Item item, int score) {
    assertThatThrownBy(() -> Measures.ons4Band(item, score))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ONS4 " + item.label() + " is 0..10, not " + score);
  }

  @Test
  void givenAnOns4Measure_whenBanded_thenEachItemHasItsBand() {
    Measure measure = Measures.score(new Answers("ONS4", "BASELINE", List.of(4, 9, 6, 6)));

    assertThat(Measures.ons4Bands(measure)).containsExactly(
        entry(Ons4Item.LIFE_SATISFACTION, Ons4Band.LOW),
        entry(Ons4Item.WORTHWHILE, Ons4Band.VERY_HIGH),
        entry(Ons4Item.HAPPY, Ons4Band.MEDIUM),
        entry(Ons4Item.ANXIETY, Ons4Band.HIGH));
  }

  @Test
  void givenAMeasureThatIsNotOns4_whenBanded_thenItIsRefused() {
    Measure measure = Measures.score(new Answers("UCLA3", "BASELINE", List.of(1, 2, 3)));

    assertThatThrownBy(() -> Measures.ons4Bands(measure))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ONS4 bands need an ONS4 measure with 4 answers, not UCLA3 with 3");
  }

  @ParameterizedTest(name = "answer {0} is {1}")
  @CsvSource({
      "0, LIFE_SATISFACTION, life satisfaction, lifeSatisfaction, true",
      "1, WORTHWHILE, worthwhile, worthwhile, true",
      "2, HAPPY, happy, happy, true",
      "3, ANXIETY, anxiety, anxiety, false",
  })
  void givenAnOns4AnswerPosition_whenItsItemIsLookedUp_thenItIsInTheOnsOrder(
      int index, Ons4Item item, String label, String score, boolean higherIsBetter) {
    assertThat(Ons4Item.at(index)).isEqualTo(item);
    assertThat(item.label()).isEqualTo(label);
    assertThat(item.score()).isEqualTo(score);
    assertThat(item.higherIsBetter()).isEqualTo(higherIsBetter);
  }

  @ParameterizedTest(name = "position {0}")
  @ValueSource(ints = {-1, 4})
  void givenAPositionOutsideOns4_whenItsItemIsLookedUp_thenItIsRefused(int index) {
    assertThatThrownBy(() -> Ons4Item.at(index)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not " + index);
  }

  // ---- WEMWBS and UCLA-3 totals, the UCLA-3 direct question ---------------------------------

  @ParameterizedTest(name = "WEMWBS {0} -> {1}")
  @CsvSource({
      "'1,1,1,1,1,1,1,1,1,1,1,1,1,1', 14",
      "'5,5,5,5,5,5,5,5,5,5,5,5,5,5', 70",
      "'3,3,3,3,3,3,3,3,3,3,3,3,3,3', 42",
      "'1,2,3,4,5,1,2,3,4,5,1,2,3,4', 40",
      "'5,4,5,4,5,4,5,4,5,4,5,4,5,4', 63",
  })
  void givenWemwbsAnswers_whenScored_thenTheTotalIsFourteenToSeventy(String answers, int total) {
    List<Integer> items = Arrays.stream(answers.split(",")).map(Integer::valueOf).toList();

    Measure measure = Measures.score(new Answers("WEMWBS", "FOLLOW_UP", items));

    assertThat(measure.getInstrument()).isEqualTo(Instrument.WEMWBS);
    assertThat(measure.getAnswers()).isEqualTo(items);
    assertThat(measure.getRawTotal()).isEqualTo(total).isBetween(14, 70);
    assertThat(measure.getMetricScore()).isNull();
    assertThat(measure.getDirectAnswer()).isNull();
  }

  @ParameterizedTest(name = "UCLA3 {0} and direct answer {1} -> total {2}")
  @CsvSource({
      "'1,1,1', 5, 3",
      "'1,2,1', 4, 4",
      "'2,2,2', 3, 6",
      "'3,2,3', 2, 8",
      "'3,3,3', 1, 9",
  })
  void givenUcla3AnswersWithTheDirectQuestion_whenScored_thenTheTotalAndTheDirectAnswerAreStored(
      String answers, int directAnswer, int total) {
    List<Integer> items = Arrays.stream(answers.split(",")).map(Integer::valueOf).toList();
    Answers given = new Answers("UCLA3", "BASELINE", items, directAnswer);

    assertThat(Measures.validate(List.of(given))).isEmpty();
    Measure measure = Measures.score(given);

    assertThat(measure.getAnswers()).isEqualTo(items);
    assertThat(measure.getRawTotal()).isEqualTo(total);
    assertThat(measure.getDirectAnswer()).isEqualTo(directAnswer);
    assertThat(measure.getMetricScore()).isNull();
  }

  @Test
  void givenUcla3AnswersWithoutTheDirectQuestion_whenScored_thenTheDirectAnswerIsLeftEmpty() {
    Measure measure = Measures.score(new Answers("UCLA3", "BASELINE", List.of(2, 2, 1)));

    assertThat(measure.getRawTotal()).isEqualTo(5);
    assertThat(measure.getDirectAnswer()).isNull();
  }

  @Test
  void givenTheThreeArgumentAnswers_whenCompared_thenTheyHaveNoDirectAnswer() {
    assertThat(new Answers("UCLA3", "BASELINE", List.of(1, 2, 3)))
        .isEqualTo(new Answers("UCLA3", "BASELINE", List.of(1, 2, 3), null))
        .extracting(Answers::directAnswer).isNull();
  }

  @ParameterizedTest(name = "direct answer {0}")
  @ValueSource(ints = {Integer.MIN_VALUE, -1, 0, 6, 7, Integer.MAX_VALUE})
  void givenAUcla3DirectAnswerOutsideOneToFive_whenValidated_thenTheDirectAnswerIsNamedWithItsScale(int directAnswer) {
    List<FieldProblem> problems = Measures.validate(List.of(
        new Answers("SWEMWBS", "BASELINE", List.of(3, 3, 3, 3, 3, 3, 3)),
        new Answers("UCLA3", "BASELINE", List.of(1, 2, 3), directAnswer)));

    assertThat(problems).containsExactly(new FieldProblem("measures[1].directAnswer",
        "UCLA3 direct question \"How often do you feel lonely?\" must be between 1 (often/always) and 5 (never), not "
            + directAnswer));
  }

  @ParameterizedTest(name = "direct answer {0}")
  @ValueSource(ints = {1, 2, 3, 4, 5})
  void givenAUcla3DirectAnswerFromOneToFive_whenValidated_thenThereAreNoProblems(int directAnswer) {
    assertThat(Measures.validate(List.of(new Answers("UCLA3", "FOLLOW_UP", List.of(1, 1, 1), directAnswer)))).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("measuresOtherThanUcla3")
  void givenADirectAnswerOnAnotherInstrument_whenValidated_thenTheDirectAnswerIsRefused(
      String instrument, List<Integer> answers) {
    List<FieldProblem> problems = Measures.validate(List.of(new Answers(instrument, "BASELINE", answers, 3)));

    assertThat(problems).containsExactly(new FieldProblem("measures[0].directAnswer",
        "only UCLA3 has the direct question \"How often do you feel lonely?\"; leave it out of " + instrument));
  }

  static Stream<Arguments> measuresOtherThanUcla3() {
    return Stream.of(
        Arguments.of("SWEMWBS", Collections.nCopies(7, 3)),
        Arguments.of("WEMWBS", Collections.nCopies(14, 3)),
        Arguments.of("ONS4", List.of(5, 5, 5, 5)));
  }

  @Test
  void givenADirectAnswerOnAnUnknownInstrument_whenValidated_thenOnlyTheInstrumentIsNamed() {
    assertThat(Measures.validate(List.of(new Answers("PHQ9", "BASELINE", List.of(1), 3))))
        .extracting(FieldProblem::field).containsExactly("measures[0].instrument");
  }

  @Test
  void givenAUcla3MeasureWithAnswersAndDirectAnswerOutOfRange_whenValidated_thenBothAreNamed() {
    List<FieldProblem> problems = Measures.validate(List.of(new Answers("UCLA3", "BASELINE", List.of(1, 4, 1), 0)));

    assertThat(problems).extracting(FieldProblem::field)
        .containsExactly("measures[0].answers[1]", "measures[0].directAnswer");
  }

  // ---- one measure per instrument and stage --------------------------------------------------

  @Test
  void givenTwoMeasuresOfTheSameInstrumentAndStage_whenValidated_thenTheSecondIsRefused() {
    List<FieldProblem> problems = Measures.validate(List.of(
        new Answers("SWEMWBS", "BASELINE", Collections.nCopies(7, 3)),
        new Answers("UCLA3", "BASELINE", List.of(1, 2, 3)),
        new Answers("SWEMWBS", "BASELINE", Collections.nCopies(7, 4))));

    assertThat(problems).containsExactly(new FieldProblem("measures[2]",
        "is a second SWEMWBS BASELINE (the first is measures[0]); give each instrument once per stage"));
  }

  @Test
  void givenThreeMeasuresOfTheSameInstrumentAndStage_whenValidated_thenEachRepeatNamesTheFirst() {
    List<FieldProblem> problems = Measures.validate(List.of(
        new Answers("ONS4", "FOLLOW_UP", List.of(1, 2, 3, 4)),
        new Answers("ONS4", "FOLLOW_UP", List.of(1, 2, 3, 4)),
        new Answers("ONS4", "FOLLOW_UP", List.of(1, 2, 3, 4))));

    assertThat(problems).extracting(FieldProblem::field, FieldProblem::reason).containsExactly(
        tuple("measures[1]", "is a second ONS4 FOLLOW_UP (the first is measures[0]); give each instrument once per stage"),
        tuple("measures[2]", "is a second ONS4 FOLLOW_UP (the first is measures[0]); give each instrument once per stage"));
  }

  @Test
  void givenEveryInstrumentOnceAtEachStage_whenValidated_thenThereAreNoProblems() {
    List<Answers> measures = new ArrayList<>();
    for (String stage : List.of("BASELINE", "FOLLOW_UP")) {
      measures.add(new Answers("SWEMWBS", stage, Collections.nCopies(7, 3)));
      measures.add(new Answers("WEMWBS", stage, Collections.nCopies(14, 3)));
      measures.add(new Answers("ONS4", stage, List.of(7, 7, 7, 3)));
      measures.add(new Answers("UCLA3", stage, List.of(2, 2, 2), 3));
    }

    assertThat(Measures.validate(measures)).isEmpty();
  }

  @Test
  void givenARepeatWithAnUnknownStageOrInstrument_whenValidated_thenItIsNotCalledASecondMeasure() {
    List<FieldProblem> problems = Measures.validate(List.of(
        new Answers("UCLA3", "MIDPOINT", List.of(1, 2, 3)),
        new Answers("UCLA3", "MIDPOINT", List.of(1, 2, 3)),
        new Answers("PHQ9", "BASELINE", List.of(1)),
        new Answers("PHQ9", "BASELINE", List.of(1))));

    assertThat(problems).extracting(FieldProblem::field).containsExactly(
        "measures[0].stage", "measures[1].stage", "measures[2].instrument", "measures[3].instrument");
  }

  @Test
  void givenARepeatWithBadAnswers_whenValidated_thenBothTheRepeatAndTheAnswerAreNamed() {
    List<FieldProblem> problems = Measures.validate(List.of(
        new Answers("UCLA3", "BASELINE", List.of(1, 2, 3)),
        new Answers("UCLA3", "BASELINE", List.of(1, 9, 3))));

    assertThat(problems).extracting(FieldProblem::field).containsExactly("measures[1]", "measures[1].answers[1]");
  }
}
