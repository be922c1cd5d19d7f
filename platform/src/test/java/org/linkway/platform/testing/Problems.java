package org.linkway.platform.testing;

import java.util.function.Consumer;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** What the services' problem+json refusals look like, for controller tests. */
public final class Problems {

  private Problems() {}

  /**
   * A 400 problem+json refusing exactly one field: its detail names the field, its one error names it
   * too, and that error's reason satisfies {@code reason}.
   */
  public static void assertOneInvalidField(WebTestClient.ResponseSpec response, String field, Consumer<String> reason) {
    response.expectStatus().isBadRequest()
        .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody()
        .jsonPath("$.status").isEqualTo(400)
        .jsonPath("$.detail").isEqualTo("1 field is invalid: " + field)
        .jsonPath("$.errors.length()").isEqualTo(1)
        .jsonPath("$.errors[0].field").isEqualTo(field)
        .jsonPath("$.errors[0].reason").value(r -> reason.accept((String) r));
  }
}
