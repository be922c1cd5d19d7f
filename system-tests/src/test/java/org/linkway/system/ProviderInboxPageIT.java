package org.linkway.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.linkway.platform.pages.SignInCookie;
import org.linkway.platform.testing.TestStack;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.Disposable;

/**
 * The provider's inbox, in a real browser, as a volunteer coordinator uses it: signed in, the page
 * open, new offers arrive live (no reload) with their deadline counting down; one is declined with a
 * reason, one the GP cancels leaves the list live, the other is accepted; the first session is recorded
 * with the person's starting measures (a wrong answer shown beside its field), one missed, and the
 * referral finished with the measures, compared with the baseline: a wrong answer is shown beside its
 * field and nothing is completed until it is corrected, and the summary back to the GP has the change.
 * Then the service's open places and intake are changed. Each step is checked through the API.
 */
class ProviderInboxPageIT {

  static final String COMMISSIONER = "QIB";
  static final String PROVIDER = "inbox-gardens";
  static final String SERVICE = PROVIDER + "-plot";
  static final ParameterizedTypeReference<ServerSentEvent<String>> SSE = new ParameterizedTypeReference<>() {};

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

      // an offer the GP cancels while the page is open leaves the list without a reload
      browser.await(d -> "connected".equals(d.findElement(By.id("offers")).getAttribute("data-live")));
      ((JavascriptExecutor) browser.driver()).executeScript("window.linkwayNotReloaded = true;");
      String cancelled = JourneyScenario.refer(platform, COMMISSIONER, List.of("NATURE"));
      browser.await(d -> d.findElement(By.id("offer-" + cancelled)));
      platform.referralService().post().uri("/referrals/{id}/cancel", cancelled).bodyValue(Map.of("reason", "person moved away"))
          .exchange().expectStatus().isAccepted();
      browser.await(d -> d.findElements(By.id("offer-" + cancelled)).isEmpty());
      assertThat(browser.find(By.id("live-status")).getText()).contains("cancelled by the referrer");
      assertThat(browser.findAll(By.cssSelector("#offers > li"))).hasSize(1);
      assertThat(((JavascriptExecutor) browser.driver()).executeScript("return window.linkwayNotReloaded === true")).isEqualTo(true);

      // accept the other: its page shows the session and completion forms once the acceptance is through
      browser.find(By.cssSelector("#offer-" + accepted + " button.accept")).click();
      browser.await(d -> d.getCurrentUrl().contains("/app/inbox/referrals/" + accepted));
      browser.await(d -> !d.findElements(By.id("session-form")).isEmpty());
      JourneyScenario.awaitReferral(platform, accepted, "ACCEPTED", PROVIDER);

      assertThat(browser.find(By.id("baseline-missing")).getText()).contains("cannot show a change");

      // the first session attended (today, the default), with the starting measures: a wrong answer beside its field
      browser.find(By.id("attended-yes")).click();
      browser.find(By.cssSelector("#session-form details.baseline summary")).click();
      fillOns4(browser, "b", 5, 12, 5, 6);
      browser.find(By.cssSelector("#session-form button[type=submit]")).click();
      browser.await(d -> d.getCurrentUrl().endsWith("/referrals/" + accepted + "/sessions"));
      assertThat(browser.find(By.cssSelector("#session-form details.baseline")).getAttribute("open")).isNotNull();
      assertProblemBeside(browser, "b-ONS4-1", "ONS4 item 2 (worthwhile) must be between 0 and 10, not 12");
      assertThat(browser.find(By.id("b-ONS4-0")).getAttribute("value")).isEqualTo("5");
      browser.assertAccessible("session form with the starting measures open");
      browser.screenshots("provider-session-baseline");
      platform.referralService().get().uri("/referrals/{id}", accepted).exchange().expectStatus().isOk()
          .expectBody().jsonPath("$.sessionsAttended").isEqualTo(0);
      fill(browser, "b-ONS4-1", "5");
      browser.find(By.cssSelector("#session-form button[type=submit]")).click();
      browser.await(d -> d.getCurrentUrl().endsWith("?done=attended-baseline"));
      assertThat(browser.text()).contains("Their starting measures (baseline) are recorded");
      // a baseline is recorded: the next session does not ask for one, and the completion says it compares with it
      assertThat(browser.findAll(By.cssSelector("#session-form details.baseline"))).isEmpty();
      assertThat(browser.find(By.id("baseline-compared")).getText()).contains("ONS4", "compared with them");
      assertThat(browser.find(By.cssSelector("#m-ONS4 .compared")).getText()).contains("Compared with the starting answers");

      // then a session missed
      browser.find(By.id("attended-no")).click();
      browser.find(By.cssSelector("#session-form button[type=submit]")).click();
      browser.await(d -> d.getCurrentUrl().endsWith("?done=missed"));
      assertThat(browser.find(By.cssSelector(".offer .sessions")).getText()).isEqualTo("1 attended, 1 missed");
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> platform.referralService().get().uri("/referrals/{id}", accepted)
          .exchange().expectStatus().isOk().expectBody()
          .jsonPath("$.sessionsAttended").isEqualTo(1).jsonPath("$.sessionsMissed").isEqualTo(1));

      // finish with an answer out of range: the API's reason beside that field, and nothing completed
      new Select(browser.find(By.id("completion"))).selectByValue("COMPLETED");
      fillOns4(browser, "m", 7, 11, 6, 3);
      browser.find(By.cssSelector("#complete-form button[type=submit]")).click();
      browser.await(d -> d.getCurrentUrl().endsWith("/referrals/" + accepted + "/complete"));
      assertProblemBeside(browser, "m-ONS4-1", "ONS4 item 2 (worthwhile) must be between 0 and 10, not 11");
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
      // the follow-up is compared with the baseline: the GP's summary has the change (life satisfaction 5 to 7)
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> platform.referralService().get()
          .uri("/referrals/{id}/summary", accepted).exchange().expectStatus().isOk().expectBody()
          .jsonPath("$.changes").isNotEmpty()
          .jsonPath("$.changes[?(@.instrument == 'ONS4')]").exists());

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

  /**
   * The inbox's live stream resumes as the API's does: connected to with no id it sends the offers waiting (read from
   * the provider's list of them, their ids carry no position), then each change as it comes, its id carrying the
   * referral, the moment of the change and the stream's position; resumed with such an id ({@code Last-Event-ID}), it
   * sends exactly what changed since (an offer declined meanwhile leaves the list), not the waiting offers again.
   * Resumed with an id with no position (or one too far back), both the inbox's stream and the API's send the offers
   * changed after its moment, read from the provider's offers by last change: the one declined meanwhile too.
   */
  @Test
  void givenTheInboxStreamLeft_whenResumedWithItsLastEventId_thenOnlyWhatChangedSinceIsSent() {
    RunningPlatform platform = EmbeddedPlatform.get();
    String provider = "inbox-resume";
    platform.providerService().post().uri("/providers").bodyValue(Map.of("providerId", provider, "name", "Inbox Resume Walks",
            "services", List.of(Map.of("serviceId", provider + "-walk", "name", "Walk", "needs", List.of("NATURE"),
                "commissioners", List.of("QIR"), "capacity", 10))))
        .exchange().expectStatus().isCreated();
    String declined = JourneyScenario.referAndAwaitOffer(platform, "QIR", List.of("NATURE"), provider);
    String waiting = JourneyScenario.referAndAwaitOffer(platform, "QIR", List.of("NATURE"), provider);

    List<ServerSentEvent<String>> first = new CopyOnWriteArrayList<>();
    Disposable connected = inboxStream(platform, provider, null, first);
    String lastId;
    try {
      await().atMost(Duration.ofSeconds(30)).until(() -> ids(first, "offer").size() == 2);
      // read from the list of waiting offers: no position
      assertThat(ids(first, "offer")).anySatisfy(id -> assertThat(id).matches(declined + "-1@\\d+"))
          .anySatisfy(id -> assertThat(id).matches(waiting + "-1@\\d+"));
      String live = JourneyScenario.refer(platform, "QIR", List.of("NATURE"));
      await().atMost(Duration.ofSeconds(30)).until(() -> ids(first, "offer").size() == 3);
      lastId = ids(first, "offer").get(2);
      assertThat(lastId).matches(live + "-1@\\d+~.+");
    } finally {
      connected.dispose();
    }

    platform.providerService().post().uri("/providers/{p}/referrals/{r}/decline", provider, declined)
        .bodyValue(Map.of("reason", "CAPACITY")).exchange().expectStatus().isOk();
    List<ServerSentEvent<String>> resumed = new CopyOnWriteArrayList<>();
    Disposable again = inboxStream(platform, provider, lastId, resumed);
    try {
      await().atMost(Duration.ofSeconds(30)).until(() -> !ids(resumed, "gone").isEmpty());
      assertThat(ids(resumed, "gone")).singleElement().satisfies(id -> assertThat(id).startsWith(declined + "-1@"));
      assertThat(ids(resumed, "offer")).as("the waiting offers, already had, are not sent again").isEmpty();
    } finally {
      again.dispose();
    }

    // an id with no position (as from a position too far back to read from): the offers changed after its moment, of
    // the provider's most recently changed, whatever their status now: the one declined, not only those waiting
    String noPosition = lastId.substring(0, lastId.indexOf('~'));
    List<ServerSentEvent<String>> fromMoment = new CopyOnWriteArrayList<>();
    Disposable fromList = inboxStream(platform, provider, noPosition, fromMoment);
    try {
      await().atMost(Duration.ofSeconds(30)).until(() -> !ids(fromMoment, "gone").isEmpty());
      assertThat(ids(fromMoment, "gone")).singleElement().satisfies(id -> assertThat(id).matches(declined + "-1@\\d+"));
      assertThat(ids(fromMoment, "offer")).as("the waiting offers, changed before that moment, are not sent").isEmpty();
    } finally {
      fromList.dispose();
    }
    List<ServerSentEvent<String>> api = new CopyOnWriteArrayList<>();
    Disposable apiFromList = platform.providerServiceStreams().get()
        .uri("/providers/{p}/referrals/stream", provider)
        .header("Last-Event-ID", noPosition)
        .accept(MediaType.TEXT_EVENT_STREAM).retrieve().bodyToFlux(SSE).subscribe(api::add);
    try {
      await().atMost(Duration.ofSeconds(30)).until(() -> !ids(api, "declined").isEmpty());
      assertThat(ids(api, "declined")).singleElement().satisfies(id -> assertThat(id).matches(declined + "-1@\\d+"));
      assertThat(ids(api, "offer")).isEmpty();
    } finally {
      apiFromList.dispose();
    }
  }

  private static Disposable inboxStream(RunningPlatform platform, String provider, String lastEventId,
      List<ServerSentEvent<String>> into) {
    return WebClient.create(platform.baseUrl("provider-service")).get().uri("/app/inbox/stream")
        .cookie(SignInCookie.NAME, TestStack.issuer().provider(provider))
        .headers(h -> {
          if (lastEventId != null) h.set("Last-Event-ID", lastEventId);
        })
        .accept(MediaType.TEXT_EVENT_STREAM).retrieve().bodyToFlux(SSE).subscribe(into::add);
  }

  /** The ids of the events of that name, in the order they came. */
  private static List<String> ids(List<ServerSentEvent<String>> events, String name) {
    return events.stream().filter(e -> name.equals(e.event())).map(ServerSentEvent::id).toList();
  }

  private static void fill(Browser browser, String id, String value) {
    WebElement field = browser.find(By.id(id));
    field.clear();
    field.sendKeys(value);
  }

  /** The person's four ONS4 answers, into a questionnaire's fields: {@code b}, the baseline's; {@code m}, the end's. */
  private static void fillOns4(Browser browser, String form, int... answers) {
    for (int i = 0; i < answers.length; i++) fill(browser, form + "-ONS4-" + i, String.valueOf(answers[i]));
  }

  /** The field is marked wrong, its problem beside it, and the summary at the top links to it. */
  private static void assertProblemBeside(Browser browser, String id, String problem) {
    WebElement field = fieldOf(browser.find(By.id(id)));
    assertThat(field.getAttribute("class")).contains("has-error");
    assertThat(field.findElement(By.className("field-error")).getText()).contains(problem);
    assertThat(browser.find(By.cssSelector(".error-summary a[href='#" + id + "']")).getText()).contains(problem);
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
