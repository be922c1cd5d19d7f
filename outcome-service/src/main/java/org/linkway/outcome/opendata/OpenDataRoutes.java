package org.linkway.outcome.opendata;

import static org.linkway.platform.streams.KeyOwners.KeyedRoute.getAt;

import org.linkway.platform.streams.KeyOwners.KeyedRoutes;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Where open data is read ({@code KeyOwners}): on the instance holding the {@link OpenDataEntries}, so
 * that every instance answers with the same releases, built from every referral.
 */
@Configuration(proxyBeanMethods = false)
class OpenDataRoutes {

  @Bean
  KeyedRoutes openDataKeyedRoutes() {
    String view = OpenDataEntries.STORE;
    String key = OpenDataEntries.KEY;
    // the columns' descriptions read nothing, and are answered where asked
    return KeyedRoutes.of(
        getAt("/open-data/outcomes", view, key),
        getAt("/open-data/outcomes.csv", view, key),
        getAt("/open-data/releases", view, key),
        getAt("/open-data/releases/{month}/{file}", view, key));
  }
}
