package org.linkway.outcome.opendata;

import static org.linkway.platform.streams.KeyOwners.KeyedRoute.get;
import static org.linkway.platform.streams.KeyOwners.KeyedRoute.getAt;

import org.linkway.platform.streams.KeyOwners.KeyedRoute;
import org.linkway.platform.streams.KeyOwners.KeyedRoutes;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.web.util.pattern.PathPatternParser;
import reactor.core.publisher.Mono;

/**
 * Where open data is read ({@code KeyOwners}): a month's release on the instance holding the month's
 * {@link OpenDataEntries#CELLS} (the latest, on the one holding the last closed month's), the list of releases on the
 * one holding {@link OpenDataEntries#MONTHS}; so every instance answers with the same releases, built from every
 * referral.
 */
@Configuration(proxyBeanMethods = false)
class OpenDataRoutes {

  @Bean
  KeyedRoutes openDataKeyedRoutes(OpenDataReleases releases) {
    String cells = OpenDataEntries.CELLS.store();
    // the columns' descriptions read nothing, and are answered where asked
    return KeyedRoutes.of(
        latest("/open-data/outcomes", cells, releases),
        latest("/open-data/outcomes.csv", cells, releases),
        getAt("/open-data/releases", OpenDataEntries.MONTHS, OpenDataEntries.KEY),
        get("/open-data/releases/{month}/{file}", cells, "month"));
  }

  /** A GET of the latest release: read where the last closed month is, as it is when the request comes. */
  private static KeyedRoute latest(String path, String store, OpenDataReleases releases) {
    return new KeyedRoute(HttpMethod.GET, PathPatternParser.defaultInstance.parse(path), store,
        exchange -> Mono.fromSupplier(() -> releases.lastClosed().toString()));
  }
}
