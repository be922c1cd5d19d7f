package org.linkway.referral.intake.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.linkway.platform.web.ProblemException;
import org.linkway.platform.web.ProblemHandler;
import org.linkway.platform.security.Role;
import org.linkway.platform.testing.JsonFuzz;
import org.linkway.platform.testing.ServiceCodecs;
import org.linkway.platform.testing.TestCallers;
import org.linkway.platform.testing.FuzzBodies;
import org.linkway.referral.intake.ReferralIntake;
import org.linkway.referral.intake.ReferralValidator;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Mono;

/**
 * Issue point 10, fuzzed: POST /fhir/ServiceRequest with the example ServiceRequest changed at
 * random (any element replaced, dropped, added to or wrapped in an array; hostile values of every
 * type) or not JSON at all. The answer is never a 5xx; a refusal is a FHIR OperationOutcome whose
 * every issue has a code and diagnostics (or problem+json for a body over 1 MB), and a refused
 * ServiceRequest is never submitted. The intake is stubbed to validate as the real one does.
 */
class FhirServiceRequestFuzzProperties {

  private static final MediaType FHIR_JSON = MediaType.parseMediaType("application/fhir+json");

  private final ReferralIntake intake = mock(ReferralIntake.class);
  private final AtomicInteger submitted = new AtomicInteger();
  private final WebTestClient http;

  FhirServiceRequestFuzzProperties() {
    when(intake.submit(any(), any(), any(), any())).thenAnswer(call -> {
      List<ProblemException.FieldProblem> problems = ReferralValidator.validate(call.getArgument(0));
      if (!problems.isEmpty()) return Mono.error(new ProblemException.Invalid(problems));
      submitted.incrementAndGet();
      return Mono.just(new ReferralIntake.Received(ReferralIntake.referralId("D82044", call.getArgument(1)), "SUBMITTED",
          false));
    });
    http = WebTestClient.bindToController(new FhirServiceRequestController(intake, FhirExamples.MAPPER, FhirExamples.FHIR))
        .controllerAdvice(new ProblemHandler())
        .httpMessageCodecs(ServiceCodecs.asTheServicesRun())
        .webFilter(TestCallers.as(Role.GP, "D82044"))
        .configureClient().responseTimeout(Duration.ofSeconds(30))
        .build();
  }

  @Property(tries = 400)
  void givenAServiceRequestChangedAtRandom_whenPosted_thenNeverA5xxAndEveryRefusalIsAnOperationOutcome(
      @ForAll("serviceRequests") JsonFuzz.Body body) {
    int before = submitted.get();

    var result = http.post().uri("/fhir/ServiceRequest").contentType(FHIR_JSON).bodyValue(body.bytes()).exchange()
        .expectBody().returnResult();
    int status = JsonFuzz.assertAnsweredWell(body, result);
    Statistics.collect(status);

    assertThat(submitted.get() - before).as("submitted for %s", body).isEqualTo(status == 201 ? 1 : 0);
    assertThat(status).as("created (201) or refused (400, 413): %s", body).isIn(201, 400, 413);
    if (status == 400) {
      assertThat(result.getResponseHeaders().getContentType()).as("%s", body).isEqualTo(FHIR_JSON);
    }
  }

  /** What the fuzz found once: HAPI threw IllegalArgumentException (a 500) for a blank contained resourceType. */
  @Example
  void givenAContainedResourceWithABlankResourceType_whenPosted_thenItIsAStructureIssueNotA5xx() {
    JsonFuzz.Body body = JsonFuzz.edited(FhirExamples.json(), List.of(new JsonFuzz.Edit(JsonFuzz.Kind.REPLACE,
        JsonFuzz.paths(FhirExamples.json()).indexOf("contained[0].resourceType"), JsonFuzz.string(""))));

    var result = http.post().uri("/fhir/ServiceRequest").contentType(FHIR_JSON).bodyValue(body.bytes()).exchange()
        .expectBody().returnResult();

    assertThat(JsonFuzz.assertAnsweredWell(body, result)).isEqualTo(400);
    assertThat(new String(result.getResponseBodyContent(), java.nio.charset.StandardCharsets.UTF_8))
        .contains("\"code\":\"structure\"").contains("resourceType");
    assertThat(submitted.get()).isZero();
  }

  @Provide
  Arbitrary<JsonFuzz.Body> serviceRequests() {
    return FuzzBodies.from(FhirExamples.json());
  }
}
