package org.linkway.referral;

import static org.linkway.platform.security.Access.anyOf;
import static org.linkway.platform.security.Access.own;

import org.linkway.platform.security.AccessRules;
import org.linkway.platform.security.Role;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;

/**
 * Who may call referral-service. A GP system refers for its own practice (checked against the
 * body's referrer) and follows and cancels its own referrals; the provider holding a referral may
 * read it while it is offered to it and once it accepted it, not after its offer ended without its
 * acceptance (declined, expired, cancelled). Whether a referral is the caller's is known only once it is read, so the controller
 * answers 404 for someone else's: its existence is not disclosed.
 */
@Configuration(proxyBeanMethods = false)
class ReferralAccess {

  @Bean
  AccessRules referralAccessRules() {
    return exchanges -> exchanges
        .pathMatchers(HttpMethod.POST, "/referrals", "/fhir/ServiceRequest").access(anyOf(Role.GP))
        .pathMatchers(HttpMethod.POST, "/referrals/{referralId}/cancel").access(anyOf(Role.GP))
        .pathMatchers(HttpMethod.GET, "/referrals/{referralId}", "/referrals/{referralId}/summary",
            "/referrals/{referralId}/audit").access(anyOf(Role.GP, Role.PROVIDER))
        .pathMatchers(HttpMethod.GET, "/referrers/{odsCode}/referrals/stream").access(own(Role.GP, "odsCode"))
        .pathMatchers(HttpMethod.DELETE, "/people/{personId}").access(anyOf(Role.ADMIN))
        // the pages: the practice's referrals (a provider may open one it holds, as through the API)
        .pathMatchers(HttpMethod.GET, "/app/referrals", "/app/referrals/{referralId}").access(anyOf(Role.GP, Role.PROVIDER))
        .pathMatchers(HttpMethod.POST, "/app/referrals/{referralId}/cancel").access(anyOf(Role.GP));
  }
}
