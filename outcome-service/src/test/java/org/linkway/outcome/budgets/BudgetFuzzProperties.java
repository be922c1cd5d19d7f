package org.linkway.outcome.budgets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.clearInvocations;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.mockingDetails;
import static org.mockito.Mockito.when;

import java.time.Duration;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.linkway.platform.kafka.EventPublisher;
import org.linkway.platform.testing.FuzzBodies;
import org.linkway.platform.testing.JsonFuzz;
import org.linkway.platform.testing.ReferenceTables;
import org.linkway.platform.testing.ServiceCodecs;
import org.linkway.platform.web.ProblemHandler;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Mono;

/**
 * Issue point 10, fuzzed: PUT /commissioners/{c}/budgets/{year} with the budget changed at random
 * (amounts negative, huge, fractional, of the wrong type; the currency hostile; fields dropped or
 * added) or not JSON at all. Never a 5xx; every refusal is problem+json naming its fields; a
 * refused budget is never written.
 */
class BudgetFuzzProperties {

  private final EventPublisher publisher = mock(EventPublisher.class);
  private final WebTestClient http;

  BudgetFuzzProperties() {
    when(publisher.publish(any(), anyString(), any())).thenReturn(Mono.empty());
    http = WebTestClient.bindToController(new BudgetController(publisher, new BudgetQueries(ReferenceTables.empty(), ReferenceTables.empty())))
        .controllerAdvice(new ProblemHandler())
        .httpMessageCodecs(ServiceCodecs.asTheServicesRun())
        .configureClient().responseTimeout(Duration.ofSeconds(30))
        .build();
  }

  @Property(tries = 300)
  void givenABudgetChangedAtRandom_whenSet_thenNeverA5xxAndARefusalWritesNothing(@ForAll("budgets") JsonFuzz.Body body) {
    clearInvocations(publisher);

    int status = JsonFuzz.assertAnsweredWell(body, http.put().uri("/commissioners/QMM/budgets/2026-27")
        .contentType(MediaType.APPLICATION_JSON).bodyValue(body.bytes()).exchange().expectBody().returnResult());

    Statistics.collect(status);

    assertThat(status).as("%s", body).isIn(200, 400, 413);
    assertThat(mockingDetails(publisher).getInvocations()).as("budgets written for %s", body).hasSize(status == 200 ? 1 : 0);
  }

  @Provide
  Arbitrary<JsonFuzz.Body> budgets() {
    return FuzzBodies.from("{\"amount\": 250000.00, \"currency\": \"GBP\"}");
  }
}
