package org.linkway.outcome.statements;

import static org.assertj.core.api.Assertions.assertThat;
import static org.linkway.outcome.statements.Ledgers.referral;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.clearInvocations;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.linkway.events.BudgetAgreed;
import org.linkway.events.Milestone;
import org.linkway.outcome.ledger.stream.CommissionerFunding;
import org.linkway.outcome.statements.StatementsController.RunRequested;
import org.linkway.platform.domain.Funding;
import org.linkway.platform.security.Caller;
import org.linkway.platform.streams.ReferenceTable;
import org.linkway.platform.streams.StoreQueries;
import org.linkway.platform.testing.ReferenceTables;
import org.linkway.platform.web.ProblemException;
import org.linkway.platform.web.ProblemHandler;
import org.linkway.state.FundingState;
import org.linkway.state.ReferralStatus;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.test.web.reactive.server.WebTestClient;

/** The HTTP side of reconciliation and statements, with the stores read from views kept on the test driver. */
class StatementsControllerTest {

  private static final String R1 = "11111111-1111-1111-1111-111111111111";
  private static final String R2 = "22222222-2222-2222-2222-222222222222";
  private static final String CSV = "providerId,date,referralId,serviceId,contractId,milestone,amount\r\n"
      + "p1,2026-04-01," + R1 + ",svc-1,qmm-p1-2026,ENGAGEMENT,33.33\r\n"
      + "p1,2026-04-02," + R1 + ",svc-1,qmm-p1-2026,COMPLETION,33.33\r\n"
      + "p1,2026-04-03," + R1 + ",svc-1,qmm-p1-2026,OUTCOME,33.33\r\n"
      + "p1,TOTAL,,,,,99.99\r\n"
      + "p2,2026-04-04," + R2 + ",svc-2,qmm-p2-2026,ENGAGEMENT,0.01\r\n"
      + "p2,TOTAL,,,,,0.01\r\n"
      + ",GRAND TOTAL,,,,,100.00\r\n";

  private StoreQueries stores;
  private ReconciliationJob job;
  /** Who calls, as the security filter would have it; none by default. */
  private Authentication caller;
  private final List<FundingState> states = new ArrayList<>();
  private final Map<String, BudgetAgreed> budgetTable = new HashMap<>();
  private final ReferenceTable<BudgetAgreed> budgets = ReferenceTables.of(budgetTable);
  private WebTestClient client;
  private StatementViews views;

  @TempDir
  Path stateDir;

  @AfterEach
  void closeViews() {
    views.close();
  }

  @BeforeEach
  void setUp() {
    states.add(referral(R1).status(ReferralStatus.COMPLETED).at("2026-03-31T23:30:00Z").committed("100.00")
        .due(Milestone.ENGAGEMENT, "33.33")
        .at("2026-04-02T10:00:00Z").due(Milestone.COMPLETION, "33.33")
        .at("2026-04-03T10:00:00Z").due(Milestone.OUTCOME, "33.33").released("0.01").build());
    states.add(referral(R2).provider("p2", "svc-2", "qmm-p2-2026").at("2026-04-04T10:00:00Z").committed("10.00")
        .due(Milestone.ENGAGEMENT, "0.01").build());
    states.add(referral().commissioner("QHM").at("2026-04-04T10:00:00Z").committed("10.00")
        .due(Milestone.ENGAGEMENT, "10.00").due(Milestone.ENGAGEMENT, "10.00").build());
    views = StatementViews.of(stateDir, states);
    stores = views.stores();
    job = new ReconciliationJob(stores, budgets, views.results, () -> Set.of("0_0"), Duration.ofMinutes(15), Clock.systemUTC());
    client = WebTestClient.bindToController(new StatementsController(new StatementQueries(stores), job))
        .webFilter((exchange, chain) -> caller == null ? chain.filter(exchange)
            : chain.filter(exchange).contextWrite(ReactiveSecurityContextHolder.withAuthentication(caller)))
        .controllerAdvice(new ProblemHandler())
        .configureClient()
        // the first request warms up the codecs, slowly on a busy machine
        .responseTimeout(Duration.ofSeconds(30))
        .build();
  }

  @Test
  void givenNoAcceptHeader_whenTheStatementIsAskedFor_thenItIsJsonWithExactAmounts() {
    client.get().uri("/commissioners/QMM/statements?month=2026-04").exchange()
        .expectStatus().isOk()
        .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
        .expectBody()
        .jsonPath("$.commissioner").isEqualTo("QMM")
        .jsonPath("$.month").isEqualTo("2026-04")
        .jsonPath("$.timeZone").isEqualTo("Europe/London")
        .jsonPath("$.from").isEqualTo("2026-04-01")
        .jsonPath("$.to").isEqualTo("2026-04-30")
        .jsonPath("$.currency").isEqualTo("GBP")
        .jsonPath("$.providers.length()").isEqualTo(2)
        .jsonPath("$.providers[0].providerId").isEqualTo("p1")
        .jsonPath("$.providers[0].items.length()").isEqualTo(3)
        .jsonPath("$.providers[0].items[0].date").isEqualTo("2026-04-01")
        .jsonPath("$.providers[0].items[0].referralId").isEqualTo(R1)
        .jsonPath("$.providers[0].items[0].serviceId").isEqualTo("svc-1")
        .jsonPath("$.providers[0].items[0].contractId").isEqualTo("qmm-p1-2026")
        .jsonPath("$.providers[0].items[0].milestone").isEqualTo("ENGAGEMENT")
        .jsonPath("$.providers[1].providerId").isEqualTo("p2")
        .jsonPath("$.providers[1].items[0].referralId").isEqualTo(R2)
        .consumeWith(result -> {
          String json = new String(result.getResponseBodyContent(), StandardCharsets.UTF_8);
          // the amounts are written with their two places, not as binary fractions
          assertThat(json).contains("\"amount\":33.33", "\"total\":99.99", "\"amount\":0.01", "\"total\":0.01")
              .endsWith("\"total\":100.00}");
        });
  }

  @ParameterizedTest(name = "Accept: {0}")
  @ValueSource(strings = {"application/json", "*/*", "application/*", "application/json, text/csv",
      "text/csv;q=0.5, application/json", "text/html, application/json;q=0.9, */*;q=0.8"})
  void givenAcceptPreferringJson_whenTheStatementIsAskedFor_thenItIsJson(String accept) {
    client.get().uri("/commissioners/QMM/statements?month=2026-04").header("Accept", accept).exchange()
        .expectStatus().isOk()
        .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
        .expectBody().jsonPath("$.total").isEqualTo(100.00);
  }

  @ParameterizedTest(name = "Accept: {0}")
  @ValueSource(strings = {"text/csv", "text/*", "text/csv, application/json", "application/json;q=0.5, text/csv"})
  void givenAcceptPreferringCsv_whenTheStatementIsAskedFor_thenItIsCsvWithTotalsPerProviderAndAGrandTotal(String accept) {
    client.get().uri("/commissioners/QMM/statements?month=2026-04").header("Accept", accept).exchange()
        .expectStatus().isOk()
        .expectHeader().contentTypeCompatibleWith(MediaType.parseMediaType("text/csv"))
        .expectHeader().value("Content-Disposition", d -> assertThat(d).startsWith("attachment").contains("statement-QMM-2026-04.csv"))
        .expectBody(String.class).isEqualTo(CSV);
  }

  @Test
  void givenAcceptOfNeitherJsonNorCsv_whenTheStatementIsAskedFor_thenNotAcceptable() {
    client.get().uri("/commissioners/QMM/statements?month=2026-04").accept(MediaType.APPLICATION_XML).exchange()
        .expectStatus().isEqualTo(HttpStatus.NOT_ACCEPTABLE);
  }

  @Test
  void givenOneProvider_whenItsCsvStatementIsAskedFor_thenOnlyItsItemsAndTotalsAreWritten() {
    client.get().uri("/commissioners/QMM/statements?month=2026-04&providerId=p2").accept(MediaType.parseMediaType("text/csv"))
        .exchange()
        .expectStatus().isOk()
        .expectHeader().value("Content-Disposition", d -> assertThat(d).contains("statement-QMM-2026-04-p2.csv"))
        .expectBody(String.class).isEqualTo("providerId,date,referralId,serviceId,contractId,milestone,amount\r\n"
            + "p2,2026-04-04," + R2 + ",svc-2,qmm-p2-2026,ENGAGEMENT,0.01\r\n"
            + "p2,TOTAL,,,,,0.01\r\n"
            + ",GRAND TOTAL,,,,,0.01\r\n");
  }

  @Test
  void givenAnUnknownProvider_whenItsStatementIsAskedFor_thenItIsEmptyWithTotalZeroNotAnError() {
    client.get().uri("/commissioners/QMM/statements?month=2026-04&providerId=nobody").exchange()
        .expectStatus().isOk()
        .expectBody()
        .jsonPath("$.providerId").isEqualTo("nobody")
        .jsonPath("$.providers.length()").isEqualTo(1)
        .jsonPath("$.providers[0].providerId").isEqualTo("nobody")
        .jsonPath("$.providers[0].items.length()").isEqualTo(0)
        .consumeWith(result -> assertThat(new String(result.getResponseBodyContent(), StandardCharsets.UTF_8))
            .contains("\"total\":0.00}]").endsWith("\"total\":0.00}"));
  }

  @Test
  void givenNoMonth_whenTheStatementIsAskedFor_thenProblemJsonNamesTheMonthAndTheStoreIsNotRead() {
    client.get().uri("/commissioners/QMM/statements").exchange()
        .expectStatus().isBadRequest()
        .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody()
        .jsonPath("$.status").isEqualTo(400)
        .jsonPath("$.errors.length()").isEqualTo(1)
        .jsonPath("$.errors[0].field").isEqualTo("month")
        .jsonPath("$.errors[0].reason").value(r -> assertThat((String) r).contains("required").contains("YYYY-MM"));
    verifyNoInteractions(stores);
  }

  @ParameterizedTest(name = "month={0}")
  @ValueSource(strings = {"2026-13", "2026-00", "2026-4", "26-04", "April", "2026/04", "2026-04-01", "%20"})
  void givenAMalformedMonth_whenTheStatementIsAskedFor_thenProblemJsonNamesTheMonth(String month) {
    client.get().uri("/commissioners/QMM/statements?month=" + month).exchange()
        .expectStatus().isBadRequest()
        .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody()
        .jsonPath("$.errors[0].field").isEqualTo("month");
  }

  @Test
  void givenAMalformedMonthAndAcceptCsv_whenTheStatementIsAskedFor_thenTheErrorIsStillProblemJson() {
    client.get().uri("/commissioners/QMM/statements?month=2026-13").accept(MediaType.parseMediaType("text/csv")).exchange()
        .expectStatus().isBadRequest()
        .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody()
        .jsonPath("$.errors[0].field").isEqualTo("month");
  }

  @Test
  void givenTheStoreIsRestoring_whenTheStatementIsAskedFor_thenServiceUnavailable() {
    doThrow(new ProblemException.Unavailable("not ready")).when(stores).scan(anyString(), anyString(), anyString(), any(), anyBoolean(), any());

    client.get().uri("/commissioners/QMM/statements?month=2026-04").exchange()
        .expectStatus().isEqualTo(HttpStatus.SERVICE_UNAVAILABLE)
        .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
  }

  @Test
  void givenALimit_whenTheStatementIsAskedFor_thenItsItemsComeAPageAtATimeWithTheWholeMonthsTotalsAndANextLink() {
    String next = client.get().uri("/commissioners/QMM/statements?month=2026-04&limit=2").exchange()
        .expectStatus().isOk()
        .expectBody()
        .jsonPath("$.providers.length()").isEqualTo(1)
        .jsonPath("$.providers[0].items.length()").isEqualTo(2)
        .jsonPath("$.providers[0].total").isEqualTo(99.99)
        .jsonPath("$.total").isEqualTo(100.00)
        .returnResult().getResponseHeaders().getFirst("Link");
    assertThat(next).startsWith("</commissioners/QMM/statements?month=2026-04&after=p1%7C").contains("&limit=2>")
        .endsWith(">; rel=\"next\"");

    client.get().uri(java.net.URI.create(next.substring(1, next.indexOf('>')))).exchange()
        .expectStatus().isOk()
        .expectHeader().doesNotExist("Link")
        .expectBody()
        .jsonPath("$.providers.length()").isEqualTo(2)
        .jsonPath("$.providers[0].providerId").isEqualTo("p1")
        .jsonPath("$.providers[0].items.length()").isEqualTo(1)
        .jsonPath("$.providers[0].items[0].milestone").isEqualTo("OUTCOME")
        .jsonPath("$.providers[1].providerId").isEqualTo("p2")
        .jsonPath("$.providers[1].items[0].referralId").isEqualTo(R2)
        .jsonPath("$.total").isEqualTo(100.00);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {"after=p1|after", "after=p1%7C1%7C2|after", "limit=0|limit", "limit=501|limit", "limit=ten|limit"})
  void givenABadPage_whenTheStatementIsAskedFor_thenProblemJsonNamesTheParameter(String query, String field) {
    client.get().uri("/commissioners/QMM/statements?month=2026-04&" + query).exchange()
        .expectStatus().isBadRequest()
        .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody()
        .jsonPath("$.errors[0].field").isEqualTo(field);
  }

  @Test
  void givenTheJobHasNotRunYet_whenTheReconciliationIsAskedFor_thenServiceUnavailableWithRetryAfter() {
    client.get().uri("/commissioners/QMM/ledger/reconciliation").exchange()
        .expectStatus().isEqualTo(HttpStatus.SERVICE_UNAVAILABLE)
        .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
        .expectHeader().exists("Retry-After")
        .expectBody()
        .jsonPath("$.detail").value(d -> assertThat((String) d).contains("has not run yet"));
  }

  @Test
  void givenACleanLedger_whenReconciled_thenEveryInvariantHoldsAndTheBudgetIsNotChecked() {
    Instant before = Instant.now();
    job.tick();
    // R1's commitment was written at 23:30 UTC on 31 March 2026, 00:30 BST on 1 April: 2026-27, as all the rest
    client.get().uri("/commissioners/QMM/ledger/reconciliation").exchange()
        .expectStatus().isOk()
        .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
        .expectBody()
        .jsonPath("$.commissioner").isEqualTo("QMM")
        .jsonPath("$.clean").isEqualTo(true)
        .jsonPath("$.totals.referralsChecked").isEqualTo(2)
        .jsonPath("$.invariants.length()").isEqualTo(6)
        .jsonPath("$.invariants[4].name").isEqualTo("withinBudget")
        .jsonPath("$.invariants[5].name").isEqualTo("matchesRunningTotals")
        .jsonPath("$.ranAt").value(at -> assertThat(Instant.parse((String) at)).isAfterOrEqualTo(before.truncatedTo(ChronoUnit.MILLIS)))
        .jsonPath("$.tookMs").isNumber()
        .jsonPath("$.invariants[?(@.holds == false)]").isEmpty()
        .jsonPath("$.notChecked.length()").isEqualTo(1)
        .jsonPath("$.notChecked[0].name").isEqualTo("withinBudget 2026-27")
        .jsonPath("$.notChecked[0].reason").isEqualTo("not checked: no budget set for 2026-27")
        .consumeWith(result -> assertThat(new String(result.getResponseBodyContent(), StandardCharsets.UTF_8))
            .contains("\"committed\":110.00", "\"due\":100.00", "\"released\":0.01", "\"reserved\":9.99"));
  }

  @Test
  void givenAResultKeptInTheCommissionersPartition_whenTheServiceStartsAgain_thenTheGetAnswersItBeforeTheJobRuns() {
    job.tick();
    views.driver.advanceWallClockTime(Duration.ofSeconds(1));
    String last = client.get().uri("/commissioners/QMM/ledger/reconciliation").exchange()
        .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();

    // the service again over the same stores (restored from their changelogs): nothing handed over, no run yet
    ReconciliationJob restarted = new ReconciliationJob(stores, budgets, new ReconciliationResults(), () -> Set.of("0_0"),
        Duration.ofMinutes(15), Clock.systemUTC());
    client = WebTestClient.bindToController(new StatementsController(new StatementQueries(stores), restarted))
        .controllerAdvice(new ProblemHandler()).configureClient().responseTimeout(Duration.ofSeconds(30)).build();

    client.get().uri("/commissioners/QMM/ledger/reconciliation").exchange()
        .expectStatus().isOk()
        .expectBody(String.class).isEqualTo(last);
    client.get().uri("/commissioners/QHM/ledger/reconciliation").exchange()
        .expectStatus().isOk()
        .expectBody().jsonPath("$.clean").isEqualTo(false);
  }

  @Test
  void givenABrokenLedger_whenReconciled_thenTheBrokenInvariantNamesTheReferral() {
    job.tick();
    client.get().uri("/commissioners/QHM/ledger/reconciliation").exchange()
        .expectStatus().isOk()
        .expectBody()
        .jsonPath("$.clean").isEqualTo(false)
        .jsonPath("$.invariants[0].name").isEqualTo("dueWithinCommitted")
        .jsonPath("$.invariants[0].holds").isEqualTo(false)
        .jsonPath("$.invariants[0].referralIds.length()").isEqualTo(1)
        .jsonPath("$.invariants[0].breaches[0].detail").isEqualTo("due 20.00 exceeds committed 10.00")
        .jsonPath("$.invariants[2].name").isEqualTo("milestoneDueAtMostOnce")
        .jsonPath("$.invariants[2].holds").isEqualTo(false)
        .jsonPath("$.invariants[3].name").isEqualTo("closedReferralsSettled")
        .jsonPath("$.invariants[3].holds").isEqualTo(true);
  }

  private static BudgetAgreed budget(String commissioner, String year, String amount) {
    return new BudgetAgreed(org.linkway.platform.kafka.Events.metadata("outcome-service", null, null), commissioner, year,
        new java.math.BigDecimal(amount), "GBP");
  }

  @Test
  void givenABudgetThatCoversWhatIsHeld_whenReconciled_thenWithinBudgetHoldsAndNothingIsLeftUnchecked() {
    // held in 2026-27: committed 110.00 − released 0.01 = 109.99; another commissioner's budget is not ours
    budgetTable.put(Funding.budgetKey("QMM", "2026-27"), budget("QMM", "2026-27", "109.99"));
    budgetTable.put(Funding.budgetKey("QHM", "2026-27"), budget("QHM", "2026-27", "0.00"));
    job.tick();

    client.get().uri("/commissioners/QMM/ledger/reconciliation").exchange()
        .expectStatus().isOk()
        .expectBody()
        .jsonPath("$.clean").isEqualTo(true)
        .jsonPath("$.invariants[4].name").isEqualTo("withinBudget")
        .jsonPath("$.invariants[4].holds").isEqualTo(true)
        .jsonPath("$.notChecked.length()").isEqualTo(0);
  }

  @Test
  void givenABudgetOnePennyShort_whenReconciled_thenWithinBudgetIsBreachedWithTheFigures() {
    budgetTable.put(Funding.budgetKey("QMM", "2026-27"), budget("QMM", "2026-27", "109.98"));
    job.tick();

    client.get().uri("/commissioners/QMM/ledger/reconciliation").exchange()
        .expectStatus().isOk()
        .expectBody()
        .jsonPath("$.clean").isEqualTo(false)
        .jsonPath("$.invariants[4].name").isEqualTo("withinBudget")
        .jsonPath("$.invariants[4].holds").isEqualTo(false)
        .jsonPath("$.invariants[4].referralIds.length()").isEqualTo(0)
        .jsonPath("$.invariants[4].breaches[0].detail")
        .isEqualTo("2026-27: committed - released = 109.99 exceeds the budget 109.98");
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"commissioner,QMM", "admin,"})
  void givenTheCommissionerItselfOrAnAdmin_whenARunIsAskedFor_thenAcceptedAndTheResultOfARunFromThenOnFollows(String role,
      String ods) {
    job.tick();
    caller = token(role, ods);
    RunRequested requested = client.post().uri("/commissioners/QMM/ledger/reconciliation").exchange()
        .expectStatus().isAccepted()
        .expectHeader().location("/commissioners/QMM/ledger/reconciliation")
        .expectBody(RunRequested.class).returnResult().getResponseBody();
    assertThat(requested.commissioner()).isEqualTo("QMM");
    assertThat(job.last("QMM").ranAt()).isBefore(requested.requestedAt());

    job.tick();
    assertThat(job.last("QMM").ranAt()).isAfterOrEqualTo(requested.requestedAt());
    assertThat(job.last("QMM").clean()).isTrue();
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"commissioner,QHM", "provider,p1", "gp,A81001"})
  void givenAnyoneElse_whenARunIsAskedFor_thenForbiddenAsProblemJsonAndNothingRuns(String role, String organisation) {
    job.tick();
    clearInvocations(stores);
    caller = token(role, organisation);
    client.post().uri("/commissioners/QMM/ledger/reconciliation").exchange()
        .expectStatus().isForbidden()
        .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody().jsonPath("$.detail").value(d -> assertThat((String) d).contains("only the commissioner itself or an admin"));
    job.tick(); // the period has not passed: only a run asked for would read the states now
    verify(stores, never()).forEachWithPrefix(eq(CommissionerFunding.STORE), eq("QMM"), anyString(), any());
  }

  private static Authentication token(String role, String organisation) {
    Jwt.Builder jwt = Jwt.withTokenValue("token").header("alg", "none").subject(role).claim(Caller.ROLE_CLAIM, role);
    if (organisation != null) jwt.claim("provider".equals(role) ? Caller.PROVIDER_CLAIM : Caller.ODS_CLAIM, organisation);
    return new JwtAuthenticationToken(jwt.build());
  }

  @ParameterizedTest(name = "Accept: {0} -> csv {1}")
  @CsvSource(delimiter = '|', value = {
      "|false", "text/csv|true", "TEXT/CSV|true", "text/csv;q=0|false", "not a media type|false",
      "application/xml|false", "text/plain, text/csv|true", "text/plain, text/csv;q=0.1, application/json;q=0.2|false",
  })
  void givenAnAcceptHeader_whenNegotiated_thenCsvOnlyWhenPreferred(String accept, boolean csv) {
    assertThat(StatementsController.prefersCsv(accept)).isEqualTo(csv);
  }
}
