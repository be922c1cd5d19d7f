package org.linkway.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.linkway.platform.domain.Funding;
import org.openqa.selenium.By;

/**
 * The commissioning dashboard in a real browser, for ICB QDB (used only here) and its provider
 * dash-walks: the budget and the contract on opening; then, without reloading, an acceptance's
 * ledger entries, the budget's use and the referrals chart; a completion's outcome, live; the
 * month's statement downloaded as CSV with the page's sign-in; and nothing of QDB for another ICB.
 */
class CommissionerDashboardPageIT {

  static final String COMMISSIONER = "QDB";
  static final String PROVIDER = "dash-walks";
  static final String CONTRACT = "qdb-dash-walks";

  @Test
  void givenABudgetAndAContract_whenAReferralIsAcceptedAndCompleted_thenTheDashboardShowsItAsItHappens() {
    RunningPlatform platform = EmbeddedPlatform.get();
    String year = Funding.financialYear(Instant.now());
    LocalDate[] dates = Funding.financialYearDates(year).orElseThrow();
    // the most one referral can earn: 50.00 on acceptance + 150.00 on completion + 100.00 for SWEMWBS +2
    platform.outcomeService().put().uri("/commissioners/{c}/contracts/{id}", COMMISSIONER, CONTRACT)
        .bodyValue(Map.of("providerId", PROVIDER, "validFrom", dates[0].toString(), "validTo", dates[1].toString(),
            "engagementFee", 50.00, "completionFee", 150.00, "completionMinSessions", 1,
            "outcomePayment", 100.00, "outcomeInstrument", "SWEMWBS", "outcomeScore", "metric", "outcomeThreshold", 2.0))
        .exchange().expectStatus().isOk();
    platform.outcomeService().put().uri("/commissioners/{c}/budgets/{y}", COMMISSIONER, year)
        .bodyValue(Map.of("amount", 1000.00)).exchange().expectStatus().isOk();
    platform.providerService().post().uri("/providers").bodyValue(Map.of("providerId", PROVIDER, "name", "Dash Health Walks",
            "services", List.of(Map.of("serviceId", PROVIDER + "-svc", "name", "Health walks",
                "needs", List.of("PHYSICAL_ACTIVITY"), "commissioners", List.of(COMMISSIONER), "capacity", 10))))
        .exchange().expectStatus().isCreated();
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      platform.providerService().get().uri("/providers").exchange()
          .expectBody().jsonPath("$[?(@.providerId == '" + PROVIDER + "')]").exists();
      platform.outcomeService().get().uri("/commissioners/{c}/contracts", COMMISSIONER).exchange()
          .expectBody().jsonPath("$[?(@.contractId == '" + CONTRACT + "')]").exists();
    });
    String referralId = JourneyScenario.refer(platform, COMMISSIONER, List.of("PHYSICAL_ACTIVITY"));
    JourneyScenario.awaitReferral(platform, referralId, "OFFERED", PROVIDER);
    JourneyScenario.awaitOffer(platform, PROVIDER, referralId);
    String outcomes = platform.baseUrl("outcome-service");

    try (Browser browser = Browser.start()) {
      long started = System.nanoTime();
      browser.signIn(outcomes, "commissioner", COMMISSIONER, "/app/dashboard");
      assertThat(browser.url()).endsWith("/app/dashboard");
      assertThat(browser.find(By.tagName("h1")).getText()).isEqualTo("Commissioning dashboard");
      assertThat(budget(browser)).containsEntry("budget-total", "£1,000.00").containsEntry("budget-used", "£0.00")
          .containsEntry("budget-free", "£1,000.00");
      String contract = browser.find(By.cssSelector("[data-contract='" + CONTRACT + "']")).getText();
      assertThat(contract).contains(PROVIDER, "£50.00 when the provider accepts", "£300.00");
      // the referral, offered and waiting, in the chart and in its table
      browser.await(d -> chartTotal(browser, "Waiting for a provider") >= 1);
      assertThat(chartTotal(browser, "Accepted, under way")).isZero();
      ((org.openqa.selenium.JavascriptExecutor) browser.driver()).executeScript("window.notReloaded = true");

      // the provider accepts: the ledger entry, the budget's use and the chart change without a reload
      platform.providerService().post().uri("/providers/{p}/referrals/{r}/accept", PROVIDER, referralId).exchange()
          .expectStatus().isOk();
      // committed (the most it can earn) and the engagement fee due, newest first
      String entries = "#live-list [data-kind=ledger][data-referral='" + referralId + "']";
      browser.await(d -> d.findElements(By.cssSelector(entries)).size() == 2);
      assertThat(browser.findAll(By.cssSelector(entries))).extracting(e -> e.getText()).satisfiesExactly(
          due -> assertThat(due).startsWith("Due to provider: engagement £50.00 for referral " + referralId.substring(0, 8)),
          committed -> assertThat(committed).startsWith("Committed £300.00").contains(PROVIDER, CONTRACT));
      assertThat(awaitBudget(browser, figures -> "£300.00".equals(figures.get("budget-used"))))
          .containsEntry("budget-free", "£700.00");
      browser.await(d -> chartTotal(browser, "Accepted, under way") == 1);
      assertThat(chartTotal(browser, "Waiting for a provider")).isZero();
      browser.await(d -> d.findElement(By.id("ledger-table")).getText().contains("Due to provider: engagement"));
      assertThat(browser.find(By.id("table-status")).getText()).contains("Accepted, under way");

      // a session, then completion with SWEMWBS 16.36 to 21.54: the outcome shows live, and the wellbeing chart
      JourneyScenario.attendOnceAndComplete(platform, PROVIDER, referralId);
      String outcome = "#live-list [data-kind=outcome][data-referral='" + referralId + "']";
      browser.await(d -> !d.findElements(By.cssSelector(outcome)).isEmpty());
      assertThat(browser.find(By.cssSelector(outcome)).getText())
          .contains("completed after 1 session", "SWEMWBS wellbeing (metric score): 16.36 to 21.54, better by 5.18 (meaningful)");
      browser.await(d -> chartTotal(browser, "Completed") == 1);
      browser.await(d -> d.findElement(By.id("table-wellbeing")).getText().contains("5.18")
          && d.findElement(By.id("table-cost")).getText().contains("£300.00"));
      assertThat(chartValues(browser, "chart-wellbeing")).containsExactly(5.18);
      assertThat(chartValues(browser, "chart-cost")).containsExactly(300.0, 300.0);
      browser.await(d -> d.findElement(By.id("ledger-table")).getText().contains("Due to provider: outcome"));
      assertThat(text(browser, "ledger-checks")).contains("The ledger balances");
      awaitBudget(browser, figures -> "£300.00".equals(figures.get("budget-due")));
      assertThat(((org.openqa.selenium.JavascriptExecutor) browser.driver()).executeScript("return window.notReloaded"))
          .isEqualTo(true);

      // this month's statement, downloaded with the page's sign-in
      String month = YearMonth.now(ZoneId.of("Europe/London")).toString();
      browser.await(d -> d.findElement(By.id("statement-" + month)).getText().contains("Statement for"));
      Map<String, Object> csv = fetch(browser, browser.find(By.id("statement-" + month)).getAttribute("href"));
      assertThat(csv.get("status")).isEqualTo(200L);
      assertThat((String) csv.get("type")).startsWith("text/csv");
      assertThat((String) csv.get("body"))
          .startsWith("providerId,date,referralId,serviceId,contractId,milestone,amount\r\n")
          .contains(PROVIDER + "," + LocalDate.now(ZoneId.of("Europe/London")) + "," + referralId + "," + PROVIDER + "-svc,"
              + CONTRACT + ",ENGAGEMENT,50.00\r\n")
          .contains(",GRAND TOTAL,,,,,300.00\r\n");
      Map<String, Object> openData = fetch(browser, browser.find(By.id("open-data-mine")).getAttribute("href"));
      assertThat(openData.get("status")).isEqualTo(200L);
      assertThat((String) openData.get("type")).startsWith("text/csv");

      browser.assertAccessible("commissioner dashboard");
      browser.screenshots("commissioner-dashboard");
      System.out.printf("commissioner dashboard: signed in to outcome shown and statement checked in %d ms%n",
          Duration.ofNanos(System.nanoTime() - started).toMillis());

      // another ICB sees none of it
      browser.signIn(outcomes, "commissioner", "QDC", "/app/dashboard");
      assertThat(browser.text()).doesNotContain(PROVIDER).contains("You have no contracts with providers yet.");
    }
  }

  /** An element's text, read in one step: the parts of the page are replaced as the figures change. */
  private static String text(Browser browser, String id) {
    return (String) ((org.openqa.selenium.JavascriptExecutor) browser.driver()).executeScript(
        "return document.getElementById(arguments[0]).innerText.trim()", id);
  }

  /**
   * The budget part's figures, read at one moment: the part is replaced whenever it catches up with the
   * ledger, so figures read one by one could come from two versions of it.
   */
  @SuppressWarnings("unchecked")
  private static Map<String, String> budget(Browser browser) {
    return (Map<String, String>) ((org.openqa.selenium.JavascriptExecutor) browser.driver()).executeScript("""
        const figures = {};
        for (const id of ['budget-total', 'budget-used', 'budget-free', 'budget-due']) {
          const e = document.getElementById(id);
          figures[id] = e ? e.textContent.trim() : null;
        }
        return figures;
        """);
  }

  /** The budget part's figures once {@code shown} holds of them. */
  private static Map<String, String> awaitBudget(Browser browser, Predicate<Map<String, String>> shown) {
    AtomicReference<Map<String, String>> seen = new AtomicReference<>();
    browser.await(d -> {
      seen.set(budget(browser));
      return shown.test(seen.get());
    });
    return seen.get();
  }

  /** The sum of one series of the referrals chart, as Chart.js holds it; -1 before the chart is drawn. */
  private static long chartTotal(Browser browser, String series) {
    Object total = ((org.openqa.selenium.JavascriptExecutor) browser.driver()).executeScript("""
        const chart = window.Chart && Chart.getChart('chart-status');
        if (!chart) return -1;
        const set = chart.data.datasets.find(d => d.label === arguments[0]);
        return set ? set.data.reduce((a, b) => a + (b || 0), 0) : -1;
        """, series);
    return ((Number) total).longValue();
  }

  @SuppressWarnings("unchecked")
  private static List<Double> chartValues(Browser browser, String canvasId) {
    List<Object> values = (List<Object>) ((org.openqa.selenium.JavascriptExecutor) browser.driver()).executeScript(
        "const c = Chart.getChart(arguments[0]); return c.data.datasets.flatMap(d => d.data);", canvasId);
    return values.stream().map(v -> ((Number) v).doubleValue()).toList();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> fetch(Browser browser, String href) {
    return (Map<String, Object>) ((org.openqa.selenium.JavascriptExecutor) browser.driver()).executeAsyncScript("""
        const done = arguments[arguments.length - 1];
        fetch(arguments[0]).then(r => r.text().then(body => done({status: r.status,
            type: r.headers.get('content-type'), body: body}))).catch(e => done({status: 0, body: String(e)}));
        """, href);
  }
}
