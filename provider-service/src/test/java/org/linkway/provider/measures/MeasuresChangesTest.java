package org.linkway.provider.measures;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.linkway.events.Instrument;
import org.linkway.events.Measure;
import org.linkway.events.MeasureChange;
import org.linkway.events.MeasureStage;
import org.linkway.provider.measures.Measures.Answers;
import org.linkway.provider.measures.Measures.ByStage;

class MeasuresChangesTest {

  private static final Thresholds DEFAULTS = Thresholds.defaults();

  private static List<Integer> items(String answers) {
    return Arrays.stream(answers.split(",")).map(String::trim).map(Integer::valueOf).toList();
  }

  private static Measure measure(String instrument, String stage, String answers) {
    return Measures.score(new Answers(instrument, stage, items(answers)));
  }

  private static Measure baseline(String instrument, String answers) {
    return measure(instrument, "BASELINE", answers);
  }

  private static Measure followUp(String instrument, String answers) {
    return measure(instrument, "FOLLOW_UP", answers);
  }

  private static void assertCompared(MeasureChange change, String baseline, String followUp, String improvement) {
    assertThat(change.getBaseline()).isEqualTo(new BigDecimal(baseline));
    assertThat(change.getFollowUp()).isEqualTo(new BigDecimal(followUp));
    assertThat(change.getImprovement()).isEqualTo(new BigDecimal(improvement));
  }

  private static void assertTwoPlaces(MeasureChange change) {
    assertThat(change.getBaseline().scale()).isEqualTo(2);
    assertThat(change.getFollowUp().scale()).isEqualTo(2);
    assertThat(change.getImprovement().scale()).isEqualTo(2);
  }

  // ---- one change per instrument, signed so that positive is better -------------------------

  @ParameterizedTest(name = "{0} {1} -> {2}: {4} -> {5}, improvement {6}")
  @CsvSource(delimiter = '|', value = {
      // SWEMWBS compares the Warwick metric score: raw 14 = 15.32, raw 21 = 19.25, raw 16 = 16.36
      "SWEMWBS | 2,2,2,2,2,2,2 | 3,3,3,3,3,3,3 | metric | 15.32 | 19.25 | 3.93  | true",
      "SWEMWBS | 3,3,3,3,3,3,3 | 2,2,2,2,2,2,2 | metric | 19.25 | 15.32 | -3.93 | false",
      "SWEMWBS | 2,2,2,2,2,2,2 | 2,2,2,2,2,3,3 | metric | 15.32 | 16.36 | 1.04  | true",
      "SWEMWBS | 3,3,3,3,3,3,3 | 3,3,3,3,3,3,3 | metric | 19.25 | 19.25 | 0.00  | false",
      "SWEMWBS | 1,1,1,1,1,1,1 | 5,5,5,5,5,5,5 | metric | 7.00  | 35.00 | 28.00 | true",
      // WEMWBS compares the total, higher is better
      "WEMWBS  | 3,3,3,3,3,3,3,3,3,3,3,3,3,3 | 3,3,3,3,3,3,3,3,3,3,3,4,4,4 | total | 42.00 | 45.00 | 3.00   | true",
      "WEMWBS  | 3,3,3,3,3,3,3,3,3,3,3,3,3,3 | 3,3,3,3,3,3,3,3,3,3,3,3,2,2 | total | 42.00 | 40.00 | -2.00  | false",
      "WEMWBS  | 1,1,1,1,1,1,1,1,1,1,1,1,1,1 | 5,5,5,5,5,5,5,5,5,5,5,5,5,5 | total | 14.00 | 70.00 | 56.00  | true",
      "WEMWBS  | 5,5,5,5,5,5,5,5,5,5,5,5,5,5 | 1,1,1,1,1,1,1,1,1,1,1,1,1,1 | total | 70.00 | 14.00 | -56.00 | false",
      // UCLA-3 compares the total, lower is better: the improvement is baseline - follow-up
      "UCLA3   | 3,3,3 | 1,2,1 | total | 9.00 | 4.00 | 5.00  | true",
      "UCLA3   | 2,2,2 | 2,2,1 | total | 6.00 | 5.00 | 1.00  | true",
      "UCLA3   | 1,1,1 | 2,2,2 | total | 3.00 | 6.00 | -3.00 | false",
      "UCLA3   | 2,1,2 | 2,1,2 | total | 5.00 | 5.00 | 0.00  | false",
  })
  void givenAnInstrumentAtBothStages_whenChangesAreWorkedOut_thenItsScoreMovesWithPositiveAlwaysBetter(
      Instrument instrument, String before, String after, String score, BigDecimal baseline, BigDecimal followUp,
      BigDecimal improvement, boolean meaningful) {
    List<MeasureChange> changes = Measures.changes(
        List.of(baseline(instrument.name(), before)), List.of(followUp(instrument.name(), after)), DEFAULTS);

    assertThat(changes).containsExactly(new MeasureChange(instrument, score, baseline, followUp, improvement, meaningful));
    assertTwoPlaces(changes.get(0));
  }

  @Test
  void givenOns4AtBothStages_whenChangesAreWorkedOut_thenEachItemIsItsOwnChangeAndAFallInAnxietyIsBetter() {
    List<MeasureChange> changes = Measures.changes(
        List.of(baseline("ONS4", "3, 4, 5, 8")), List.of(followUp("ONS4", "6, 4, 7, 2")), DEFAULTS);

    assertThat(changes).extracting(MeasureChange::getInstrument, MeasureChange::getScore, MeasureChange::getBaseline,
        MeasureChange::getFollowUp, MeasureChange::getImprovement, MeasureChange::getMeaningful).containsExactly(
            tuple(Instrument.ONS4, "lifeSatisfaction", new BigDecimal("3.00"), new BigDecimal("6.00"), new BigDecimal("3.00"), true),
            tuple(Instrument.ONS4, "worthwhile", new BigDecimal("4.00"), new BigDecimal("4.00"), new BigDecimal("0.00"), false),
            tuple(Instrument.ONS4, "happy", new BigDecimal("5.00"), new BigDecimal("7.00"), new BigDecimal("2.00"), true),
            tuple(Instrument.ONS4, "anxiety", new BigDecimal("8.00"), new BigDecimal("2.00"), new BigDecimal("6.00"), true));
    changes.forEach(MeasuresChangesTest::assertTwoPlaces);
  }

  @ParameterizedTest(name = "{0} {1} -> {2}: improvement {3}")
  @CsvSource({
      "lifeSatisfaction, 2, 9, 7.00, true",
      "lifeSatisfaction, 9, 2, -7.00, false",
      "worthwhile, 0, 10, 10.00, true",
      "worthwhile, 10, 0, -10.00, false",
      "happy, 5, 6, 1.00, true",
      "happy, 6, 5, -1.00, false",
      "anxiety, 9, 2, 7.00, true",
      "anxiety, 2, 9, -7.00, false",
      "anxiety, 6, 5, 1.00, true",
      "anxiety, 5, 6, -1.00, false",
      "anxiety, 10, 0, 10.00, true",
      "anxiety, 4, 4, 0.00, false",
  })
  void givenOneOns4ItemMoves_whenChangesAreWorkedOut_thenOnlyItsChangeMovesAndAnxietyIsSignedTheOtherWay(
      String score, int before, int after, BigDecimal improvement, boolean meaningful) {
    int item = List.of("lifeSatisfaction", "worthwhile", "happy", "anxiety").indexOf(score);
    Integer[] b = {5, 5, 5, 5};
    Integer[] f = {5, 5, 5, 5};
    b[item] = before;
    f[item] = after;

    List<MeasureChange> changes = Measures.changes(
        List.of(Measures.score(new Answers("ONS4", "BASELINE", List.of(b)))),
        List.of(Measures.score(new Answers("ONS4", "FOLLOW_UP", List.of(f)))), DEFAULTS);

    assertThat(changes).extracting(MeasureChange::getScore)
        .containsExactly("lifeSatisfaction", "worthwhile", "happy", "anxiety");
    for (MeasureChange change : changes) {
      if (change.getScore().equals(score)) {
        assertThat(change.getBaseline()).isEqualTo(BigDecimal.valueOf(before).setScale(2));
        assertThat(change.getFollowUp()).isEqualTo(BigDecimal.valueOf(after).setScale(2));
        assertThat(change.getImprovement()).isEqualTo(improvement);
        assertThat(change.getMeaningful()).isEqualTo(meaningful);
      } else {
        assertThat(change.getImprovement()).isEqualTo(new BigDecimal("0.00"));
        assertThat(change.getMeaningful()).isFalse();
      }
    }
  }

  // ---- meaningful: the improvement reaches the threshold -----------------------------------

  @ParameterizedTest(name = "{0} {4} improvement {5} against threshold {3} -> {6}")
  @CsvSource(delimiter = '|', value = {
      // SWEMWBS raw 14 (15.32) -> raw 16 (16.36): 1.04 metric points
      "SWEMWBS | 2,2,2,2,2,2,2 | 2,2,2,2,2,3,3 | 1.03 | metric | 1.04 | true",
      "SWEMWBS | 2,2,2,2,2,2,2 | 2,2,2,2,2,3,3 | 1.04 | metric | 1.04 | true",
      "SWEMWBS | 2,2,2,2,2,2,2 | 2,2,2,2,2,3,3 | 1.05 | metric | 1.04 | false",
      // SWEMWBS raw 14 -> raw 15 (15.84): 0.52, below the default 1.00
      "SWEMWBS | 2,2,2,2,2,2,2 | 2,2,2,2,2,2,3 | 1.00 | metric | 0.52 | false",
      // a contract that raises SWEMWBS to 3: raw 14 -> raw 21 is 3.93
      "SWEMWBS | 2,2,2,2,2,2,2 | 3,3,3,3,3,3,3 | 3.00 | metric | 3.93 | true",
      "SWEMWBS | 2,2,2,2,2,2,2 | 3,3,3,3,3,3,3 | 3.94 | metric | 3.93 | false",
      // WEMWBS 42 -> 45
      "WEMWBS  | 3,3,3,3,3,3,3,3,3,3,3,3,3,3 | 3,3,3,3,3,3,3,3,3,3,3,4,4,4 | 2.00 | total | 3.00 | true",
      "WEMWBS  | 3,3,3,3,3,3,3,3,3,3,3,3,3,3 | 3,3,3,3,3,3,3,3,3,3,3,4,4,4 | 3.00 | total | 3.00 | true",
      "WEMWBS  | 3,3,3,3,3,3,3,3,3,3,3,3,3,3 | 3,3,3,3,3,3,3,3,3,3,3,4,4,4 | 3.01 | total | 3.00 | false",
      // UCLA-3 6 -> 5 is an improvement of 1
      "UCLA3   | 2,2,2 | 2,2,1 | 0.50 | total | 1.00 | true",
      "UCLA3   | 2,2,2 | 2,2,1 | 1.00 | total | 1.00 | true",
      "UCLA3   | 2,2,2 | 2,2,1 | 1.01 | total | 1.00 | false",
      // UCLA-3 5 -> 6 is worse, never meaningful
      "UCLA3   | 2,2,1 | 2,2,2 | 0.01 | total | -1.00 | false",
  })
  void givenAThreshold_whenChangesAreWorkedOut_thenTheChangeIsMeaningfulWhenItReachesIt(
      Instrument instrument, String before, String after, BigDecimal threshold, String score, BigDecimal improvement,
      boolean meaningful) {
    Thresholds thresholds = DEFAULTS.with(instrument, threshold);

    List<MeasureChange> changes = Measures.changes(
        List.of(baseline(instrument.name(), before)), List.of(followUp(instrument.name(), after)), thresholds);

    assertThat(changes).singleElement().satisfies(change -> {
      assertThat(change.getScore()).isEqualTo(score);
      assertThat(change.getImprovement()).isEqualTo(improvement);
      assertThat(change.getMeaningful()).isEqualTo(meaningful);
    });
  }

  @ParameterizedTest(name = "ONS4 {0} -> {1} against threshold {2}")
  @CsvSource({
      // life satisfaction, worthwhile, happy up by 1; anxiety down by 1
      "'5,5,5,5', '6,6,6,4', 0.50, true",
      "'5,5,5,5', '6,6,6,4', 1.00, true",
      "'5,5,5,5', '6,6,6,4', 1.50, false",
      // every item worse by 1 (anxiety up)
      "'5,5,5,5', '4,4,4,6', 0.01, false",
  })
  void givenAnOns4Threshold_whenChangesAreWorkedOut_thenItAppliesToEachItem(
      String before, String after, BigDecimal threshold, boolean meaningful) {
    List<MeasureChange> changes = Measures.changes(List.of(baseline("ONS4", before)), List.of(followUp("ONS4", after)),
        DEFAULTS.with(Instrument.ONS4, threshold));

    assertThat(changes).hasSize(4).extracting(MeasureChange::getMeaningful).containsOnly(meaningful);
  }

  @Test
  void givenTheDefaultThresholds_whenChangesAreWorkedOut_thenEachInstrumentUsesItsOwn() {
    // SWEMWBS +1.04 (>= 1.00), WEMWBS +2 (< 3), ONS4 +1 on each (>= 1), UCLA-3 -1 in total (>= 1)
    List<MeasureChange> changes = Measures.changes(
        List.of(baseline("SWEMWBS", "2,2,2,2,2,2,2"), baseline("WEMWBS", "3,3,3,3,3,3,3,3,3,3,3,3,3,3"),
            baseline("ONS4", "5,5,5,5"), baseline("UCLA3", "2,2,2")),
        List.of(followUp("SWEMWBS", "2,2,2,2,2,3,3"), followUp("WEMWBS", "3,3,3,3,3,3,3,3,3,3,3,3,4,4"),
            followUp("ONS4", "6,6,6,4"), followUp("UCLA3", "2,2,1")),
        DEFAULTS);

    assertThat(changes).extracting(MeasureChange::getInstrument, MeasureChange::getScore,
        MeasureChange::getImprovement, MeasureChange::getMeaningful).containsExactly(
            tuple(Instrument.SWEMWBS, "metric", new BigDecimal("1.04"), true),
            tuple(Instrument.WEMWBS, "total", new BigDecimal("2.00"), false),
            tuple(Instrument.ONS4, "lifeSatisfaction", new BigDecimal("1.00"), true),
            tuple(Instrument.ONS4, "worthwhile", new BigDecimal("1.00"), true),
            tuple(Instrument.ONS4, "happy", new BigDecimal("1.00"), true),
            tuple(Instrument.ONS4, "anxiety", new BigDecimal("1.00"), true),
            tuple(Instrument.UCLA3, "total", new BigDecimal("1.00"), true));
  }

  // ---- which measures are compared ---------------------------------------------------------

  @Test
  void givenInstrumentsInAnyOrder_whenChangesAreWorkedOut_thenTheyComeInInstrumentOrder() {
    List<MeasureChange> changes = Measures.changes(
        List.of(baseline("UCLA3", "2,2,2"), baseline("ONS4", "5,5,5,5"), baseline("SWEMWBS", "3,3,3,3,3,3,3")),
        List.of(followUp("SWEMWBS", "3,3,3,3,3,3,3"), followUp("UCLA3", "2,2,2"), followUp("ONS4", "5,5,5,5")),
        DEFAULTS);

    assertThat(changes).extracting(MeasureChange::getInstrument, MeasureChange::getScore).containsExactly(
        tuple(Instrument.SWEMWBS, "metric"),
        tuple(Instrument.ONS4, "lifeSatisfaction"), tuple(Instrument.ONS4, "worthwhile"),
        tuple(Instrument.ONS4, "happy"), tuple(Instrument.ONS4, "anxiety"),
        tuple(Instrument.UCLA3, "total"));
  }

  @Test
  void givenAnInstrumentAtOnlyOneStage_whenChangesAreWorkedOut_thenItHasNoChange() {
    List<MeasureChange> changes = Measures.changes(
        List.of(baseline("SWEMWBS", "3,3,3,3,3,3,3"), baseline("UCLA3", "2,2,2")),
        List.of(followUp("UCLA3", "1,1,1"), followUp("ONS4", "5,5,5,5")),
        DEFAULTS);

    assertThat(changes).extracting(MeasureChange::getInstrument).containsExactly(Instrument.UCLA3);
  }

  @Test
  void givenNoMeasures_whenChangesAreWorkedOut_thenThereAreNone() {
    assertThat(Measures.changes(List.of(), List.of(), DEFAULTS)).isEmpty();
    assertThat(Measures.changes(null, null, DEFAULTS)).isEmpty();
    assertThat(Measures.changes(List.of(baseline("UCLA3", "2,2,2")), null, DEFAULTS)).isEmpty();
    assertThat(Measures.changes(null, DEFAULTS)).isEmpty();
  }

  @Test
  void givenNoThresholds_whenChangesAreWorkedOut_thenItIsRefused() {
    assertThatThrownBy(() -> Measures.changes(List.of(), List.of(), null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void givenAnInstrumentRecordedTwiceAtAStage_whenChangesAreWorkedOut_thenTheFirstBaselineAndLastFollowUpAreCompared() {
    List<MeasureChange> changes = Measures.changes(
        List.of(baseline("UCLA3", "3,3,3"), baseline("UCLA3", "1,1,1")),
        List.of(followUp("UCLA3", "3,3,2"), followUp("UCLA3", "2,2,2")),
        DEFAULTS);

    assertThat(changes).singleElement().satisfies(change -> assertCompared(change, "9.00", "6.00", "3.00"));
  }

  @Test
  void givenMeasuresThatCannotBeScored_whenChangesAreWorkedOut_thenTheyAreLeftOutAndTheRestAreCompared() {
    List<MeasureChange> changes = Measures.changes(
        Arrays.asList(
            null,
            new Measure(Instrument.UNKNOWN, MeasureStage.BASELINE, List.of(1, 2), null, null, null),
            new Measure(Instrument.SWEMWBS, MeasureStage.BASELINE, List.of(3, 3, 3), 9, null, null),
            new Measure(Instrument.ONS4, MeasureStage.BASELINE, List.of(5, 5, 5, 11), null, null, null),
            baseline("UCLA3", "3,3,3")),
        List.of(followUp("SWEMWBS", "3,3,3,3,3,3,3"), followUp("ONS4", "5,5,5,5"), followUp("UCLA3", "1,1,1")),
        DEFAULTS);

    assertThat(changes).extracting(MeasureChange::getInstrument).containsExactly(Instrument.UCLA3);
  }

  @Test
  void givenMeasuresWhoseStoredScoresDisagreeWithTheirAnswers_whenChangesAreWorkedOut_thenTheAnswersAreScored() {
    Measure before = new Measure(Instrument.SWEMWBS, MeasureStage.BASELINE, List.of(2, 2, 2, 2, 2, 2, 2), 35,
        new BigDecimal("35.00"), null);
    Measure after = new Measure(Instrument.SWEMWBS, MeasureStage.FOLLOW_UP, List.of(3, 3, 3, 3, 3, 3, 3), null, null, null);

    assertThat(Measures.changes(List.of(before), List.of(after), DEFAULTS)).singleElement().satisfies(change -> assertCompared(change, "15.32", "19.25", "3.93"));
  }

  @Test
  void givenMeasuresOfBothStagesInOneList_whenChangesAreWorkedOut_thenTheyAreSplitByTheirStage() {
    List<MeasureChange> changes = Measures.changes(
        List.of(followUp("WEMWBS", "4,4,4,4,4,4,4,4,4,4,4,4,4,4"), baseline("WEMWBS", "3,3,3,3,3,3,3,3,3,3,3,3,3,3")),
        DEFAULTS);

    assertThat(changes).containsExactly(new MeasureChange(Instrument.WEMWBS, "total", new BigDecimal("42.00"),
        new BigDecimal("56.00"), new BigDecimal("14.00"), true));
  }

  // ---- splitting by stage -------------------------------------------------------------------

  @Test
  void givenMeasuresOfBothStages_whenSplit_thenEachStageKeepsItsOrder() {
    Measure b1 = baseline("SWEMWBS", "3,3,3,3,3,3,3");
    Measure f1 = followUp("UCLA3", "1,1,1");
    Measure b2 = baseline("ONS4", "5,5,5,5");
    Measure f2 = followUp("SWEMWBS", "4,4,4,4,4,4,4");
    Measure unknown = new Measure(Instrument.UCLA3, MeasureStage.UNKNOWN, List.of(1, 1, 1), 3, null, null);

    ByStage byStage = Measures.splitByStage(Arrays.asList(b1, f1, null, unknown, b2, f2));

    assertThat(byStage.baseline()).containsExactly(b1, b2);
    assertThat(byStage.followUp()).containsExactly(f1, f2);
  }

  @Test
  void givenNoMeasures_whenSplit_thenBothStagesAreEmpty() {
    assertThat(Measures.splitByStage(null)).isEqualTo(new ByStage(List.of(), List.of()));
    assertThat(Measures.splitByStage(List.of())).isEqualTo(new ByStage(List.of(), List.of()));
  }

  @Test
  void givenMeasuresRecordedAtAcceptanceAndAtCompletion_whenSplitAndCompared_thenTheBaselineAndFollowUpAreCompared() {
    List<Measure> atAcceptance = List.of(baseline("SWEMWBS", "2,2,2,2,2,2,2"), baseline("UCLA3", "3,3,3"));
    List<Measure> atCompletion = List.of(followUp("SWEMWBS", "3,3,3,3,3,3,3"), followUp("UCLA3", "2,2,2"));

    ByStage byStage = Measures.splitByStage(
        java.util.stream.Stream.concat(atAcceptance.stream(), atCompletion.stream()).toList());
    List<MeasureChange> changes = Measures.changes(byStage.baseline(), byStage.followUp(),
        Thresholds.from(Map.of("linkway.measures.threshold.swemwbs", new BigDecimal("3"))));

    assertThat(changes).extracting(MeasureChange::getInstrument, MeasureChange::getImprovement,
        MeasureChange::getMeaningful).containsExactly(
            tuple(Instrument.SWEMWBS, new BigDecimal("3.93"), true),
            tuple(Instrument.UCLA3, new BigDecimal("3.00"), true));
  }
}
