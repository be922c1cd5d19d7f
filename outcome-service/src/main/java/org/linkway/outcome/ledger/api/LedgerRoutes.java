package org.linkway.outcome.ledger.api;

import static org.linkway.platform.streams.KeyOwners.KeyedRoute.getByParameter;

import org.linkway.outcome.ledger.stream.FundingProcessor;
import org.linkway.platform.streams.KeyOwners.KeyedRoutes;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** One referral's ledger entries ({@code ?referralId=}) are answered by the instance holding its funding ({@code KeyOwners}). */
@Configuration(proxyBeanMethods = false)
class LedgerRoutes {

  @Bean
  KeyedRoutes ledgerKeyedRoutes() {
    return KeyedRoutes.of(getByParameter("/commissioners/{code}/ledger", FundingProcessor.STORE, "referralId"));
  }
}
