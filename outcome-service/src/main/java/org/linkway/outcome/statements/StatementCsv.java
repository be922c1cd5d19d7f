package org.linkway.outcome.statements;

import java.util.List;
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
 */
final class StatementCsv {

  static final List<String> HEADER =
      List.of("providerId", "date", "referralId", "serviceId", "contractId", "milestone", "amount");
  static final String TOTAL = "TOTAL";
  static final String GRAND_TOTAL = "GRAND TOTAL";

  private StatementCsv() {}

  static String write(Statement statement) {
    StringBuilder csv = new StringBuilder();
    row(csv, HEADER);
    for (Statement.ProviderStatement p : statement.providers()) {
      for (Statement.Item i : p.items()) {
        row(csv, List.of(p.providerId(), i.date().toString(), i.referralId(), i.serviceId(), i.contractId(),
            i.milestone(), Money.plain(i.amount())));
      }
      row(csv, List.of(p.providerId(), TOTAL, "", "", "", "", Money.plain(p.total())));
    }
    row(csv, List.of("", GRAND_TOTAL, "", "", "", "", Money.plain(statement.total())));
    return csv.toString();
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
