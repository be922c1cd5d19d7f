package org.linkway.referral.lifecycle.pages;

import static org.linkway.platform.streams.KeyOwners.KeyedRoute.get;
import static org.linkway.platform.streams.KeyOwners.KeyedRoute.getByCaller;

import org.linkway.platform.streams.KeyOwners.KeyedRoutes;
import org.linkway.referral.lifecycle.stream.PracticeReferrals;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * A practice's list of its referrals, and its live stream, are answered by the instance holding the practice's
 * list ({@link PracticeReferrals}, keyed by the caller's ODS code or the stream's; {@code KeyOwners}), so that they
 * are complete whichever instance is asked (the stream's live part is every instance's: {@code ReferralFeed}; what
 * it replays on resuming is read from that list).
 */
@Configuration(proxyBeanMethods = false)
class PracticeRoutes {

  @Bean
  KeyedRoutes practiceKeyedRoutes() {
    return KeyedRoutes.of(getByCaller("/app/referrals", PracticeReferrals.STORE),
        get("/referrers/{odsCode}/referrals/stream", PracticeReferrals.STORE, "odsCode"));
  }
}
