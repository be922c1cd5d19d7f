package org.linkway.referral.intake.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.linkway.platform.security.Role;
import org.linkway.platform.testing.TestCallers;
import org.linkway.platform.web.ProblemException;
import org.linkway.referral.intake.ReferralIntake;
import org.linkway.referral.intake.ReferralRequest;
import org.linkway.referral.intake.ReferralValidator;
import org.mockito.ArgumentCaptor;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Mono;

/** The HTTP side of the FHIR door, with the intake stubbed to validate as the real one does. */
class FhirServiceRequestControllerTest {

  private static final UUID REFERRAL_ID = ReferralIntake.referralId("D82044", "SPR-2026-000187");

  private ReferralIntake intake;
  private WebTestClient http;

  @BeforeEach
  void setUp() {
    intake = mock(ReferralIntake.class);
    answer("SUBMITTED", false);
    http = WebTestClient.bindToController(
        new FhirServiceRequestController(intake, FhirExamples.MAPPER, FhirExamples.FHIR))
        .webFilter(TestCallers.as(Role.GP, "D82044"))
        .configureClient()
        // the first request warms up the codecs and HAPI's parser, slowly on a busy machine
        .responseTimeout(Duration.ofSeconds(30))
        .build();
  }

  /** Like ReferralIntake.submit: refuses what the validator refuses, otherwise answers the referral. */
  private void answer(String status, boolean repeated) {
    when(intake.submit(any(), any(), any(), any())).thenAnswer(call -> {
      List<ProblemException.FieldProblem> problems = ReferralValidator.validate(call.getArgument(0));
      if (!problems.isEmpty()) return Mono.error(new ProblemException.Invalid(problems));
      return Mono.just(new ReferralIntake.Received(
          ReferralIntake.referralId("D82044", call.getArgument(1)), status, repeated));
    });
  }

  @Test
  void givenTheExampleAsFhirJson_whenPosted_thenCreatedWithTheReferralAndTheServiceRequestBack() {
    String body = http.post().uri("/fhir/ServiceRequest").header("X-Correlation-Id", "corr-1")
        .contentType(MediaType.parseMediaType("application/fhir+json")).bodyValue(FhirExamples.json())
        .exchange()
        .expectStatus().isCreated()
        .expectHeader().location("/referrals/" + REFERRAL_ID)
        .expectHeader().contentType("application/fhir+json")
        .expectBody(String.class).returnResult().getResponseBody();

    ServiceRequest echoed = FhirExamples.parse(body);
    assertThat(echoed.getIdElement().getIdPart()).isEqualTo(REFERRAL_ID.toString());
    assertThat(echoed.getStatus()).isEqualTo(ServiceRequest.ServiceRequestStatus.ACTIVE);
    assertThat(echoed.getIdentifierFirstRep().getValue()).isEqualTo("SPR-2026-000187");
    assertThat(echoed.getContained()).hasSize(2);

    ArgumentCaptor<ReferralRequest> request = ArgumentCaptor.forClass(ReferralRequest.class);
    verify(intake).submit(request.capture(), eq("SPR-2026-000187"), eq("corr-1"), any());
    assertThat(request.getValue().patient().nhsNumber()).isEqualTo("9434765919");
    assertThat(request.getValue().needs()).containsExactly("LONELINESS");
  }

  @Test
  void givenTheExampleAsPlainJson_whenPosted_thenCreated() {
    http.post().uri("/fhir/ServiceRequest").contentType(MediaType.APPLICATION_JSON).bodyValue(FhirExamples.json())
        .exchange()
        .expectStatus().isCreated();
  }

  @Test
  void givenAFhirVersionParameterOnTheContentType_whenPosted_thenCreated() {
    http.post().uri("/fhir/ServiceRequest")
        .contentType(MediaType.parseMediaType("application/fhir+json; fhirVersion=4.0; charset=UTF-8"))
        .bodyValue(FhirExamples.json())
        .exchange()
        .expectStatus().isCreated();
  }

  @Test
  void givenAnIdentifierAlreadyReceived_whenPostedAgain_thenOkWithTheSameIdAndTheReferralsCurrentStatus() {
    answer("UNPLACED", true);

    String body = http.post().uri("/fhir/ServiceRequest")
        .contentType(MediaType.parseMediaType("application/fhir+json")).bodyValue(FhirExamples.json())
        .exchange()
        .expectStatus().isOk()
        .expectHeader().location("/referrals/" + REFERRAL_ID)
        .expectBody(String.class).returnResult().getResponseBody();

    ServiceRequest echoed = FhirExamples.parse(body);
    assertThat(echoed.getIdElement().getIdPart()).isEqualTo(REFERRAL_ID.toString());
    assertThat(echoed.getStatus()).isEqualTo(ServiceRequest.ServiceRequestStatus.ONHOLD);
  }

  @Test
  void givenABadNhsNumberAndNoConsent_whenPosted_thenAnOperationOutcomeNamesBoth() {
    ServiceRequest sr = FhirExamples.serviceRequest();
    ((Patient) sr.getContained().get(0)).getIdentifierFirstRep().setValue("1234567890");
    sr.setSupportingInfo(List.of());

    OperationOutcome outcome = refused(FhirExamples.encode(sr));

    assertThat(outcome.getIssue()).extracting(issue -> issue.getExpression().get(0).getValue())
        .containsExactly("ServiceRequest.contained[0].identifier[0]", "ServiceRequest.supportingInfo");
    assertThat(outcome.getIssue()).allSatisfy(issue -> {
      assertThat(issue.getSeverity()).isEqualTo(OperationOutcome.IssueSeverity.ERROR);
      assertThat(issue.getCode()).isEqualTo(OperationOutcome.IssueType.INVALID);
    });
  }

  /** Issue 13 point 11: a sign or junk around the digits of a valid NHS number is refused, not cleaned away. */
  @org.junit.jupiter.params.ParameterizedTest(name = "\"{0}\" is refused")
  @org.junit.jupiter.params.provider.ValueSource(strings = {"+9434765919", "9434765919x", "94347-65919", "943\t476\t5919",
      "٩٤٣٤٧٦٥٩١٩"})
  void givenTheDigitsOfAValidNhsNumberWithJunk_whenPosted_thenAnOperationOutcomeNamesTheIdentifier(
      String written) {
    ServiceRequest sr = FhirExamples.serviceRequest();
    ((Patient) sr.getContained().get(0)).getIdentifierFirstRep().setValue(written);

    OperationOutcome outcome = refused(FhirExamples.encode(sr));

    assertThat(outcome.getIssue()).singleElement().satisfies(issue -> {
      assertThat(issue.getExpression().get(0).getValue()).isEqualTo("ServiceRequest.contained[0].identifier[0]");
      assertThat(issue.getCode()).isEqualTo(OperationOutcome.IssueType.INVALID);
      assertThat(issue.getDiagnostics()).contains("must be 10 digits").doesNotContain("9434765919");
    });
  }

  @Test
  void givenAnotherCodeAndABadPostcode_whenPosted_thenBothAreNamedAndNothingIsSubmitted() {
    ServiceRequest sr = FhirExamples.serviceRequest();
    sr.getCode().getCodingFirstRep().setCode("3457005");
    ((Patient) sr.getContained().get(0)).getAddressFirstRep().setPostalCode("NORWICH");

    OperationOutcome outcome = refused(FhirExamples.encode(sr));

    assertThat(outcome.getIssue()).extracting(issue -> issue.getExpression().get(0).getValue())
        .containsExactly("ServiceRequest.code", "ServiceRequest.contained[0].address[0].postalCode");
    verify(intake, never()).submit(any(), any(), any(), any());
  }

  @Test
  void givenABodyThatIsNotJson_whenPosted_thenAStructureIssue() {
    OperationOutcome outcome = refused("<ServiceRequest xmlns=\"http://hl7.org/fhir\"/>");

    assertThat(outcome.getIssue()).singleElement().satisfies(issue -> {
      assertThat(issue.getCode()).isEqualTo(OperationOutcome.IssueType.STRUCTURE);
      assertThat(issue.getDiagnostics()).startsWith("The body is not FHIR R4 JSON");
      assertThat(issue.hasExpression()).isFalse();
    });
  }

  @Test
  void givenAPatientInsteadOfAServiceRequest_whenPosted_thenAStructureIssue() {
    OperationOutcome outcome = refused("{\"resourceType\": \"Patient\", \"id\": \"patient\"}");

    assertThat(outcome.getIssue()).singleElement().satisfies(issue ->
        assertThat(issue.getDiagnostics()).isEqualTo("Expected a ServiceRequest, not a Patient"));
  }

  @Test
  void givenAnEmptyBody_whenPosted_thenAStructureIssue() {
    String response = http.post().uri("/fhir/ServiceRequest").contentType(MediaType.parseMediaType("application/fhir+json"))
        .exchange()
        .expectStatus().isBadRequest()
        .expectBody(String.class).returnResult().getResponseBody();
    OperationOutcome outcome = FhirExamples.FHIR.newJsonParser().parseResource(OperationOutcome.class, response);

    assertThat(outcome.getIssueFirstRep().getDiagnostics()).startsWith("The body is empty");
  }

  @Test
  void givenTheBrokerIsUnavailable_whenPosted_thenA503OperationOutcome() {
    when(intake.submit(any(), any(), any(), any())).thenReturn(Mono.error(new ProblemException.Unavailable("broker down")));

    http.post().uri("/fhir/ServiceRequest")
        .contentType(MediaType.parseMediaType("application/fhir+json")).bodyValue(FhirExamples.json())
        .exchange()
        .expectStatus().isEqualTo(503)
        .expectHeader().contentType("application/fhir+json")
        .expectBody()
        .jsonPath("$.resourceType").isEqualTo("OperationOutcome")
        .jsonPath("$.issue[0].code").isEqualTo("transient")
        .jsonPath("$.issue[0].diagnostics").isEqualTo("broker down");
  }

  @Test
  void givenXml_whenPosted_thenUnsupportedMediaType() {
    http.post().uri("/fhir/ServiceRequest").contentType(MediaType.parseMediaType("application/fhir+xml"))
        .bodyValue("<ServiceRequest xmlns=\"http://hl7.org/fhir\"/>")
        .exchange()
        .expectStatus().isEqualTo(415);
  }

  private OperationOutcome refused(String body) {
    String response = http.post().uri("/fhir/ServiceRequest")
        .contentType(MediaType.parseMediaType("application/fhir+json")).bodyValue(body)
        .exchange()
        .expectStatus().isBadRequest()
        .expectHeader().contentType("application/fhir+json")
        .expectBody(String.class).returnResult().getResponseBody();
    return FhirExamples.FHIR.newJsonParser().parseResource(OperationOutcome.class, response);
  }
}
