package org.linkway.system;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The ledger's reconciliation is an operator's job whose last result the API answers: a test that checks it after
 * what it did asks for a run (as the commissioner, whose token the client sends) and waits for that run's result,
 * the first whose {@code ranAt} is no earlier than when it was asked for. Until then (or while partitions move) the
 * answers are 503 and are asked again.
 */
final class Reconciliations {

  private static final ParameterizedTypeReference<Map<String, Object>> MAP = new ParameterizedTypeReference<>() {};

  private Reconciliations() {}

  /** Runs the commissioner's reconciliation now, through {@code outcomeService}, and waits for its result, which it answers. */
  static Map<String, Object> runNow(WebTestClient outcomeService, String commissioner) {
    AtomicReference<Instant> requested = new AtomicReference<>();
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
      EntityExchangeResult<Map<String, Object>> answer = outcomeService.post()
          .uri("/commissioners/{c}/ledger/reconciliation", commissioner).exchange().expectBody(MAP).returnResult();
      if (answer.getStatus().value() != 202) return false;
      requested.set(Instant.parse((String) answer.getResponseBody().get("requestedAt")));
      return true;
    });
    AtomicReference<Map<String, Object>> result = new AtomicReference<>();
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
      EntityExchangeResult<Map<String, Object>> answer = outcomeService.get()
          .uri("/commissioners/{c}/ledger/reconciliation", commissioner).exchange().expectBody(MAP).returnResult();
      if (answer.getStatus().value() != 200) return false;
      if (Instant.parse((String) answer.getResponseBody().get("ranAt")).isBefore(requested.get())) return false;
      result.set(answer.getResponseBody());
      return true;
    });
    return result.get();
  }
}
