package org.linkway.outcome.outcomes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.linkway.outcome.ledger.stream.ListEntries.outcome;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.isNull;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.linkway.events.OutcomeReported;
import org.linkway.outcome.ledger.stream.CommissionerLists;
import org.linkway.outcome.ledger.stream.CommissionerListsStub;
import org.linkway.platform.streams.StoreQueries;
import org.linkway.platform.web.ResumableStream;
import reactor.core.publisher.Flux;

/**
 * The commissioner's outcome stream on connecting without an id it can resume from by position: at most one page of
 * its newest outcomes, oldest of them first, read from its list ({@link CommissionerLists#OUTCOMES}, stubbed), never
 * every outcome it was ever reported; from an id with no position, those after it within that page.
 */
class OutcomeStreamTest {

  private static final Instant MORNING = Instant.parse("2026-11-02T09:00:00Z");
  private static final int MADE = OutcomeQueries.RECENT + 20;

  private final StoreQueries stores = mock(StoreQueries.class);
  private final OutcomeFeed feed = mock(OutcomeFeed.class);
  private final List<UUID> reported = new ArrayList<>();
  private OutcomeQueries outcomes;

  @BeforeEach
  void setUp() {
    when(feed.records()).thenReturn(Flux.never());
    when(feed.keys()).thenReturn(ResumableStream.Keys.ofMetadata(OutcomeReported::getMetadata));
    CommissionerListsStub<OutcomeReported> list =
        CommissionerListsStub.answerFrom(stores, CommissionerLists.OUTCOMES, OutcomeReported.class);
    for (int i = 0; i < MADE; i++) {
      OutcomeReported outcome = outcome("QMM", UUID.randomUUID(), MORNING.plusSeconds(i));
      list.add(outcome);
      reported.add(outcome.getMetadata().getEventId());
      list.add(outcome("QXW", UUID.randomUUID(), MORNING.plusSeconds(i)));
    }
    outcomes = new OutcomeQueries(stores, feed);
  }

  @Test
  void givenNoLastEventId_whenConnecting_thenTheNewestPageOldestFirstReadAsOnePage() {
    assertThat(sent(null, OutcomeQueries.RECENT))
        .containsExactlyElementsOf(reported.subList(MADE - OutcomeQueries.RECENT, MADE));
    verify(stores).page(eq(CommissionerLists.OUTCOMES.store()), eq("QMM"), eq("QMM|"), isNull(),
        eq(OutcomeQueries.RECENT), any());
    verify(stores, never()).withPrefix(anyString(), anyString(), anyString());
  }

  @Test
  void givenTheIdWithNoPositionOfAnOutcomeInThatPage_whenConnecting_thenTheOutcomesAfterIt() {
    assertThat(sent(reported.get(MADE - 3).toString(), 2)).containsExactlyElementsOf(reported.subList(MADE - 2, MADE));
  }

  private List<UUID> sent(String lastEventId, int n) {
    return outcomes.events("QMM", lastEventId).filter(e -> e.data() != null).take(n)
        .map(e -> e.data().eventId()).collectList().block(Duration.ofSeconds(10));
  }
}
