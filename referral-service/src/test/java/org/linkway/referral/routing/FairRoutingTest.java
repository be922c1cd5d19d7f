package org.linkway.referral.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.linkway.events.NeedCode;
import org.linkway.events.Patient;
import org.linkway.events.ReferralSubmitted;
import org.linkway.events.Referrer;
import org.linkway.events.ServiceListed;
import org.linkway.events.ServiceStatus;
import org.linkway.platform.kafka.Events;

/**
 * Fairness over 1,000 referrals: four services meeting the same need, with 2, 8, 20 and 70
 * places. Each referral is offered, accepted at once, and completes 50 referrals later, giving its
 * place back. Offers should follow places: the group with two places gets its share and the large
 * provider does not take everything.
 */
class FairRoutingTest {

  static final Map<String, Integer> PLACES = new LinkedHashMap<>();

  static {
    PLACES.put("tiny-knit-and-natter", 2);
    PLACES.put("small-mens-shed", 8);
    PLACES.put("medium-befriending", 20);
    PLACES.put("large-age-charity", 70);
  }

  @Test
  void given1000Referrals_whenEachIsRoutedByLoadOverPlaces_thenOffersSpreadInProportionToPlaces() {
    List<ServiceListed> directory = PLACES.entrySet().stream().map(e -> service(e.getKey(), e.getValue())).toList();
    Map<String, Load> load = new HashMap<>();
    Deque<String> open = new ArrayDeque<>();
    Map<String, Integer> offers = new LinkedHashMap<>();
    PLACES.keySet().forEach(s -> offers.put(s, 0));

    for (int i = 0; i < 1000; i++) {
      ServiceListed chosen = Router.choose(referral(), directory, Set.of(), of(load), LocalDate.of(2026, 11, 22))
          .orElseThrow().service();
      offers.merge(chosen.getServiceId(), 1, Integer::sum);
      // offered, and accepted at once: one accepted place more
      accepted(load, chosen.getServiceId(), 1);
      open.add(chosen.getServiceId());
      if (open.size() > 50) accepted(load, open.poll(), -1);
    }

    System.out.println("offers over 1,000 referrals, by service (places): " + offers + " " + PLACES);
    int totalPlaces = PLACES.values().stream().mapToInt(Integer::intValue).sum();
    for (Map.Entry<String, Integer> e : offers.entrySet()) {
      double expected = 1000.0 * PLACES.get(e.getKey()) / totalPlaces;
      assertThat((double) e.getValue()).as("offers to %s", e.getKey()).isBetween(expected * 0.5, expected * 1.5);
    }
    assertThat(offers.get("tiny-knit-and-natter")).isPositive();
    assertThat(offers.get("large-age-charity")).isLessThan(800);
  }

  @Test
  void givenAServiceWhosePlacesAreAllTaken_whenAReferralIsRouted_thenItGoesElsewhere() {
    List<ServiceListed> directory = List.of(service("a-full", 1), service("b-free", 1));
    Map<String, Load> load = new HashMap<>();
    accepted(load, "a-full", 1);
    assertThat(Router.choose(referral(), directory, Set.of(), of(load), LocalDate.of(2026, 11, 22)))
        .hasValueSatisfying(c -> assertThat(c.service().getServiceId()).isEqualTo("b-free"));
    accepted(load, "b-free", 1);
    // both shown full: each is still asked (its place decider may have freed a place the table does not show yet)
    assertThat(Router.ranked(referral(), directory, Set.of(), of(load), FundingRoom.UNKNOWN, LocalDate.of(2026, 11, 22)))
        .extracting(c -> c.service().getServiceId()).containsExactly("a-full", "b-free");
  }

  @Test
  void givenAServiceWhosePlacesAreAllHeldByOpenOffers_whenAReferralIsRouted_thenItGoesElsewhereFirst() {
    List<ServiceListed> directory = List.of(service("a-offered", 2), service("b-free", 2));
    Map<String, Load> load = new HashMap<>(Map.of("a-offered", new Load(2, 0), "b-free", new Load(1, 0)));
    assertThat(Router.ranked(referral(), directory, Set.of(), of(load), FundingRoom.UNKNOWN, LocalDate.of(2026, 11, 22)))
        .extracting(c -> c.service().getServiceId()).containsExactly("b-free", "a-offered");
  }

  @Test
  void givenAPausedOrAgeIneligibleService_whenAReferralIsRouted_thenItIsNeverOffered() {
    ServiceListed paused = ServiceListed.newBuilder(service("a-paused", 5)).setIntakePaused(true).build();
    ServiceListed youngOnly = ServiceListed.newBuilder(service("b-young-only", 5)).setMaxAge(25).build();
    ServiceListed fine = service("c-open", 5);
    assertThat(Router.choose(referral(), List.of(paused, youngOnly, fine), Set.of(), id -> new Load(0, 0),
            LocalDate.of(2026, 11, 22)))
        .hasValueSatisfying(c -> {
          assertThat(c.service().getServiceId()).isEqualTo("c-open");
          assertThat(c.reason()).contains("meets [LONELINESS]").contains("load 0 of 5 places");
        });
  }

  private static ReferralSubmitted referral() {
    return ReferralSubmitted.newBuilder()
        .setPersonId("p-test")
        .setPatient(new Patient("9434765919", "Ada", "Lovelace", LocalDate.of(1950, 12, 10), "NR1 3SR", null, null))
        .setConsent(true)
        .setReferrer(new Referrer("D82044", null))
        .setCommissioner("QMM")
        .setNeeds(List.of(NeedCode.LONELINESS))
        .build();
  }

  private static ServiceListed service(String id, int places) {
    return ServiceListed.newBuilder()
        .setMetadata(Events.metadata("test", null, null))
        .setServiceId(id).setProviderId("prov-" + id).setProviderName(id).setServiceName(id)
        .setNeeds(List.of(NeedCode.LONELINESS)).setCommissioners(List.of("QMM"))
        .setCapacity(places).setStatus(ServiceStatus.ACTIVE)
        .build();
  }

  private static Function<String, Load> of(Map<String, Load> load) {
    return id -> load.getOrDefault(id, Load.NONE);
  }

  /** {@code change} more accepted places at the service. */
  private static void accepted(Map<String, Load> load, String serviceId, int change) {
    Load now = load.getOrDefault(serviceId, Load.NONE);
    load.put(serviceId, new Load(now.openOffers(), now.accepted() + change));
  }
}
