package org.linkway.outcome;

import static org.linkway.platform.web.ApiDescriptions.example;
import static org.linkway.platform.web.ApiDescriptions.put;

import io.swagger.v3.oas.models.OpenAPI;
import org.linkway.platform.web.ApiDescriptions;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** outcome-service's API description, at /v3/api-docs and /swagger-ui.html. */
@Configuration(proxyBeanMethods = false)
class OutcomeApiDescription {

  @Bean
  OpenAPI outcomeApi() {
    return ApiDescriptions.describe(OutcomeServiceApplication.class, "Linkway outcome-service", """
        The money and the outcomes, for commissioners (ICBs). A commissioner agrees contracts with \
        providers (any combination of a grant, an engagement fee on acceptance, a completion fee after \
        a number of sessions, an outcome payment when a measure improves by a threshold, and a cap per \
        referral) and sets a budget per financial year (1 April to 31 March, written 2026-27). The \
        ledger records what each referral commits, earns and releases; the commissioner reads it, its \
        reconciliation (the last run of a job that checks it again from every referral, with when it \
        ran; POST asks for a run now), monthly statements per provider (JSON, a page of items at a \
        time, or CSV), a summary and its breakdowns, \
        Time Credits, and live streams of ledger entries and outcomes. Open data (a release per \
        closed month that never changes; counts 0-4 suppressed, more where a total would reveal \
        one, the rest rounded) is public. Callers: `commissioner` tokens for their own ICB \
        (`ods`), `admin` for a person's Time Credits wallet and to ask for a run of a commissioner's \
        reconciliation; open data needs no token.""");
  }

  @Bean
  OpenApiCustomizer outcomeOperations() {
    return ApiDescriptions.operations(
        put("/commissioners/{code}/contracts/{contractId}", "Agree (or change) a contract with a provider",
            example("tariff", "An engagement fee on acceptance and a completion fee after 2 sessions", """
                {"providerId": "norwich-money-advice", "serviceIds": [], "validFrom": "2026-04-01",
                 "validTo": "2027-03-31", "engagementFee": 75.00, "completionFee": 175.00,
                 "completionMinSessions": 2}"""),
            example("outcome-payment", "Fees, and 100.00 more when SWEMWBS improves by 2 metric points, capped", """
                {"providerId": "norwich-befriending-network", "validFrom": "2026-04-01", "validTo": "2027-03-31",
                 "engagementFee": 50.00, "completionFee": 150.00, "completionMinSessions": 3,
                 "outcomePayment": 100.00, "outcomeInstrument": "SWEMWBS", "outcomeScore": "metric",
                 "outcomeThreshold": 2.00, "perReferralCap": 300.00, "currency": "GBP"}"""),
            example("grant", "Block funding: referrals counted against it, nothing paid per referral", """
                {"providerId": "dereham-men-in-sheds", "validFrom": "2026-04-01", "validTo": "2027-03-31",
                 "grant": true}""")),
        put("/commissioners/{code}/budgets/{financialYear}", "Set the budget of a financial year",
            example("year", "250,000.00 for the year", """
                {"amount": 250000.00, "currency": "GBP"}""")));
  }

  @Bean
  OpenApiCustomizer openData() {
    return ApiDescriptions.openToAnyone("/open-data/");
  }
}
