package org.linkway.system;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * Signing in to the pages on the local stack, in a real browser: a page asked for without a
 * sign-in sends the person to sign in and back; a wrong organisation is shown beside its field;
 * a page of another role is refused with a page that says so; signing out forgets the sign-in.
 */
class SignInPageIT {

  @Test
  void givenNoSignIn_whenAPageIsOpened_thenThePersonSignsInAndComesBack_andSignsOut() {
    RunningPlatform platform = EmbeddedPlatform.get();
    String referrals = platform.baseUrl("referral-service");
    try (Browser browser = Browser.start()) {
      browser.open(referrals + "/app/no-such-page");
      browser.await(d -> d.getCurrentUrl().contains("/sign-in?next="));
      assertThat(browser.find(By.tagName("h1")).getText()).isEqualTo("Sign in");
      browser.assertAccessible("sign-in");
      browser.screenshots("sign-in");

      // a provider without its id is told what to enter, beside the field
      browser.signIn(referrals, "provider", "", null);
      assertThat(browser.find(By.cssSelector(".field.has-error .field-error")).getText()).contains("Enter the organisation's code");
      browser.assertAccessible("sign-in with an error");

      // signed in as an administrator: a page that is not the administrator's is refused, as a page
      browser.signIn(referrals, "admin", null, "/app/no-such-page");
      assertThat(browser.url()).endsWith("/app/no-such-page");
      assertThat(browser.find(By.tagName("h1")).getText()).isEqualTo("You cannot see this page");
      assertThat(browser.text()).contains("admin may not GET /app/no-such-page");

      // signing in with the keyboard alone: the skip link first, then each demo person in turn
      browser.driver().manage().deleteAllCookies();
      browser.open(referrals + "/sign-in");
      var keys = new org.openqa.selenium.interactions.Actions(browser.driver());
      keys.sendKeys(org.openqa.selenium.Keys.TAB).perform();
      assertThat(browser.driver().switchTo().activeElement().getText()).isEqualTo("Skip to main content");
      org.openqa.selenium.WebElement focused;
      int presses = 0;
      do {
        keys.sendKeys(org.openqa.selenium.Keys.TAB).perform();
        focused = browser.driver().switchTo().activeElement();
      } while (!focused.getText().startsWith("GP practice") && ++presses < 20);
      assertThat(focused.getText()).startsWith("GP practice or link worker");
      keys.sendKeys(org.openqa.selenium.Keys.ENTER).perform();
      browser.await(d -> d.getCurrentUrl().endsWith("/app/referrals"));

      // signing out forgets the sign-in
      browser.find(By.cssSelector(".signed-in button")).click();
      browser.await(d -> d.getCurrentUrl().endsWith("/sign-in?signedOut=true"));
      assertThat(browser.text()).contains("You have signed out");
      browser.open(referrals + "/app/referrals");
      browser.await(d -> d.getCurrentUrl().contains("/sign-in?next="));

      // a forged cookie counts as no sign-in
      browser.driver().manage().deleteAllCookies();
      browser.open(referrals + "/sign-in");
      assertThat(browser.findAll(By.cssSelector(".notice"))).as("no sign-in notice for someone not signed in").isEmpty();
      browser.driver().manage().addCookie(new org.openqa.selenium.Cookie("linkway_session", "not-a-token"));
      browser.open(referrals + "/app/no-such-page");
      browser.await(d -> d.getCurrentUrl().contains("/sign-in?next="));
    }
  }
}
