package org.linkway.referral.intake.fhir;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.hl7.fhir.r4.model.ServiceRequest;

/** The example ServiceRequest that docs/api.md quotes and sends with curl, as text and as HAPI's model. */
final class FhirExamples {

  /** One context for every test in the JVM: building one takes seconds. */
  static final FhirContext FHIR = FhirContext.forR4Cached();
  static final ServiceRequestMapper MAPPER = new ServiceRequestMapper(FHIR);

  private FhirExamples() {}

  static String json() {
    try (InputStream in = FhirExamples.class.getResourceAsStream("/fhir/service-request-example.json")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ServiceRequest serviceRequest() {
    return parse(json());
  }

  static ServiceRequest parse(String json) {
    return FHIR.newJsonParser().parseResource(ServiceRequest.class, json);
  }

  static String encode(ServiceRequest serviceRequest) {
    return FHIR.newJsonParser().encodeResourceToString(serviceRequest);
  }
}
