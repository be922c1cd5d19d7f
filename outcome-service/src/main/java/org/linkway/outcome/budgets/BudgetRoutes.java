package org.linkway.outcome.budgets;

import static org.linkway.platform.streams.KeyOwners.KeyedRoute.get;

import org.linkway.platform.streams.KeyOwners.KeyedRoutes;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * A commissioner's budget use is kept by the instance that decides its reservations (the budget
 * requests are keyed by commissioner), so its budget pages are answered there ({@code KeyOwners}).
 */
@Configuration(proxyBeanMethods = false)
class BudgetRoutes {

  @Bean
  KeyedRoutes budgetKeyedRoutes() {
    return KeyedRoutes.of(
        get("/commissioners/{code}/budget", BudgetProcessor.STORE, "code"),
        get("/commissioners/{code}/budgets", BudgetProcessor.STORE, "code"));
  }
}
