package org.linkway.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * The ledger's reconciliation is an operator's job whose last result outcome-service answers: the benchmark and the
 * chaos harness, checking the ledger after a run, ask for a run of it (as the commissioner) and read that run's
 * result, the first whose {@code ranAt} is no earlier than the request's {@code requestedAt}. A 503 (the
 * commissioner's view moving, or no run yet) is asked again, as its Retry-After says.
 */
public final class Reconciliations {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration AGAIN_AFTER = Duration.ofSeconds(1);

  private Reconciliations() {}

  /** Runs the commissioner's reconciliation now and answers its result; an error once {@code within} has passed. */
  public static Mono<Http.Answer> runNow(Http outcomeService, String commissioner, Duration within) {
    String path = "/commissioners/" + commissioner + "/ledger/reconciliation";
    long tries = Math.max(1, within.dividedBy(AGAIN_AFTER));
    return Mono.defer(() -> outcomeService.post(path, "{}"))
        .flatMap(a -> a.status() == 202 ? Mono.just(Instant.parse(field(a.body(), "requestedAt")))
            : Mono.<Instant>error(new IllegalStateException("asked for a run: " + a.status() + " " + a.body())))
        .retryWhen(Retry.fixedDelay(tries, AGAIN_AFTER))
        .flatMap(requested -> Mono.defer(() -> outcomeService.get(path, within))
            .flatMap(a -> a.ok() && !Instant.parse(field(a.body(), "ranAt")).isBefore(requested) ? Mono.just(a)
                : Mono.<Http.Answer>error(new IllegalStateException("no run since " + requested + " yet: " + a.status())))
            .retryWhen(Retry.fixedDelay(tries, AGAIN_AFTER)));
  }

  private static String field(String json, String name) {
    try {
      JsonNode value = JSON.readTree(json).path(name);
      if (!value.isTextual()) throw new IllegalStateException("no " + name + " in " + json);
      return value.asText();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
