package org.linkway.outcome.ledger;

import org.linkway.events.LedgerEvent;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/** Ledger entries as the funding rules make them, for the commissioners' ledger streams. */
@Component
public class LedgerFeed {

  private final Sinks.Many<LedgerEvent> entries = Sinks.many().multicast().directBestEffort();

  void recorded(LedgerEvent entry) {
    entries.tryEmitNext(entry);
  }

  Flux<LedgerEvent> entries() {
    return entries.asFlux();
  }
}
