package org.linkway.outcome.statements;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import org.linkway.events.FundingCommitted;
import org.linkway.events.FundingReleased;
import org.linkway.events.LedgerEvent;
import org.linkway.events.PaymentDue;

/** Pounds and pence: BigDecimal at scale 2, added exactly, never rounded. */
final class Money {

  static final String CURRENCY = "GBP";
  static final BigDecimal ZERO = BigDecimal.ZERO.setScale(2);

  private Money() {}

  /**
   * The amount at scale 2. The ledger's amounts are Avro decimal(12,2), so this never rounds; an
   * amount with fractions of a penny is a broken ledger and fails loudly rather than being rounded.
   */
  static BigDecimal pence(BigDecimal amount) {
    return amount.setScale(2, RoundingMode.UNNECESSARY);
  }

  /** As written in a CSV file: a plain decimal with two places, e.g. 1234.50. */
  static String plain(BigDecimal amount) {
    return pence(amount).toPlainString();
  }

  static BigDecimal amount(LedgerEvent e) {
    Object p = e.getPayload();
    if (p instanceof FundingCommitted c) return c.getAmount();
    if (p instanceof PaymentDue d) return d.getAmount();
    if (p instanceof FundingReleased r) return r.getAmount();
    throw new IllegalArgumentException("not a ledger payload: " + p);
  }

  /** The sum of the ledger's entries of one type (FundingCommitted, PaymentDue, FundingReleased). */
  static BigDecimal sum(List<LedgerEvent> ledger, Class<?> type) {
    BigDecimal total = ZERO;
    for (LedgerEvent e : ledger) {
      if (type.isInstance(e.getPayload())) total = total.add(amount(e));
    }
    return pence(total);
  }
}
