package org.linkway.provider.directory.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.clearInvocations;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.mockingDetails;
import static org.mockito.Mockito.when;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.linkway.events.ServiceListed;
import org.linkway.platform.kafka.EventPublisher;
import org.linkway.platform.streams.ReferenceTable;
import org.linkway.platform.testing.ReferenceTables;
import org.linkway.platform.testing.FuzzBodies;
import org.linkway.platform.testing.JsonFuzz;
import org.linkway.platform.testing.ServiceCodecs;
import org.linkway.platform.web.ProblemHandler;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Mono;

/**
 * Issue point 10, fuzzed: the directory's JSON bodies (POST /providers, PUT a service) changed at
 * random or not JSON at all. Never a 5xx; every refusal is problem+json naming its fields; a refused
 * request lists nothing (the publisher is never called), an accepted one lists what it says.
 */
class DirectoryFuzzProperties {

  static final String PROVIDER = """
      {"providerId": "wensum-walkers", "name": "Wensum Walkers", "services": [
        {"serviceId": "riverside-walks", "name": "Riverside walks", "needs": ["PHYSICAL_ACTIVITY", "LONELINESS"],
         "taxonomy": ["esdNeed:physical-activity"], "commissioners": ["QMM"], "postcodeDistricts": ["NR1", "NR2"],
         "capacity": 12, "status": "ACTIVE", "minAge": 18, "maxAge": 99, "intakePaused": false},
        {"serviceId": "nordic-walking", "name": "Nordic walking", "needs": ["PHYSICAL_ACTIVITY"],
         "commissioners": ["QMM", "QUE"], "capacity": 0}]}""";

  static final String SERVICE = """
      {"name": "Riverside walks", "needs": ["PHYSICAL_ACTIVITY"], "taxonomy": ["esdNeed:physical-activity"],
       "commissioners": ["QMM"], "postcodeDistricts": ["NR1"], "capacity": 12, "status": "ACTIVE", "minAge": 18,
       "maxAge": 99, "intakePaused": true}""";

  private final EventPublisher publisher = mock(EventPublisher.class);
  private final WebTestClient http;

  @SuppressWarnings("unchecked")
  DirectoryFuzzProperties() {
    when(publisher.publish(any(), anyString(), any())).thenReturn(Mono.empty());
    // one provider already listed, so that a PUT reaches validation; "other-service" is someone else's
    Map<String, ServiceListed> listed = Map.of(
        "riverside-walks", WalksListing.of("wensum-walkers", "riverside-walks").build(),
        "other-service", WalksListing.of("someone-else", "other-service").build());
    ReferenceTable<ServiceListed> directory = ReferenceTables.readByKeyOnly(listed);
    http = WebTestClient.bindToController(new DirectoryController(new DirectoryService(ImmediateDecider.over(listed::get, publisher), directory)))
        .controllerAdvice(new ProblemHandler())
        .httpMessageCodecs(ServiceCodecs.asTheServicesRun())
        .configureClient().responseTimeout(Duration.ofSeconds(30))
        .build();
  }

  @Property(tries = 300)
  void givenAProviderChangedAtRandom_whenRegistered_thenNeverA5xxAndARefusalListsNothing(
      @ForAll("providers") JsonFuzz.Body body) {
    clearInvocations(publisher);

    int status = JsonFuzz.assertAnsweredWell(body, http.post().uri("/providers")
        .contentType(MediaType.APPLICATION_JSON).bodyValue(body.bytes()).exchange().expectBody().returnResult());

    Statistics.collect(status);

    assertThat(status).as("%s", body).isIn(201, 400, 413);
    if (status == 201) {
      assertThat(published()).as("listings written for %s", body).isPositive();
    } else {
      assertThat(published()).as("listings written for %s", body).isZero();
    }
  }

  @Property(tries = 300)
  void givenAServiceChangedAtRandom_whenListed_thenNeverA5xxAndARefusalListsNothing(@ForAll("services") JsonFuzz.Body body) {
    clearInvocations(publisher);

    int status = JsonFuzz.assertAnsweredWell(body, http.put().uri("/providers/wensum-walkers/services/riverside-walks")
        .contentType(MediaType.APPLICATION_JSON).bodyValue(body.bytes()).exchange().expectBody().returnResult());
    Statistics.collect(status);

    assertThat(status).as("%s", body).isIn(200, 400, 413);
    assertThat(published()).as("listings written for %s", body).isEqualTo(status == 200 ? 1 : 0);
  }

  @Provide
  Arbitrary<JsonFuzz.Body> providers() {
    return FuzzBodies.from(PROVIDER);
  }

  @Provide
  Arbitrary<JsonFuzz.Body> services() {
    return FuzzBodies.from(SERVICE);
  }

  private long published() {
    return mockingDetails(publisher).getInvocations().stream().filter(i -> i.getMethod().getName().equals("publish")).count();
  }

}
