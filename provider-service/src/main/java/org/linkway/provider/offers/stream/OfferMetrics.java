package org.linkway.provider.offers.stream;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.time.Instant;
import org.linkway.platform.observability.StoreSnapshot;
import org.linkway.platform.streams.StoreQueries;
import org.springframework.stereotype.Component;

/**
 * The offers waiting for a provider's answer: {@code linkway.offers.open}, and how long the oldest
 * has waited, {@code linkway.offers.open.oldest.age} (seconds; 0 when none waits): from the figures each task
 * keeps as its offers change ({@link OpenOffers}), over the tasks this instance runs; never a scan of the offers.
 */
@Component
class OfferMetrics implements MeterBinder {

  private final StoreSnapshot<OpenOffers.Open> open;

  OfferMetrics(StoreQueries stores) {
    this.open = new StoreSnapshot<>(() -> OpenOffers.here(stores));
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    Gauge.builder("linkway.offers.open", open, s -> s.figure(OpenOffers.Open::count))
        .description("Offers waiting for the provider's answer").strongReference(true).register(registry);
    Gauge.builder("linkway.offers.open.oldest.age", open, s -> s.figure(o -> o.oldest() == null ? 0
            : Math.max(0, Duration.between(o.oldest(), Instant.now()).toMillis() / 1000.0)))
        .description("How long the oldest open offer has waited for an answer").baseUnit("seconds")
        .strongReference(true).register(registry);
  }
}
