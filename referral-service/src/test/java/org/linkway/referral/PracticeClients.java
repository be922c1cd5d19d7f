package org.linkway.referral;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.linkway.platform.testing.TestStack;
import org.springframework.test.web.reactive.server.WebTestClient;

/** A practice's GP system calling referral-service as an integration test runs it. */
public final class PracticeClients {

  private PracticeClients() {}

  /**
   * The practice D82044's GP system, with a token from the test issuer the service trusts, once the service on
   * {@code port} answers.
   */
  public static WebTestClient practice(int port) {
    WebTestClient http = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port)
        .defaultHeaders(h -> h.setBearerAuth(TestStack.issuer().gp("D82044")))
        .responseTimeout(Duration.ofSeconds(20)).build();
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
        http.get().uri("/actuator/health").exchange().expectStatus().isOk());
    return http;
  }
}
