package org.linkway.provider.offers.api;

import static org.linkway.platform.streams.KeyOwners.KeyedRoute.get;
import static org.linkway.platform.streams.KeyOwners.KeyedRoute.post;

import java.util.ArrayList;
import java.util.List;
import org.linkway.platform.streams.KeyOwners.KeyedRoute;
import org.linkway.platform.streams.KeyOwners.KeyedRoutes;
import org.linkway.provider.offers.pages.InboxPages;
import org.linkway.provider.offers.stream.OfferProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The requests about one referral offered to a provider, which the instance holding the offer's
 * state answers ({@code KeyOwners}): the provider's commands through the API, and the inbox's
 * referral page and its forms.
 */
@Configuration(proxyBeanMethods = false)
class OfferRoutes {

  @Bean
  KeyedRoutes offerKeyedRoutes() {
    String state = OfferProcessor.STORE;
    List<KeyedRoute> routes = new ArrayList<>();
    for (String command : List.of("accept", "decline", "sessions", "complete", "time-credits")) {
      routes.add(post("/providers/{providerId}/referrals/{referralId}/" + command, state, "referralId"));
    }
    routes.add(get(InboxPages.HOME + "/referrals/{referralId}", state, "referralId"));
    for (String command : List.of("accept", "decline", "sessions", "complete")) {
      routes.add(post(InboxPages.HOME + "/referrals/{referralId}/" + command, state, "referralId"));
    }
    return new KeyedRoutes(routes);
  }
}
