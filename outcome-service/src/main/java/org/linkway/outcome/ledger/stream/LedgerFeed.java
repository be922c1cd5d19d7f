package org.linkway.outcome.ledger.stream;

import org.linkway.events.LedgerEvent;
import org.linkway.platform.kafka.Topics;
import org.linkway.platform.streams.TailedFeed;
import org.springframework.stereotype.Component;

/** Ledger entries once committed to funding-ledger, every one whichever instance reads: for the commissioners' ledger streams. */
@Component
public class LedgerFeed extends TailedFeed<LedgerEvent> {

  LedgerFeed(Readers readers) {
    super(Topics.FUNDING_LEDGER, readers);
  }
}
