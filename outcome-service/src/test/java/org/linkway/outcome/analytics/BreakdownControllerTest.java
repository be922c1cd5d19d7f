package org.linkway.outcome.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.linkway.outcome.analytics.FundingStates.submitted;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.verifyNoInteractions;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkway.outcome.statements.StatementViews;
import org.linkway.platform.streams.StoreQueries;
import org.linkway.platform.testing.Problems;
import org.linkway.platform.web.ProblemException;
import org.linkway.platform.web.ProblemHandler;
import org.linkway.state.FundingState;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * GET /commissioners/{code}/summary/breakdown, read from the commissioner's cells ({@link BreakdownCells}) kept on
 * Kafka Streams' test driver from the funding states.
 */
class BreakdownControllerTest {

  @TempDir
  Path stateDir;

  private StatementViews views;
  private StoreQueries stores;
  private WebTestClient client;

  @BeforeEach
  void setUp() {
    List<FundingState> states = new ArrayList<>(FundingStates.april());
    states.add(submitted("2026-04-02T09:00:00Z", "Y00001").commissioner("QOC").offered("elsewhere", "x").build());
    serve(states);
  }

  @AfterEach
  void tearDown() {
    views.close();
  }

  /** The API over views holding {@code states} (and no others). */
  private void serve(List<FundingState> states) {
    if (views != null) views.close();
    views = StatementViews.of(stateDir.resolve(UUID.randomUUID().toString()), states);
    stores = views.stores();
    client = WebTestClient.bindToController(new BreakdownController(stores))
        .controllerAdvice(new ProblemHandler())
        .build();
  }

  @Test
  void givenNoParameters_whenFetched_thenTheCommissionersReferralsByProviderAsJson() {
    byte[] json = client.get().uri("/commissioners/QMM/summary/breakdown").exchange()
        .expectStatus().isOk()
        .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
        .expectBody()
        .jsonPath("$.commissioner").isEqualTo("QMM")
        .jsonPath("$.by").isEqualTo("provider")
        .jsonPath("$.currency").isEqualTo("GBP")
        .jsonPath("$.groups.length()").isEqualTo(3)
        .jsonPath("$.groups[0].key").isEqualTo("city-arts")
        .jsonPath("$.groups[1].key").isEqualTo("wensum-walkers")
        .jsonPath("$.groups[1].referrals").isEqualTo(5)
        .jsonPath("$.groups[1].offered").isEqualTo(5)
        .jsonPath("$.groups[1].accepted").isEqualTo(4)
        .jsonPath("$.groups[1].completed").isEqualTo(2)
        .jsonPath("$.groups[1].sessionsAttended").isEqualTo(14)
        .jsonPath("$.groups[1].measures[1].instrument").isEqualTo("SWEMWBS")
        .jsonPath("$.groups[1].measures[1].score").isEqualTo("metric")
        .jsonPath("$.groups[1].measures[1].referrals").isEqualTo(3)
        .jsonPath("$.groups[2].key").isEqualTo("none")
        .jsonPath("$.total.key").isEqualTo("all")
        .jsonPath("$.total.referrals").isEqualTo(11)
        .returnResult().getResponseBody();

    String body = new String(json, StandardCharsets.UTF_8);
    // decimals keep their scale (pennies, 3-decimal rates, 1-decimal days); a zero denominator is an explicit null
    assertThat(body)
        .contains("\"from\":null,\"to\":null")
        .contains("\"acceptanceRate\":0.800,\"medianDaysToAcceptance\":2.5")
        .contains("\"meanImprovement\":2.24,\"meaningfullyImproved\":2,\"meaningfulShare\":0.667")
        .contains("\"committed\":400.00,\"due\":210.01,\"released\":189.99,\"costPerCompletion\":105.01,"
            + "\"costPerMeaningfulImprovement\":70.00")
        .contains("\"released\":0.00,\"costPerCompletion\":120.00,\"costPerMeaningfulImprovement\":null")
        .contains("{\"key\":\"none\",\"referrals\":3,\"offered\":0,\"accepted\":0,\"acceptanceRate\":null,"
            + "\"medianDaysToAcceptance\":null,\"completed\":0,\"completionRate\":null")
        .doesNotContain("elsewhere");
  }

  @Test
  void givenFromToAndBy_whenFetched_thenTheyAreEchoedAndApplied() {
    client.get().uri("/commissioners/QMM/summary/breakdown?from=2026-04-06&to=2026-04-10&by=service").exchange()
        .expectStatus().isOk()
        .expectBody()
        .jsonPath("$.by").isEqualTo("service")
        .jsonPath("$.from").isEqualTo("2026-04-06")
        .jsonPath("$.to").isEqualTo("2026-04-10")
        .jsonPath("$.groups.length()").isEqualTo(2)
        .jsonPath("$.groups[0].key").isEqualTo("print-club")
        .jsonPath("$.groups[1].key").isEqualTo("riverside-walks")
        .jsonPath("$.total.referrals").isEqualTo(2)
        .jsonPath("$.total.due").isEqualTo(113.33);
  }

  @Test
  void givenADayThatStartsAtUtcElevenPmInSummer_whenFetchedForThatDay_thenTheReferralSubmittedAtThatInstantCounts() {
    serve(List.of(submitted("2026-05-31T23:00:00Z", "D82044").build(), // 1 June 00:00 BST
        submitted("2026-05-31T22:59:59Z", "D82044").build())); // 31 May 23:59:59 BST

    client.get().uri("/commissioners/QMM/summary/breakdown?from=2026-06-01&to=2026-06-30&by=month").exchange()
        .expectStatus().isOk()
        .expectBody()
        .jsonPath("$.groups.length()").isEqualTo(1)
        .jsonPath("$.groups[0].key").isEqualTo("2026-06")
        .jsonPath("$.groups[0].referrals").isEqualTo(1);
  }

  @Test
  void givenEmptyParameters_whenFetched_thenTheyAreAsIfAbsent() {
    client.get().uri("/commissioners/QMM/summary/breakdown?from=&to=&by=").exchange()
        .expectStatus().isOk()
        .expectBody()
        .jsonPath("$.by").isEqualTo("provider")
        .jsonPath("$.total.referrals").isEqualTo(11);
  }

  @Test
  void givenByInAnotherCase_whenFetched_thenItIsAccepted() {
    client.get().uri("/commissioners/QMM/summary/breakdown?by=PRACTICE").exchange()
        .expectStatus().isOk()
        .expectBody()
        .jsonPath("$.by").isEqualTo("practice")
        .jsonPath("$.groups[0].key").isEqualTo("D82044");
  }

  @Test
  void givenAnUnknownCommissioner_whenFetched_thenNoGroupsAndAZeroTotal() {
    client.get().uri("/commissioners/QXX/summary/breakdown").exchange()
        .expectStatus().isOk()
        .expectBody()
        .jsonPath("$.groups.length()").isEqualTo(0)
        .jsonPath("$.total.referrals").isEqualTo(0);
  }

  @Test
  void givenFromNotADate_whenFetched_thenBadRequestNamingFrom() {
    expectInvalid("from=01/04/2026", "from", "must be a date as YYYY-MM-DD");
  }

  @Test
  void givenToAnImpossibleDate_whenFetched_thenBadRequestNamingTo() {
    expectInvalid("to=2026-02-30", "to", "not a date");
  }

  @Test
  void givenFromAMonthThirteen_whenFetched_thenBadRequestNamingFrom() {
    expectInvalid("from=2026-13-01", "from", "not a date");
  }

  @Test
  void givenToBeforeFrom_whenFetched_thenBadRequestNamingTo() {
    expectInvalid("from=2026-04-02&to=2026-04-01", "to", "must not be before from (2026-04-02)");
  }

  @Test
  void givenAnUnknownGrouping_whenFetched_thenBadRequestNamingByWithTheChoices() {
    expectInvalid("by=need", "by", "must be one of provider, service, practice, month");
  }

  @Test
  void givenSeveralBadValues_whenFetched_thenEachFieldIsNamed() {
    client.get().uri("/commissioners/QMM/summary/breakdown?from=yesterday&to=2026-04-31&by=week").exchange()
        .expectStatus().isBadRequest()
        .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody()
        .jsonPath("$.status").isEqualTo(400)
        .jsonPath("$.detail").isEqualTo("3 fields are invalid")
        .jsonPath("$.errors[0].field").isEqualTo("from")
        .jsonPath("$.errors[1].field").isEqualTo("to")
        .jsonPath("$.errors[2].field").isEqualTo("by");
    verifyNoInteractions(stores);
  }

  @Test
  void givenTheStoreIsNotReady_whenFetched_thenServiceUnavailableAsProblemJson() {
    doThrow(new ProblemException.Unavailable("the commissioner-breakdown store is not ready yet"))
        .when(stores).entriesWithPrefix(eq(BreakdownCells.TALLY.store()), anyString(), anyString());

    client.get().uri("/commissioners/QMM/summary/breakdown").exchange()
        .expectStatus().isEqualTo(503)
        .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
  }

  private void expectInvalid(String query, String field, String reason) {
    Problems.assertOneInvalidField(client.get().uri("/commissioners/QMM/summary/breakdown?" + query).exchange(), field,
        r -> assertThat(r).contains(reason));
    verifyNoInteractions(stores);
  }
}
