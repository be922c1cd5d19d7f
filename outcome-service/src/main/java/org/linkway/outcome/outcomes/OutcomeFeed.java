package org.linkway.outcome.outcomes;

import org.linkway.events.OutcomeReported;
import org.linkway.platform.kafka.Topics;
import org.linkway.platform.streams.ResumableFeed;
import org.linkway.platform.web.ResumableStream;
import org.springframework.stereotype.Component;

/**
 * Outcome reports once committed to commissioner-outcomes, every one whichever instance reads: for the commissioners'
 * streams, resumable from a position in the topic ({@link ResumableStream#of}).
 */
@Component
public class OutcomeFeed extends ResumableFeed<OutcomeReported> {

  OutcomeFeed(Readers readers) {
    super(Topics.COMMISSIONER_OUTCOMES, readers, ResumableStream.Keys.ofMetadata(OutcomeReported::getMetadata));
  }
}
