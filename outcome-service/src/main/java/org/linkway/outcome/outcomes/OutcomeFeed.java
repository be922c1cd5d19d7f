package org.linkway.outcome.outcomes;

import org.linkway.events.OutcomeReported;
import org.linkway.platform.kafka.Topics;
import org.linkway.platform.streams.TailedFeed;
import org.springframework.stereotype.Component;

/** Outcome reports once committed to commissioner-outcomes, every one whichever instance reads: for the commissioners' streams. */
@Component
public class OutcomeFeed extends TailedFeed<OutcomeReported> {

  OutcomeFeed(Readers readers) {
    super(Topics.COMMISSIONER_OUTCOMES, readers);
  }
}
