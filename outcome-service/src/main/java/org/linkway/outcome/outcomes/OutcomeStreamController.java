package org.linkway.outcome.outcomes;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.linkway.outcome.ledger.stream.FundingProcessor;
import org.linkway.events.OutcomeReported;
import org.linkway.outcome.ResumableStream;
import org.linkway.platform.security.LiveStreams;
import org.linkway.platform.streams.StoreQueries;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;

/**
 * GET /commissioners/{code}/outcomes/stream: every outcome reported for the commissioner, those
 * already reported first, then new ones as they happen. Pseudonymous: a person id, never an NHS
 * number or a name.
 */
@RestController
public class OutcomeStreamController {

  public record MeasureView(String instrument, String stage, List<Integer> answers, Integer rawTotal, BigDecimal metricScore) {}

  public record ChangeView(String instrument, String score, BigDecimal baseline, BigDecimal followUp, BigDecimal improvement,
      boolean meaningful) {}

  public record OutcomeView(UUID eventId, Instant occurredAt, String referralId, String commissioner, String personId,
      String providerId, String serviceId, List<String> needs, String completion, int sessionsAttended,
      List<MeasureView> measures, List<ChangeView> changes) {}

  private final StoreQueries stores;
  private final OutcomeFeed feed;
  private final LiveStreams liveStreams;

  OutcomeStreamController(StoreQueries stores, OutcomeFeed feed, LiveStreams liveStreams) {
    this.stores = stores;
    this.feed = feed;
    this.liveStreams = liveStreams;
  }

  /** Until the caller's token expires; one of the caller's live streams. */
  @GetMapping(path = "/commissioners/{code}/outcomes/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  public Flux<ServerSentEvent<OutcomeView>> stream(@PathVariable String code,
      @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId) {
    return liveStreams.ofCaller(events(code, lastEventId));
  }

  /** The commissioner's outcomes, those reported after {@code lastEventId} first, then as they are reported. */
  public Flux<ServerSentEvent<OutcomeView>> events(String code, String lastEventId) {
    return ResumableStream.of("outcome",
        feed.events().filter(o -> o.getCommissioner().equals(code)),
        () -> FundingProcessor.ofCommissioner(stores, code).stream().flatMap(s -> s.getOutcomes().stream()).toList(),
        ResumableStream.Keys.ofMetadata(OutcomeReported::getMetadata),
        lastEventId, OutcomeStreamController::view);
  }

  public static OutcomeView view(OutcomeReported o) {
    return new OutcomeView(o.getMetadata().getEventId(), o.getMetadata().getOccurredAt(),
        String.valueOf(o.getMetadata().getReferralId()), o.getCommissioner(), o.getPersonId(), o.getProviderId(),
        o.getServiceId(), o.getNeeds().stream().map(Enum::name).toList(), o.getCompletion().name(),
        o.getSessionsAttended(),
        o.getMeasures().stream().map(m -> new MeasureView(m.getInstrument().name(), m.getStage().name(),
            m.getAnswers(), m.getRawTotal(), m.getMetricScore())).toList(),
        o.getChanges().stream().map(c -> new ChangeView(c.getInstrument().name(), c.getScore(), c.getBaseline(),
            c.getFollowUp(), c.getImprovement(), c.getMeaningful())).toList());
  }
}
