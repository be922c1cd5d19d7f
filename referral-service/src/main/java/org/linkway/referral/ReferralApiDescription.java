package org.linkway.referral;

import static org.linkway.platform.web.ApiDescriptions.example;
import static org.linkway.platform.web.ApiDescriptions.post;

import io.swagger.v3.oas.models.OpenAPI;
import org.linkway.platform.web.ApiDescriptions;
import org.linkway.platform.web.IdempotencyKeys;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** referral-service's API description, at /v3/api-docs and /swagger-ui.html. */
@Configuration(proxyBeanMethods = false)
class ReferralApiDescription {

  /** A person referred by their GP practice (D82044) to Norfolk and Waveney ICB (QMM), as in the journey of docs/api.md. */
  static final String REFERRAL = """
      {"patient": {"nhsNumber": "9434765919", "givenName": "Ada", "familyName": "Lovelace",
                   "birthDate": "1950-12-10", "postcode": "NR1 3SR", "phone": "01603 000000"},
       "consent": true,
       "referrer": {"odsCode": "D82044", "clinician": "Dr Jones"},
       "commissioner": "QMM",
       "needs": ["LONELINESS"],
       "notes": "lives alone since bereavement"}""";

  @Bean
  OpenAPI referralApi() {
    return ApiDescriptions.describe(ReferralServiceApplication.class, "Linkway referral-service", """
        Takes social prescribing referrals from GP systems, as JSON or as a FHIR R4 ServiceRequest, \
        routes each to a suitable service in the provider directory (by need, commissioner, postcode \
        district, age and open places) and keeps its lifecycle: submitted, offered, accepted, completed, \
        or unplaced or cancelled. The referring practice follows its referrals, their summary for the \
        record and their audit trail, and may cancel them; the provider holding a referral may read it. \
        A request that is not valid answers 400 problem+json naming every invalid field, and nothing \
        is written. Callers: `gp` tokens for their own practice (`ods`), `provider` tokens to read what \
        they hold, `admin` to erase a person.""");
  }

  /** The Idempotency-Key header of POST /referrals: the GP system's request id. */
  @Bean
  OpenApiCustomizer referralIdempotencyKeys() {
    return ApiDescriptions.header(IdempotencyKeys.HEADER, """
        Optional: the GP system's own id for the request. The same key from the same practice is the same \
        referral: sent again (after a timeout, a 503, while the first is still on its way, or to another \
        instance), it answers 200 with the first referral's id and nothing is written twice.""");
  }

  @Bean
  OpenApiCustomizer referralOperations() {
    return ApiDescriptions.operations(
        post("/referrals", "Refer a person (202 with the referral's id; Idempotency-Key makes a repeat answer 200)",
            example("lonely-person", "A person who is lonely, referred to the ICB QMM", REFERRAL),
            example("with-a-preferred-service", "Naming the service the person would like and how to reach them", """
                {"patient": {"nhsNumber": "9434765919", "givenName": "Ada", "familyName": "Lovelace",
                             "birthDate": "1950-12-10", "postcode": "NR1 3SR", "email": "ada@example.org"},
                 "consent": true,
                 "referrer": {"odsCode": "D82044", "clinician": "Dr Jones"},
                 "commissioner": "QMM",
                 "needs": ["PHYSICAL_ACTIVITY", "NATURE"],
                 "preferredServiceId": "riverside-wellbeing-walks"}"""),
            example("direct-prescription", "Straight to a community service, not the link worker service covering the"
                + " practice (where none covers it, every referral is one)", """
                {"patient": {"nhsNumber": "9434765919", "givenName": "Ada", "familyName": "Lovelace",
                             "birthDate": "1950-12-10", "postcode": "NR1 3SR", "phone": "01603 000000"},
                 "consent": true,
                 "referrer": {"odsCode": "D82044", "clinician": "Dr Jones"},
                 "commissioner": "QMM",
                 "needs": ["MONEY_AND_DEBT"],
                 "directPrescription": true}""")),
        post("/referrals/{referralId}/cancel", "Cancel a referral the practice made (at any open stage)",
            example("moved-away", "The person moved away", """
                {"reason": "moved away", "requestedBy": "Dr Jones"}""")),
        post("/fhir/ServiceRequest", "Refer a person as a FHIR R4 ServiceRequest (application/fhir+json)"));
  }
}
