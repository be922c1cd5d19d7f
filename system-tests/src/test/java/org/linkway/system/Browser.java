package org.linkway.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's Chromium, headless, driven by its ChromeDriver: what a person with a phone or a desktop
 * sees of the pages. {@link #accessibilityProblems()} runs axe-core in the page; {@link #screenshots}
 * saves the page at phone and desktop width under {@code docs/screenshots/}.
 *
 * <p>Without Chromium the browser tests skip themselves, except in CI ({@code CI=true}), whose
 * {@code .ci/run} installs it: there they fail.
 */
public final class Browser implements AutoCloseable {

  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  /** The narrowest phone the pages are made for, and an ordinary desktop. */
  public static final int PHONE_WIDTH = 360;
  public static final int DESKTOP_WIDTH = 1280;
  static final Path SCREENSHOTS = Path.of("..", "docs", "screenshots");

  private final ChromeDriver driver;
  private final Path profile;

  private Browser(ChromeDriver driver, Path profile) {
    this.driver = driver;
    this.profile = profile;
  }

  /** A new headless browser, with a profile of its own (no cookies), at desktop width. */
  public static Browser start() {
    boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    if (!installed && "true".equals(System.getenv("CI"))) {
      throw new IllegalStateException("CI must run the browser tests: install chromium and chromium-driver (.ci/run does)");
    }
    Assumptions.assumeTrue(installed, "Chromium and ChromeDriver are not installed (apt-get install chromium chromium-driver)");
    try {
      Path profile = Files.createTempDirectory("linkway-chromium");
      ChromeOptions options = new ChromeOptions();
      options.setBinary(CHROMIUM.toFile());
      // the flags this machine needs: no sandbox as root, and no calls home on a closed network
      options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
          "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
          "--disable-sync", "--disable-extensions", "--lang=en-GB", "--hide-scrollbars",
          "--user-data-dir=" + profile.toAbsolutePath(), "--window-size=" + DESKTOP_WIDTH + ",900");
      ChromeDriverService service = new ChromeDriverService.Builder()
          .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
      ChromeDriver driver = new ChromeDriver(service, options);
      driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60)).scriptTimeout(Duration.ofSeconds(60));
      return new Browser(driver, profile);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public WebDriver driver() {
    return driver;
  }

  public Browser open(String url) {
    driver.get(url);
    return this;
  }

  public WebElement find(By by) {
    return driver.findElement(by);
  }

  public List<WebElement> findAll(By by) {
    return driver.findElements(by);
  }

  /** Waits (up to 30 s, polling) for what the page should come to show. */
  public <T> T await(Function<WebDriver, T> condition) {
    // a live page replaces parts of itself (htmx): an element read while it is being replaced is read again
    return new WebDriverWait(driver, Duration.ofSeconds(30), Duration.ofMillis(100))
        .ignoring(org.openqa.selenium.StaleElementReferenceException.class).until(condition);
  }

  public String text() {
    return driver.findElement(By.tagName("body")).getText();
  }

  public String url() {
    return driver.getCurrentUrl();
  }

  /**
   * Signs in on the service's sign-in page, as a person would on the local stack: the form for
   * "someone else", with a role and an organisation. The cookie then serves the other services too
   * (cookies are per host, not per port).
   */
  public Browser signIn(String baseUrl, String role, String organisation, String next) {
    open(baseUrl + "/sign-in" + (next == null ? "" : "?next=" + next));
    new org.openqa.selenium.support.ui.Select(find(By.id("role"))).selectByValue(role);
    WebElement field = find(By.id("organisation"));
    field.clear();
    if (organisation != null) field.sendKeys(organisation);
    // the page after the form (the next page, the home page, or the sign-in page again with a problem) may
    // have the same address as this one: wait for this page to be gone, then for the new one
    WebElement page = find(By.tagName("html"));
    find(By.cssSelector("form.stacked button[type=submit]")).click();
    await(ExpectedConditions.stalenessOf(page));
    await(d -> d.findElement(By.tagName("body")));
    return this;
  }

  /**
   * The serious and critical problems axe-core finds in the page as it is now (WCAG 2.1 A and AA
   * rules and best practices), one line each: rule, impact, where.
   */
  @SuppressWarnings("unchecked")
  public List<String> accessibilityProblems() {
    JavascriptExecutor js = driver;
    js.executeScript(axeSource());
    Object result = js.executeAsyncScript("""
        const done = arguments[arguments.length - 1];
        axe.run(document, {resultTypes: ['violations']})
          .then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
              where: v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ')}))))
          .catch(e => done([{id: 'axe-failed', impact: 'critical', help: String(e), where: ''}]));
        """);
    return ((List<Map<String, Object>>) result).stream()
        .filter(v -> "serious".equals(v.get("impact")) || "critical".equals(v.get("impact")))
        .map(v -> v.get("id") + " (" + v.get("impact") + "): " + v.get("help") + " at " + v.get("where"))
        .toList();
  }

  /** Checks the page has no serious or critical accessibility problem at both widths. */
  public void assertAccessible(String page) {
    for (int width : new int[] {PHONE_WIDTH, DESKTOP_WIDTH}) {
      resize(width, 900);
      assertThat(accessibilityProblems()).as("axe-core on %s at %d px", page, width).isEmpty();
    }
    resize(DESKTOP_WIDTH, 900);
  }

  /**
   * Saves the whole page at phone and at desktop width: {@code docs/screenshots/<name>-phone.png}
   * and {@code -desktop.png}. The page must not be wider than the phone's screen.
   */
  public void screenshots(String name) {
    try {
      Files.createDirectories(SCREENSHOTS);
      for (int width : new int[] {PHONE_WIDTH, DESKTOP_WIDTH}) {
        resize(width, 800);
        if (width == PHONE_WIDTH) assertFitsWidth(name, width);
        long height = ((Number) driver.executeScript("return document.documentElement.scrollHeight")).longValue();
        resize(width, (int) Math.min(Math.max(height, 600), 6000));
        byte[] png = driver.getScreenshotAs(OutputType.BYTES);
        Files.write(SCREENSHOTS.resolve(name + (width == PHONE_WIDTH ? "-phone" : "-desktop") + ".png"), png);
      }
      resize(DESKTOP_WIDTH, 900);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The page, laid out again for this width (charts and other scripted parts follow a resize a
   * moment later), must not be wider than the screen; if it is, the message names what sticks out.
   */
  private void assertFitsWidth(String name, int width) {
    try {
      await(d -> ((Number) driver.executeScript("return document.documentElement.scrollWidth")).longValue() <= width);
    } catch (org.openqa.selenium.TimeoutException e) {
      Object wide = driver.executeScript("""
          const w = window.innerWidth;
          const out = e => e.getBoundingClientRect().right > w + 1;
          return Array.from(document.querySelectorAll('body *')).filter(e => out(e) && !out(e.parentElement))
            .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className ? '.' + e.className : '')
              + ' ends at ' + Math.round(e.getBoundingClientRect().right) + ' px').join('; ');
          """);
      throw new AssertionError(name + " at " + width + " px must not scroll sideways: " + wide, e);
    }
  }

  /** Shows the page as a screen of this size would (a phone's is a mobile one), whatever the window. */
  private void resize(int width, int height) {
    driver.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of(
        "width", width, "height", height, "deviceScaleFactor", 1, "mobile", width < 600));
  }

  private static String axeSource() {
    try (InputStream in = Browser.class.getResourceAsStream(
        "/META-INF/resources/webjars/axe-core/" + axeVersion() + "/axe.min.js")) {
      if (in == null) throw new IllegalStateException("axe-core is not on the test classpath");
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String axeVersion() {
    try (InputStream in = Browser.class.getResourceAsStream("/META-INF/maven/org.webjars.npm/axe-core/pom.properties")) {
      var properties = new java.util.Properties();
      properties.load(in);
      return properties.getProperty("version");
    } catch (IOException | NullPointerException e) {
      throw new IllegalStateException("axe-core's webjar has no version", e);
    }
  }

  @Override
  public void close() {
    driver.quit();
    try (var files = Files.walk(profile)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a temporary profile left behind is harmless
    }
  }
}
