package org.linkway.referral.lifecycle.api;

import static org.linkway.platform.streams.KeyOwners.KeyedRoute.get;
import static org.linkway.platform.streams.KeyOwners.KeyedRoute.post;

import org.linkway.platform.streams.KeyOwners.KeyedRoutes;
import org.linkway.referral.lifecycle.stream.ReferralStores;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The requests about one referral, which the instance holding its state answers ({@code KeyOwners}):
 * reading it, its summary and audit trail, and cancelling it, through the API and the pages.
 */
@Configuration(proxyBeanMethods = false)
class ReferralRoutes {

  @Bean
  KeyedRoutes referralKeyedRoutes() {
    String state = ReferralStores.STATE;
    return KeyedRoutes.of(
        get("/referrals/{referralId}", state, "referralId"),
        get("/referrals/{referralId}/summary", state, "referralId"),
        get("/referrals/{referralId}/audit", state, "referralId"),
        post("/referrals/{referralId}/cancel", state, "referralId"),
        get("/app/referrals/{referralId}", state, "referralId"),
        post("/app/referrals/{referralId}/cancel", state, "referralId"));
  }
}
