package org.linkway.outcome.outcomes;

import org.linkway.events.OutcomeReported;
import org.linkway.platform.streams.Feed;
import org.springframework.stereotype.Component;

/** Outcome reports as the stream processor makes them, for the commissioners' SSE streams. */
@Component
public class OutcomeFeed extends Feed<OutcomeReported> {}
