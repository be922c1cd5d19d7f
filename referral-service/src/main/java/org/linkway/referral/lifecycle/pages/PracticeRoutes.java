package org.linkway.referral.lifecycle.pages;

import static org.linkway.platform.streams.KeyOwners.KeyedRoute.getByCaller;

import org.linkway.platform.streams.KeyOwners.KeyedRoutes;
import org.linkway.referral.lifecycle.stream.PracticeReferrals;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * A practice's list of its referrals is answered by the instance holding the practice's list
 * ({@link PracticeReferrals}, keyed by the caller's ODS code; {@code KeyOwners}), so that it is
 * complete whichever instance is asked.
 */
@Configuration(proxyBeanMethods = false)
class PracticeRoutes {

  @Bean
  KeyedRoutes practiceKeyedRoutes() {
    return KeyedRoutes.of(getByCaller("/app/referrals", PracticeReferrals.STORE));
  }
}
