package org.linkway.provider.offers.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.clearInvocations;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.mockingDetails;
import static org.mockito.Mockito.when;

import java.lang.reflect.Constructor;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Optional;
import java.util.UUID;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.linkway.events.ReferralOffered;
import org.linkway.events.SealedPatient;
import org.linkway.platform.kafka.EventPublisher;
import org.linkway.platform.people.Identities;
import org.linkway.platform.streams.Decisions;
import org.linkway.platform.streams.StoreQueries;
import org.linkway.platform.testing.FuzzBodies;
import org.linkway.platform.testing.JsonFuzz;
import org.linkway.platform.testing.ServiceCodecs;
import org.linkway.platform.web.ProblemException;
import org.linkway.platform.web.ProblemHandler;
import org.linkway.state.OfferState;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Mono;

/**
 * Issue point 10, fuzzed: a provider's decisions (accept, decline, sessions, complete, time
 * credits) with their JSON bodies changed at random or not JSON at all, on a referral the provider
 * holds. Never a 5xx; every refusal is problem+json naming its fields; a refused request sends no
 * command. A request that passes validation is sent as a command, which the stubbed state machine
 * refuses with 409, so that every answer is either "refused before sending" or "sent".
 */
class ProviderDecisionFuzzProperties {

  private static final String AT = "/providers/wensum-walkers/referrals/" + UUID.randomUUID() + "/";
  private static final String BASELINE =
      "{\"instrument\": \"SWEMWBS\", \"stage\": \"BASELINE\", \"answers\": [2, 2, 3, 2, 2, 3, 2]}";
  private static final String FOLLOW_UP = """
      {"instrument": "UCLA3", "stage": "FOLLOW_UP", "answers": [1, 2, 1], "directAnswer": 4}""";

  private final Decisions decisions = mock(Decisions.class);
  private final WebTestClient http;

  ProviderDecisionFuzzProperties() throws Exception {
    StoreQueries stores = mock(StoreQueries.class);
    OfferState offered = mock(OfferState.class);
    ReferralOffered offer = mock(ReferralOffered.class);
    when(offer.getSealedPatient()).thenReturn(mock(SealedPatient.class));
    when(offered.getOffer()).thenReturn(offer);
    when(stores.get(anyString(), anyString())).thenReturn(Optional.of(offered));
    when(decisions.send(any(), any(), any(), any(), any(), any()))
        .thenReturn(Mono.error(new ProblemException.Conflict("fuzz: the command was sent; the offer refuses it")));
    http = WebTestClient.bindToController(controller(stores))
        .controllerAdvice(new ProblemHandler())
        .httpMessageCodecs(ServiceCodecs.asTheServicesRun())
        .configureClient().responseTimeout(Duration.ofSeconds(30))
        .build();
  }

  /** The controller with these stubs, and a mock for whatever else it needs. */
  private ProviderQueueController controller(StoreQueries stores) throws Exception {
    Constructor<?> constructor = ProviderQueueController.class.getDeclaredConstructors()[0];
    Object[] arguments = new Object[constructor.getParameterCount()];
    Class<?>[] types = constructor.getParameterTypes();
    for (int i = 0; i < types.length; i++) {
      arguments[i] = types[i] == OfferService.class
          ? new OfferService(stores, mock(EventPublisher.class), decisions, mock(Identities.class),
              org.linkway.platform.testing.ReferenceTables.readByKeyOnly(new java.util.HashMap<>()))
          : mock(types[i]);
    }
    constructor.setAccessible(true);
    return (ProviderQueueController) constructor.newInstance(arguments);
  }

  @Property(tries = 200)
  void givenAnAcceptanceChangedAtRandom_thenNeverA5xxAndARefusalSendsNothing(@ForAll("acceptances") JsonFuzz.Body body) {
    decide("accept", body);
  }

  @Property(tries = 200)
  void givenADeclineChangedAtRandom_thenNeverA5xxAndARefusalSendsNothing(@ForAll("declines") JsonFuzz.Body body) {
    decide("decline", body);
  }

  @Property(tries = 200)
  void givenASessionChangedAtRandom_thenNeverA5xxAndARefusalSendsNothing(@ForAll("sessions") JsonFuzz.Body body) {
    decide("sessions", body);
  }

  @Property(tries = 200)
  void givenACompletionChangedAtRandom_thenNeverA5xxAndARefusalSendsNothing(@ForAll("completions") JsonFuzz.Body body) {
    decide("complete", body);
  }

  @Property(tries = 200)
  void givenTimeCreditsChangedAtRandom_thenNeverA5xxAndARefusalSendsNothing(@ForAll("timeCredits") JsonFuzz.Body body) {
    decide("time-credits", body);
  }

  private void decide(String action, JsonFuzz.Body body) {
    clearInvocations(decisions);

    int status = JsonFuzz.assertAnsweredWell(body, http.post().uri(AT + action)
        .contentType(MediaType.APPLICATION_JSON).bodyValue(body.bytes()).exchange().expectBody().returnResult());

    Statistics.collect(status);

    assertThat(status).as("refused (400, 413) or sent and refused by the offer (409): %s", body).isIn(400, 409, 413);
    assertThat(mockingDetails(decisions).getInvocations()).as("commands sent for %s", body).hasSize(status == 409 ? 1 : 0);
  }

  @Provide
  Arbitrary<JsonFuzz.Body> acceptances() {
    return FuzzBodies.from("{\"note\": \"spoke to her today\", \"measures\": [" + BASELINE + "]}");
  }

  @Provide
  Arbitrary<JsonFuzz.Body> declines() {
    return FuzzBodies.from("{\"reason\": \"CAPACITY\", \"note\": \"group full until spring\"}");
  }

  @Provide
  Arbitrary<JsonFuzz.Body> sessions() {
    return FuzzBodies.from("{\"attendedOn\": \"" + LocalDate.now().minusDays(1) + "\", \"attended\": true, \"measures\": ["
        + BASELINE + "]}");
  }

  @Provide
  Arbitrary<JsonFuzz.Body> completions() {
    return FuzzBodies.from("{\"completion\": \"COMPLETED\", \"measures\": [" + BASELINE + ", "
        + BASELINE.replace("BASELINE", "FOLLOW_UP") + ", " + FOLLOW_UP + "]}");
  }

  @Provide
  Arbitrary<JsonFuzz.Body> timeCredits() {
    return FuzzBodies.from("{\"givenOn\": \"" + LocalDate.now().minusDays(2) + "\", \"hours\": 2.5, \"activity\": \"garden\"}");
  }
}
