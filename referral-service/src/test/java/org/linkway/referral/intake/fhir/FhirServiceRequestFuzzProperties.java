package org.linkway.referral.intake.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;

import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.linkway.platform.testing.FuzzBodies;
import org.linkway.platform.testing.JsonFuzz;
import org.linkway.referral.intake.ValidatingIntake;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Issue point 10, fuzzed: POST /fhir/ServiceRequest with the example ServiceRequest changed at
 * random (any element replaced, dropped, added to or wrapped in an array; hostile values of every
 * type) or not JSON at all. The answer is never a 5xx; a refusal is a FHIR OperationOutcome whose
 * every issue has a code and diagnostics (or problem+json for a body over 1 MB), and a refused
 * ServiceRequest is never submitted. The intake is stubbed to validate as the real one does.
 */
class FhirServiceRequestFuzzProperties {

  private static final MediaType FHIR_JSON = MediaType.parseMediaType("application/fhir+json");

  private final ValidatingIntake intake = new ValidatingIntake();
  private final WebTestClient http = ValidatingIntake.clientOf(
      new FhirServiceRequestController(intake.intake(), FhirExamples.MAPPER, FhirExamples.FHIR));

  @Property(tries = 400)
  void givenAServiceRequestChangedAtRandom_whenPosted_thenNeverA5xxAndEveryRefusalIsAnOperationOutcome(
      @ForAll("serviceRequests") JsonFuzz.Body body) {
    int before = intake.submitted();

    var result = http.post().uri("/fhir/ServiceRequest").contentType(FHIR_JSON).bodyValue(body.bytes()).exchange()
        .expectBody().returnResult();
    int status = JsonFuzz.assertAnsweredWell(body, result);
    Statistics.collect(status);

    assertThat(intake.submitted() - before).as("submitted for %s", body).isEqualTo(status == 201 ? 1 : 0);
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
    assertThat(intake.submitted()).isZero();
  }

  @Provide
  Arbitrary<JsonFuzz.Body> serviceRequests() {
    return FuzzBodies.from(FhirExamples.json());
  }
}
