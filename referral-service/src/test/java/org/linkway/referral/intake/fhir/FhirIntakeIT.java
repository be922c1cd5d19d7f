package org.linkway.referral.intake.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.junit.jupiter.api.Test;
import org.linkway.platform.testing.TestStack;
import org.linkway.referral.ReferralServiceApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

@SpringBootTest(classes = ReferralServiceApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
    properties = "spring.config.name=referral-service")
class FhirIntakeIT {

  private static final MediaType FHIR_JSON = MediaType.parseMediaType("application/fhir+json");

  @DynamicPropertySource
  static void stack(DynamicPropertyRegistry registry) {
    TestStack.register(registry);
  }

  @LocalServerPort int port;

  @Test
  void givenAFhirServiceRequest_whenAGpSystemPostsItTwice_thenOneReferralIsMadeAndAnInvalidOneGetsAnOperationOutcome() {
    // the practice D82044's GP system, with a token from the test issuer the service trusts
    WebTestClient http = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port)
        .defaultHeaders(h -> h.setBearerAuth(TestStack.issuer().gp("D82044")))
        .responseTimeout(Duration.ofSeconds(20)).build();
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
        http.get().uri("/actuator/health").exchange().expectStatus().isOk());

    // the example docs/api.md quotes
    EntityExchangeResult<String> created = post(http, FhirExamples.json())
        .expectStatus().isCreated()
        .expectHeader().contentType("application/fhir+json")
        .expectBody(String.class).returnResult();
    String referralId = FhirExamples.parse(created.getResponseBody()).getIdElement().getIdPart();
    assertThat(created.getResponseHeaders().getLocation()).hasToString("/referrals/" + referralId);

    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      Map<String, Object> referral = http.get().uri("/referrals/{id}", referralId).exchange()
          .expectStatus().isOk()
          .expectBody(new ParameterizedTypeReference<Map<String, Object>>() {}).returnResult().getResponseBody();
      assertThat(referral.get("status")).isIn("SUBMITTED", "OFFERED", "UNPLACED");
      assertThat(referral).containsEntry("commissioner", "QMM").containsEntry("referrer", "D82044");
      assertThat(referral.get("needs")).isEqualTo(List.of("LONELINESS"));
    });

    // the same identifier from the same practice: the same referral, nothing new
    String again = post(http, FhirExamples.json())
        .expectStatus().isOk()
        .expectHeader().location("/referrals/" + referralId)
        .expectBody(String.class).returnResult().getResponseBody();
    assertThat(FhirExamples.parse(again).getIdElement().getIdPart()).isEqualTo(referralId);

    // a bad NHS number and no consent: both named, by FHIR path
    ServiceRequest invalid = FhirExamples.serviceRequest();
    invalid.getIdentifierFirstRep().setValue("SPR-2026-000188");
    ((Patient) invalid.getContained().get(0)).getIdentifierFirstRep().setValue("9434765918");
    invalid.setSupportingInfo(List.of());
    String refused = post(http, FhirExamples.encode(invalid))
        .expectStatus().isBadRequest()
        .expectHeader().contentType("application/fhir+json")
        .expectBody(String.class).returnResult().getResponseBody();
    OperationOutcome outcome = FhirExamples.FHIR.newJsonParser().parseResource(OperationOutcome.class, refused);
    assertThat(outcome.getIssue()).extracting(issue -> issue.getExpression().get(0).getValue())
        .containsExactly("ServiceRequest.contained[0].identifier[0]", "ServiceRequest.supportingInfo");
    assertThat(outcome.getIssue()).extracting(OperationOutcome.OperationOutcomeIssueComponent::getCode)
        .containsOnly(OperationOutcome.IssueType.INVALID);
  }

  private static WebTestClient.ResponseSpec post(WebTestClient http, String body) {
    return http.post().uri("/fhir/ServiceRequest").contentType(FHIR_JSON).bodyValue(body).exchange();
  }
}
