package org.linkway.referral.lifecycle.stream;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.linkway.platform.observability.StoreSnapshot;
import org.linkway.platform.streams.StoreQueries;
import org.linkway.state.ReferralStatus;
import org.springframework.stereotype.Component;

/**
 * {@code linkway.referrals{status}}: how many referrals are in each status, from the counts the lifecycle keeps as
 * it changes them ({@link ReferralStores#COUNTS}), over the partitions this instance runs.
 */
@Component
class ReferralMetrics implements MeterBinder {

  private final StoreSnapshot<Map<String, List<BigDecimal>>> byStatus;

  ReferralMetrics(StoreQueries stores) {
    this.byStatus = new StoreSnapshot<>(() -> ReferralStores.COUNTS.sumsHere(stores));
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    for (ReferralStatus status : ReferralStatus.values()) {
      if (status == ReferralStatus.UNKNOWN) continue;
      Gauge.builder("linkway.referrals", byStatus, s -> s.figure(counts ->
              counts.getOrDefault("status|" + status.name(), List.of(BigDecimal.ZERO)).get(0).doubleValue()))
          .description("Referrals in each status").tag("status", status.name()).strongReference(true)
          .register(registry);
    }
  }
}
