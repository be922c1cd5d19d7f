package org.linkway.referral.intake.fhir;

import ca.uhn.fhir.context.FhirContext;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import reactor.core.scheduler.Schedulers;

/**
 * The one FHIR R4 context of the service. A FhirContext is expensive to build and thread-safe, so
 * there is one; parsers are cheap and not thread-safe, so each request gets its own.
 */
@Configuration(proxyBeanMethods = false)
class FhirConfiguration {

  @Bean
  FhirContext fhirContext() {
    return FhirContext.forR4();
  }

  /**
   * HAPI scans a resource's model the first time it meets it, which takes a few seconds on a small
   * machine: do it once the service is up, off the request path, rather than in the first GP
   * system's request.
   */
  @EventListener(ApplicationReadyEvent.class)
  void warmUp(ApplicationReadyEvent event) {
    FhirContext fhir = event.getApplicationContext().getBean(FhirContext.class);
    Schedulers.boundedElastic().schedule(() -> {
      for (String type : new String[] {"ServiceRequest", "Patient", "Consent", "OperationOutcome"}) {
        fhir.getResourceDefinition(type);
      }
    });
  }
}
