package org.linkway.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.linkway.platform.testing.TestStack;
import org.openqa.selenium.By;

/**
 * The GP practice's referral pages in a real browser: the practice's list, a referral's status and
 * history, the summary back to the practice with the SNOMED CT code to record and the change in
 * wellbeing, a cancellation whose bad reason is shown beside its field, and the same rule as the
 * API: another practice is told there is no such referral.
 */
class GpReferralPageIT {

  static final String COMMISSIONER = "QGR";
  static final String PROVIDER = "gp-page-gardens";

  @Test
  void givenAReferralWorkedByAProvider_whenThePracticeOpensIt_thenItSeesTheHistoryTheCodesAndTheChange() {
    RunningPlatform platform = EmbeddedPlatform.get();
    platform.providerService().post().uri("/providers").bodyValue(Map.of("providerId", PROVIDER, "name", "Community Gardens",
            "services", List.of(Map.of("serviceId", PROVIDER + "-plots", "name", "Garden plots", "needs", List.of("NATURE"),
                "commissioners", List.of(COMMISSIONER), "capacity", 10))))
        .exchange().expectStatus().isCreated();
    String worked = JourneyScenario.refer(platform, COMMISSIONER, List.of("NATURE"));
    String toCancel = JourneyScenario.refer(platform, COMMISSIONER, List.of("NATURE"));
    JourneyScenario.awaitOffer(platform, PROVIDER, worked);
    JourneyScenario.awaitOffer(platform, PROVIDER, toCancel);
    platform.providerService().post().uri("/providers/{p}/referrals/{r}/accept", PROVIDER, worked).exchange()
        .expectStatus().isOk();
    JourneyScenario.attendOnceAndComplete(platform, PROVIDER, worked);
    JourneyScenario.awaitReferral(platform, worked, "COMPLETED", PROVIDER);

    String referrals = platform.baseUrl("referral-service");
    try (Browser browser = Browser.start()) {
      browser.signIn(referrals, "gp", "D82044", null);
      // signing in as a GP lands on the practice's referrals
      assertThat(browser.url()).endsWith("/app/referrals");
      assertThat(browser.find(By.tagName("h1")).getText()).isEqualTo("Your practice's referrals");
      browser.find(By.cssSelector("a[href='/app/referrals/" + worked + "']")).click();
      browser.await(d -> d.getCurrentUrl().endsWith("/app/referrals/" + worked));

      assertThat(browser.find(By.id("status")).getText()).isEqualTo("completed");
      assertThat(browser.find(By.tagName("h1")).getText()).isEqualTo("Referral for Ada " + JourneyScenario.FAMILY_NAME);
      String codes = browser.find(By.cssSelector("section[aria-labelledby=codes-heading]")).getText();
      assertThat(codes).contains("Referral to social prescribing service").contains("SNOMED CT 871731000000106");
      String changes = browser.find(By.cssSelector("section[aria-labelledby=changes-heading]")).getText();
      assertThat(changes).contains("SWEMWBS");
      String history = browser.find(By.cssSelector("section[aria-labelledby=history-heading]")).getText();
      assertThat(history).contains("Referred", "Offered to a provider", "Accepted by the provider", "Session attended",
          "Finished", "gp D82044", "provider " + PROVIDER);
      // a finished referral cannot be cancelled, so the page offers no cancel
      assertThat(browser.findAll(By.id("cancel-heading"))).isEmpty();
      browser.assertAccessible("GP referral");
      browser.screenshots("gp-referral");
      browser.open(referrals + "/app/referrals");
      browser.assertAccessible("GP practice list");
      browser.screenshots("gp-practice");

      // cancelling: a reason that is too long is shown beside the field, and nothing is cancelled
      browser.open(referrals + "/app/referrals/" + toCancel);
      browser.find(By.id("reason")).sendKeys("x".repeat(501));
      browser.find(By.cssSelector("section[aria-labelledby=cancel-heading] button")).click();
      browser.await(d -> !d.findElements(By.cssSelector(".field.has-error .field-error")).isEmpty());
      assertThat(browser.find(By.cssSelector(".field.has-error .field-error")).getText()).contains("500");
      browser.assertAccessible("GP cancel with an error");
      platform.referralService().get().uri("/referrals/{id}", toCancel).exchange().expectStatus().isOk()
          .expectBody().jsonPath("$.status").isEqualTo("OFFERED");
      browser.find(By.id("reason")).clear();
      browser.find(By.id("reason")).sendKeys("moved away");
      browser.find(By.cssSelector("section[aria-labelledby=cancel-heading] button")).click();
      JourneyScenario.awaitReferral(platform, toCancel, "CANCELLED", PROVIDER);
      browser.await(d -> d.getCurrentUrl().endsWith("?cancelled=true"));
      assertThat(browser.text()).contains("The referral is cancelled");

      // "Find a referral" with something that is not a reference: not found, saying what was typed (as text)
      browser.driver().get(referrals + "/app/referrals");
      browser.find(By.id("find")).sendKeys("{x}");
      browser.find(By.id("find")).submit();
      browser.await(d -> "Referral not found".equals(d.findElement(By.tagName("h1")).getText()));
      assertThat(browser.find(By.tagName("main")).getText()).contains("There is no referral {x}");

      // another practice: as through the API, the referral does not exist for it
      browser.driver().manage().deleteAllCookies();
      browser.signIn(referrals, "gp", "A81001", "/app/referrals/" + worked);
      assertThat(browser.find(By.tagName("h1")).getText()).isEqualTo("Referral not found");
      assertThat(browser.text()).doesNotContain(JourneyScenario.FAMILY_NAME);
      platform.referralService().get().uri("/referrals/{id}", worked)
          .headers(h -> h.setBearerAuth(TestStack.issuer().gp("A81001"))).exchange().expectStatus().isNotFound();
    }
  }
}
