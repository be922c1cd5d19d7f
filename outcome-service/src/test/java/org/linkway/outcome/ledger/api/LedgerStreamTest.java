package org.linkway.outcome.ledger.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.linkway.outcome.ledger.stream.ListEntries.committed;
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
import org.linkway.events.LedgerEvent;
import org.linkway.outcome.ledger.stream.CommissionerLists;
import org.linkway.outcome.ledger.stream.CommissionerListsStub;
import org.linkway.outcome.ledger.stream.LedgerFeed;
import org.linkway.platform.streams.StoreQueries;
import org.linkway.platform.web.ResumableStream;
import reactor.core.publisher.Flux;

/**
 * The commissioner's ledger stream on connecting without an id it can resume from by position: at most one page of
 * its newest entries, oldest of them first, read from its list ({@link CommissionerLists#LEDGER}, stubbed), never its
 * whole ledger; from an id with no position, those after it within that page, or the page when it is not in it.
 */
class LedgerStreamTest {

  private static final Instant MORNING = Instant.parse("2026-11-02T09:00:00Z");
  private static final int MADE = LedgerQueries.PAGE + 50;

  private final StoreQueries stores = mock(StoreQueries.class);
  private final LedgerFeed feed = mock(LedgerFeed.class);
  private final List<UUID> made = new ArrayList<>();
  private LedgerQueries ledger;

  @BeforeEach
  void setUp() {
    when(feed.records()).thenReturn(Flux.never());
    when(feed.keys()).thenReturn(ResumableStream.Keys.ofMetadata(LedgerEvent::getMetadata));
    CommissionerListsStub<LedgerEvent> list = CommissionerListsStub.answerFrom(stores, CommissionerLists.LEDGER, LedgerEvent.class);
    for (int i = 0; i < MADE; i++) {
      LedgerEvent entry = committed("QMM", UUID.randomUUID(), MORNING.plusSeconds(i));
      list.add(entry);
      made.add(entry.getMetadata().getEventId());
      list.add(committed("QXW", UUID.randomUUID(), MORNING.plusSeconds(i)));
    }
    ledger = new LedgerQueries(stores, feed);
  }

  @Test
  void givenNoLastEventId_whenConnecting_thenTheNewestPageOldestFirstReadAsOnePage() {
    assertThat(sent(null, LedgerQueries.PAGE)).containsExactlyElementsOf(made.subList(MADE - LedgerQueries.PAGE, MADE));
    verify(stores).page(eq(CommissionerLists.LEDGER.store()), eq("QMM"), eq("QMM|"), isNull(), eq(LedgerQueries.PAGE), any());
    verify(stores, never()).withPrefix(anyString(), anyString(), anyString());
  }

  @Test
  void givenTheIdWithNoPositionOfAnEntryInThatPage_whenConnecting_thenTheEntriesAfterIt() {
    assertThat(sent(made.get(MADE - 4).toString(), 3)).containsExactlyElementsOf(made.subList(MADE - 3, MADE));
  }

  @Test
  void givenTheIdWithNoPositionOfAnEntryOlderThanThatPage_whenConnecting_thenThePage() {
    assertThat(sent(made.get(0).toString(), LedgerQueries.PAGE))
        .containsExactlyElementsOf(made.subList(MADE - LedgerQueries.PAGE, MADE));
  }

  /** The ids of the first {@code n} entries sent to a client connecting with {@code lastEventId}. */
  private List<UUID> sent(String lastEventId, int n) {
    return ledger.events("QMM", lastEventId).filter(e -> e.data() != null).take(n)
        .map(e -> e.data().entryId()).collectList().block(Duration.ofSeconds(10));
  }
}
