package org.linkway.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The provider's inbox, in a real browser, as a volunteer coordinator uses it: signed in, the page
 * open, new offers arrive live (no reload) with their deadline counting down; one is declined with a
 * reason, the other accepted, a session attended and one missed recorded, and the referral finished
 * with the measures: a wrong answer is shown beside its field and nothing is completed until it is
 * corrected. Then the service's open places and intake are changed. Each step is checked through the API.
 */
class ProviderInboxPageIT {

  static final String COMMISSIONER = "QIB";
  static final String PROVIDER = "inbox-gardens";
  static final String SERVICE = PROVIDER + "-plot";

  @Test
  void givenTheInboxOpen_whenOffersArrive_thenTheyAreAnsweredWorkedAndFinished_andIntakeIsManaged() {
    RunningPlatform platform = EmbeddedPlatform.get();
    String providers = platform.baseUrl("provider-service");
    platform.providerService().post().uri("/providers").bodyValue(Map.of("providerId", PROVIDER, "name", "Inbox Community Gardens",
            "services", List.of(Map.of("serviceId", SERVICE, "name", "Community garden plot", "needs", List.of("NATURE"),
                "commissioners", List.of(COMMISSIONER), "capacity", 10))))
        .exchange().expectStatus().isCreated();

    try (Browser browser = Browser.start()) {
      browser.signIn(providers, "provider", PROVIDER, "/app/inbox");
      browser.await(d -> d.getCurrentUrl().endsWith("/app/inbox"));
      assertThat(browser.find(By.tagName("h1")).getText()).isEqualTo("Your referrals");
      browser.await(d -> "connected".equals(d.findElement(By.id("offers")).getAttribute("data-live")));
      ((JavascriptExecutor) browser.driver()).executeScript("window.linkwayNotReloaded = true;");

      // two referrals arrive while the page is open: each appears without a reload
      String declined = JourneyScenario.refer(platform, COMMISSIONER, List.of("NATURE"));
      String accepted = JourneyScenario.refer(platform, COMMISSIONER, List.of("NATURE"));
      WebElement first = browser.await(d -> d.findElement(By.id("offer-" + declined)));
      browser.await(d -> d.findElement(By.id("offer-" + accepted)));
      assertThat(((JavascriptExecutor) browser.driver()).executeScript("return window.linkwayNotReloaded === true")).isEqualTo(true);
      assertThat(browser.findAll(By.cssSelector("#offers > li"))).hasSize(2);
      assertThat(first.getText()).contains("Ada Lovelace", "nature", "9434765919", "01603 000000", "lives alone since bereavement");
      browser.await(d -> d.findElement(By.cssSelector("#offer-" + declined + " [data-deadline]")).getText().matches("1[34] days \\d+ hours left"));
      browser.assertAccessible("provider inbox with offers");
      browser.screenshots("provider-inbox");

      // decline without a reason: told beside the field; then with one
      browser.find(By.cssSelector("#offer-" + declined + " details.decline summary")).click();
      browser.find(By.cssSelector("#offer-" + declined + " details.decline button[type=submit]")).click();
      browser.await(d -> d.getCurrentUrl().endsWith("/referrals/" + declined + "/decline"));
      WebElement reasonField = browser.find(By.id("reason-" + declined));
      assertThat(fieldOf(reasonField).getAttribute("class")).contains("has-error");
      assertThat(fieldOf(reasonField).findElement(By.className("field-error")).getText()).contains("Reason for declining is required");
      new Select(browser.find(By.id("reason-" + declined))).selectByValue("PERSON_DECLINED");
      browser.find(By.id("note-" + declined)).sendKeys("She would rather join a walking group.");
      browser.find(By.cssSelector("#offer-" + declined + " details.decline button[type=submit]")).click();
      browser.await(d -> d.getCurrentUrl().endsWith("/app/inbox?done=declined"));
      assertThat(browser.text()).contains("You declined the referral.");
      assertThat(browser.findAll(By.id("offer-" + declined))).isEmpty();
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> platform.referralService().get().uri("/referrals/{id}", declined)
          .exchange().expectStatus().isOk().expectBody()
          .jsonPath("$.history[?(@.event == 'ReferralDeclined')]").exists()
          .jsonPath("$.status").isEqualTo("DECLINED"));

      // accept the other: its page shows the session and completion forms once the acceptance is through
      browser.find(By.cssSelector("#offer-" + accepted + " button.accept")).click();
      browser.await(d -> d.getCurrentUrl().contains("/app/inbox/referrals/" + accepted));
      browser.await(d -> !d.findElements(By.id("session-form")).isEmpty());
      JourneyScenario.awaitReferral(platform, accepted, "ACCEPTED", PROVIDER);

      // one session attended (today, the default), one missed
      browser.find(By.id("attended-yes")).click();
      browser.find(By.cssSelector("#session-form button[type=submit]")).click();
      browser.await(d -> d.getCurrentUrl().endsWith("?done=attended"));
      browser.find(By.id("attended-no")).click();
      browser.find(By.cssSelector("#session-form button[type=submit]")).click();
      browser.await(d -> d.getCurrentUrl().endsWith("?done=missed"));
      assertThat(browser.find(By.cssSelector(".offer .sessions")).getText()).isEqualTo("1 attended, 1 missed");
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> platform.referralService().get().uri("/referrals/{id}", accepted)
          .exchange().expectStatus().isOk().expectBody()
          .jsonPath("$.sessionsAttended").isEqualTo(1).jsonPath("$.sessionsMissed").isEqualTo(1));

      // finish with an answer out of range: the API's reason beside that field, and nothing completed
      new Select(browser.find(By.id("completion"))).selectByValue("COMPLETED");
      fill(browser, "m-ONS4-0", "7");
      fill(browser, "m-ONS4-1", "11");
      fill(browser, "m-ONS4-2", "6");
      fill(browser, "m-ONS4-3", "3");
      browser.find(By.cssSelector("#complete-form button[type=submit]")).click();
      browser.await(d -> d.getCurrentUrl().endsWith("/referrals/" + accepted + "/complete"));
      WebElement wrong = browser.find(By.id("m-ONS4-1"));
      assertThat(fieldOf(wrong).getAttribute("class")).contains("has-error");
      assertThat(fieldOf(wrong).findElement(By.className("field-error")).getText())
          .contains("ONS4 item 2 (worthwhile) must be between 0 and 10, not 11");
      assertThat(browser.find(By.cssSelector(".error-summary a[href='#m-ONS4-1']")).getText()).contains("not 11");
      assertThat(browser.findAll(By.cssSelector(".field.has-error"))).hasSize(1);
      assertThat(browser.find(By.id("m-ONS4-0")).getAttribute("value")).isEqualTo("7");
      browser.assertAccessible("completion form with an error");
      browser.screenshots("provider-complete-error");
      platform.referralService().get().uri("/referrals/{id}", accepted).exchange().expectStatus().isOk()
          .expectBody().jsonPath("$.status").isEqualTo("ACCEPTED");
      platform.providerService().get().uri("/providers/{p}/referrals?status=COMPLETED", PROVIDER).exchange()
          .expectStatus().isOk().expectBody().jsonPath("$.length()").isEqualTo(0);

      // corrected: finished
      fill(browser, "m-ONS4-1", "8");
      browser.find(By.cssSelector("#complete-form button[type=submit]")).click();
      browser.await(d -> d.getCurrentUrl().endsWith("?done=completed"));
      assertThat(browser.find(By.cssSelector(".offer .tag")).getText()).isEqualTo("Finished");
      JourneyScenario.awaitReferral(platform, accepted, "COMPLETED", PROVIDER);

      // the service's open places, and pausing and resuming intake
      browser.open(providers + "/app/inbox/services");
      assertThat(browser.find(By.tagName("h1")).getText()).isEqualTo("Your services and places");
      browser.assertAccessible("services and places");
      fill(browser, "capacity-" + SERVICE, "4");
      browser.find(By.cssSelector("#service-" + SERVICE + " .capacity-form button[type=submit]")).click();
      browser.await(d -> d.getCurrentUrl().contains("done=capacity"));
      awaitService(platform, "$.capacity", 4);
      browser.find(By.cssSelector("#service-" + SERVICE + " button.pause")).click();
      browser.await(d -> d.getCurrentUrl().contains("done=paused"));
      awaitService(platform, "$.intakePaused", true);
      browser.open(providers + "/app/inbox/services");
      browser.await(d -> !d.findElements(By.cssSelector("#service-" + SERVICE + " button.resume")).isEmpty());
      assertThat(browser.find(By.cssSelector("#service-" + SERVICE + " .tag.intake")).getText()).isEqualTo("Intake paused");
      assertThat(browser.find(By.cssSelector("#service-" + SERVICE + " .capacity")).getText()).isEqualTo("4");
      browser.screenshots("provider-services");
      browser.find(By.cssSelector("#service-" + SERVICE + " button.resume")).click();
      browser.await(d -> d.getCurrentUrl().contains("done=resumed"));
      awaitService(platform, "$.intakePaused", false);

      // another provider is not shown this provider's referral
      browser.signIn(providers, "provider", "inbox-other", "/app/inbox/referrals/" + accepted);
      assertThat(browser.find(By.tagName("h1")).getText()).isEqualTo("Referral not found");
      assertThat(browser.text()).doesNotContain("Lovelace");

      // the sign-in page offers the registered provider, and signing in as it leads to the inbox
      browser.driver().manage().deleteAllCookies();
      browser.open(providers + "/sign-in");
      browser.find(By.xpath("//button[normalize-space()='Provider: Inbox Community Gardens']")).click();
      browser.await(d -> d.getCurrentUrl().endsWith("/app/inbox"));
      assertThat(browser.text()).contains("Signed in as provider " + PROVIDER);
    }
  }

  private static void fill(Browser browser, String id, String value) {
    WebElement field = browser.find(By.id(id));
    field.clear();
    field.sendKeys(value);
  }

  /** The field's container: where its label, its error and the field itself stand together. */
  private static WebElement fieldOf(WebElement input) {
    return input.findElement(By.xpath("ancestor::div[contains(concat(' ', @class, ' '), ' field ')][1]"));
  }

  private static void awaitService(RunningPlatform platform, String path, Object expected) {
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
        platform.providerService().get().uri("/providers").exchange().expectStatus().isOk().expectBody()
            .jsonPath("$[?(@.providerId == '" + PROVIDER + "')].services[0]" + path.substring(1)).isEqualTo(expected));
  }
}
