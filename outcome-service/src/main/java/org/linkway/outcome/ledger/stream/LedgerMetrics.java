package org.linkway.outcome.ledger.stream;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.math.BigDecimal;
import java.util.List;
import org.linkway.outcome.analytics.CommissionerTotals;
import org.linkway.platform.observability.StoreSnapshot;
import org.linkway.platform.streams.StoreQueries;
import org.springframework.stereotype.Component;

/**
 * The funding ledger's totals over every commissioner, in pounds: {@code linkway.ledger.total{kind}}
 * with kind {@code committed} (on acceptance), {@code due} (milestones and outcomes met),
 * {@code released} (committed and no longer needed) and {@code reserved} (committed, not yet due
 * nor released), as the commissioner's summary computes them: from the running totals kept once per task over
 * the commissioners it holds ({@link CommissionerTotals#IN_TASK}), one cell per task this instance runs, never a scan
 * of the funding store nor of each commissioner's cells.
 */
@Component
class LedgerMetrics implements MeterBinder {

  record Totals(BigDecimal committed, BigDecimal due, BigDecimal released) {
    BigDecimal of(String kind) {
      return switch (kind) {
        case "committed" -> committed;
        case "due" -> due;
        case "released" -> released;
        default -> committed.subtract(due).subtract(released);
      };
    }
  }

  private final StoreSnapshot<Totals> totals;

  LedgerMetrics(StoreQueries stores) {
    this.totals = new StoreSnapshot<>(() -> {
      List<BigDecimal> money = CommissionerTotals.moneyHere(stores);
      return new Totals(money.get(0), money.get(1), money.get(2));
    });
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    for (String kind : new String[] {"committed", "due", "released", "reserved"}) {
      Gauge.builder("linkway.ledger.total", totals, s -> s.figure(t -> t.of(kind).doubleValue()))
          .description("The funding ledger's total of each kind of entry").baseUnit("pounds").tag("kind", kind)
          .strongReference(true).register(registry);
    }
  }
}
