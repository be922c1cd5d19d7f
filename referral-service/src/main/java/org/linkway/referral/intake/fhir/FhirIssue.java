package org.linkway.referral.intake.fhir;

/**
 * One problem with a FHIR request, as it becomes an OperationOutcome issue (severity always
 * {@code error}).
 *
 * @param code the FHIR issue type: {@code structure} (not a ServiceRequest in FHIR JSON) or
 *     {@code invalid} (a ServiceRequest Linkway cannot accept)
 * @param diagnostics the reason, for a person
 * @param expression the FHIRPath of the element, from the ServiceRequest; null where the parser
 *     cannot say
 */
public record FhirIssue(String code, String diagnostics, String expression) {

  public static final String STRUCTURE = "structure";
  public static final String INVALID = "invalid";

  public static FhirIssue structure(String diagnostics) {
    return new FhirIssue(STRUCTURE, diagnostics, null);
  }

  public static FhirIssue invalid(String expression, String diagnostics) {
    return new FhirIssue(INVALID, diagnostics, expression);
  }
}
