package org.linkway.provider.offers;

import org.linkway.state.OfferState;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/** New offers as the stream processor records them, for the providers' SSE streams. */
@Component
public class OfferFeed {

  private final Sinks.Many<OfferState> offers = Sinks.many().multicast().directBestEffort();

  void published(OfferState offer) {
    offers.tryEmitNext(offer);
  }

  public Flux<OfferState> offers() {
    return offers.asFlux();
  }
}
