package org.linkway.referral.intake.fhir;

import ca.uhn.fhir.context.FhirContext;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.linkway.platform.security.Caller;
import org.linkway.platform.web.ProblemException;
import org.linkway.referral.intake.ReferralIntake;
import org.linkway.referral.intake.ReferralValidator;
import org.linkway.referral.lifecycle.domain.ReferralLifecycle;
import org.linkway.state.ReferralStatus;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * {@code POST /fhir/ServiceRequest}: a GP system refers a person with a FHIR R4 ServiceRequest
 * ({@code application/fhir+json} or {@code application/json}) that contains the Patient, and gets
 * the same referral as {@code POST /referrals} would give it: same validation, same referralId,
 * same event.
 *
 * <p>How the ServiceRequest is read (paths from the ServiceRequest; {@code #patient} and
 * {@code #consent} stand for whatever local ids the sender chose):
 *
 * <table>
 *   <caption>FHIR element → referral field</caption>
 *   <tr><th>FHIR element</th><th>referral field</th></tr>
 *   <tr><td>{@code identifier[0].value}</td><td>the GP system's request id: the same identifier
 *       from the same practice is the same referral (idempotency); without one, every request is a
 *       new referral</td></tr>
 *   <tr><td>{@code subject.reference} = {@code #patient}, a Patient in {@code contained}</td>
 *       <td>{@code patient}; a subject that is not a contained Patient is refused</td></tr>
 *   <tr><td>Patient {@code identifier} with system {@code https://fhir.nhs.uk/Id/nhs-number}</td>
 *       <td>{@code patient.nhsNumber}</td></tr>
 *   <tr><td>Patient {@code name[0].given[0]}</td><td>{@code patient.givenName}</td></tr>
 *   <tr><td>Patient {@code name[0].family}</td><td>{@code patient.familyName}</td></tr>
 *   <tr><td>Patient {@code birthDate}</td><td>{@code patient.birthDate} (must be a full date)</td></tr>
 *   <tr><td>Patient {@code address[0].postalCode}</td><td>{@code patient.postcode}</td></tr>
 *   <tr><td>Patient {@code telecom}, the first with system {@code phone}</td><td>{@code patient.phone}</td></tr>
 *   <tr><td>Patient {@code telecom}, the first with system {@code email}</td><td>{@code patient.email}</td></tr>
 *   <tr><td>{@code supportingInfo} referencing a contained Consent ({@code #consent}) with
 *       {@code status = active}</td><td>{@code consent = true}; none, or none active, is
 *       {@code consent = false}, which is refused</td></tr>
 *   <tr><td>{@code requester.identifier} with system
 *       {@code https://fhir.nhs.uk/Id/ods-organization-code}</td><td>{@code referrer.odsCode}, the
 *       GP practice</td></tr>
 *   <tr><td>{@code performer}, the first with an {@code identifier} in the ODS system</td>
 *       <td>{@code commissioner}: the performer is the commissioning ICB's social prescribing
 *       service, named by the ICB's ODS code; Linkway routes to a provider on its behalf</td></tr>
 *   <tr><td>{@code reasonCode[].coding[]} with system
 *       {@code https://linkway.org/fhir/CodeSystem/need} (LONELINESS, MENTAL_WELLBEING,
 *       PHYSICAL_ACTIVITY, MONEY_AND_DEBT, HOUSING, ARTS_AND_CULTURE, NATURE)</td><td>{@code needs},
 *       in order; codings in other systems are ignored</td></tr>
 *   <tr><td>{@code code}</td><td>not mapped: if present, it must include SNOMED CT
 *       {@code 871731000000106} |Referral to social prescribing service|, or it is refused</td></tr>
 *   <tr><td>{@code note[0].text}</td><td>{@code notes}</td></tr>
 * </table>
 *
 * <p>Not carried: {@code referrer.clinician}, {@code preferredServiceId} and {@code directPrescription} (no FHIR element is
 * read for them), and everything else in the ServiceRequest. {@code status} and {@code intent}
 * are not checked.
 *
 * <p>Answers: {@code 201 Created}, {@code Location: /referrals/{referralId}}, and the
 * ServiceRequest back with {@code id} = referralId and {@code status} = {@code active}; the same
 * identifier again answers {@code 200} with the same id and the referral's current FHIR status.
 * Any problem answers a FHIR OperationOutcome ({@code application/fhir+json}), one issue per
 * problem, all of them at once: {@code 400} with {@code code = structure} when the body is not a
 * ServiceRequest in FHIR R4 JSON, and {@code code = invalid} with {@code expression} = the FHIR
 * path of the element (for example {@code ServiceRequest.contained[0].identifier[0]} for a bad
 * NHS number, {@code ServiceRequest.supportingInfo} for missing consent,
 * {@code ServiceRequest.reasonCode[1].coding[0]} for an unknown need).
 */
@RestController
class FhirServiceRequestController {

  static final MediaType FHIR_JSON = MediaType.parseMediaType("application/fhir+json");

  private final ReferralIntake intake;
  private final ServiceRequestMapper mapper;
  private final FhirContext fhir;

  FhirServiceRequestController(ReferralIntake intake, ServiceRequestMapper mapper, FhirContext fhir) {
    this.intake = intake;
    this.mapper = mapper;
    this.fhir = fhir;
  }

  @PostMapping(path = "/fhir/ServiceRequest", consumes = {"application/fhir+json", MediaType.APPLICATION_JSON_VALUE})
  Mono<ResponseEntity<String>> create(
      @RequestBody(required = false) String body,
      @RequestHeader(name = "X-Correlation-Id", required = false) String correlationId) {
    ServiceRequestMapper.Parsed parsed = mapper.parse(body);
    if (parsed.serviceRequest() == null) {
      return Mono.just(outcome(HttpStatus.BAD_REQUEST, parsed.issues()));
    }
    ServiceRequestMapper.Mapped mapped = ServiceRequestMapper.map(parsed.serviceRequest());
    if (!parsed.issues().isEmpty() || !mapped.issues().isEmpty()) {
      // refuse now, but name the validator's problems too, so the sender can fix everything at once
      List<FhirIssue> issues = new ArrayList<>(parsed.issues());
      issues.addAll(mapped.with(ReferralValidator.validate(mapped.request())));
      return Mono.just(outcome(HttpStatus.BAD_REQUEST, issues));
    }
    return Caller.current()
        .flatMap(caller -> intake.submit(mapped.request(), mapped.requestId(), correlationId, caller))
        .map(received -> created(parsed.serviceRequest(), received))
        .onErrorResume(ProblemException.class, e -> Mono.just(problem(e, mapped)));
  }

  private ResponseEntity<String> created(ServiceRequest serviceRequest, ReferralIntake.Received received) {
    serviceRequest.setId(received.referralId().toString());
    serviceRequest.setStatus(ServiceRequest.ServiceRequestStatus.fromCode(
        ReferralLifecycle.serviceRequestStatus(ReferralStatus.valueOf(received.status()))));
    return ResponseEntity.status(received.repeated() ? HttpStatus.OK : HttpStatus.CREATED)
        .location(URI.create("/referrals/" + received.referralId()))
        .contentType(FHIR_JSON)
        .body(fhir.newJsonParser().encodeResourceToString(serviceRequest));
  }

  /** Invalid: each problem at its FHIR element. Anything else (broker unavailable, ...) keeps its status. */
  private ResponseEntity<String> problem(ProblemException e, ServiceRequestMapper.Mapped mapped) {
    if (e instanceof ProblemException.Invalid invalid) {
      return outcome(HttpStatus.BAD_REQUEST, mapped.with(invalid.errors()));
    }
    String code = switch (e.status()) {
      case FORBIDDEN -> "forbidden";
      case SERVICE_UNAVAILABLE -> "transient";
      case CONFLICT -> "conflict";
      case NOT_FOUND -> "not-found";
      default -> "processing";
    };
    return outcome(e.status(), List.of(new FhirIssue(code, e.getMessage(), null)));
  }

  private ResponseEntity<String> outcome(HttpStatus status, List<FhirIssue> issues) {
    OperationOutcome outcome = new OperationOutcome();
    for (FhirIssue issue : issues) {
      OperationOutcome.OperationOutcomeIssueComponent component = outcome.addIssue()
          .setSeverity(IssueSeverity.ERROR)
          .setCode(IssueType.fromCode(issue.code()))
          .setDiagnostics(issue.diagnostics());
      if (issue.expression() != null) component.addExpression(issue.expression());
    }
    return ResponseEntity.status(status).contentType(FHIR_JSON)
        .body(fhir.newJsonParser().encodeResourceToString(outcome));
  }
}
