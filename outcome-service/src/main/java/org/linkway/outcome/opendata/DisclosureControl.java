package org.linkway.outcome.opendata;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.linkway.outcome.opendata.OpenDataTable.Measure;
import org.linkway.outcome.opendata.OpenDataTable.Row;

/**
 * Disclosure control for open data, as NHS statistical releases do it (DOMAIN.md "Disclosure
 * control for open data"), so that no person can be picked out:
 * <ul>
 *   <li>0 to 4 is suppressed: {@code *} in CSV, {@code {"value": null, "suppressed": true}} in
 *       JSON. 0 is suppressed too: were it shown, a cell going from 0 to {@code *} would show one
 *       person's referral or outcome.</li>
 *   <li>5 and above is rounded to the nearest 5, halves up: 5, 6, 7 → 5; 8 to 12 → 10; 13 → 15.</li>
 *   <li>Each (commissioner, need, month) has a total row, provider {@value #ALL}: its providers' rows
 *       add up to it. Secondary suppression: where a suppressed count could be narrowed from the
 *       total and the other providers' counts (total minus the rest, within the rounding), the
 *       smallest published counts of that column are suppressed as well until it cannot.</li>
 * </ul>
 * The measures of a row bound each other (no one is accepted who was not referred, or completes who
 * was not accepted) but do not add up to anything; the needs of a month overlap (a referral counts
 * under each of its needs). So the only sums are the {@value #ALL} rows. No rate or percentage is
 * published: one over exact counts could reveal a suppressed count, one over rounded counts would
 * mislead. Users who want a rate divide the published counts, knowing each is within ±2 of the
 * truth.
 */
public final class DisclosureControl {

  /** Counts below this, 0 included, are suppressed. */
  public static final int THRESHOLD = 5;
  /** Other counts are rounded to a multiple of this. */
  public static final int BASE = 5;
  /** The CSV marker of a suppressed count. */
  public static final String SUPPRESSED = "*";
  /**
   * The provider of a total row. Upper case, which no provider id may be ({@code [a-z0-9-]}), and
   * sorted before every provider id.
   */
  public static final String ALL = "ALL";

  /** A published count: a multiple of 5, at least 5; or null and suppressed. */
  public record Count(Long value, boolean suppressed) {
    /** As written in the CSV: the value, or {@value DisclosureControl#SUPPRESSED}. */
    public String csv() {
      return suppressed ? SUPPRESSED : String.valueOf(value);
    }
  }

  /** One published row: what {@code /open-data/outcomes} returns, column by column. */
  public record PublishedRow(String commissioner, String provider, String need, String month, Count referrals,
      Count accepted, Count completed, Count droppedOut, Count improved, Count declined, Count unplaced,
      Count cancelled) {

    public Count count(Measure m) {
      return m.published.apply(this);
    }
  }

  private DisclosureControl() {}

  /** One count, controlled on its own (primary suppression and rounding). */
  public static Count control(long raw) {
    if (raw < 0) throw new IllegalArgumentException("a count cannot be negative: " + raw);
    if (raw < THRESHOLD) return new Count(null, true);
    return new Count(rounded(raw), false);
  }

  /** The row as published, each count controlled on its own: a part of {@link #publish(List)}. */
  static PublishedRow publish(Row row) {
    return publish(row, new boolean[Measure.values().length]);
  }

  /**
   * What may be published of one release's rows: a total row per (commissioner, need, month), then
   * every count controlled, with secondary suppression against the totals. Sorted like the rows.
   */
  public static List<PublishedRow> publish(List<Row> rows) {
    Map<Group, List<Row>> groups = new TreeMap<>();
    for (Row row : rows) {
      groups.computeIfAbsent(new Group(row.commissioner(), row.need(), row.month()), g -> new ArrayList<>()).add(row);
    }
    List<PublishedRow> published = new ArrayList<>();
    groups.forEach((group, members) -> published.addAll(publish(group, members)));
    published.sort(ORDER);
    return published;
  }

  private record Group(String commissioner, String need, String month) implements Comparable<Group> {
    private static final Comparator<Group> ORDER = Comparator.comparing(Group::commissioner)
        .thenComparing(Group::need).thenComparing(Group::month);

    @Override
    public int compareTo(Group other) {
      return ORDER.compare(this, other);
    }
  }

  private static final Comparator<PublishedRow> ORDER = Comparator.comparing(PublishedRow::commissioner)
      .thenComparing(PublishedRow::provider).thenComparing(PublishedRow::need).thenComparing(PublishedRow::month);

  /** One group's total row and its members, the members' counts suppressed as the total requires. */
  private static List<PublishedRow> publish(Group group, List<Row> members) {
    Measure[] measures = Measure.values();
    long[] total = new long[measures.length];
    long[][] raw = new long[members.size()][measures.length];
    boolean[][] zeroByDefinition = new boolean[members.size()][measures.length];
    for (int i = 0; i < members.size(); i++) {
      for (Measure m : measures) {
        raw[i][m.ordinal()] = members.get(i).count(m);
        total[m.ordinal()] += members.get(i).count(m);
        zeroByDefinition[i][m.ordinal()] = OpenDataTable.NONE.equals(members.get(i).provider()) && m.needsAcceptance();
      }
    }
    boolean[][] suppressed = SecondarySuppression.suppress(total, raw, zeroByDefinition);
    List<PublishedRow> published = new ArrayList<>(members.size() + 1);
    published.add(publish(new Row(group.commissioner(), ALL, group.need(), group.month(), total[0], total[1],
        total[2], total[3], total[4], total[5], total[6], total[7])));
    for (int i = 0; i < members.size(); i++) published.add(publish(members.get(i), suppressed[i]));
    return published;
  }

  /** The row with every count controlled, and also suppressed where {@code suppressed} says. */
  private static PublishedRow publish(Row row, boolean[] suppressed) {
    Count[] c = new Count[Measure.values().length];
    for (Measure m : Measure.values()) {
      c[m.ordinal()] = suppressed[m.ordinal()] ? new Count(null, true) : control(row.count(m));
    }
    return new PublishedRow(row.commissioner(), row.provider(), row.need(), row.month(),
        c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]);
  }

  /** To the nearest {@value #BASE}, halves up. */
  static long rounded(long raw) {
    return (raw + BASE / 2) / BASE * BASE;
  }
}
