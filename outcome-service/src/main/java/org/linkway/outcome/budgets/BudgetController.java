package org.linkway.outcome.budgets;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.linkway.events.BudgetAgreed;
import org.linkway.events.BudgetUse;
import org.linkway.outcome.OutcomeServiceApplication;
import org.linkway.platform.domain.SocialPrescribing;
import org.linkway.platform.kafka.EventPublisher;
import org.linkway.platform.kafka.Events;
import org.linkway.platform.domain.Funding;
import org.linkway.platform.web.ProblemException;
import org.linkway.platform.web.ProblemException.FieldProblem;
import org.linkway.platform.streams.StoreQueries;
import org.linkway.platform.streams.TableView;
import org.linkway.platform.kafka.Topics;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * A commissioner's budget per financial year: set it, and see how much is committed to accepted
 * referrals, still reserved, due to providers, released, and free.
 */
@RestController
public class BudgetController {

  private static final BigDecimal MAX_BUDGET = new BigDecimal("1000000000.00");
  /** Budgets are kept for the financial years 2000-01 to 2098-99: anything outside is a mistake, not a budget. */
  private static final int FIRST_YEAR = 2000;
  private static final int LAST_YEAR = 2098;

  record BudgetRequestBody(BigDecimal amount, String currency) {}

  /**
   * @param budget null when no budget is set for the year: acceptances are then not limited
   * @param committed reserved at acceptance, in total
   * @param reserved still held for referrals under way: committed − due − released
   * @param free what further acceptances can reserve: budget − reserved − due; null without a budget
   */
  public record BudgetView(String commissioner, String financialYear, String currency, BigDecimal budget,
      BigDecimal committed, BigDecimal reserved, BigDecimal due, BigDecimal released, BigDecimal free, Instant updatedAt) {}

  private final EventPublisher publisher;
  private final TableView<BudgetAgreed> budgets;
  private final StoreQueries stores;

  BudgetController(EventPublisher publisher, TableView<BudgetAgreed> budgets, StoreQueries stores) {
    this.publisher = publisher;
    this.budgets = budgets;
    this.stores = stores;
  }

  @PutMapping("/commissioners/{code}/budgets/{financialYear}")
  Mono<BudgetView> set(@PathVariable String code, @PathVariable String financialYear, @RequestBody BudgetRequestBody body) {
    List<FieldProblem> problems = new ArrayList<>();
    if (!SocialPrescribing.isIcbCode(code)) problems.add(new FieldProblem("code", "is not an ICB ODS code (e.g. QMM)"));
    year(financialYear, "financialYear", problems);
    if (body.amount() == null) problems.add(new FieldProblem("amount", "is required: the budget in pounds, e.g. 250000.00"));
    else if (body.amount().signum() < 0) problems.add(new FieldProblem("amount", "must not be negative"));
    else if (body.amount().stripTrailingZeros().scale() > 2) problems.add(new FieldProblem("amount", "has more than 2 decimal places (pence)"));
    else if (body.amount().compareTo(MAX_BUDGET) > 0) problems.add(new FieldProblem("amount", "is more than " + MAX_BUDGET));
    if (body.currency() != null && !body.currency().equals("GBP")) problems.add(new FieldProblem("currency", "must be GBP"));
    if (!problems.isEmpty()) return Mono.error(new ProblemException.Invalid(problems));
    BudgetAgreed budget = new BudgetAgreed(Events.metadata(OutcomeServiceApplication.NAME, null, null), code, financialYear,
        body.amount().setScale(2), "GBP");
    return publisher.publish(Topics.COMMISSIONER_BUDGETS, Funding.budgetKey(code, financialYear), budget)
        .then(Mono.fromSupplier(() -> view(code, financialYear, budget)));
  }

  /** The budget of one financial year, by default the current one. */
  @GetMapping("/commissioners/{code}/budget")
  public BudgetView budget(@PathVariable String code, @RequestParam(name = "year", required = false) String financialYear) {
    String year = financialYear == null ? Funding.financialYear(Instant.now()) : financialYear;
    List<FieldProblem> problems = new ArrayList<>();
    year(year, "year", problems);
    if (!problems.isEmpty()) throw new ProblemException.Invalid(problems);
    return view(code, year, budgets.get(Funding.budgetKey(code, year)).orElse(null));
  }

  /** Every financial year with a budget or with money committed, latest first. */
  @GetMapping("/commissioners/{code}/budgets")
  List<BudgetView> budgets(@PathVariable String code) {
    List<String> years = new ArrayList<>();
    budgets.values().stream().filter(b -> b.getCommissioner().equals(code)).forEach(b -> years.add(b.getFinancialYear()));
    stores.<BudgetUse>all(BudgetProcessor.STORE, u -> u.getCommissioner().equals(code)).forEach(u -> years.add(u.getFinancialYear()));
    return years.stream().distinct().sorted(Comparator.reverseOrder())
        .map(year -> view(code, year, budgets.get(Funding.budgetKey(code, year)).orElse(null))).toList();
  }

  private BudgetView view(String code, String year, BudgetAgreed budget) {
    Optional<BudgetUse> found = stores.get(BudgetProcessor.STORE, Funding.budgetKey(code, year));
    BudgetUse use = found.orElseGet(() -> BudgetRules.none(code, year, Instant.EPOCH));
    return new BudgetView(code, year, "GBP", budget == null ? null : budget.getAmount(), use.getCommitted(),
        Funding.reserved(use), use.getDue(), use.getReleased(), Funding.free(budget, use).orElse(null),
        found.map(BudgetUse::getUpdatedAt).orElse(null));
  }

  private static void year(String year, String field, List<FieldProblem> problems) {
    var dates = Funding.financialYearDates(year);
    if (dates.isEmpty()) {
      problems.add(new FieldProblem(field, "is not a financial year: write it as 2026-27 (1 April 2026 to 31 March 2027)"));
    } else if (dates.get()[0].getYear() < FIRST_YEAR || dates.get()[0].getYear() > LAST_YEAR) {
      problems.add(new FieldProblem(field, "must be a financial year from 2000-01 to 2098-99"));
    }
  }
}
