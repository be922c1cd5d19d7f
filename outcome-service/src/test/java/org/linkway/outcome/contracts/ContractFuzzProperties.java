package org.linkway.outcome.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.clearInvocations;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.mockingDetails;
import static org.mockito.Mockito.when;

import java.time.Duration;
import java.util.Optional;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.linkway.commands.ContractCommand;
import org.linkway.events.ContractAgreed;
import org.linkway.platform.kafka.EventPublisher;
import org.linkway.platform.streams.Decisions;
import org.linkway.platform.streams.ReferenceTable;
import org.linkway.platform.testing.FuzzBodies;
import org.linkway.platform.testing.JsonFuzz;
import org.linkway.platform.testing.ServiceCodecs;
import org.linkway.platform.web.ProblemHandler;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Mono;

/**
 * Issue point 10, fuzzed: PUT /commissioners/{c}/contracts/{id} with a contract of every model
 * changed at random (fees negative, huge, fractional, of the wrong type; dates impossible, too early
 * or too late; ids hostile; fields dropped or added) or not JSON at all. Never a 5xx; every refusal
 * is problem+json naming its fields; a refused contract is never written.
 */
class ContractFuzzProperties {

  static final String CONTRACT = """
      {"providerId": "norwich-befrienders", "serviceIds": ["telephone-befriending"], "validFrom": "2026-04-01",
       "validTo": "2027-03-31", "engagementFee": 50.00, "completionFee": 150.00, "completionMinSessions": 3,
       "currency": "GBP", "grant": false, "outcomePayment": 100.00, "outcomeInstrument": "SWEMWBS",
       "outcomeScore": "metric", "outcomeThreshold": 2.0, "perReferralCap": 300.00}""";

  private final EventPublisher publisher = mock(EventPublisher.class);
  private final WebTestClient http;

  @SuppressWarnings("unchecked")
  ContractFuzzProperties() {
    // the contracts' decider, as it answers a contract id nobody holds: the command written, the contract agreed as asked
    when(publisher.publish(any(), anyString(), any())).thenReturn(Mono.empty());
    Decisions decisions = mock(Decisions.class);
    when(decisions.send(any(), any(), any(), any(), any(), any())).thenAnswer(call -> {
      ContractCommand command = call.getArgument(3);
      return publisher.publish(call.getArgument(1), call.getArgument(2), command).thenReturn(command.getContract());
    });
    ReferenceTable<ContractAgreed> contracts = mock(ReferenceTable.class);
    when(contracts.get(anyString())).thenReturn(Optional.empty());
    http = WebTestClient.bindToController(new ContractController(publisher, decisions, contracts, new ContractQueries(contracts)))
        .controllerAdvice(new ProblemHandler())
        .httpMessageCodecs(ServiceCodecs.asTheServicesRun())
        .configureClient().responseTimeout(Duration.ofSeconds(30))
        .build();
  }

  @Property(tries = 400)
  void givenAContractChangedAtRandom_whenAgreed_thenNeverA5xxAndARefusalWritesNothing(@ForAll("contracts") JsonFuzz.Body body) {
    clearInvocations(publisher);

    int status = JsonFuzz.assertAnsweredWell(body, http.put().uri("/commissioners/QMM/contracts/befriending-tariff")
        .contentType(MediaType.APPLICATION_JSON).bodyValue(body.bytes()).exchange().expectBody().returnResult());

    Statistics.collect(status);

    assertThat(status).as("%s", body).isIn(200, 400, 413);
    assertThat(mockingDetails(publisher).getInvocations()).as("contracts written for %s", body).hasSize(status == 200 ? 1 : 0);
  }

  @Provide
  Arbitrary<JsonFuzz.Body> contracts() {
    return FuzzBodies.from(CONTRACT);
  }
}
