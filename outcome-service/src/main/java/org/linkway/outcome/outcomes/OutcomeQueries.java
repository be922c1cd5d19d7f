package org.linkway.outcome.outcomes;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.linkway.events.OutcomeReported;
import org.linkway.outcome.ledger.stream.CommissionerFunding;
import org.linkway.platform.streams.StoreQueries;
import org.linkway.platform.web.ResumableStream;
import org.linkway.state.FundingState;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;

/**
 * The outcomes reported for a commissioner, pseudonymous (a person id, never an NHS number or a name):
 * what the API streams ({@link OutcomeStreamController}) and the dashboard shows. Reads the funding
 * store and follows the outcomes' feed, so holding two is as good as one.
 */
@Component
public class OutcomeQueries {

  public record MeasureView(String instrument, String stage, List<Integer> answers, Integer rawTotal, BigDecimal metricScore) {}

  public record ChangeView(String instrument, String score, BigDecimal baseline, BigDecimal followUp, BigDecimal improvement,
      boolean meaningful) {}

  public record OutcomeView(UUID eventId, Instant occurredAt, String referralId, String commissioner, String personId,
      String providerId, String serviceId, List<String> needs, String completion, int sessionsAttended,
      List<MeasureView> measures, List<ChangeView> changes) {}

  private final StoreQueries stores;
  private final OutcomeFeed feed;

  OutcomeQueries(StoreQueries stores, OutcomeFeed feed) {
    this.stores = stores;
    this.feed = feed;
  }

  /** The commissioner's outcomes, those reported after {@code lastEventId} first, then as they are reported. */
  public Flux<ServerSentEvent<OutcomeView>> events(String code, String lastEventId) {
    return ResumableStream.of(feed, o -> o.getCommissioner().equals(code), e -> "outcome",
        missed -> CommissionerFunding.of(stores, code).stream().flatMap(s -> s.getOutcomes().stream()).filter(missed)
            .toList(),
        lastEventId, OutcomeQueries::view);
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
