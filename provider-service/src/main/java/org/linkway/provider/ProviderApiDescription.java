package org.linkway.provider;

import static org.linkway.platform.web.ApiDescriptions.example;
import static org.linkway.platform.web.ApiDescriptions.post;
import static org.linkway.platform.web.ApiDescriptions.put;

import io.swagger.v3.oas.models.OpenAPI;
import org.linkway.platform.web.ApiDescriptions;
import org.linkway.platform.web.IdempotencyKeys;
import org.linkway.provider.offers.domain.RememberedCommands;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** provider-service's API description, at /v3/api-docs and /swagger-ui.html. */
@Configuration(proxyBeanMethods = false)
class ProviderApiDescription {

  private static final String QUEUE = "/providers/{providerId}/referrals/{referralId}";

  /** The fields of one service's listing: who it is for, where, for which commissioners, how many places are open. */
  private static final String SERVICE = """
      "name": "Riverside wellbeing walks (Tuesdays and Saturdays)",
      "needs": ["PHYSICAL_ACTIVITY", "NATURE", "LONELINESS"],
      "taxonomy": ["esdNeed:physical-activity", "esdNeed:green-space"],
      "commissioners": ["QMM"],
      "postcodeDistricts": ["NR1", "NR2", "NR3"],
      "capacity": 30,
      "status": "ACTIVE",
      "minAge": 18""";

  @Bean
  OpenAPI providerApi() {
    return ApiDescriptions.describe(ProviderServiceApplication.class, "Linkway provider-service", """
        The provider directory and each provider's work. The directory lists organisations and their \
        services (the needs they meet, the commissioners that fund them, the postcode districts they \
        cover, their open places), registered by an admin or imported from an Open Referral UK / HSDS \
        file; a provider keeps its own listings and pauses or resumes intake. Each provider has a queue \
        of the referrals offered to it, and a live stream of new offers: it accepts or declines each, \
        records the sessions the person attended or missed and the hours they gave back (Time Credits), \
        and completes the referral with outcome measures (SWEMWBS, WEMWBS, ONS4, UCLA3). Measures given \
        before completion are baselines; follow-ups come with the completion. Callers: `provider` tokens \
        for their own queue and listings (`provider_id`), `commissioner` tokens to list or unlist a \
        service for their own ICB's referrals, `admin` for registering and importing; every known caller \
        may read the directory. Each command on a referral (accept, decline, sessions, complete,         time-credits) takes an optional `Idempotency-Key` header (a link worker service's prescription requires one): see the parameter.""");
  }

  /** The Idempotency-Key header each command on a referral takes. */
  @Bean
  OpenApiCustomizer providerIdempotencyKeys() {
    return ApiDescriptions.header(IdempotencyKeys.HEADER, """
        Optional; up to %d printable ASCII characters (400 otherwise), e.g. a UUID the caller makes for the         command. Sent again with the same key for the same referral (after a timeout, a 503, or to another         instance), the command is answered as the first time (the same 200 or 409) and nothing is recorded         twice. The same key with a different request body answers 422. The last %d keys of each referral         are remembered; without the header, every request is a new command.""".formatted(
        IdempotencyKeys.MAX_LENGTH, RememberedCommands.KEPT));
  }

  @Bean
  OpenApiCustomizer providerOperations() {
    return ApiDescriptions.operations(
        post("/providers", "Register a provider and its services (admin)",
            example("walking-group", "A walking group with one service for the ICB QMM", """
                {"providerId": "wensum-valley-walkers", "name": "Wensum Valley Walkers",
                 "services": [{"serviceId": "riverside-wellbeing-walks", %s}]}""".formatted(SERVICE)),
            example("link-worker-service", "A primary care network's link worker service: the GP referrals of the"
                + " practices it covers come to it first, whatever the needs", """
                {"providerId": "norwich-city-pcn", "name": "Norwich City PCN",
                 "services": [{"serviceId": "norwich-city-link-workers", "name": "Social prescribing link workers",
                               "kind": "LINK_WORKER", "practices": ["D82044", "D82001"],
                               "commissioners": ["QMM"], "capacity": 120}]}""")),
        put("/providers/{providerId}/services/{serviceId}",
            "List or change one of the provider's services; only the admin's commissioners, kind and practices count, a"
                + " provider's stay as listed (naming others: 403)",
            example("walks", "The service's whole listing; the id is the path's", "{" + SERVICE + "}")),
        put("/providers/{providerId}/services/{serviceId}/commissioners/{icb}",
            "The commissioner lists the service for its referrals (that commissioner, or admin); DELETE unlists it"),
        post("/providers/import", "Import an Open Referral UK / HSDS 3.0 directory (admin)"),
        post(QUEUE + "/accept", "Accept an offered referral; the body is optional",
            example("with-baseline", "A note, and the person's baseline SWEMWBS", """
                {"note": "first walk on Tuesday at 10am, meeting at the Riverside car park",
                 "measures": [{"instrument": "SWEMWBS", "stage": "BASELINE", "answers": [2, 2, 3, 2, 2, 3, 2]}]}""")),
        post(QUEUE + "/decline", "Decline an offered referral: it is offered to the next suitable service",
            example("no-places", "No places now", """
                {"reason": "CAPACITY", "note": "group full until spring"}"""),
            example("person-declined", "The person said no (also after acceptance)", """
                {"reason": "PERSON_DECLINED", "note": "would rather wait until after the winter"}""")),
        post(QUEUE + "/sessions", "Record a session the person attended, or missed",
            example("attended", "Attended", """
                {"attendedOn": "2026-11-18", "attended": true}"""),
            example("missed", "Did not come", """
                {"attendedOn": "2026-11-19", "attended": false}""")),
        post(QUEUE + "/complete", "Complete an accepted referral, with follow-up measures",
            example("completed", "Completed, with follow-up SWEMWBS and UCLA-3 (and its direct question)", """
                {"completion": "COMPLETED",
                 "measures": [{"instrument": "SWEMWBS", "stage": "FOLLOW_UP", "answers": [3, 4, 3, 4, 3, 4, 3]},
                              {"instrument": "UCLA3", "stage": "FOLLOW_UP", "answers": [1, 2, 1], "directAnswer": 4}]}"""),
            example("dropped-out", "The person stopped coming", """
                {"completion": "DROPPED_OUT"}""")),
        post(QUEUE + "/time-credits", "Record hours the person gave back: 1 hour earns 1 Time Credit",
            example("volunteering", "Two and a half hours helping at an open day", """
                {"givenOn": "2026-11-18", "hours": 2.5, "activity": "helped run the allotment open day"}""")),
        post(QUEUE + "/prescriptions", "A link worker service prescribes a community service from the referral it accepted"
                + " (the person's episode): a referral of its own, to the service chosen or, without one, routing's best",
            example("walks", "The walking group the person chose with their link worker", """
                {"needs": ["PHYSICAL_ACTIVITY"], "serviceId": "riverside-wellbeing-walks"}""")));
  }
}
