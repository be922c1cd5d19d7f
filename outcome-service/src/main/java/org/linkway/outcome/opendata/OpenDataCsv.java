package org.linkway.outcome.opendata;

import java.util.Collection;
import org.linkway.outcome.Csv;
import org.linkway.outcome.opendata.DisclosureControl.PublishedRow;

/**
 * Writes published rows as CSV (RFC 4180): a header line of {@link OpenDataColumn} names, then one
 * line per row, CRLF line ends. A cell with a comma, a double quote or a line break is quoted, its
 * quotes doubled; a text cell that a spreadsheet would read as a formula (starting with {@code =},
 * {@code +}, {@code -}, {@code @}, tab or CR) is prefixed with {@code '}.
 */
public final class OpenDataCsv {

  public static final String LINE_END = Csv.LINE_END;

  private OpenDataCsv() {}

  public static String header() {
    StringBuilder out = new StringBuilder();
    for (OpenDataColumn c : OpenDataColumn.values()) {
      if (c.ordinal() > 0) out.append(',');
      out.append(c.header());
    }
    return out.toString();
  }

  public static String write(Collection<PublishedRow> rows) {
    StringBuilder out = new StringBuilder(header()).append(LINE_END);
    for (PublishedRow row : rows) {
      for (OpenDataColumn c : OpenDataColumn.values()) {
        if (c.ordinal() > 0) out.append(',');
        String cell = c.cell(row);
        out.append(c.isCount() ? cell : escape(cell));
      }
      out.append(LINE_END);
    }
    return out.toString();
  }

  /** One text cell, made safe for CSV and for spreadsheets. */
  static String escape(String value) {
    return Csv.text(value);
  }
}
