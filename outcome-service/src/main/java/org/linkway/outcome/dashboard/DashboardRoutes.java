package org.linkway.outcome.dashboard;

import static org.linkway.platform.streams.KeyOwners.KeyedRoute.getByCaller;

import org.linkway.outcome.ledger.stream.CommissionerFunding;
import org.linkway.platform.streams.KeyOwners.KeyedRoutes;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The dashboard shows the signed-in commissioner's money and outcomes, read from its view of the
 * funding ({@link CommissionerFunding}) and the lists of entries and outcomes kept in the same task
 * ({@code CommissionerLists}): the page, its parts and its statements are answered by the
 * instance that holds that view ({@code KeyOwners}), keyed by the commissioner of the caller's token.
 */
@Configuration(proxyBeanMethods = false)
class DashboardRoutes {

  @Bean
  KeyedRoutes dashboardKeyedRoutes() {
    String view = CommissionerFunding.STORE;
    return KeyedRoutes.of(
        getByCaller(DashboardPage.PATH, view),
        getByCaller(DashboardPage.PATH + "/{part:budget|money|charts}", view),
        getByCaller(DashboardPage.PATH + "/statements/{month}.csv", view),
        getByCaller(DashboardPage.PATH + "/stream", view));
  }
}
