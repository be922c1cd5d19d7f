package org.linkway.provider.offers.stream;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.time.Instant;
import org.linkway.platform.observability.StoreSnapshot;
import org.linkway.platform.streams.StoreQueries;
import org.linkway.state.OfferState;
import org.linkway.state.OfferStatus;
import org.springframework.stereotype.Component;

/**
 * The offers waiting for a provider's answer: {@code linkway.offers.open}, and how long the oldest
 * has waited, {@code linkway.offers.open.oldest.age} (seconds; 0 when none waits).
 */
@Component
class OfferMetrics implements MeterBinder {

  record Open(long count, Instant oldest) {}

  private final StoreSnapshot<Open> open;

  OfferMetrics(StoreQueries stores) {
    this.open = new StoreSnapshot<>(() -> {
      long[] count = {0};
      Instant[] oldest = {null};
      stores.<OfferState>forEach(OfferProcessor.STORE, state -> {
        if (state.getStatus() != OfferStatus.OFFERED) return;
        count[0]++;
        if (oldest[0] == null || state.getOfferedAt().isBefore(oldest[0])) oldest[0] = state.getOfferedAt();
      });
      return new Open(count[0], oldest[0]);
    });
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    Gauge.builder("linkway.offers.open", open, s -> s.figure(Open::count))
        .description("Offers waiting for the provider's answer").strongReference(true).register(registry);
    Gauge.builder("linkway.offers.open.oldest.age", open, s -> s.figure(o -> o.oldest() == null ? 0
            : Math.max(0, Duration.between(o.oldest(), Instant.now()).toMillis() / 1000.0)))
        .description("How long the oldest open offer has waited for an answer").baseUnit("seconds")
        .strongReference(true).register(registry);
  }
}
