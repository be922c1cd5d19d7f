package org.linkway.provider.offers.api;

import static org.linkway.platform.streams.KeyOwners.KeyedRoute.get;
import static org.linkway.platform.streams.KeyOwners.KeyedRoute.getByCaller;
import static org.linkway.platform.streams.KeyOwners.KeyedRoute.post;

import java.util.ArrayList;
import java.util.List;
import org.linkway.platform.streams.KeyOwners.KeyedRoute;
import org.linkway.platform.streams.KeyOwners.KeyedRoutes;
import org.linkway.provider.offers.pages.InboxPages;
import org.linkway.provider.offers.stream.OfferProcessor;
import org.linkway.provider.offers.stream.ProviderOffers;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Where a provider's requests are answered ({@code KeyOwners}): those about one referral offered to it
 * (its commands through the API, the inbox's referral page and its forms) by the instance holding the
 * offer's state; its queue, inbox and live streams by the instance holding its list of offers
 * ({@link ProviderOffers}), so that they are complete whichever instance is asked (a stream's live part is
 * every instance's: {@code OfferFeed}; what it replays on connecting is read from that list).
 */
@Configuration(proxyBeanMethods = false)
class OfferRoutes {

  @Bean
  KeyedRoutes offerKeyedRoutes() {
    String state = OfferProcessor.STORE;
    List<KeyedRoute> routes = new ArrayList<>();
    for (String command : List.of("accept", "decline", "sessions", "complete", "time-credits", "prescriptions")) {
      routes.add(post("/providers/{providerId}/referrals/{referralId}/" + command, state, "referralId"));
    }
    // a provider's queue and inbox: on the instance holding the provider's list
    routes.add(get("/providers/{providerId}/referrals", ProviderOffers.STORE, "providerId"));
    routes.add(get("/providers/{providerId}/referrals/stream", ProviderOffers.STORE, "providerId"));
    routes.add(get("/providers/{providerId}/referrals/{referralId}", state, "referralId"));
    routes.add(getByCaller(InboxPages.HOME, ProviderOffers.STORE));
    routes.add(getByCaller(InboxPages.HOME + "/stream", ProviderOffers.STORE));
    routes.add(get(InboxPages.HOME + "/referrals/{referralId}", state, "referralId"));
    for (String command : List.of("accept", "decline", "sessions", "complete")) {
      routes.add(post(InboxPages.HOME + "/referrals/{referralId}/" + command, state, "referralId"));
    }
    return new KeyedRoutes(routes);
  }
}
