package org.linkway.outcome.budgets;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.linkway.events.BudgetAgreed;
import org.linkway.outcome.OutcomeServiceApplication;
import org.linkway.outcome.budgets.BudgetQueries.BudgetView;
import org.linkway.platform.domain.Funding;
import org.linkway.platform.domain.SocialPrescribing;
import org.linkway.platform.kafka.EventPublisher;
import org.linkway.platform.kafka.Events;
import org.linkway.platform.kafka.Topics;
import org.linkway.platform.web.ProblemException;
import org.linkway.platform.web.ProblemException.FieldProblem;
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

  record BudgetRequestBody(BigDecimal amount, String currency) {}

  private final EventPublisher publisher;
  private final BudgetQueries budgets;

  BudgetController(EventPublisher publisher, BudgetQueries budgets) {
    this.publisher = publisher;
    this.budgets = budgets;
  }

  @PutMapping("/commissioners/{code}/budgets/{financialYear}")
  Mono<BudgetView> set(@PathVariable String code, @PathVariable String financialYear, @RequestBody BudgetRequestBody body) {
    List<FieldProblem> problems = new ArrayList<>();
    if (!SocialPrescribing.isIcbCode(code)) problems.add(new FieldProblem("code", "is not an ICB ODS code (e.g. QMM)"));
    BudgetQueries.year(financialYear, "financialYear", problems);
    if (body.amount() == null) problems.add(new FieldProblem("amount", "is required: the budget in pounds, e.g. 250000.00"));
    else if (body.amount().signum() < 0) problems.add(new FieldProblem("amount", "must not be negative"));
    else if (body.amount().stripTrailingZeros().scale() > 2) problems.add(new FieldProblem("amount", "has more than 2 decimal places (pence)"));
    else if (body.amount().compareTo(MAX_BUDGET) > 0) problems.add(new FieldProblem("amount", "is more than " + MAX_BUDGET));
    if (body.currency() != null && !body.currency().equals("GBP")) problems.add(new FieldProblem("currency", "must be GBP"));
    if (!problems.isEmpty()) return Mono.error(new ProblemException.Invalid(problems));
    BudgetAgreed budget = new BudgetAgreed(Events.metadata(OutcomeServiceApplication.NAME, null, null), code, financialYear,
        body.amount().setScale(2), "GBP");
    return publisher.publish(Topics.COMMISSIONER_BUDGETS, Funding.budgetKey(code, financialYear), budget)
        .then(Mono.fromSupplier(() -> budgets.view(code, financialYear, budget)));
  }

  /** The budget of one financial year, by default the current one. */
  @GetMapping("/commissioners/{code}/budget")
  public BudgetView budget(@PathVariable String code, @RequestParam(name = "year", required = false) String financialYear) {
    return budgets.budget(code, financialYear);
  }

  /** Every financial year with a budget or with money committed, latest first. */
  @GetMapping("/commissioners/{code}/budgets")
  List<BudgetView> budgets(@PathVariable String code) {
    return budgets.budgets(code);
  }
}
