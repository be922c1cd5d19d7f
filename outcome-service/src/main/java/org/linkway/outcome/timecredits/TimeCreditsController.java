package org.linkway.outcome.timecredits;

import java.math.BigDecimal;
import java.time.YearMonth;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.linkway.events.TimeCreditsEarned;
import org.linkway.outcome.ledger.stream.CommissionerFunding;
import org.linkway.platform.streams.StoreQueries;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * Time Credits: an hour a person gives back (volunteering, co-production) earns one credit in
 * their pseudonymous wallet, spendable across the partner network. Commissioners see totals by
 * provider and month; a wallet is looked up by the pseudonymous person id only.
 */
@RestController
class TimeCreditsController {

  record ProviderMonth(String providerId, YearMonth month, BigDecimal hours, BigDecimal credits, long people) {}

  record Wallet(String personId, BigDecimal credits, List<Entry> earned) {}

  record Entry(String providerId, String givenOn, BigDecimal credits, String activity) {}

  private final StoreQueries stores;

  TimeCreditsController(StoreQueries stores) {
    this.stores = stores;
  }

  @GetMapping("/commissioners/{code}/time-credits")
  List<ProviderMonth> byProviderAndMonth(@PathVariable String code) {
    List<TimeCreditsEarned> all = earned(code);
    Map<String, Map<YearMonth, List<TimeCreditsEarned>>> grouped = all.stream().collect(Collectors.groupingBy(
        TimeCreditsEarned::getProviderId, TreeMap::new,
        Collectors.groupingBy(t -> YearMonth.from(t.getGivenOn()), TreeMap::new, Collectors.toList())));
    return grouped.entrySet().stream().flatMap(byProvider -> byProvider.getValue().entrySet().stream()
        .map(byMonth -> new ProviderMonth(byProvider.getKey(), byMonth.getKey(),
            sum(byMonth.getValue(), TimeCreditsEarned::getHours), sum(byMonth.getValue(), TimeCreditsEarned::getCredits),
            byMonth.getValue().stream().map(TimeCreditsEarned::getPersonId).distinct().count())))
        .toList();
  }

  @GetMapping("/time-credits/wallets/{personId}")
  Wallet wallet(@PathVariable String personId) {
    List<TimeCreditsEarned> mine = Wallets.of(stores, personId).stream()
        .flatMap(r -> r.getEarned().stream())
        .sorted(Comparator.comparing(TimeCreditsEarned::getGivenOn)).toList();
    return new Wallet(personId, sum(mine, TimeCreditsEarned::getCredits), mine.stream()
        .map(t -> new Entry(t.getProviderId(), t.getGivenOn().toString(), t.getCredits(), t.getActivity())).toList());
  }

  private List<TimeCreditsEarned> earned(String commissioner) {
    return CommissionerFunding.of(stores, commissioner).stream()
        .flatMap(s -> s.getTimeCredits().stream()).toList();
  }

  private static BigDecimal sum(List<TimeCreditsEarned> entries, java.util.function.Function<TimeCreditsEarned, BigDecimal> amount) {
    return entries.stream().map(amount).reduce(BigDecimal.ZERO.setScale(2), BigDecimal::add);
  }
}
