package org.linkway.outcome.outcomes;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.linkway.events.OutcomeReported;
import org.linkway.outcome.ledger.stream.CommissionerLists;
import org.linkway.platform.streams.Position;
import org.linkway.platform.streams.StoreQueries;
import org.linkway.platform.web.ResumableStream;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;

/**
 * The outcomes reported for a commissioner, pseudonymous (a person id, never an NHS number or a name):
 * what the API streams ({@link OutcomeStreamController}) and the dashboard shows. Reads the commissioner's list of
 * outcomes, newest first, a page at a time ({@link CommissionerLists#OUTCOMES}), and follows the outcomes' feed, so
 * holding two is as good as one.
 */
@Component
public class OutcomeQueries {

  public record MeasureView(String instrument, String stage, List<Integer> answers, Integer rawTotal, BigDecimal metricScore) {}

  public record ChangeView(String instrument, String score, BigDecimal baseline, BigDecimal followUp, BigDecimal improvement,
      boolean meaningful) {}

  public record OutcomeView(UUID eventId, Instant occurredAt, String referralId, String commissioner, String personId,
      String providerId, String serviceId, List<String> needs, String completion, int sessionsAttended,
      List<MeasureView> measures, List<ChangeView> changes) {}

  /** The most a live stream sends from the list on connecting without an id it can resume from. */
  public static final int RECENT = 100;

  private final StoreQueries stores;
  private final OutcomeFeed feed;

  OutcomeQueries(StoreQueries stores, OutcomeFeed feed) {
    this.stores = stores;
    this.feed = feed;
  }

  /**
   * The commissioner's outcomes as they are reported ({@link ResumableStream#of}). With no {@code lastEventId}, the
   * newest {@value #RECENT} come first (oldest of them first), then the new ones: never every outcome ever reported.
   * With an id that carries a position, exactly the outcomes after it, read from the topic. With an id that carries
   * none (or a position too far back to read from), the outcomes after it among those newest {@value #RECENT}: all of
   * them when it is not among them.
   */
  public Flux<ServerSentEvent<OutcomeView>> events(String code, String lastEventId) {
    return ResumableStream.of(feed, o -> o.getCommissioner().equals(code), e -> "outcome",
        missed -> newest(code, RECENT).stream().filter(missed).toList(), lastEventId, OutcomeQueries::view);
  }

  /** The commissioner's newest {@code limit} outcomes, newest first. */
  public List<OutcomeReported> newest(String code, int limit) {
    return CommissionerLists.page(stores, CommissionerLists.OUTCOMES, code, null, limit).values();
  }

  /**
   * Where this instance's reader of the outcomes' feed is now (empty before it has a position in every partition): a
   * page shown with outcomes read after this resumes its stream from here ({@link ResumableStream#idAt}).
   */
  public Optional<Position> feedPosition() {
    return feed.position();
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
