package org.linkway.outcome.budgets;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.linkway.events.BudgetAgreed;
import org.linkway.events.BudgetUse;
import org.linkway.platform.domain.Funding;
import org.linkway.platform.streams.ReferenceTable;
import org.linkway.platform.web.ProblemException;
import org.linkway.platform.web.ProblemException.FieldProblem;
import org.springframework.stereotype.Component;

/**
 * A commissioner's budgets as they stand: what the API answers ({@link BudgetController}) and the
 * dashboard shows. Reads only the budgets' table and the budget use the processor publishes
 * ({@code budget-use}), both held by every instance: any instance answers, the same.
 */
@Component
public class BudgetQueries {

  /** Budgets are kept for the financial years 2000-01 to 2098-99: anything outside is a mistake, not a budget. */
  private static final int FIRST_YEAR = 2000;
  private static final int LAST_YEAR = 2098;

  /**
   * @param budget null when no budget is set for the year: acceptances are then not limited
   * @param committed reserved at acceptance, in total
   * @param reserved still held for referrals under way: committed − due − released
   * @param free what further acceptances can reserve: budget − reserved − due; null without a budget
   */
  public record BudgetView(String commissioner, String financialYear, String currency, BigDecimal budget,
      BigDecimal committed, BigDecimal reserved, BigDecimal due, BigDecimal released, BigDecimal free, Instant updatedAt) {}

  private final ReferenceTable<BudgetAgreed> budgets;
  private final ReferenceTable<BudgetUse> use;

  BudgetQueries(ReferenceTable<BudgetAgreed> budgets, ReferenceTable<BudgetUse> use) {
    this.budgets = budgets;
    this.use = use;
  }

  /** The budget of one financial year, by default the current one; 400 naming {@code year} if it is not one. */
  public BudgetView budget(String code, String financialYear) {
    String year = financialYear == null ? Funding.financialYear(Instant.now()) : financialYear;
    List<FieldProblem> problems = new ArrayList<>();
    year(year, "year", problems);
    if (!problems.isEmpty()) throw new ProblemException.Invalid(problems);
    return view(code, year, budgets.get(Funding.budgetKey(code, year)).orElse(null));
  }

  /** Every financial year with a budget or with money committed, latest first. */
  public List<BudgetView> budgets(String code) {
    List<String> years = new ArrayList<>();
    // keyed "{commissioner}|{year}": the commissioner's own rows alone are read
    String prefix = Funding.budgetKey(code, "");
    budgets.withPrefix(prefix).forEach(b -> years.add(b.getFinancialYear()));
    use.withPrefix(prefix).forEach(u -> years.add(u.getFinancialYear()));
    return years.stream().distinct().sorted(Comparator.reverseOrder())
        .map(year -> view(code, year, budgets.get(Funding.budgetKey(code, year)).orElse(null))).toList();
  }

  /** The year's budget ({@code budget}, null if none is set) with its use so far. */
  BudgetView view(String code, String year, BudgetAgreed budget) {
    Optional<BudgetUse> found = use.get(Funding.budgetKey(code, year));
    BudgetUse used = found.orElseGet(() -> BudgetRules.none(code, year, Instant.EPOCH));
    return new BudgetView(code, year, "GBP", budget == null ? null : budget.getAmount(), used.getCommitted(),
        Funding.reserved(used), used.getDue(), used.getReleased(), Funding.free(budget, used).orElse(null),
        found.map(BudgetUse::getUpdatedAt).orElse(null));
  }

  static void year(String year, String field, List<FieldProblem> problems) {
    var dates = Funding.financialYearDates(year);
    if (dates.isEmpty()) {
      problems.add(new FieldProblem(field, "is not a financial year: write it as 2026-27 (1 April 2026 to 31 March 2027)"));
    } else if (dates.get()[0].getYear() < FIRST_YEAR || dates.get()[0].getYear() > LAST_YEAR) {
      problems.add(new FieldProblem(field, "must be a financial year from 2000-01 to 2098-99"));
    }
  }
}
