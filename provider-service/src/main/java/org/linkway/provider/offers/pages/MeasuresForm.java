package org.linkway.provider.offers.pages;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.linkway.events.Instrument;
import org.linkway.events.MeasureStage;
import org.linkway.platform.web.ProblemException.FieldProblem;
import org.linkway.provider.measures.Measures;
import org.springframework.util.MultiValueMap;

/**
 * The outcome measures as a form on the inbox's referral page: one fieldset per instrument the API
 * knows ({@link Measures#SHAPES}), one labelled number field per item. There are two such forms, one
 * per stage: {@link #BASELINE}, the starting measures given with the acceptance or the first session,
 * and {@link #FOLLOW_UP}, given with the completion and compared with the baseline. The form only
 * gathers the answers; {@link Measures#validate} (through the API) decides what is wrong, and
 * {@link #fieldOf} puts each of its problems beside the field it is about.
 *
 * <p>Field names: {@code m-ONS4-0} is the first follow-up ONS4 answer, {@code b-ONS4-0} the first
 * baseline one, {@code m-UCLA3-direct} the UCLA-3 direct question; the fieldset of an instrument is
 * {@code m-ONS4}. An instrument whose fields are all left empty was not measured and is not sent.
 */
final class MeasuresForm {

  /** One question of an instrument, as the person is asked it. */
  record Item(String id, String label, String value) {}

  /**
   * One instrument's fieldset: its items, the range of an answer, and what the numbers mean; {@code compared}
   * when a follow-up's answers are compared with the person's baseline of the same instrument.
   */
  record Fieldset(String id, String instrument, String title, String scale, int min, int max, List<Item> items,
      Item direct, boolean compared) {}

  /**
   * What the page sends to the API, and which instrument each measure sent is (for mapping problems back);
   * {@code unreadable}, text that is not a whole number, cannot be sent at all.
   */
  record Gathered(MeasuresForm form, List<Measures.Answers> measures, List<Instrument> sent, List<FieldProblem> unreadable) {

    /** Nothing measured: what a form without measures gathers. */
    static Gathered none() {
      return new Gathered(FOLLOW_UP, List.of(), List.of(), List.of());
    }

    /** The API's problems by form field, in the order given, the first of each field kept. */
    Map<String, String> byField(List<FieldProblem> problems, Map<String, String> labels) {
      return form.byField(problems, sent, labels);
    }

    /** The unreadable answers with the API's own checks of the rest, by form field. */
    Map<String, String> unreadableByField(Map<String, String> labels) {
      List<FieldProblem> problems = new ArrayList<>(unreadable);
      problems.addAll(Measures.validate(measures));
      return byField(problems, labels);
    }
  }

  /** The starting measures, given with the acceptance or the first session: fields {@code b-ONS4-0}. */
  static final MeasuresForm BASELINE = new MeasuresForm(MeasureStage.BASELINE, "b-");
  /** The measures at the end, given with the completion: fields {@code m-ONS4-0}. */
  static final MeasuresForm FOLLOW_UP = new MeasuresForm(MeasureStage.FOLLOW_UP, "m-");

  private static final Map<Instrument, String> TITLES = Map.of(
      Instrument.ONS4, "ONS4: personal well-being",
      Instrument.SWEMWBS, "SWEMWBS: short Warwick-Edinburgh mental wellbeing scale",
      Instrument.WEMWBS, "WEMWBS: Warwick-Edinburgh mental wellbeing scale",
      Instrument.UCLA3, "UCLA-3: loneliness");

  private static final Map<Instrument, String> SCALES = Map.of(
      Instrument.ONS4, "Answer each from 0 (not at all) to 10 (completely).",
      Instrument.SWEMWBS, "Over the last 2 weeks. Answer each from 1 (none of the time) to 5 (all of the time).",
      Instrument.WEMWBS, "Over the last 2 weeks. Answer each from 1 (none of the time) to 5 (all of the time).",
      Instrument.UCLA3, "Answer each 1 (hardly ever), 2 (some of the time) or 3 (often).");

  private static final List<String> WEMWBS_ITEMS = List.of(
      "I've been feeling optimistic about the future", "I've been feeling useful", "I've been feeling relaxed",
      "I've been feeling interested in other people", "I've had energy to spare", "I've been dealing with problems well",
      "I've been thinking clearly", "I've been feeling good about myself", "I've been feeling close to other people",
      "I've been feeling confident", "I've been able to make up my own mind about things", "I've been feeling loved",
      "I've been interested in new things", "I've been feeling cheerful");

  private static final Map<Instrument, List<String>> QUESTIONS = Map.of(
      Instrument.ONS4, List.of(
          "Overall, how satisfied are you with your life nowadays?",
          "Overall, to what extent do you feel the things you do in your life are worthwhile?",
          "Overall, how happy did you feel yesterday?",
          "Overall, how anxious did you feel yesterday? (0 is not at all anxious, 10 is completely anxious)"),
      Instrument.SWEMWBS, List.of(WEMWBS_ITEMS.get(0), WEMWBS_ITEMS.get(1), WEMWBS_ITEMS.get(2), WEMWBS_ITEMS.get(5),
          WEMWBS_ITEMS.get(6), WEMWBS_ITEMS.get(8), WEMWBS_ITEMS.get(10)),
      Instrument.WEMWBS, WEMWBS_ITEMS,
      Instrument.UCLA3, List.of(
          "How often do you feel that you lack companionship?",
          "How often do you feel left out?",
          "How often do you feel isolated from others?"));

  private static final String DIRECT_QUESTION =
      "How often do you feel lonely? (optional: 1 often or always, 2 some of the time, 3 occasionally, 4 hardly ever, 5 never)";

  /** The instruments, in the order the form shows them: ONS4 first, the one most providers use. */
  static final List<Instrument> INSTRUMENTS = List.of(Instrument.ONS4, Instrument.SWEMWBS, Instrument.WEMWBS,
      Instrument.UCLA3).stream().filter(Measures.SHAPES::containsKey).toList();

  private static final Pattern MEASURE_PATH = Pattern.compile("measures\\[(\\d+)](?:\\.(answers|directAnswer)(?:\\[(\\d+)])?)?.*");

  private final MeasureStage stage;
  private final String prefix;

  private MeasuresForm(MeasureStage stage, String prefix) {
    this.stage = stage;
    this.prefix = prefix;
  }

  /** Whether a form field is one of this form's. */
  boolean owns(String field) {
    return field.startsWith(prefix);
  }

  String fieldsetId(Instrument instrument) {
    return prefix + instrument.name();
  }

  String itemId(Instrument instrument, int item) {
    return fieldsetId(instrument) + "-" + item;
  }

  String directId(Instrument instrument) {
    return fieldsetId(instrument) + "-direct";
  }

  /**
   * The fieldsets, filled with what was typed (empty on a new form); {@code baselineRecorded}, the instruments
   * whose baseline is recorded, with which a follow-up is compared.
   */
  List<Fieldset> fieldsets(MultiValueMap<String, String> form, Collection<String> baselineRecorded) {
    Function<String, String> typed = id -> form == null || form.getFirst(id) == null ? "" : form.getFirst(id);
    return INSTRUMENTS.stream().map(instrument -> {
      Measures.Shape shape = Measures.SHAPES.get(instrument);
      List<String> questions = QUESTIONS.get(instrument);
      List<Item> items = new ArrayList<>();
      for (int i = 0; i < shape.items(); i++) {
        String question = questions != null && i < questions.size() ? questions.get(i) : "Item " + (i + 1);
        items.add(new Item(itemId(instrument, i), (i + 1) + ". " + question, typed.apply(itemId(instrument, i))));
      }
      Item direct = instrument == Instrument.UCLA3
          ? new Item(directId(instrument), DIRECT_QUESTION, typed.apply(directId(instrument))) : null;
      return new Fieldset(fieldsetId(instrument), instrument.name(), TITLES.getOrDefault(instrument, instrument.name()),
          SCALES.getOrDefault(instrument, ""), shape.min(), shape.max(), List.copyOf(items), direct,
          stage == MeasureStage.FOLLOW_UP && baselineRecorded.contains(instrument.name()));
    }).toList();
  }

  /** Each fieldset's id with its instrument's name, the label a problem with the measure as a whole is worded with. */
  Map<String, String> labels() {
    Map<String, String> labels = new LinkedHashMap<>();
    INSTRUMENTS.forEach(instrument -> labels.put(fieldsetId(instrument), instrument.name()));
    return labels;
  }

  /**
   * The measures the form holds, as the API takes them (at this form's stage): an instrument with any answer is sent whole, an empty answer as null for the API to name. Text that is
   * not a whole number cannot be sent as one (the API's JSON would refuse it): it is a problem of the form's own.
   */
  Gathered gather(MultiValueMap<String, String> form) {
    List<Measures.Answers> measures = new ArrayList<>();
    List<Instrument> sent = new ArrayList<>();
    List<FieldProblem> unreadable = new ArrayList<>();
    for (Instrument instrument : INSTRUMENTS) {
      Measures.Shape shape = Measures.SHAPES.get(instrument);
      List<Integer> answers = new ArrayList<>();
      boolean any = false;
      for (int i = 0; i < shape.items(); i++) {
        String id = itemId(instrument, i);
        String text = blankToNull(form.getFirst(id));
        any |= text != null;
        answers.add(number(text, id, instrument + " item " + (i + 1), unreadable));
      }
      String directText = instrument == Instrument.UCLA3 ? blankToNull(form.getFirst(directId(instrument))) : null;
      any |= directText != null;
      Integer direct = number(directText, directId(instrument), "The direct question", unreadable);
      if (!any) continue;
      measures.add(new Measures.Answers(instrument.name(), stage.name(), answers, direct));
      sent.add(instrument);
    }
    return new Gathered(this, List.copyOf(measures), List.copyOf(sent), List.copyOf(unreadable));
  }

  /**
   * The form field an API problem is about: {@code measures[1].answers[2]} of the second instrument sent is
   * its third item's field; a problem with a measure as a whole is its fieldset's. Other fields keep their name.
   */
  String fieldOf(String apiField, List<Instrument> sent) {
    Matcher m = MEASURE_PATH.matcher(apiField);
    if (!m.matches()) return apiField;
    int index = Integer.parseInt(m.group(1));
    if (index >= sent.size()) return "measures";
    Instrument instrument = sent.get(index);
    if ("directAnswer".equals(m.group(2))) return directId(instrument);
    if ("answers".equals(m.group(2)) && m.group(3) != null) return itemId(instrument, Integer.parseInt(m.group(3)));
    return fieldsetId(instrument);
  }

  /** The problems by form field, in the order given, the first of each field kept. */
  Map<String, String> byField(List<FieldProblem> problems, List<Instrument> sent, Map<String, String> labels) {
    Map<String, String> errors = new LinkedHashMap<>();
    for (FieldProblem problem : problems) {
      String field = fieldOf(problem.field(), sent);
      errors.putIfAbsent(field, sentence(labels.getOrDefault(field, ""), problem.reason()));
    }
    return errors;
  }

  /** A reason as the API words it ("is required: ..."), as a sentence a person reads beside the field. */
  static String sentence(String label, String reason) {
    if (reason == null || reason.isEmpty()) return label;
    boolean continues = Character.isLowerCase(reason.charAt(0));
    if (continues && !label.isEmpty()) return label + " " + reason;
    return Character.toUpperCase(reason.charAt(0)) + reason.substring(1);
  }

  private static Integer number(String text, String id, String what, List<FieldProblem> unreadable) {
    if (text == null) return null;
    try {
      return Integer.valueOf(text);
    } catch (NumberFormatException e) {
      unreadable.add(new FieldProblem(id, what + " must be a whole number, not \"" + text + "\""));
      return null;
    }
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.strip();
  }
}
