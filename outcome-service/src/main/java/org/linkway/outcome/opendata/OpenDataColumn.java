package org.linkway.outcome.opendata;

import java.util.function.Function;
import org.linkway.outcome.opendata.DisclosureControl.PublishedRow;
import org.linkway.outcome.opendata.OpenDataTable.Measure;

/**
 * The columns of the open outcome data, in order: the CSV header, the JSON field names, and
 * {@code GET /open-data/outcomes/columns} all come from here.
 *
 * <table>
 *   <caption>Columns of /open-data/outcomes.csv and /open-data/outcomes</caption>
 *   <tr><th>Column</th><th>Meaning</th></tr>
 *   <tr><td>commissioner</td><td>Code of the commissioner (ICB or council) that funds the referrals; "unknown" while the submission has not been seen.</td></tr>
 *   <tr><td>provider</td><td>Id of the provider organisation that had accepted the referrals by the end of the month; "none" when none had; "ALL" for the total of the commissioner, need and month over every provider.</td></tr>
 *   <tr><td>need</td><td>Social-prescribing need (LONELINESS, MENTAL_WELLBEING, ...). A referral with several needs counts once under each; "none" when it names none.</td></tr>
 *   <tr><td>month</td><td>Month of submission, YYYY-MM, UK time: the release's month. Every count is as at the end of it.</td></tr>
 *   <tr><td>referrals</td><td>Referrals submitted.</td></tr>
 *   <tr><td>accepted</td><td>Of those, accepted by a provider by the end of the month (whatever happened next).</td></tr>
 *   <tr><td>completed</td><td>Ended with the programme completed.</td></tr>
 *   <tr><td>droppedOut</td><td>Ended with the person dropping out after starting.</td></tr>
 *   <tr><td>improved</td><td>Completed, with at least one outcome measure (SWEMWBS, WEMWBS, ONS4, UCLA-3) improved by a meaningful amount.</td></tr>
 *   <tr><td>declined</td><td>The person declined or could not be contacted.</td></tr>
 *   <tr><td>unplaced</td><td>No provider could take the referral.</td></tr>
 *   <tr><td>cancelled</td><td>Cancelled by the referrer.</td></tr>
 * </table>
 *
 * Every count is under {@link DisclosureControl}: 0–4 is suppressed ("*" in CSV,
 * {@code {"value": null, "suppressed": true}} in JSON), the rest is rounded to the nearest 5, and
 * more counts are suppressed where the "ALL" total would reveal one. No rates are published. Rows
 * are sorted by commissioner, provider ("ALL" first), need, month.
 */
public enum OpenDataColumn {

  COMMISSIONER("commissioner", "Code of the commissioner (ICB or council) that funds the referrals; \"unknown\" while the submission has not been seen.",
      PublishedRow::commissioner),
  PROVIDER("provider", "Id of the provider organisation that had accepted the referrals by the end of the month; \"none\" when none had; \"ALL\" for the total of the commissioner, need and month over every provider (the other rows add up to it).",
      PublishedRow::provider),
  NEED("need", "Social-prescribing need (LONELINESS, MENTAL_WELLBEING, PHYSICAL_ACTIVITY, MONEY_AND_DEBT, HOUSING, ARTS_AND_CULTURE, NATURE). A referral with several needs counts once under each; \"none\" when it names none.",
      PublishedRow::need),
  MONTH("month", "Month of submission, YYYY-MM, UK time: the release's month. Every count is as at the end of it.",
      PublishedRow::month),
  REFERRALS(Measure.REFERRALS, "referrals", "Referrals submitted."),
  ACCEPTED(Measure.ACCEPTED, "accepted", "Of those, accepted by a provider by the end of the month (whatever happened next)."),
  COMPLETED(Measure.COMPLETED, "completed", "Ended with the programme completed."),
  DROPPED_OUT(Measure.DROPPED_OUT, "droppedOut", "Ended with the person dropping out after starting."),
  IMPROVED(Measure.IMPROVED, "improved", "Completed, with at least one outcome measure (SWEMWBS, WEMWBS, ONS4, UCLA-3) improved by a meaningful amount."),
  DECLINED(Measure.DECLINED, "declined", "The person declined or could not be contacted."),
  UNPLACED(Measure.UNPLACED, "unplaced", "No provider could take the referral."),
  CANCELLED(Measure.CANCELLED, "cancelled", "Cancelled by the referrer.");

  /** Said of every count column. */
  static final String COUNT_NOTE = " A count: a multiple of 5 (rounded to the nearest 5); 0 to 4 is suppressed (*), and so is a larger count where the ALL total would otherwise reveal a suppressed one.";

  private final String header;
  private final String meaning;
  private final Function<PublishedRow, String> cell;
  private final boolean count;

  OpenDataColumn(String header, String meaning, Function<PublishedRow, String> cell) {
    this.header = header;
    this.meaning = meaning;
    this.cell = cell;
    this.count = false;
  }

  OpenDataColumn(Measure measure, String header, String meaning) {
    this.header = header;
    this.meaning = meaning + COUNT_NOTE;
    this.cell = row -> row.count(measure).csv();
    this.count = true;
  }

  /** The CSV header and the JSON field name. */
  public String header() {
    return header;
  }

  public String meaning() {
    return meaning;
  }

  /** Whether this column holds a (controlled) count. */
  public boolean isCount() {
    return count;
  }

  /** The unescaped CSV cell of a row. */
  public String cell(PublishedRow row) {
    return cell.apply(row);
  }
}
