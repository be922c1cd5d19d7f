package org.linkway.provider;

import static org.linkway.platform.security.Access.anyOf;
import static org.linkway.platform.security.Access.either;
import static org.linkway.platform.security.Access.own;

import org.linkway.platform.security.AccessRules;
import org.linkway.platform.security.Role;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;

/**
 * Who may call provider-service. A provider works its own queue only; its directory entries are
 * its own or the directory admin's to change, except which commissioners list a service: that is
 * each commissioner's for itself (or the admin's); registering and importing providers is the admin's.
 * The directory itself (who offers what, where) may be read by every known caller. The inbox pages
 * ({@code /app/inbox}) are a provider's, and show only its own referrals and services.
 */
@Configuration(proxyBeanMethods = false)
class ProviderAccess {

  @Bean
  AccessRules providerAccessRules() {
    return exchanges -> exchanges
        .pathMatchers(HttpMethod.GET, "/providers").access(anyOf(Role.values()))
        .pathMatchers(HttpMethod.POST, "/providers", "/providers/import").access(anyOf(Role.ADMIN))
        // which ICBs' referrals a service may get is each commissioner's decision, never the provider's
        .pathMatchers("/providers/{providerId}/services/{serviceId}/commissioners/{icb}")
            .access(either(own(Role.COMMISSIONER, "icb"), anyOf(Role.ADMIN)))
        .pathMatchers("/providers/{providerId}/services/**")
            .access(either(own(Role.PROVIDER, "providerId"), anyOf(Role.ADMIN)))
        .pathMatchers("/providers/{providerId}/referrals", "/providers/{providerId}/referrals/**")
            .access(own(Role.PROVIDER, "providerId"))
        // the provider's pages: each works on the signed-in provider's own queue and services only
        .pathMatchers("/app/inbox", "/app/inbox/**").access(anyOf(Role.PROVIDER));
  }
}
