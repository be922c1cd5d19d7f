package org.linkway.referral.lifecycle.stream;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.EnumMap;
import java.util.Map;
import org.linkway.platform.observability.StoreSnapshot;
import org.linkway.platform.streams.StoreQueries;
import org.linkway.state.ReferralState;
import org.linkway.state.ReferralStatus;
import org.springframework.stereotype.Component;

/** {@code linkway.referrals{status}}: how many referrals are in each status, from the referral store. */
@Component
class ReferralMetrics implements MeterBinder {

  private final StoreSnapshot<Map<ReferralStatus, Long>> byStatus;

  ReferralMetrics(StoreQueries stores) {
    this.byStatus = new StoreSnapshot<>(() -> {
      Map<ReferralStatus, Long> counts = new EnumMap<>(ReferralStatus.class);
      stores.<ReferralState>forEach(ReferralStores.STATE, state -> counts.merge(state.getStatus(), 1L, Long::sum));
      return counts;
    });
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    for (ReferralStatus status : ReferralStatus.values()) {
      if (status == ReferralStatus.UNKNOWN) continue;
      Gauge.builder("linkway.referrals", byStatus, s -> s.figure(counts -> counts.getOrDefault(status, 0L)))
          .description("Referrals in each status").tag("status", status.name()).strongReference(true)
          .register(registry);
    }
  }
}
