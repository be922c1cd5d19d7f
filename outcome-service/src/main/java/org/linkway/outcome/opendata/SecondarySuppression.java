package org.linkway.outcome.opendata;

import static org.linkway.outcome.opendata.DisclosureControl.BASE;
import static org.linkway.outcome.opendata.DisclosureControl.THRESHOLD;

import org.linkway.outcome.opendata.OpenDataTable.Measure;

/**
 * Secondary suppression within one group of rows that add up to a published total row (one
 * commissioner, need and month: its providers' rows and their {@link DisclosureControl#ALL} row).
 *
 * <p>It reasons as the attacker would, from what is published only: a published count {@code v}
 * is within {@code [v - 2, v + 2]} and at least 5; a suppressed count is anything from 0 up (it may
 * be a secondary suppression), but no more than a published count it is part of in the same row
 * (accepted ≤ referrals, completed ≤ accepted, ...) and no less than one that is part of it. The
 * members of a column add up to the total, so a suppressed member {@code c} is within
 * {@code [total - the most the others can be, total - the least they can be]}. A member below the
 * threshold is hidden when that range still holds every value from 0 to 4: the attacker can tell
 * neither that someone is there nor that no one is. While one is not hidden, the smallest published
 * member of its column is suppressed too (or, with none left, a published count of another
 * member's row that bounds that member's); suppressing only ever widens the ranges, so this ends.
 */
final class SecondarySuppression {

  private static final Measure[] MEASURES = Measure.values();
  /** Larger than any count; a suppressed count with no published bound above it. */
  private static final long UNBOUNDED = Long.MAX_VALUE / 4;

  private final long[] total;
  private final long[][] members;
  private final boolean[][] suppressed;
  /** Counts that are 0 by definition (what was never accepted did not complete): everyone knows them. */
  private final boolean[][] zeroByDefinition;

  private SecondarySuppression(long[] total, long[][] members, boolean[][] zeroByDefinition) {
    this.total = total;
    this.members = members;
    this.zeroByDefinition = zeroByDefinition;
    this.suppressed = new boolean[members.length][MEASURES.length];
    for (int i = 0; i < members.length; i++) {
      for (Measure m : MEASURES) suppressed[i][m.ordinal()] = members[i][m.ordinal()] < THRESHOLD;
    }
  }

  /**
   * Which counts of the members to suppress: those below the threshold, and as many more as hide
   * them from the total.
   *
   * @param total the raw total row, by {@link Measure} ordinal
   * @param members the members' raw rows, by member then {@link Measure} ordinal
   * @param zeroByDefinition likewise, the counts that are 0 by definition: nothing to hide, and
   *     known to the attacker
   * @return by member then measure ordinal, whether to publish {@code *}
   */
  static boolean[][] suppress(long[] total, long[][] members, boolean[][] zeroByDefinition) {
    SecondarySuppression group = new SecondarySuppression(total, members, zeroByDefinition);
    boolean changed = true;
    while (changed) {
      changed = false;
      for (Measure m : MEASURES) {
        // a suppressed total hides its members: each is no more than it, so suppressed already
        if (total[m.ordinal()] < THRESHOLD) continue;
        for (int exposed = group.exposed(m); exposed >= 0; exposed = group.exposed(m)) {
          if (!group.suppressMore(m, exposed)) break;
          changed = true;
        }
      }
    }
    return group.suppressed;
  }

  /**
   * The first member whose count of m is below the threshold and could be narrowed (the attacker
   * could tell it is not 0, or that it is less than 4); -1 if none. Counts of 5 and more suppressed
   * to hide others are no secret: that the attacker may tell them from small ones does no harm.
   */
  private int exposed(Measure m) {
    for (int i = 0; i < members.length; i++) {
      if (members[i][m.ordinal()] >= THRESHOLD || zeroByDefinition[i][m.ordinal()]) continue;
      long othersLeast = 0;
      long othersMost = 0;
      for (int j = 0; j < members.length; j++) {
        if (j == i) continue;
        othersLeast += least(j, m);
        othersMost = Math.min(UNBOUNDED, othersMost + most(j, m));
      }
      long lowest = Math.max(lowestOf(total[m.ordinal()]) - othersMost, floor(i, m));
      long highest = Math.min(highestOf(total[m.ordinal()]) - othersLeast, ceiling(i, m));
      if (lowest > 0 || highest < THRESHOLD - 1) return i;
    }
    return -1;
  }

  /**
   * Suppresses one more count to widen what the attacker knows of the exposed member: the smallest
   * published count of the column; when there is none, a published count that bounds another
   * suppressed member of the column within its row. False when nothing is left to suppress.
   */
  private boolean suppressMore(Measure m, int exposed) {
    int next = smallestPublished(m);
    if (next >= 0) {
      suppressed[next][m.ordinal()] = true;
      return true;
    }
    for (int j = 0; j < members.length; j++) {
      if (j == exposed) continue;
      for (Measure other : MEASURES) {
        boolean bounds = other.partOf().contains(m) || m.partOf().contains(other);
        if (bounds && !suppressed[j][other.ordinal()]) {
          suppressed[j][other.ordinal()] = true;
          return true;
        }
      }
    }
    return false;
  }

  /** The least the attacker knows member j's count of m to be. */
  private long least(int j, Measure m) {
    if (zeroByDefinition[j][m.ordinal()]) return 0;
    return suppressed[j][m.ordinal()] ? floor(j, m) : lowestOf(members[j][m.ordinal()]);
  }

  /** The most the attacker knows member j's count of m may be. */
  private long most(int j, Measure m) {
    if (zeroByDefinition[j][m.ordinal()]) return 0;
    return suppressed[j][m.ordinal()] ? ceiling(j, m) : highestOf(members[j][m.ordinal()]);
  }

  /** The largest lower bound of a published count in the row that is part of m. */
  private long floor(int j, Measure m) {
    long floor = 0;
    for (Measure part : MEASURES) {
      if (part.partOf().contains(m) && !suppressed[j][part.ordinal()]) {
        floor = Math.max(floor, lowestOf(members[j][part.ordinal()]));
      }
    }
    return floor;
  }

  /** The smallest upper bound of a published count in the row that m is part of. */
  private long ceiling(int j, Measure m) {
    long ceiling = UNBOUNDED;
    for (Measure whole : m.partOf()) {
      if (!suppressed[j][whole.ordinal()]) ceiling = Math.min(ceiling, highestOf(members[j][whole.ordinal()]));
    }
    return ceiling;
  }

  /** The published member of the column with the smallest count (the first of equals); -1 if none. */
  private int smallestPublished(Measure m) {
    int smallest = -1;
    for (int j = 0; j < members.length; j++) {
      if (!suppressed[j][m.ordinal()] && (smallest < 0 || members[j][m.ordinal()] < members[smallest][m.ordinal()])) {
        smallest = j;
      }
    }
    return smallest;
  }

  /** What a published count tells of the raw one: at least this (never below the threshold). */
  private static long lowestOf(long raw) {
    return Math.max(THRESHOLD, DisclosureControl.rounded(raw) - BASE / 2);
  }

  /** ... and at most this. */
  private static long highestOf(long raw) {
    return DisclosureControl.rounded(raw) + BASE / 2;
  }
}
