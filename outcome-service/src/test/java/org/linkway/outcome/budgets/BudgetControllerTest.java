package org.linkway.outcome.budgets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.linkway.outcome.budgets.BudgetRulesTest.money;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.linkway.events.BudgetAgreed;
import org.linkway.events.BudgetUse;
import org.linkway.platform.domain.Funding;
import org.linkway.platform.kafka.EventPublisher;
import org.linkway.platform.kafka.Events;
import org.linkway.platform.kafka.Topics;
import org.linkway.platform.streams.ReferenceTable;
import org.linkway.platform.testing.Problems;
import org.linkway.platform.testing.ReferenceTables;
import org.linkway.platform.web.ProblemException;
import org.linkway.platform.web.ProblemHandler;
import org.mockito.ArgumentCaptor;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Mono;

/** Setting a commissioner's budget and reading its use, with the budget table and the budget-use store stubbed. */
class BudgetControllerTest {

  private final EventPublisher publisher = mock(EventPublisher.class);
  private final Map<String, BudgetAgreed> budgetTable = new HashMap<>();
  private final Map<String, BudgetUse> useStore = new HashMap<>();
  private final ReferenceTable<BudgetUse> use = ReferenceTables.of(useStore);
  private final ReferenceTable<BudgetAgreed> budgets = ReferenceTables.of(budgetTable);
  private WebTestClient client;

  @BeforeEach
  void setUp() {
    when(publisher.publish(any(), anyString(), any())).thenReturn(Mono.empty());
    client = WebTestClient.bindToController(new BudgetController(publisher, new BudgetQueries(budgets, use)))
        .controllerAdvice(new ProblemHandler())
        .configureClient()
        // the first request warms up the codecs, slowly on a busy machine
        .responseTimeout(Duration.ofSeconds(30))
        .build();
  }

  private void budget(String commissioner, String year, String amount) {
    budgetTable.put(Funding.budgetKey(commissioner, year),
        new BudgetAgreed(Events.metadata("outcome-service", null, null), commissioner, year, money(amount), "GBP"));
  }

  private void use(String commissioner, String year, String committed, String due, String released) {
    useStore.put(Funding.budgetKey(commissioner, year), new BudgetUse(commissioner, year, money(committed), money(due),
        money(released), Instant.parse("2026-11-22T10:00:00Z")));
  }

  private static String json(byte[] body) {
    return new String(body, StandardCharsets.UTF_8);
  }

  private WebTestClient.ResponseSpec put(String path, String body) {
    return client.put().uri(path).contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
  }

  // ---- PUT /commissioners/{code}/budgets/{financialYear} ----

  @Test
  void givenAValidBudget_whenPut_thenItIsWrittenInPoundsAndPenceKeyedByCommissionerAndYear() {
    use("QMM", "2026-27", "600.00", "150.00", "200.01");

    put("/commissioners/QMM/budgets/2026-27", "{\"amount\": 250000, \"currency\": \"GBP\"}")
        .expectStatus().isOk()
        .expectBody()
        .jsonPath("$.commissioner").isEqualTo("QMM")
        .jsonPath("$.financialYear").isEqualTo("2026-27")
        .jsonPath("$.currency").isEqualTo("GBP")
        .consumeWith(result -> assertThat(json(result.getResponseBodyContent())).contains(
            "\"budget\":250000.00", "\"committed\":600.00", "\"reserved\":249.99", "\"due\":150.00",
            "\"released\":200.01", "\"free\":249600.01"));

    @SuppressWarnings("unchecked")
    ArgumentCaptor<BudgetAgreed> written = ArgumentCaptor.forClass(BudgetAgreed.class);
    verify(publisher).publish(eq(Topics.COMMISSIONER_BUDGETS), eq("QMM|2026-27"), written.capture());
    assertThat(written.getValue().getCommissioner()).isEqualTo("QMM");
    assertThat(written.getValue().getFinancialYear()).isEqualTo("2026-27");
    assertThat(written.getValue().getAmount()).isEqualTo(money("250000.00"));
    assertThat(written.getValue().getCurrency()).isEqualTo("GBP");
    assertThat(written.getValue().getMetadata().getProducer()).isEqualTo("outcome-service");
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({"0, 0.00", "0.1, 0.10", "1.500, 1.50", "1000000000.00, 1000000000.00", "1E+3, 1000.00"})
  void givenAnAmountWithAtMostTwoPlacesThatCount_whenPut_thenItIsKeptAtTwoPlaces(String amount, String kept) {
    put("/commissioners/QMM/budgets/2026-27", "{\"amount\": " + amount + "}")
        .expectStatus().isOk()
        .expectBody().consumeWith(result -> assertThat(json(result.getResponseBodyContent())).contains("\"budget\":" + kept));

    ArgumentCaptor<BudgetAgreed> written = ArgumentCaptor.forClass(BudgetAgreed.class);
    verify(publisher).publish(eq(Topics.COMMISSIONER_BUDGETS), eq("QMM|2026-27"), written.capture());
    assertThat(written.getValue().getAmount()).isEqualTo(money(kept));
    assertThat(written.getValue().getCurrency()).as("GBP when not given").isEqualTo("GBP");
  }

  @ParameterizedTest(name = "{0} {1} {2} -> {3}")
  @CsvSource(delimiter = '|', value = {
      "qmm | 2026-27 | {\"amount\": 100.00}                       | code          | is not an ICB ODS code",
      "QM  | 2026-27 | {\"amount\": 100.00}                       | code          | is not an ICB ODS code",
      "XMM | 2026-27 | {\"amount\": 100.00}                       | code          | is not an ICB ODS code",
      "QMMM | 2026-27 | {\"amount\": 100.00}                      | code          | is not an ICB ODS code",
      "QMM | 2026-28 | {\"amount\": 100.00}                       | financialYear | is not a financial year",
      "QMM | 2026    | {\"amount\": 100.00}                       | financialYear | is not a financial year",
      "QMM | 26-27   | {\"amount\": 100.00}                       | financialYear | is not a financial year",
      "QMM | 2026-2027 | {\"amount\": 100.00}                     | financialYear | is not a financial year",
      "QMM | 2026-27 | {\"amount\": -0.01}                        | amount        | must not be negative",
      "QMM | 2026-27 | {\"amount\": 100.001}                      | amount        | has more than 2 decimal places",
      "QMM | 2026-27 | {\"amount\": 0.005}                        | amount        | has more than 2 decimal places",
      "QMM | 2026-27 | {}                                         | amount        | is required",
      "QMM | 2026-27 | {\"currency\": \"GBP\"}                    | amount        | is required",
      "QMM | 2026-27 | {\"amount\": null}                         | amount        | is required",
      "QMM | 2026-27 | {\"amount\": 1000000000.01}                | amount        | is more than 1000000000.00",
      "QMM | 2026-27 | {\"amount\": 100.00, \"currency\": \"EUR\"} | currency      | must be GBP",
  })
  void givenOneInvalidField_whenPut_thenProblemJsonNamesItAndNothingIsWritten(String code, String year, String body,
      String field, String reason) {
    Problems.assertOneInvalidField(put("/commissioners/" + code + "/budgets/" + year, body), field,
        r -> assertThat(r).startsWith(reason));
    verifyNoInteractions(publisher);
  }

  @Test
  void givenSeveralInvalidFields_whenPut_thenEachIsNamed() {
    put("/commissioners/qmm/budgets/2026-28", "{\"currency\": \"USD\"}")
        .expectStatus().isBadRequest()
        .expectBody()
        .jsonPath("$.errors.length()").isEqualTo(4)
        .jsonPath("$.errors[*].field").isEqualTo(List.of("code", "financialYear", "amount", "currency"));
    verifyNoInteractions(publisher);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"{\"amount\": \"a lot\"}", "{\"amount\": [100]}"})
  void givenAnAmountThatIsNotANumber_whenPut_thenProblemJsonNamesTheAmount(String body) {
    put("/commissioners/QMM/budgets/2026-27", body)
        .expectStatus().isBadRequest()
        .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody()
        .jsonPath("$.errors[0].field").isEqualTo("amount");
    verifyNoInteractions(publisher);
  }

  @Test
  void givenTheBrokerIsDown_whenPut_thenServiceUnavailable() {
    when(publisher.publish(any(), anyString(), any()))
        .thenReturn(Mono.error(new ProblemException.Unavailable("the event could not be written")));

    put("/commissioners/QMM/budgets/2026-27", "{\"amount\": 100.00}")
        .expectStatus().isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
  }

  // ---- GET /commissioners/{code}/budget ----

  @Test
  void givenABudgetAndItsUse_whenGot_thenReservedAndFreeAreWorkedOutToThePenny() {
    budget("QMM", "2026-27", "1000.00");
    use("QMM", "2026-27", "600.00", "150.00", "200.01");

    client.get().uri("/commissioners/QMM/budget?year=2026-27").exchange()
        .expectStatus().isOk()
        .expectBody()
        .jsonPath("$.commissioner").isEqualTo("QMM")
        .jsonPath("$.financialYear").isEqualTo("2026-27")
        .jsonPath("$.currency").isEqualTo("GBP")
        .jsonPath("$.updatedAt").isNotEmpty()
        // reserved = 600.00 − 150.00 − 200.01; free = 1000.00 − reserved − due = 1000.00 − (600.00 − 200.01)
        .consumeWith(result -> assertThat(json(result.getResponseBodyContent())).contains(
            "\"budget\":1000.00", "\"committed\":600.00", "\"reserved\":249.99", "\"due\":150.00",
            "\"released\":200.01", "\"free\":600.01"));
  }

  @Test
  void givenUseButNoBudgetForTheYear_whenGot_thenThereIsNoBudgetAndNothingLimitsWhatIsFree() {
    use("QMM", "2026-27", "200.00", "50.00", "0.00");

    client.get().uri("/commissioners/QMM/budget?year=2026-27").exchange()
        .expectStatus().isOk()
        .expectBody()
        .consumeWith(result -> assertThat(json(result.getResponseBodyContent())).contains(
            "\"budget\":null", "\"committed\":200.00", "\"reserved\":150.00", "\"due\":50.00", "\"free\":null"));
  }

  @Test
  void givenABudgetWithNothingUsedYet_whenGot_thenAllOfItIsFree() {
    budget("QMM", "2027-28", "0.01");

    client.get().uri("/commissioners/QMM/budget?year=2027-28").exchange()
        .expectStatus().isOk()
        .expectBody()
        .consumeWith(result -> assertThat(json(result.getResponseBodyContent())).contains(
            "\"budget\":0.01", "\"committed\":0.00", "\"reserved\":0.00", "\"due\":0.00", "\"released\":0.00",
            "\"free\":0.01", "\"updatedAt\":null"));
  }

  @Test
  void givenABudgetLoweredBelowWhatIsSpent_whenGot_thenWhatIsFreeIsNegative() {
    budget("QMM", "2026-27", "100.00");
    use("QMM", "2026-27", "250.00", "50.00", "50.00");

    client.get().uri("/commissioners/QMM/budget?year=2026-27").exchange()
        .expectStatus().isOk()
        .expectBody()
        .consumeWith(result -> assertThat(json(result.getResponseBodyContent())).contains("\"free\":-100.00"));
  }

  @Test
  void givenNoYear_whenGot_thenItIsTheCurrentFinancialYear() {
    String before = Funding.financialYear(Instant.now());

    byte[] body = client.get().uri("/commissioners/QMM/budget").exchange()
        .expectStatus().isOk()
        .expectBody().returnResult().getResponseBodyContent();

    String after = Funding.financialYear(Instant.now());
    assertThat(json(body)).containsAnyOf("\"financialYear\":\"" + before + "\"", "\"financialYear\":\"" + after + "\"");
  }

  @ParameterizedTest(name = "year={0}")
  @ValueSource(strings = {"2026-28", "2026", "2026-2027", "26-27", "2026%2F27", "last"})
  void givenAMalformedYear_whenGot_thenProblemJsonNamesTheYear(String year) {
    client.get().uri("/commissioners/QMM/budget?year=" + year).exchange()
        .expectStatus().isBadRequest()
        .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody()
        .jsonPath("$.errors.length()").isEqualTo(1)
        .jsonPath("$.errors[0].field").isEqualTo("year")
        .jsonPath("$.errors[0].reason").value(r -> assertThat((String) r).contains("2026-27"));
  }

  // ---- GET /commissioners/{code}/budgets ----

  @Test
  void givenBudgetsAndUseInSeveralYears_whenListed_thenEveryYearWithEitherIsShownLatestFirst() {
    budget("QMM", "2025-26", "500.00");
    budget("QMM", "2026-27", "1000.00");
    use("QMM", "2026-27", "600.00", "150.00", "200.01");
    use("QMM", "2027-28", "200.00", "0.00", "0.00"); // committed with no budget set yet
    budget("QHM", "2024-25", "1.00");
    use("QHM", "2026-27", "7.77", "0.00", "0.00");

    client.get().uri("/commissioners/QMM/budgets").exchange()
        .expectStatus().isOk()
        .expectBody()
        .jsonPath("$.length()").isEqualTo(3)
        .jsonPath("$[*].financialYear").isEqualTo(List.of("2027-28", "2026-27", "2025-26"))
        .jsonPath("$[*].commissioner").isEqualTo(List.of("QMM", "QMM", "QMM"))
        .consumeWith(result -> {
          String json = json(result.getResponseBodyContent());
          assertThat(json).contains(
              "\"financialYear\":\"2027-28\",\"currency\":\"GBP\",\"budget\":null,\"committed\":200.00,"
                  + "\"reserved\":200.00,\"due\":0.00,\"released\":0.00,\"free\":null",
              "\"financialYear\":\"2026-27\",\"currency\":\"GBP\",\"budget\":1000.00,\"committed\":600.00,"
                  + "\"reserved\":249.99,\"due\":150.00,\"released\":200.01,\"free\":600.01",
              "\"financialYear\":\"2025-26\",\"currency\":\"GBP\",\"budget\":500.00,\"committed\":0.00,"
                  + "\"reserved\":0.00,\"due\":0.00,\"released\":0.00,\"free\":500.00");
          assertThat(json).doesNotContain("QHM", "7.77");
        });
  }

  @Test
  void givenNoBudgetsOrUse_whenListed_thenTheListIsEmpty() {
    budget("QHM", "2026-27", "1.00");

    client.get().uri("/commissioners/QMM/budgets").exchange()
        .expectStatus().isOk()
        .expectBody().json("[]");
  }
}
