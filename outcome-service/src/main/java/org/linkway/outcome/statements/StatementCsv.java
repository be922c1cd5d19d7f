package org.linkway.outcome.statements;

import java.math.BigDecimal;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Function;
import org.linkway.outcome.Csv;

/**
 * Writes a statement as CSV per RFC 4180: a header row, one row per item, a TOTAL row after each
 * provider's items and a GRAND TOTAL row last; lines end in CRLF; a field containing a comma, a
 * double quote, CR or LF is enclosed in double quotes, with its double quotes doubled. Amounts are
 * plain decimals with two places (1234.50), in GBP.
 *
 * <pre>
 * providerId,date,referralId,serviceId,contractId,milestone,amount
 * p1,2026-04-01,0b8c…,svc-1,qmm-p1-2026,ENGAGEMENT,50.00
 * p1,TOTAL,,,,,50.00
 * ,GRAND TOTAL,,,,,50.00
 * </pre>
 *
 * <p>A month of any size is written a page of items at a time ({@link #byPages}), the same bytes as the whole.
 */
final class StatementCsv {

  static final List<String> HEADER =
      List.of("providerId", "date", "referralId", "serviceId", "contractId", "milestone", "amount");
  static final String TOTAL = "TOTAL";
  static final String GRAND_TOTAL = "GRAND TOTAL";

  private StatementCsv() {}

  static String write(Statement statement) {
    return byPages(after -> new StatementLines.Page(statement, null)).next();
  }

  /**
   * The CSV of a month's statement, one chunk per page of its items: {@code pageAfter} gives the page after a cursor
   * (null: the first), as {@link StatementLines#page} reads it. The chunks, one after another, are exactly
   * {@link #write} of the whole month; a provider's TOTAL row is written once its last item is, on the page after
   * if its items fill a page to the end. So only one page is held at a time, and the first chunk costs one page.
   */
  static Iterator<String> byPages(Function<String, StatementLines.Page> pageAfter) {
    return new Iterator<>() {
      private boolean started;
      private boolean ended;
      private String after;
      /** The provider whose items were written last, its TOTAL row not yet. */
      private String open;
      private BigDecimal openTotal;

      @Override
      public boolean hasNext() {
        return !ended;
      }

      @Override
      public String next() {
        if (ended) throw new NoSuchElementException();
        StatementLines.Page page = pageAfter.apply(after);
        StringBuilder csv = new StringBuilder();
        if (!started) row(csv, HEADER);
        started = true;
        for (Statement.ProviderStatement p : page.statement().providers()) {
          if (open != null && !open.equals(p.providerId())) total(csv);
          open = p.providerId();
          openTotal = p.total();
          for (Statement.Item i : p.items()) {
            row(csv, List.of(p.providerId(), i.date().toString(), i.referralId(), i.serviceId(), i.contractId(),
                i.milestone(), Money.plain(i.amount())));
          }
        }
        after = page.next();
        if (after == null) {
          if (open != null) total(csv);
          row(csv, List.of("", GRAND_TOTAL, "", "", "", "", Money.plain(page.statement().total())));
          ended = true;
        }
        return csv.toString();
      }

      private void total(StringBuilder csv) {
        row(csv, List.of(open, TOTAL, "", "", "", "", Money.plain(openTotal)));
        open = null;
      }
    };
  }

  private static void row(StringBuilder csv, List<String> fields) {
    for (int i = 0; i < fields.size(); i++) {
      if (i > 0) csv.append(',');
      csv.append(field(fields.get(i)));
    }
    csv.append(Csv.LINE_END);
  }

  /** One field, quoted only when RFC 4180 requires it. */
  static String field(String value) {
    return Csv.field(value);
  }
}
