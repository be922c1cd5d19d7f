package org.linkway.outcome.ledger.stream;

import org.linkway.events.LedgerEvent;
import org.linkway.platform.streams.Feed;
import org.springframework.stereotype.Component;

/** Ledger entries as the funding rules make them, for the commissioners' ledger streams. */
@Component
public class LedgerFeed extends Feed<LedgerEvent> {}
