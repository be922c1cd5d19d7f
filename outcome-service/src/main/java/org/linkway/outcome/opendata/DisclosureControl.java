package org.linkway.outcome.opendata;

import java.util.List;
import org.linkway.outcome.opendata.OpenDataTable.Measure;
import org.linkway.outcome.opendata.OpenDataTable.Row;

/**
 * Disclosure control for open data, as NHS statistical releases do it (DOMAIN.md "Disclosure
 * control for open data"), so that no person can be picked out:
 * <ul>
 *   <li>0 is published as 0 (a true zero singles no one out);</li>
 *   <li>1 to 4 is suppressed: {@code *} in CSV, {@code {"value": null, "suppressed": true}} in JSON;</li>
 *   <li>5 and above is rounded to the nearest 5, halves up: 5, 6, 7 → 5; 8 to 12 → 10; 13 → 15.</li>
 * </ul>
 * Every count is controlled independently, and no rate, total or percentage is published: a rate
 * over exact counts could reveal a suppressed one, and one over rounded counts would be misleading.
 * Users who want a rate divide the published counts, knowing each is within ±2 of the truth.
 */
public final class DisclosureControl {

  /** Counts below this (and above 0) are suppressed. */
  public static final int THRESHOLD = 5;
  /** Other counts are rounded to a multiple of this. */
  public static final int BASE = 5;
  /** The CSV marker of a suppressed count. */
  public static final String SUPPRESSED = "*";

  /** A published count: a value that is 0 or a multiple of 5, or null and suppressed. */
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
      return switch (m) {
        case REFERRALS -> referrals;
        case ACCEPTED -> accepted;
        case COMPLETED -> completed;
        case DROPPED_OUT -> droppedOut;
        case IMPROVED -> improved;
        case DECLINED -> declined;
        case UNPLACED -> unplaced;
        case CANCELLED -> cancelled;
      };
    }
  }

  private DisclosureControl() {}

  /** One count, controlled. */
  public static Count control(long raw) {
    if (raw < 0) throw new IllegalArgumentException("a count cannot be negative: " + raw);
    if (raw == 0) return new Count(0L, false);
    if (raw < THRESHOLD) return new Count(null, true);
    return new Count((raw + BASE / 2) / BASE * BASE, false);
  }

  public static PublishedRow publish(Row row) {
    return new PublishedRow(row.commissioner(), row.provider(), row.need(), row.month(),
        control(row.referrals()), control(row.accepted()), control(row.completed()), control(row.droppedOut()),
        control(row.improved()), control(row.declined()), control(row.unplaced()), control(row.cancelled()));
  }

  public static List<PublishedRow> publish(List<Row> rows) {
    return rows.stream().map(DisclosureControl::publish).toList();
  }
}
