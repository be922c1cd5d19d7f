package org.linkway.referral.intake.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.linkway.referral.intake.fhir.FhirExamples.MAPPER;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Annotation;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.linkway.referral.intake.ReferralIntake;
import org.linkway.referral.intake.ReferralRequest;
import org.linkway.referral.intake.ReferralValidator;

class ServiceRequestMapperTest {

  private static final String NOTES = "Moved to Norwich in the spring to be near her daughter; knows few people locally"
      + " and would like to join a group. Prefers a morning phone call.";

  @Test
  void givenTheExampleServiceRequest_whenMapped_thenItIsTheReferralTheJsonDoorTakes() {
    ServiceRequestMapper.Parsed parsed = MAPPER.parse(FhirExamples.json());
    assertThat(parsed.issues()).isEmpty();

    ServiceRequestMapper.Mapped mapped = ServiceRequestMapper.map(parsed.serviceRequest());

    assertThat(mapped.request()).isEqualTo(new ReferralRequest(
        new ReferralRequest.Patient("9434765919", "Margaret", "Thompson", "1948-03-14", "NR1 3SR",
            "07700 900123", "margaret.thompson@example.org"),
        true, new ReferralRequest.Referrer("D82044", null), "QMM", List.of("LONELINESS"), NOTES, null, null));
    assertThat(mapped.requestId()).isEqualTo("SPR-2026-000187");
    assertThat(mapped.issues()).isEmpty();
    assertThat(ReferralValidator.validate(mapped.request())).isEmpty();
  }

  @Test
  void givenTheSameIdentifierFromTheSamePractice_whenMappedTwice_thenBothGiveTheSameReferralId() {
    ServiceRequestMapper.Mapped first = ServiceRequestMapper.map(FhirExamples.serviceRequest());
    ServiceRequest changed = FhirExamples.serviceRequest();
    changed.getNoteFirstRep().setText("Sent again after a timeout");
    ServiceRequestMapper.Mapped second = ServiceRequestMapper.map(changed);

    assertThat(ReferralIntake.referralId(second.request().referrer().odsCode(), second.requestId()))
        .isEqualTo(ReferralIntake.referralId(first.request().referrer().odsCode(), first.requestId()));
  }

  @Test
  void givenSeveralNeedsAndASnomedReason_whenMapped_thenEveryLinkwayNeedIsTakenInOrder() {
    ServiceRequest sr = FhirExamples.serviceRequest();
    CodeableConcept reason = new CodeableConcept();
    reason.addCoding().setSystem(ServiceRequestMapper.SNOMED_SYSTEM).setCode("1144779008");
    reason.addCoding().setSystem(ServiceRequestMapper.NEED_SYSTEM).setCode("NATURE");
    sr.addReasonCode(reason);

    assertThat(ServiceRequestMapper.map(sr).request().needs()).containsExactly("LONELINESS", "NATURE");
  }

  @Test
  void givenTheContainedResourcesInAnotherOrder_whenMapped_thenThePatientAndConsentAreFoundByTheirIds() {
    ServiceRequest sr = FhirExamples.serviceRequest();
    List<Resource> contained = sr.getContained();
    sr.setContained(new ArrayList<>(List.of(contained.get(1), contained.get(0))));
    Patient patient = (Patient) sr.getContained().get(1);
    patient.getIdentifier().get(0).setValue("123");

    ServiceRequestMapper.Mapped mapped = ServiceRequestMapper.map(sr);

    assertThat(mapped.request().consent()).isTrue();
    assertThat(expressions(mapped)).containsExactly("ServiceRequest.contained[1].identifier[0]");
  }

  static Stream<Arguments> problems() {
    return Stream.of(
        problem("an NHS number that fails its check digit", sr -> patient(sr).getIdentifier().get(0).setValue("9434765918"),
            "ServiceRequest.contained[0].identifier[0]"),
        problem("no NHS number", sr -> patient(sr).setIdentifier(List.of(new Identifier().setSystem("urn:local").setValue("42"))),
            "ServiceRequest.contained[0].identifier"),
        problem("no given name", sr -> patient(sr).getName().get(0).setGiven(List.of()),
            "ServiceRequest.contained[0].name[0].given"),
        problem("no family name", sr -> patient(sr).getName().get(0).setFamily(null),
            "ServiceRequest.contained[0].name[0].family"),
        problem("no name at all", sr -> patient(sr).setName(List.of()),
            "ServiceRequest.contained[0].name", "ServiceRequest.contained[0].name"),
        problem("no birth date", sr -> patient(sr).setBirthDate(null),
            "ServiceRequest.contained[0].birthDate"),
        problem("a birth date of only a year", sr -> patient(sr).getBirthDateElement().setValueAsString("1948"),
            "ServiceRequest.contained[0].birthDate"),
        problem("a postcode that is not British", sr -> patient(sr).getAddress().get(0).setPostalCode("75001"),
            "ServiceRequest.contained[0].address[0].postalCode"),
        problem("no address", sr -> patient(sr).setAddress(List.of()),
            "ServiceRequest.contained[0].address"),
        problem("a phone number with letters", sr -> patient(sr).getTelecom().get(0).setValue("call me"),
            "ServiceRequest.contained[0].telecom[0]"),
        problem("an email without @", sr -> patient(sr).getTelecom().get(1).setValue("margaret.example.org"),
            "ServiceRequest.contained[0].telecom[1]"),
        problem("a consent that is not active", sr -> consent(sr).setStatus(Consent.ConsentState.PROPOSED),
            "ServiceRequest.supportingInfo[0]"),
        problem("no consent", sr -> sr.setSupportingInfo(List.of()),
            "ServiceRequest.supportingInfo"),
        problem("a requester without an ODS code", sr -> sr.getRequester().getIdentifier().setSystem("urn:local"),
            "ServiceRequest.requester.identifier"),
        problem("a requester whose ODS code is not a practice", sr -> sr.getRequester().getIdentifier().setValue("QMM"),
            "ServiceRequest.requester.identifier"),
        problem("no performer", sr -> sr.setPerformer(List.of()),
            "ServiceRequest.performer"),
        problem("a performer that is not an ICB", sr -> sr.getPerformer().get(0).getIdentifier().setValue("D82044"),
            "ServiceRequest.performer[0].identifier"),
        problem("no need", sr -> sr.setReasonCode(List.of()),
            "ServiceRequest.reasonCode"),
        problem("an unknown need in a second reason", sr -> sr.addReasonCode().addCoding()
                .setSystem(ServiceRequestMapper.NEED_SYSTEM).setCode("GARDENING"),
            "ServiceRequest.reasonCode[1].coding[0]"),
        problem("a code other than social prescribing", sr -> sr.getCode().getCoding().get(0).setCode("3457005"),
            "ServiceRequest.code"),
        problem("a subject that is not contained", sr -> sr.setSubject(new Reference("Patient/123")),
            "ServiceRequest.subject"),
        problem("a subject pointing at the Consent", sr -> sr.setSubject(new Reference("#consent")),
            "ServiceRequest.subject"),
        problem("notes longer than 2000 characters", sr -> sr.setNote(List.of(new Annotation().setText("x".repeat(2001)))),
            "ServiceRequest.note[0].text"));
  }

  @ParameterizedTest(name = "given {0}")
  @MethodSource("problems")
  void givenAProblem_whenMappedAndValidated_thenTheIssueNamesItsFhirElement(String description,
      Consumer<ServiceRequest> change, String[] expected) {
    ServiceRequest sr = FhirExamples.serviceRequest();
    change.accept(sr);

    ServiceRequestMapper.Mapped mapped = ServiceRequestMapper.map(sr);
    List<FhirIssue> issues = mapped.with(ReferralValidator.validate(mapped.request()));

    assertThat(issues).extracting(FhirIssue::expression).containsExactly(expected);
    assertThat(issues).extracting(FhirIssue::code).containsOnly(FhirIssue.INVALID);
    assertThat(issues).allSatisfy(issue -> assertThat(issue.diagnostics()).isNotBlank());
  }

  @Test
  void givenABadNhsNumberAndNoConsent_whenMappedAndValidated_thenBothAreNamedWithReasons() {
    ServiceRequest sr = FhirExamples.serviceRequest();
    patient(sr).getIdentifier().get(0).setValue("1234567890");
    sr.setSupportingInfo(List.of());

    ServiceRequestMapper.Mapped mapped = ServiceRequestMapper.map(sr);
    List<FhirIssue> issues = mapped.with(ReferralValidator.validate(mapped.request()));

    assertThat(issues).containsExactly(
        FhirIssue.invalid("ServiceRequest.contained[0].identifier[0]",
            "The Patient's NHS number (identifier with system https://fhir.nhs.uk/Id/nhs-number) is not a valid NHS"
                + " number (10 digits with a modulus-11 check digit)"),
        FhirIssue.invalid("ServiceRequest.supportingInfo",
            "There is no active Consent: supportingInfo must reference a Consent contained in the ServiceRequest with"
                + " status active (the person must agree to the referral and to sharing their details with the provider)"));
  }

  @Test
  void givenASubjectThatIsNotContained_whenMappedAndValidated_thenTheSubjectIsNamedOnceWithTheFhirReason() {
    ServiceRequest sr = FhirExamples.serviceRequest();
    sr.setSubject(new Reference("Patient/123"));

    ServiceRequestMapper.Mapped mapped = ServiceRequestMapper.map(sr);
    List<FhirIssue> issues = mapped.with(ReferralValidator.validate(mapped.request()));

    assertThat(issues).singleElement().satisfies(issue -> assertThat(issue.diagnostics())
        .isEqualTo("ServiceRequest.subject must reference a Patient contained in the ServiceRequest (e.g. #patient),"
            + " not Patient/123"));
  }

  @Test
  void givenABirthDateHapiCannotRead_whenParsedAndMapped_thenTheValidatorSaysWhichFormIsExpected() {
    ServiceRequestMapper.Parsed parsed = MAPPER.parse(FhirExamples.json().replace("\"1948-03-14\"", "\"14/03/1948\""));
    assertThat(parsed.issues()).isEmpty();

    ServiceRequestMapper.Mapped mapped = ServiceRequestMapper.map(parsed.serviceRequest());

    assertThat(mapped.request().patient().birthDate()).isEqualTo("14/03/1948");
    assertThat(mapped.with(ReferralValidator.validate(mapped.request()))).containsExactly(
        FhirIssue.invalid("ServiceRequest.contained[0].birthDate",
            "The Patient's birthDate is not a date in the form YYYY-MM-DD"));
  }

  @Test
  void givenUnknownElementsAndExtensions_whenParsed_thenTheyAreTolerated() {
    String json = FhirExamples.json().replace("\"status\": \"active\",\n  \"intent\"",
        "\"status\": \"active\", \"gpSystemRef\": 7,"
            + " \"extension\": [{\"url\": \"https://example.org/ext\", \"valueString\": \"x\"}],\n  \"intent\"");

    ServiceRequestMapper.Parsed parsed = MAPPER.parse(json);

    assertThat(parsed.issues()).isEmpty();
    assertThat(parsed.serviceRequest().getIdentifierFirstRep().getValue()).isEqualTo("SPR-2026-000187");
  }

  @Test
  void givenAnElementOfTheWrongJsonShape_whenParsed_thenItIsAStructureIssue() {
    String json = FhirExamples.json().replace("\"supportingInfo\": [\n    {\n      \"reference\": \"#consent\"\n    }\n  ]",
        "\"supportingInfo\": {\"reference\": \"#consent\"}");

    ServiceRequestMapper.Parsed parsed = MAPPER.parse(json);

    assertThat(parsed.serviceRequest()).isNotNull();
    assertThat(parsed.issues()).singleElement().satisfies(issue -> {
      assertThat(issue.code()).isEqualTo(FhirIssue.STRUCTURE);
      assertThat(issue.diagnostics()).contains("supportingInfo");
    });
  }

  @Test
  void givenSomethingThatIsNotAServiceRequest_whenParsed_thenItIsRefusedAsStructure() {
    assertThat(refused("{\"resourceType\": \"ServiceRequest\",")).contains("not FHIR R4 JSON");
    assertThat(refused("[1, 2]")).contains("not FHIR R4 JSON");
    assertThat(refused("{\"status\": \"active\"}")).contains("resourceType");
    assertThat(refused("{\"resourceType\": \"Referral\"}")).contains("Referral");
    assertThat(refused("{\"resourceType\": \"Patient\", \"id\": \"p\"}")).isEqualTo("Expected a ServiceRequest, not a Patient");
    assertThat(refused(" ")).startsWith("The body is empty");
    assertThat(refused(null)).startsWith("The body is empty");
  }

  private static String refused(String json) {
    ServiceRequestMapper.Parsed parsed = MAPPER.parse(json);
    assertThat(parsed.serviceRequest()).isNull();
    assertThat(parsed.issues()).singleElement().satisfies(issue -> {
      assertThat(issue.code()).isEqualTo(FhirIssue.STRUCTURE);
      assertThat(issue.expression()).isNull();
    });
    return parsed.issues().get(0).diagnostics();
  }

  private static Arguments problem(String description, Consumer<ServiceRequest> change, String... expressions) {
    return Arguments.of(description, change, expressions);
  }

  private static Patient patient(ServiceRequest sr) {
    return (Patient) sr.getContained().get(0);
  }

  private static Consent consent(ServiceRequest sr) {
    return (Consent) sr.getContained().get(1);
  }

  private static List<String> expressions(ServiceRequestMapper.Mapped mapped) {
    return mapped.with(ReferralValidator.validate(mapped.request())).stream().map(FhirIssue::expression).toList();
  }
}
