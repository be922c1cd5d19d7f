package org.linkway.outcome.ledger.stream;

import org.linkway.events.LedgerEvent;
import org.linkway.platform.kafka.Topics;
import org.linkway.platform.streams.ResumableFeed;
import org.linkway.platform.web.ResumableStream;
import org.springframework.stereotype.Component;

/**
 * Ledger entries once committed to funding-ledger, every one whichever instance reads: for the commissioners' ledger
 * streams, resumable from a position in the topic ({@link ResumableStream#of}).
 */
@Component
public class LedgerFeed extends ResumableFeed<LedgerEvent> {

  LedgerFeed(Readers readers) {
    super(Topics.FUNDING_LEDGER, readers, ResumableStream.Keys.ofMetadata(LedgerEvent::getMetadata));
  }
}
