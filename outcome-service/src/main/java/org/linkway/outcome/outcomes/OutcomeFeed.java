package org.linkway.outcome.outcomes;

import org.linkway.events.OutcomeReported;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/** Outcome reports as the stream processor makes them, for the commissioners' SSE streams. */
@Component
public class OutcomeFeed {

  private final Sinks.Many<OutcomeReported> outcomes = Sinks.many().multicast().directBestEffort();

  public void reported(OutcomeReported outcome) {
    outcomes.tryEmitNext(outcome);
  }

  Flux<OutcomeReported> outcomes() {
    return outcomes.asFlux();
  }
}
