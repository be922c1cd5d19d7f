package org.linkway.outcome.outcomes;

import org.linkway.outcome.outcomes.OutcomeQueries.OutcomeView;
import org.linkway.platform.security.LiveStreams;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;

/**
 * GET /commissioners/{code}/outcomes/stream: the outcomes reported for the commissioner, the newest
 * {@value OutcomeQueries#RECENT} already reported first (oldest of them first), then new ones as they happen;
 * resumed with {@code Last-Event-ID}, what followed that event ({@link OutcomeQueries#events}). Pseudonymous: a
 * person id, never an NHS number or a name.
 */
@RestController
public class OutcomeStreamController {

  private final OutcomeQueries outcomes;
  private final LiveStreams liveStreams;

  OutcomeStreamController(OutcomeQueries outcomes, LiveStreams liveStreams) {
    this.outcomes = outcomes;
    this.liveStreams = liveStreams;
  }

  /** Until the caller's token expires; one of the caller's live streams. */
  @GetMapping(path = "/commissioners/{code}/outcomes/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  public Flux<ServerSentEvent<OutcomeView>> stream(@PathVariable String code,
      @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId) {
    return liveStreams.ofCaller(outcomes.events(code, lastEventId));
  }
}
