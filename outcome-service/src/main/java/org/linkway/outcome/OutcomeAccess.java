package org.linkway.outcome;

import static org.linkway.platform.security.Access.anyOf;
import static org.linkway.platform.security.Access.own;

import org.linkway.platform.security.AccessRules;
import org.linkway.platform.security.Role;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;

/**
 * Who may call outcome-service. A commissioner sees and changes only its own contracts, budgets,
 * ledger, statements and streams, and sees only its own dashboard page; open data is public; a
 * person's Time Credits wallet, looked up by pseudonymous id across commissioners, is the admin's.
 */
@Configuration(proxyBeanMethods = false)
class OutcomeAccess {

  @Bean
  AccessRules outcomeAccessRules() {
    return exchanges -> exchanges
        .pathMatchers(HttpMethod.GET, "/open-data/**").permitAll()
        // the commissioning dashboard shows the signed-in commissioner's own figures (its code comes from the token)
        .pathMatchers("/app/dashboard", "/app/dashboard/**").access(anyOf(Role.COMMISSIONER))
        .pathMatchers("/commissioners/{code}/**").access(own(Role.COMMISSIONER, "code"))
        .pathMatchers(HttpMethod.GET, "/time-credits/wallets/{personId}").access(anyOf(Role.ADMIN));
  }
}
