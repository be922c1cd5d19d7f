package org.linkway.provider.measures;

import java.util.List;

/**
 * The four ONS personal well-being questions, in the order they are asked and stored. Each is
 * answered 0 to 10 and they are never summed. Higher is better for the first three; for anxiety
 * higher is worse.
 */
public enum Ons4Item {
  LIFE_SATISFACTION("life satisfaction", "lifeSatisfaction", true),
  WORTHWHILE("worthwhile", "worthwhile", true),
  HAPPY("happy", "happy", true),
  ANXIETY("anxiety", "anxiety", false);

  /** In the order of {@code Measure.answers} for ONS4. */
  public static final List<Ons4Item> IN_ORDER = List.of(values());

  private final String label;
  private final String score;
  private final boolean higherIsBetter;

  Ons4Item(String label, String score, boolean higherIsBetter) {
    this.label = label;
    this.score = score;
    this.higherIsBetter = higherIsBetter;
  }

  /** How the item is named to a person, e.g. "life satisfaction". */
  public String label() {
    return label;
  }

  /** The name of its {@code MeasureChange.score}, e.g. "lifeSatisfaction". */
  public String score() {
    return score;
  }

  /** False for anxiety, where a lower answer is the better one. */
  public boolean higherIsBetter() {
    return higherIsBetter;
  }

  /** The item at a zero-based position in the ONS4 answers. */
  public static Ons4Item at(int index) {
    if (index < 0 || index >= IN_ORDER.size()) {
      throw new IllegalArgumentException("ONS4 has items 0..3 (life satisfaction, worthwhile, happy, anxiety), not " + index);
    }
    return IN_ORDER.get(index);
  }
}
