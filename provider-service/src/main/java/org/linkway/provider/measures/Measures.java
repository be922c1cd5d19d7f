package org.linkway.provider.measures;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.linkway.events.Instrument;
import org.linkway.events.Measure;
import org.linkway.events.MeasureChange;
import org.linkway.events.MeasureStage;
import org.linkway.platform.web.ProblemException.FieldProblem;

/**
 * Outcome questionnaires: how many items each has, the range of each answer, the scores, and how
 * a score moved between baseline and follow-up.
 *
 * <ul>
 *   <li>SWEMWBS: 7 items 1..5, raw total 7..35, converted to a metric score with the Warwick table.
 *   <li>WEMWBS: 14 items 1..5, total 14..70.
 *   <li>ONS4: life satisfaction, worthwhile, happy and anxiety, each 0..10, never summed.
 *   <li>UCLA-3: 3 items 1..3, total 3..9, higher is lonelier; optionally the ONS direct question
 *       "How often do you feel lonely?" answered 1 (often/always) .. 5 (never).
 * </ul>
 */
public final class Measures {

  /** The shape of one instrument. */
  public record Shape(int items, int min, int max, boolean summed) {}

  public static final Map<Instrument, Shape> SHAPES = Map.of(
      Instrument.SWEMWBS, new Shape(7, 1, 5, true),
      Instrument.WEMWBS, new Shape(14, 1, 5, true),
      Instrument.ONS4, new Shape(4, 0, 10, false),
      Instrument.UCLA3, new Shape(3, 1, 3, true));

  /** The most measures one request can carry: each instrument once per stage. */
  public static final int MAX_MEASURES = 2 * SHAPES.size();

  /** The range of the UCLA-3 direct question: 1 often/always, 2 some of the time, 3 occasionally, 4 hardly ever, 5 never. */
  public static final int DIRECT_ANSWER_MIN = 1;
  public static final int DIRECT_ANSWER_MAX = 5;

  /** {@code MeasureChange.score} for SWEMWBS. */
  public static final String METRIC = "metric";
  /** {@code MeasureChange.score} for WEMWBS and UCLA-3. */
  public static final String TOTAL = "total";

  /** SWEMWBS raw total (7..35) to metric score, Warwick conversion table. */
  private static final double[] SWEMWBS_METRIC = {
      7.00, 9.51, 11.25, 12.40, 13.33, 14.08, 14.75, 15.32, 15.84, 16.36, 16.88, 17.43, 17.98, 18.59, 19.25,
      19.98, 20.73, 21.54, 22.35, 23.21, 24.11, 25.03, 26.02, 27.03, 28.13, 29.31, 30.70, 32.55, 35.00};

  private static final String KNOWN = SHAPES.keySet().stream().map(Enum::name).sorted().collect(Collectors.joining(", "));

  private static final String ONS4_ITEMS =
      Ons4Item.IN_ORDER.stream().map(Ons4Item::label).collect(Collectors.joining(", "));

  /**
   * A measure as a provider reports it. JSON: {@code {"instrument", "stage", "answers", "directAnswer"}},
   * where {@code directAnswer} is optional and only for UCLA3.
   */
  public record Answers(String instrument, String stage, List<Integer> answers, Integer directAnswer) {

    /** A measure without the UCLA-3 direct question. */
    public Answers(String instrument, String stage, List<Integer> answers) {
      this(instrument, stage, answers, null);
    }
  }

  /** Measures split by stage, each in the order given. */
  public record ByStage(List<Measure> baseline, List<Measure> followUp) {}

  private Measures() {}

  /**
   * Every problem with the measures, each with its path, e.g. {@code measures[1].answers[3]}, and a
   * reason naming the instrument and item, e.g. "SWEMWBS item 4 must be between 1 and 5, not 9".
   */
  public static List<FieldProblem> validate(List<Answers> measures) {
    List<FieldProblem> problems = new ArrayList<>();
    if (measures == null) return problems;
    if (measures.size() > MAX_MEASURES) {
      problems.add(new FieldProblem("measures", "lists " + measures.size() + " measures: at most " + MAX_MEASURES
          + ", each instrument once per stage"));
      return problems;
    }
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < measures.size(); i++) {
      String path = "measures[" + i + "]";
      Answers m = measures.get(i);
      if (m == null) {
        problems.add(new FieldProblem(path, "is required"));
        continue;
      }
      Instrument instrument = parse(Instrument.class, m.instrument());
      boolean known = instrument != null && SHAPES.containsKey(instrument);
      if (!known) {
        problems.add(new FieldProblem(path + ".instrument", m.instrument() == null
            ? "is required: one of " + KNOWN
            : "\"" + m.instrument() + "\" is not a known instrument; use one of " + KNOWN));
      }
      MeasureStage stage = parse(MeasureStage.class, m.stage());
      boolean staged = stage != null && stage != MeasureStage.UNKNOWN;
      if (!staged) {
        problems.add(new FieldProblem(path + ".stage", "must be BASELINE or FOLLOW_UP"));
      }
      if (known && staged) {
        Integer first = seen.putIfAbsent(instrument + " " + stage, i);
        if (first != null) {
          problems.add(new FieldProblem(path, "is a second " + instrument + " " + stage + " (the first is measures["
              + first + "]); give each instrument once per stage"));
        }
      }
      if (!known) continue;
      problems.addAll(answerProblems(path, instrument, m.answers()));
      problems.addAll(directAnswerProblems(path, instrument, m.directAnswer()));
    }
    return problems;
  }

  private static List<FieldProblem> answerProblems(String path, Instrument instrument, List<Integer> answers) {
    Shape shape = SHAPES.get(instrument);
    if (answers == null || answers.size() != shape.items()) {
      String items = instrument == Instrument.ONS4
          ? shape.items() + " items (" + ONS4_ITEMS + ")"
          : shape.items() + " items";
      String given = answers == null ? "none" : String.valueOf(answers.size());
      return List.of(new FieldProblem(path + ".answers", instrument + " has " + items + "; " + given + " given"));
    }
    List<FieldProblem> problems = new ArrayList<>();
    for (int a = 0; a < answers.size(); a++) {
      Integer answer = answers.get(a);
      if (answer != null && answer >= shape.min() && answer <= shape.max()) continue;
      String item = instrument + " item " + (a + 1)
          + (instrument == Instrument.ONS4 ? " (" + Ons4Item.at(a).label() + ")" : "");
      String range = "between " + shape.min() + " and " + shape.max();
      problems.add(new FieldProblem(path + ".answers[" + a + "]", answer == null
          ? item + " is missing; give a number " + range
          : item + " must be " + range + ", not " + answer));
    }
    return problems;
  }

  private static List<FieldProblem> directAnswerProblems(String path, Instrument instrument, Integer directAnswer) {
    if (directAnswer == null) return List.of();
    if (instrument != Instrument.UCLA3) {
      return List.of(new FieldProblem(path + ".directAnswer", "only UCLA3 has the direct question \"How often do you"
          + " feel lonely?\"; leave it out of " + instrument));
    }
    if (directAnswer < DIRECT_ANSWER_MIN || directAnswer > DIRECT_ANSWER_MAX) {
      return List.of(new FieldProblem(path + ".directAnswer", "UCLA3 direct question \"How often do you feel lonely?\""
          + " must be between 1 (often/always) and 5 (never), not " + directAnswer));
    }
    return List.of();
  }

  /** Scores a measure that passed {@link #validate}. */
  public static Measure score(Answers m) {
    Instrument instrument = Instrument.valueOf(m.instrument());
    Shape shape = SHAPES.get(instrument);
    Integer total = shape.summed() ? m.answers().stream().mapToInt(Integer::intValue).sum() : null;
    BigDecimal metric = instrument == Instrument.SWEMWBS ? swemwbsMetric(total) : null;
    Integer direct = instrument == Instrument.UCLA3 ? m.directAnswer() : null;
    return new Measure(instrument, MeasureStage.valueOf(m.stage()), List.copyOf(m.answers()), total, metric, direct);
  }

  public static BigDecimal swemwbsMetric(int rawTotal) {
    if (rawTotal < 7 || rawTotal > 35) throw new IllegalArgumentException("SWEMWBS raw total is 7..35, not " + rawTotal);
    return BigDecimal.valueOf(SWEMWBS_METRIC[rawTotal - 7]).setScale(2);
  }

  /**
   * The ONS band of one answer: life satisfaction, worthwhile and happy 0-4 LOW, 5-6 MEDIUM,
   * 7-8 HIGH, 9-10 VERY_HIGH; anxiety 0-1 VERY_LOW, 2-3 LOW, 4-5 MEDIUM, 6-10 HIGH (higher is worse).
   *
   * @throws IllegalArgumentException when the score is not 0..10
   */
  public static Ons4Band ons4Band(Ons4Item item, int score) {
    Objects.requireNonNull(item, "item");
    if (score < 0 || score > 10) {
      throw new IllegalArgumentException("ONS4 " + item.label() + " is 0..10, not " + score);
    }
    if (item == Ons4Item.ANXIETY) {
      if (score <= 1) return Ons4Band.VERY_LOW;
      if (score <= 3) return Ons4Band.LOW;
      if (score <= 5) return Ons4Band.MEDIUM;
      return Ons4Band.HIGH;
    }
    if (score <= 4) return Ons4Band.LOW;
    if (score <= 6) return Ons4Band.MEDIUM;
    if (score <= 8) return Ons4Band.HIGH;
    return Ons4Band.VERY_HIGH;
  }

  /** The band of each answer of an ONS4 measure, by item, in item order. */
  public static Map<Ons4Item, Ons4Band> ons4Bands(Measure ons4) {
    if (ons4.getInstrument() != Instrument.ONS4 || ons4.getAnswers() == null || ons4.getAnswers().size() != 4) {
      throw new IllegalArgumentException("ONS4 bands need an ONS4 measure with 4 answers, not " + ons4.getInstrument()
          + " with " + (ons4.getAnswers() == null ? "none" : ons4.getAnswers().size()));
    }
    Map<Ons4Item, Ons4Band> bands = new EnumMap<>(Ons4Item.class);
    for (Ons4Item item : Ons4Item.IN_ORDER) {
      bands.put(item, ons4Band(item, ons4.getAnswers().get(item.ordinal())));
    }
    return bands;
  }

  /**
   * Splits measures into baseline (recorded at acceptance or the first session) and follow-up
   * (recorded at completion), keeping their order. Measures of an unknown stage are left out.
   */
  public static ByStage splitByStage(Collection<Measure> measures) {
    List<Measure> baseline = new ArrayList<>();
    List<Measure> followUp = new ArrayList<>();
    if (measures != null) {
      for (Measure m : measures) {
        if (m == null || m.getStage() == null) continue;
        switch (m.getStage()) {
          case BASELINE -> baseline.add(m);
          case FOLLOW_UP -> followUp.add(m);
          default -> { }
        }
      }
    }
    return new ByStage(List.copyOf(baseline), List.copyOf(followUp));
  }

  /** {@link #changes(List, List, Thresholds)} for measures of both stages in one list. */
  public static List<MeasureChange> changes(Collection<Measure> measures, Thresholds thresholds) {
    ByStage byStage = splitByStage(measures);
    return changes(byStage.baseline(), byStage.followUp(), thresholds);
  }

  /**
   * How each score moved, for every instrument measured at both stages, in the order SWEMWBS,
   * WEMWBS, ONS4, UCLA3: SWEMWBS "metric"; WEMWBS "total"; UCLA-3 "total" (a fall is the
   * improvement); ONS4 one change per item, "lifeSatisfaction", "worthwhile", "happy" and
   * "anxiety" (a fall in anxiety is the improvement). The improvement is signed so that positive is
   * better, and is meaningful when it reaches the instrument's threshold. Everything is to two
   * decimal places.
   *
   * <p>Scores are worked out again from the item answers. The lists are taken as given, whatever
   * each measure's own stage says. Where an instrument appears more than once, the first baseline
   * and the last follow-up are compared. A measure that cannot be scored (an unknown instrument,
   * the wrong number of answers, an answer out of range) is left out rather than failing the rest.
   */
  public static List<MeasureChange> changes(List<Measure> baseline, List<Measure> followUp, Thresholds thresholds) {
    Objects.requireNonNull(thresholds, "thresholds");
    Map<Instrument, Measure> before = byInstrument(baseline, true);
    Map<Instrument, Measure> after = byInstrument(followUp, false);
    List<MeasureChange> changes = new ArrayList<>();
    for (Instrument instrument : Instrument.values()) {
      Measure b = before.get(instrument);
      Measure f = after.get(instrument);
      if (b == null || f == null) continue;
      BigDecimal threshold = thresholds.of(instrument);
      switch (instrument) {
        case SWEMWBS -> changes.add(change(instrument, METRIC, metric(b), metric(f), true, threshold));
        case WEMWBS -> changes.add(change(instrument, TOTAL, total(b), total(f), true, threshold));
        case UCLA3 -> changes.add(change(instrument, TOTAL, total(b), total(f), false, threshold));
        case ONS4 -> {
          for (Ons4Item item : Ons4Item.IN_ORDER) {
            changes.add(change(instrument, item.score(), decimal(b.getAnswers().get(item.ordinal())),
                decimal(f.getAnswers().get(item.ordinal())), item.higherIsBetter(), threshold));
          }
        }
        default -> { }
      }
    }
    return changes;
  }

  private static MeasureChange change(
      Instrument instrument, String score, BigDecimal baseline, BigDecimal followUp, boolean higherIsBetter,
      BigDecimal threshold) {
    BigDecimal improvement = (higherIsBetter ? followUp.subtract(baseline) : baseline.subtract(followUp)).setScale(2);
    return new MeasureChange(instrument, score, baseline, followUp, improvement, improvement.compareTo(threshold) >= 0);
  }

  private static Map<Instrument, Measure> byInstrument(List<Measure> measures, boolean keepFirst) {
    Map<Instrument, Measure> byInstrument = new EnumMap<>(Instrument.class);
    if (measures == null) return byInstrument;
    for (Measure m : measures) {
      if (!scorable(m)) continue;
      if (keepFirst) byInstrument.putIfAbsent(m.getInstrument(), m);
      else byInstrument.put(m.getInstrument(), m);
    }
    return byInstrument;
  }

  private static boolean scorable(Measure m) {
    if (m == null || m.getInstrument() == null || !SHAPES.containsKey(m.getInstrument())) return false;
    Shape shape = SHAPES.get(m.getInstrument());
    List<Integer> answers = m.getAnswers();
    if (answers == null || answers.size() != shape.items()) return false;
    return answers.stream().allMatch(a -> a != null && a >= shape.min() && a <= shape.max());
  }

  /** The SWEMWBS metric score, from the answers (the stored item answers are the record). */
  private static BigDecimal metric(Measure m) {
    return swemwbsMetric(sum(m));
  }

  /** The total, from the answers. */
  private static BigDecimal total(Measure m) {
    return decimal(sum(m));
  }

  private static int sum(Measure m) {
    return m.getAnswers().stream().mapToInt(Integer::intValue).sum();
  }

  private static BigDecimal decimal(int value) {
    return BigDecimal.valueOf(value).setScale(2);
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
