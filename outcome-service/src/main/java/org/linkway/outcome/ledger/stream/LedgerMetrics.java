package org.linkway.outcome.ledger.stream;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.math.BigDecimal;
import org.linkway.events.FundingCommitted;
import org.linkway.events.FundingReleased;
import org.linkway.events.PaymentDue;
import org.linkway.outcome.ledger.domain.FundingRules;
import org.linkway.platform.observability.StoreSnapshot;
import org.linkway.platform.streams.StoreQueries;
import org.linkway.state.FundingState;
import org.springframework.stereotype.Component;

/**
 * The funding ledger's totals over every commissioner, in pounds: {@code linkway.ledger.total{kind}}
 * with kind {@code committed} (on acceptance), {@code due} (milestones and outcomes met),
 * {@code released} (committed and no longer needed) and {@code reserved} (committed, not yet due
 * nor released), as the commissioner's summary computes them.
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
      BigDecimal[] sums = {BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO};
      stores.<FundingState>forEach(FundingProcessor.STORE, state -> {
        sums[0] = sums[0].add(FundingRules.sum(state.getLedger(), FundingCommitted.class));
        sums[1] = sums[1].add(FundingRules.sum(state.getLedger(), PaymentDue.class));
        sums[2] = sums[2].add(FundingRules.sum(state.getLedger(), FundingReleased.class));
      });
      return new Totals(sums[0], sums[1], sums[2]);
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
