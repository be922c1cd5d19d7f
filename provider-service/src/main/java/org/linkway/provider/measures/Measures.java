package org.linkway.provider.measures;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.linkway.events.Instrument;
import org.linkway.events.Measure;
import org.linkway.events.MeasureStage;
import org.linkway.platform.ProblemException.FieldProblem;

/**
 * Outcome questionnaires: how many items each has, the range of each answer, and the scores.
 * ONS4's four questions are never summed; SWEMWBS's raw total is converted with the Warwick table.
 */
public final class Measures {

  /** The shape of one instrument. */
  public record Shape(int items, int min, int max, boolean summed) {}

  public static final Map<Instrument, Shape> SHAPES = Map.of(
      Instrument.SWEMWBS, new Shape(7, 1, 5, true),
      Instrument.WEMWBS, new Shape(14, 1, 5, true),
      Instrument.ONS4, new Shape(4, 0, 10, false),
      Instrument.UCLA3, new Shape(3, 1, 3, true));

  /** SWEMWBS raw total (7..35) to metric score, Warwick conversion table. */
  private static final double[] SWEMWBS_METRIC = {
      7.00, 9.51, 11.25, 12.40, 13.33, 14.08, 14.75, 15.32, 15.84, 16.36, 16.88, 17.43, 17.98, 18.59, 19.25,
      19.98, 20.73, 21.54, 22.35, 23.21, 24.11, 25.03, 26.02, 27.03, 28.13, 29.31, 30.70, 32.55, 35.00};

  /** A measure as a provider reports it. */
  public record Answers(String instrument, String stage, List<Integer> answers) {}

  private Measures() {}

  /** Every problem with the measures, each with its path, e.g. {@code measures[1].answers[3]}. */
  public static List<FieldProblem> validate(List<Answers> measures) {
    List<FieldProblem> problems = new ArrayList<>();
    if (measures == null) return problems;
    for (int i = 0; i < measures.size(); i++) {
      String path = "measures[" + i + "]";
      Answers m = measures.get(i);
      if (m == null) {
        problems.add(new FieldProblem(path, "is required"));
        continue;
      }
      Instrument instrument = parse(Instrument.class, m.instrument());
      if (instrument == null || !SHAPES.containsKey(instrument)) {
        problems.add(new FieldProblem(path + ".instrument", "is not a known instrument (" + SHAPES.keySet().stream().map(Enum::name).sorted().toList() + ")"));
      }
      MeasureStage stage = parse(MeasureStage.class, m.stage());
      if (stage == null || stage == MeasureStage.UNKNOWN) {
        problems.add(new FieldProblem(path + ".stage", "must be BASELINE or FOLLOW_UP"));
      }
      if (instrument == null || !SHAPES.containsKey(instrument)) continue;
      Shape shape = SHAPES.get(instrument);
      if (m.answers() == null || m.answers().size() != shape.items()) {
        problems.add(new FieldProblem(path + ".answers", instrument + " has " + shape.items() + " items; give one answer for each"));
        continue;
      }
      for (int a = 0; a < m.answers().size(); a++) {
        Integer answer = m.answers().get(a);
        if (answer == null || answer < shape.min() || answer > shape.max()) {
          problems.add(new FieldProblem(path + ".answers[" + a + "]",
              "must be between " + shape.min() + " and " + shape.max() + " for " + instrument));
        }
      }
    }
    return problems;
  }

  /** Scores a measure that passed {@link #validate}. */
  public static Measure score(Answers m) {
    Instrument instrument = Instrument.valueOf(m.instrument());
    Shape shape = SHAPES.get(instrument);
    Integer total = shape.summed() ? m.answers().stream().mapToInt(Integer::intValue).sum() : null;
    BigDecimal metric = instrument == Instrument.SWEMWBS ? swemwbsMetric(total) : null;
    return new Measure(instrument, MeasureStage.valueOf(m.stage()), List.copyOf(m.answers()), total, metric, null);
  }

  public static BigDecimal swemwbsMetric(int rawTotal) {
    if (rawTotal < 7 || rawTotal > 35) throw new IllegalArgumentException("SWEMWBS raw total is 7..35, not " + rawTotal);
    return BigDecimal.valueOf(SWEMWBS_METRIC[rawTotal - 7]).setScale(2);
  }

  private static <E extends Enum<E>> E parse(Class<E> type, String value) {
    if (value == null) return null;
    try {
      return Enum.valueOf(type, value);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
