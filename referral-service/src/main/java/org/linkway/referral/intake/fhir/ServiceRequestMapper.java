package org.linkway.referral.intake.fhir;

import static java.util.Map.entry;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IParserErrorHandler;
import ca.uhn.fhir.parser.LenientErrorHandler;
import ca.uhn.fhir.parser.json.BaseJsonLikeValue.ScalarType;
import ca.uhn.fhir.parser.json.BaseJsonLikeValue.ValueType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.linkway.platform.domain.SocialPrescribing;
import org.linkway.platform.web.ProblemException.FieldProblem;
import org.linkway.referral.intake.ReferralRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Reads a FHIR R4 ServiceRequest and maps it onto a {@link ReferralRequest}, remembering for each
 * Linkway field the FHIR element it came from, so that the validator's problems can be named by
 * FHIR path. The mapping itself is documented on {@link FhirServiceRequestController}.
 */
@Component
public class ServiceRequestMapper {

  public static final String NHS_NUMBER_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number";
  public static final String ODS_SYSTEM = "https://fhir.nhs.uk/Id/ods-organization-code";
  public static final String SNOMED_SYSTEM = SocialPrescribing.SNOMED_SYSTEM;
  public static final String SOCIAL_PRESCRIBING_REFERRAL = SocialPrescribing.SNOMED_REFERRED;
  public static final String NEED_SYSTEM = "https://linkway.org/fhir/CodeSystem/need";

  private static final String ROOT = "ServiceRequest";
  private static final String CONSENT_REFUSED =
      "There is no active Consent: supportingInfo must reference a Consent contained in the ServiceRequest with"
          + " status active (the person must agree to the referral and to sharing their details with the provider)";
  /** How each validator field is named to a FHIR sender; the validator's reason follows. */
  private static final Map<String, String> LABELS = Map.ofEntries(
      entry("body", "The ServiceRequest"),
      entry("patient", "ServiceRequest.subject (the contained Patient)"),
      entry("patient.nhsNumber", "The Patient's NHS number (identifier with system " + NHS_NUMBER_SYSTEM + ")"),
      entry("patient.givenName", "The Patient's given name (name[0].given[0])"),
      entry("patient.familyName", "The Patient's family name (name[0].family)"),
      entry("patient.birthDate", "The Patient's birthDate"),
      entry("patient.postcode", "The Patient's postcode (address[0].postalCode)"),
      entry("patient.phone", "The Patient's phone number (telecom with system phone)"),
      entry("patient.email", "The Patient's email address (telecom with system email)"),
      entry("referrer.odsCode", "The requesting practice's ODS code (requester.identifier with system " + ODS_SYSTEM + ")"),
      entry("commissioner", "The commissioning ICB's ODS code (performer.identifier with system " + ODS_SYSTEM + ")"),
      entry("needs", "ServiceRequest.reasonCode (a coding with system " + NEED_SYSTEM + ")"),
      entry("needs[]", "The need (reasonCode coding with system " + NEED_SYSTEM + ")"),
      entry("notes", "ServiceRequest.note[0].text"));

  private static final Logger log = LoggerFactory.getLogger(ServiceRequestMapper.class);

  private final FhirContext fhir;

  public ServiceRequestMapper(FhirContext fhir) {
    this.fhir = fhir;
  }

  /** The ServiceRequest read from the body (null if there is none), and what is wrong with its JSON. */
  public record Parsed(ServiceRequest serviceRequest, List<FhirIssue> issues) {

    static Parsed refused(String diagnostics) {
      return new Parsed(null, List.of(FhirIssue.structure(diagnostics)));
    }
  }

  /**
   * The referral as Linkway reads it, the GP system's request id, the problems only FHIR has (a
   * subject that is not the contained Patient, a code other than social prescribing), and for each
   * Linkway field the FHIR path it came from.
   */
  public record Mapped(ReferralRequest request, String requestId, List<FhirIssue> issues, Map<String, String> paths) {

    /**
     * These issues and the validator's problems, each at the FHIR element its field came from. An
     * element the mapping already refused is not named twice.
     */
    public List<FhirIssue> with(List<FieldProblem> problems) {
      List<FhirIssue> all = new ArrayList<>(issues);
      Set<String> named = new HashSet<>();
      issues.forEach(issue -> named.add(issue.expression()));
      for (FieldProblem problem : problems) {
        FhirIssue issue = issue(problem);
        if (!named.contains(issue.expression())) all.add(issue);
      }
      return all;
    }

    FhirIssue issue(FieldProblem problem) {
      String field = problem.field();
      String expression = paths.getOrDefault(field, ROOT);
      if (field.equals("consent")) return FhirIssue.invalid(expression, CONSENT_REFUSED);
      String label = LABELS.getOrDefault(field.startsWith("needs[") ? "needs[]" : field, field);
      return FhirIssue.invalid(expression, label + " " + problem.reason());
    }
  }

  /**
   * Parses FHIR R4 JSON. Lenient about what Linkway does not read: unknown elements, extensions,
   * elements FHIR requires but Linkway does not use (status, intent). Strict about the shape of
   * FHIR JSON: a value of the wrong JSON type, a repeated element that may appear once, or a
   * primitive value that is not valid for its element (a status of 5, an unknown code) is a
   * {@code structure} issue; except a birthDate, which is kept as written, as HAPI does, so that
   * the validator can say which form it expects.
   */
  public Parsed parse(String json) {
    if (json == null || json.isBlank()) {
      return Parsed.refused("The body is empty: expected a FHIR R4 ServiceRequest in JSON");
    }
    ShapeCheck shape = new ShapeCheck();
    IBaseResource resource;
    try {
      resource = fhir.newJsonParser().setParserErrorHandler(shape).parseResource(json);
    } catch (DataFormatException e) {
      return Parsed.refused("The body is not FHIR R4 JSON: " + e.getMessage());
    } catch (RuntimeException e) {
      // HAPI fails other ways on some malformed input (a contained resource whose resourceType is
      // blank: IllegalArgumentException); its message is not repeated, it may quote the body
      log.debug("FHIR ServiceRequest: the parser failed", e);
      return Parsed.refused("The body is not FHIR R4 JSON: a resource in it cannot be read (is a resourceType blank?)");
    }
    if (!(resource instanceof ServiceRequest serviceRequest)) {
      return Parsed.refused("Expected a ServiceRequest, not a " + fhir.getResourceType(resource));
    }
    return new Parsed(serviceRequest, List.copyOf(shape.issues));
  }

  /** Maps a ServiceRequest onto a referral request; never fails, the validator judges the result. */
  public static Mapped map(ServiceRequest sr) {
    Map<String, String> paths = new HashMap<>();
    List<FhirIssue> issues = new ArrayList<>();
    paths.put("body", ROOT);
    String requestId = sr.hasIdentifier() ? blankToNull(sr.getIdentifier().get(0).getValue()) : null;
    checkCode(sr, issues);
    ReferralRequest.Patient patient = patient(sr, paths, issues);
    boolean consent = consent(sr, paths);
    String practice = practice(sr, paths);
    String commissioner = commissioner(sr, paths);
    List<String> needs = needs(sr, paths);
    paths.put("notes", "ServiceRequest.note[0].text");
    String notes = sr.hasNote() ? sr.getNote().get(0).getText() : null;
    ReferralRequest request = new ReferralRequest(patient, consent, new ReferralRequest.Referrer(practice, null),
        commissioner, needs, notes, null, null);
    return new Mapped(request, requestId, List.copyOf(issues), Map.copyOf(paths));
  }

  /** The code may be left out; if it is there, it must say social prescribing. */
  private static void checkCode(ServiceRequest sr, List<FhirIssue> issues) {
    CodeableConcept code = sr.hasCode() ? sr.getCode() : null;
    if (code == null || !code.hasCoding()) return;
    boolean socialPrescribing = code.getCoding().stream()
        .anyMatch(c -> SNOMED_SYSTEM.equals(c.getSystem()) && SOCIAL_PRESCRIBING_REFERRAL.equals(c.getCode()));
    if (!socialPrescribing) {
      issues.add(FhirIssue.invalid("ServiceRequest.code", "ServiceRequest.code must be SNOMED CT "
          + SOCIAL_PRESCRIBING_REFERRAL + " |Referral to social prescribing service| (system " + SNOMED_SYSTEM
          + "): Linkway takes only social prescribing referrals"));
    }
  }

  private static ReferralRequest.Patient patient(ServiceRequest sr, Map<String, String> paths, List<FhirIssue> issues) {
    String subjectPath = "ServiceRequest.subject";
    paths.put("patient", subjectPath);
    String reference = sr.hasSubject() ? blankToNull(sr.getSubject().getReference()) : null;
    if (reference == null) {
      issues.add(FhirIssue.invalid(subjectPath,
          "ServiceRequest.subject is required: a reference to the Patient contained in the ServiceRequest (e.g. #patient)"));
      return null;
    }
    int index = contained(sr, reference, "Patient");
    if (index < 0) {
      issues.add(FhirIssue.invalid(subjectPath,
          "ServiceRequest.subject must reference a Patient contained in the ServiceRequest (e.g. #patient), not " + reference));
      return null;
    }
    Patient p = (Patient) sr.getContained().get(index);
    String at = "ServiceRequest.contained[" + index + "]";

    String nhsNumber = null;
    paths.put("patient.nhsNumber", at + ".identifier");
    List<Identifier> identifiers = p.getIdentifier();
    for (int i = 0; i < identifiers.size(); i++) {
      if (NHS_NUMBER_SYSTEM.equals(identifiers.get(i).getSystem())) {
        nhsNumber = identifiers.get(i).getValue();
        paths.put("patient.nhsNumber", at + ".identifier[" + i + "]");
        break;
      }
    }

    HumanName name = p.hasName() ? p.getName().get(0) : null;
    String givenName = name != null && name.hasGiven() ? name.getGiven().get(0).getValue() : null;
    String familyName = name != null ? name.getFamily() : null;
    paths.put("patient.givenName", name == null ? at + ".name" : at + ".name[0].given" + (name.hasGiven() ? "[0]" : ""));
    paths.put("patient.familyName", name == null ? at + ".name" : at + ".name[0].family");

    paths.put("patient.birthDate", at + ".birthDate");
    // as written: HAPI keeps a value it could not read, and the validator says what is wrong with it
    String birthDate = p.hasBirthDateElement() ? p.getBirthDateElement().getValueAsString() : null;

    String postcode = p.hasAddress() ? p.getAddress().get(0).getPostalCode() : null;
    paths.put("patient.postcode", p.hasAddress() ? at + ".address[0].postalCode" : at + ".address");

    String phone = telecom(p, ContactPoint.ContactPointSystem.PHONE, "patient.phone", at, paths);
    String email = telecom(p, ContactPoint.ContactPointSystem.EMAIL, "patient.email", at, paths);
    return new ReferralRequest.Patient(nhsNumber, givenName, familyName, birthDate, postcode, phone, email);
  }

  private static String telecom(Patient p, ContactPoint.ContactPointSystem system, String field, String at,
      Map<String, String> paths) {
    paths.put(field, at + ".telecom");
    List<ContactPoint> telecom = p.getTelecom();
    for (int i = 0; i < telecom.size(); i++) {
      if (telecom.get(i).getSystem() == system) {
        paths.put(field, at + ".telecom[" + i + "]");
        return telecom.get(i).getValue();
      }
    }
    return null;
  }

  /** True if supportingInfo references a contained Consent whose status is active. */
  private static boolean consent(ServiceRequest sr, Map<String, String> paths) {
    paths.put("consent", "ServiceRequest.supportingInfo");
    boolean inactiveFound = false;
    List<Reference> supportingInfo = sr.getSupportingInfo();
    for (int i = 0; i < supportingInfo.size(); i++) {
      String reference = supportingInfo.get(i).getReference();
      int index = reference == null ? -1 : contained(sr, reference, "Consent");
      if (index < 0) continue;
      if (((Consent) sr.getContained().get(index)).getStatus() == Consent.ConsentState.ACTIVE) {
        paths.put("consent", "ServiceRequest.supportingInfo[" + i + "]");
        return true;
      }
      if (!inactiveFound) {
        paths.put("consent", "ServiceRequest.supportingInfo[" + i + "]");
        inactiveFound = true;
      }
    }
    return false;
  }

  /** The GP practice: requester is a logical reference by ODS code. */
  private static String practice(ServiceRequest sr, Map<String, String> paths) {
    paths.put("referrer.odsCode", "ServiceRequest.requester.identifier");
    if (!sr.hasRequester() || !sr.getRequester().hasIdentifier()) return null;
    Identifier identifier = sr.getRequester().getIdentifier();
    return ODS_SYSTEM.equals(identifier.getSystem()) ? identifier.getValue() : null;
  }

  /** The commissioning ICB: the first performer named by ODS code. */
  private static String commissioner(ServiceRequest sr, Map<String, String> paths) {
    paths.put("commissioner", "ServiceRequest.performer");
    List<Reference> performers = sr.getPerformer();
    for (int i = 0; i < performers.size(); i++) {
      Reference performer = performers.get(i);
      if (performer.hasIdentifier() && ODS_SYSTEM.equals(performer.getIdentifier().getSystem())) {
        paths.put("commissioner", "ServiceRequest.performer[" + i + "].identifier");
        return performer.getIdentifier().getValue();
      }
    }
    return null;
  }

  /** Every reasonCode coding in Linkway's need code system, in order; other codings (SNOMED reasons) are left alone. */
  private static List<String> needs(ServiceRequest sr, Map<String, String> paths) {
    paths.put("needs", "ServiceRequest.reasonCode");
    List<String> needs = new ArrayList<>();
    List<CodeableConcept> reasons = sr.getReasonCode();
    for (int r = 0; r < reasons.size(); r++) {
      List<Coding> codings = reasons.get(r).getCoding();
      for (int c = 0; c < codings.size(); c++) {
        if (NEED_SYSTEM.equals(codings.get(c).getSystem())) {
          paths.put("needs[" + needs.size() + "]", "ServiceRequest.reasonCode[" + r + "].coding[" + c + "]");
          needs.add(codings.get(c).getCode());
        }
      }
    }
    return needs;
  }

  /** The index in contained of the resource of this type that a local reference ({@code #id}) points at, or -1. */
  private static int contained(ServiceRequest sr, String reference, String type) {
    if (!reference.startsWith("#") || reference.length() == 1) return -1;
    String id = reference.substring(1);
    List<Resource> contained = sr.getContained();
    for (int i = 0; i < contained.size(); i++) {
      Resource resource = contained.get(i);
      String resourceId = resource.getIdElement().getIdPart();
      if (resourceId != null && resourceId.startsWith("#")) resourceId = resourceId.substring(1);
      if (type.equals(resource.fhirType()) && id.equals(resourceId)) return i;
    }
    return -1;
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }

  /** Collects what makes the JSON not FHIR-shaped; logs, and otherwise tolerates, the rest. */
  private static final class ShapeCheck implements IParserErrorHandler {

    /** Elements whose invalid values the referral validator names more precisely than the parser can. */
    private static final Set<String> CHECKED_BY_THE_VALIDATOR = Set.of("birthDate");

    final List<FhirIssue> issues = new ArrayList<>();

    @Override
    public void incorrectJsonType(IParseLocation location, String elementName, ValueType expectedValueType,
        ScalarType expectedScalarType, ValueType foundValueType, ScalarType foundScalarType) {
      issues.add(FhirIssue.structure("The body is not FHIR R4 JSON: " + LenientErrorHandler.createIncorrectJsonTypeMessage(
          elementName, expectedValueType, expectedScalarType, foundValueType, foundScalarType)));
    }

    @Override
    public void unexpectedRepeatingElement(IParseLocation location, String elementName) {
      issues.add(FhirIssue.structure("The body is not FHIR R4 JSON: element " + elementName
          + (location == null || location.getParentElementName() == null ? "" : " in " + location.getParentElementName())
          + " may appear only once but is repeated"));
    }

    @Override
    public void invalidValue(IParseLocation location, String value, String error) {
      // the location only: the value (and HAPI's message, which quotes it) may be a patient's details
      log.debug("FHIR ServiceRequest: invalid value at {}", location);
      String element = location == null ? null : location.getParentElementName();
      if (CHECKED_BY_THE_VALIDATOR.contains(element)) return;
      issues.add(FhirIssue.structure("The body is not FHIR R4 JSON: "
          + (element == null ? "an element" : "element " + element) + " has a value that is not valid for its type"));
    }

    @Override
    public void unknownElement(IParseLocation location, String elementName) {
      log.debug("FHIR ServiceRequest: unknown element {} ignored", elementName);
    }

    @Override
    public void unknownAttribute(IParseLocation location, String attributeName) {
      log.debug("FHIR ServiceRequest: unknown attribute {} ignored", attributeName);
    }

    @Override
    public void unknownReference(IParseLocation location, String reference) {
      log.debug("FHIR ServiceRequest: unknown reference {}", reference);
    }

    @Override
    public void invalidInternalReference(IParseLocation location, String reference) {
      log.debug("FHIR ServiceRequest: internal reference {} points at nothing contained", reference);
    }

    @Override
    public void missingRequiredElement(IParseLocation location, String elementName) {
      log.debug("FHIR ServiceRequest: required element {} missing", elementName);
    }

    @Override
    public void containedResourceWithNoId(IParseLocation location) {
      log.debug("FHIR ServiceRequest: a contained resource has no id");
    }

    @Override
    public void extensionContainsValueAndNestedExtensions(IParseLocation location) {
      log.debug("FHIR ServiceRequest: an extension has both a value and nested extensions");
    }
  }
}
