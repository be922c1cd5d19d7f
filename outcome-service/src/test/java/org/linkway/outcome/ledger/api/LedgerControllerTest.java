package org.linkway.outcome.ledger.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.linkway.outcome.ledger.stream.ListEntries.committed;
import static org.linkway.outcome.ledger.stream.ListEntries.due;
import static org.linkway.outcome.ledger.stream.ListEntries.state;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.linkway.events.LedgerEvent;
import org.linkway.outcome.ledger.api.LedgerQueries.LedgerEntry;
import org.linkway.outcome.ledger.stream.ArchivedFunding;
import org.linkway.outcome.ledger.stream.CommissionerLists;
import org.linkway.outcome.ledger.stream.CommissionerListsStub;
import org.linkway.outcome.ledger.stream.FundingProcessor;
import org.linkway.outcome.ledger.stream.LedgerFeed;
import org.linkway.platform.security.LiveStreams;
import org.linkway.platform.streams.StoreQueries;
import org.linkway.platform.testing.Problems;
import org.linkway.platform.web.ProblemHandler;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * GET /commissioners/{code}/ledger: one page of the commissioner's entries, newest first, read from its list
 * ({@link CommissionerLists#LEDGER}, stubbed), the page after linked from the {@code Link} header; a bad cursor or
 * limit is a 400 naming it, read nothing; {@code ?referralId=} is that referral's entries by key, as before.
 */
class LedgerControllerTest {

  private static final Instant MORNING = Instant.parse("2026-11-02T09:00:00Z");

  private final StoreQueries stores = mock(StoreQueries.class);
  private CommissionerListsStub<LedgerEvent> ledger;
  private WebTestClient client;

  @BeforeEach
  void setUp() {
    ledger = CommissionerListsStub.answerFrom(stores, CommissionerLists.LEDGER, LedgerEvent.class);
    client = WebTestClient.bindToController(new LedgerController(stores, new LedgerQueries(stores, mock(LedgerFeed.class)),
            mock(LiveStreams.class)))
        .controllerAdvice(new ProblemHandler())
        .build();
  }

  @Test
  void givenMoreEntriesThanTheLimit_whenFetchedPageByPage_thenNewestFirstEachOnceAndTheLastPageLinksNoFurther() {
    List<UUID> made = entries("QMM", 5);
    entries("QXW", 3);

    EntityExchangeResult<List<LedgerEntry>> one = fetch("/commissioners/QMM/ledger?limit=2");
    EntityExchangeResult<List<LedgerEntry>> two = fetch(next(one));
    EntityExchangeResult<List<LedgerEntry>> three = fetch(next(two));

    assertThat(ids(one)).containsExactly(made.get(4), made.get(3));
    assertThat(ids(two)).containsExactly(made.get(2), made.get(1));
    assertThat(ids(three)).containsExactly(made.get(0));
    assertThat(next(one)).startsWith("/commissioners/QMM/ledger?").contains("limit=2").contains("after=");
    assertThat(three.getResponseHeaders().get(HttpHeaders.LINK)).isNull();
  }

  @Test
  void givenMoreEntriesThanADefaultPage_whenFetchedWithNoLimit_thenTheNewestPageAndALinkToTheRest() {
    List<UUID> made = entries("QMM", LedgerQueries.PAGE + 5);

    EntityExchangeResult<List<LedgerEntry>> first = fetch("/commissioners/QMM/ledger");
    EntityExchangeResult<List<LedgerEntry>> rest = fetch(next(first));

    assertThat(ids(first)).hasSize(LedgerQueries.PAGE).first().isEqualTo(made.get(made.size() - 1));
    assertThat(ids(rest)).containsExactly(made.get(4), made.get(3), made.get(2), made.get(1), made.get(0));
    assertThat(rest.getResponseHeaders().get(HttpHeaders.LINK)).isNull();
  }

  @Test
  void givenACommissionerWithNoEntries_whenFetched_thenAnEmptyListAndNoLink() {
    entries("QXW", 2);

    EntityExchangeResult<List<LedgerEntry>> none = fetch("/commissioners/QMM/ledger");

    assertThat(none.getResponseBody()).isEmpty();
    assertThat(none.getResponseHeaders().get(HttpHeaders.LINK)).isNull();
  }

  @Test
  void givenACursorNotOfThisList_whenFetched_thenBadRequestNamingAfterAndNothingRead() {
    Problems.assertOneInvalidField(client.get().uri("/commissioners/QMM/ledger?after=yesterday").exchange(), "after",
        r -> assertThat(r).contains("not a cursor of this list"));
    verify(stores, never()).page(anyString(), anyString(), anyString(), any(), anyInt(), any());
  }

  @Test
  void givenALimitOutOfRangeOrNotANumber_whenFetched_thenBadRequestNamingLimitAndNothingRead() {
    for (String limit : List.of("0", "501", "ten")) {
      Problems.assertOneInvalidField(client.get().uri("/commissioners/QMM/ledger?limit=" + limit).exchange(), "limit",
          r -> assertThat(r).isEqualTo("must be a whole number from 1 to 500"));
    }
    verify(stores, never()).page(anyString(), anyString(), anyString(), any(), anyInt(), any());
  }

  @Test
  void givenAReferralId_whenFetched_thenThatReferralsEntriesOldestFirstByKeyWhateverThePagingParameters() {
    UUID referral = UUID.randomUUID();
    LedgerEvent committed = committed("QMM", referral, MORNING);
    LedgerEvent due = due("QMM", referral, MORNING.plusSeconds(60));
    when(stores.get(eq(FundingProcessor.STORE), eq(referral.toString())))
        .thenReturn(Optional.of(state("QMM", referral, List.of(committed, due), List.of())));

    EntityExchangeResult<List<LedgerEntry>> found = fetch("/commissioners/QMM/ledger?referralId=" + referral + "&limit=1");

    assertThat(ids(found)).containsExactly(committed.getMetadata().getEventId(), due.getMetadata().getEventId());
    assertThat(found.getResponseBody()).allSatisfy(e -> assertThat(e.referralId()).isEqualTo(referral.toString()));
    assertThat(found.getResponseHeaders().get(HttpHeaders.LINK)).isNull();
    verify(stores, never()).page(anyString(), anyString(), anyString(), any(), anyInt(), any());
    client.get().uri("/commissioners/QXW/ledger?referralId=" + referral).exchange()
        .expectStatus().isOk().expectBody().json("[]");
  }

  @Test
  void givenAReferralWhoseFundingWasArchived_whenFetchedByItsCommissioner_thenGoneSayingWhenAndToAnotherNothing() {
    UUID referral = UUID.randomUUID();
    when(stores.get(eq(ArchivedFunding.STORE), eq(referral.toString()))).thenReturn(Optional.of(new ArchivedFunding(
        Instant.parse("2026-03-02T10:00:00Z"), Instant.parse("2026-05-31T10:01:00Z"), "COMPLETED", "QMM").text()));

    client.get().uri("/commissioners/QMM/ledger?referralId=" + referral).exchange()
        .expectStatus().isEqualTo(410)
        .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody().jsonPath("$.detail").isEqualTo("referral " + referral + " ended (COMPLETED) on 2026-03-02 and its"
            + " funding was archived 90 days later, on 2026-05-31: its entries are on the funding-ledger topic, its figures"
            + " in the commissioner's totals");
    client.get().uri("/commissioners/QXW/ledger?referralId=" + referral).exchange()
        .expectStatus().isOk().expectBody().json("[]");
  }

  /** {@code n} entries of the commissioner's, a second apart, oldest first; their ids. */
  private List<UUID> entries(String commissioner, int n) {
    List<UUID> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      LedgerEvent entry = i % 2 == 0 ? committed(commissioner, UUID.randomUUID(), MORNING.plusSeconds(i))
          : due(commissioner, UUID.randomUUID(), MORNING.plusSeconds(i));
      ledger.add(entry);
      ids.add(entry.getMetadata().getEventId());
    }
    return ids;
  }

  private EntityExchangeResult<List<LedgerEntry>> fetch(String uri) {
    return client.get().uri(URI.create(uri)).exchange()
        .expectStatus().isOk()
        .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
        .expectBodyList(LedgerEntry.class).returnResult();
  }

  /** The path of the page after, from the {@code Link} header. */
  private static String next(EntityExchangeResult<?> page) {
    String link = page.getResponseHeaders().getFirst(HttpHeaders.LINK);
    assertThat(link).as("a link to the page after").isNotNull().endsWith(">; rel=\"next\"");
    return link.substring(1, link.indexOf('>'));
  }

  private static List<UUID> ids(EntityExchangeResult<List<LedgerEntry>> page) {
    return page.getResponseBody().stream().map(LedgerEntry::entryId).toList();
  }
}
