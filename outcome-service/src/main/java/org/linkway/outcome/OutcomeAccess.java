package org.linkway.outcome;

import static org.linkway.platform.security.Access.anyOf;
import static org.linkway.platform.security.Access.either;
import static org.linkway.platform.security.Access.own;

import org.linkway.platform.security.AccessRules;
import org.linkway.platform.security.Role;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;

/**
 * Who may call outcome-service. A commissioner sees and changes only its own contracts, budgets,
 * ledger, statements and streams, and sees only its own dashboard page; a run of its ledger's reconciliation is asked
 * for by it or an admin; open data is public; a
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
        // a run of the reconciliation (an operator's job) is asked for by the commissioner itself or an admin
        .pathMatchers(HttpMethod.POST, "/commissioners/{code}/ledger/reconciliation")
        .access(either(own(Role.COMMISSIONER, "code"), anyOf(Role.ADMIN)))
        .pathMatchers("/commissioners/{code}/**").access(own(Role.COMMISSIONER, "code"))
        .pathMatchers(HttpMethod.GET, "/time-credits/wallets/{personId}").access(anyOf(Role.ADMIN));
  }
}
