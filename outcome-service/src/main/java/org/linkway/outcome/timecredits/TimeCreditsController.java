package org.linkway.outcome.timecredits;

import java.math.BigDecimal;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.linkway.events.TimeCreditsEarned;
import org.linkway.platform.streams.StoreQueries;
import org.linkway.platform.web.ProblemException;
import org.linkway.platform.web.ProblemException.FieldProblem;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Time Credits: an hour a person gives back (volunteering, co-production) earns one credit in
 * their pseudonymous wallet, spendable across the partner network. Commissioners see totals by
 * provider and month; a wallet is looked up by the pseudonymous person id only.
 */
@RestController
class TimeCreditsController {

  record Wallet(String personId, BigDecimal credits, List<Entry> earned) {}

  record Entry(String providerId, String givenOn, BigDecimal credits, String activity) {}

  /** The months answered when none are asked for: the 12 to this one. */
  static final int DEFAULT_MONTHS = 12;
  /** The most months one request may ask for. */
  static final int MOST_MONTHS = 36;
  private static final ZoneId UK = ZoneId.of("Europe/London");

  private final StoreQueries stores;

  TimeCreditsController(StoreQueries stores) {
    this.stores = stores;
  }

  /**
   * Hours and credits given, and the people who gave them, by provider and month: the months from {@code from} to
   * {@code to} (YYYY-MM, at most {@value #MOST_MONTHS} of them; by default the 12 months to this one, UK time), each
   * read from the commissioner's running totals ({@link TimeCreditTotals}), never its whole history.
   */
  @GetMapping("/commissioners/{code}/time-credits")
  List<TimeCreditTotals.ProviderMonth> byProviderAndMonth(@PathVariable String code,
      @RequestParam(required = false) String from, @RequestParam(required = false) String to) {
    List<FieldProblem> problems = new ArrayList<>();
    YearMonth last = month("to", to, YearMonth.now(UK), problems);
    YearMonth first = month("from", from, last.minusMonths(DEFAULT_MONTHS - 1), problems);
    if (problems.isEmpty() && first.isAfter(last)) problems.add(new FieldProblem("from", "is after to"));
    if (problems.isEmpty() && first.plusMonths(MOST_MONTHS).isBefore(last.plusMonths(1))) {
      problems.add(new FieldProblem("from", "is more than " + MOST_MONTHS + " months before to"));
    }
    if (!problems.isEmpty()) throw new ProblemException.Invalid(problems);
    return TimeCreditTotals.of(stores, code, first, last);
  }

  private static YearMonth month(String field, String value, YearMonth otherwise, List<FieldProblem> problems) {
    if (value == null) return otherwise;
    try {
      return YearMonth.parse(value.strip());
    } catch (DateTimeParseException e) {
      problems.add(new FieldProblem(field, "is not a month (YYYY-MM)"));
      return otherwise;
    }
  }

  @GetMapping("/time-credits/wallets/{personId}")
  Wallet wallet(@PathVariable String personId) {
    List<TimeCreditsEarned> mine = Wallets.of(stores, personId).stream()
        .flatMap(r -> r.getEarned().stream())
        .sorted(Comparator.comparing(TimeCreditsEarned::getGivenOn)).toList();
    return new Wallet(personId, sum(mine, TimeCreditsEarned::getCredits), mine.stream()
        .map(t -> new Entry(t.getProviderId(), t.getGivenOn().toString(), t.getCredits(), t.getActivity())).toList());
  }

  private static BigDecimal sum(List<TimeCreditsEarned> entries, java.util.function.Function<TimeCreditsEarned, BigDecimal> amount) {
    return entries.stream().map(amount).reduce(BigDecimal.ZERO.setScale(2), BigDecimal::add);
  }
}
