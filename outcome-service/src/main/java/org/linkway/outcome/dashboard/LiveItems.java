package org.linkway.outcome.dashboard;

import java.util.Map;
import java.util.stream.Collectors;
import org.linkway.outcome.ledger.api.LedgerQueries.LedgerEntry;
import org.linkway.outcome.outcomes.OutcomeQueries.ChangeView;
import org.linkway.outcome.outcomes.OutcomeQueries.OutcomeView;
import org.linkway.platform.pages.Templates;
import org.springframework.stereotype.Component;

/**
 * The items of the dashboard's live list: a ledger entry or an outcome, each one line, rendered from
 * {@value #TEMPLATE} (so every value is escaped as on every page). Served down the page's event stream;
 * the outcomes shown on opening the page are the same fragment. No person's details: a commissioner's
 * streams carry none.
 */
@Component
class LiveItems {

  static final String TEMPLATE = "dashboard/live";

  /**
   * A ledger entry in words: {@code tag}, the class (linkway.css) of its type; {@code referral}, its id shortened.
   * {@code at}: when it happened, in milliseconds, so that the page can tell whether its parts have caught up
   * with it; {@code budgetYear}: the financial year whose budget's use it moves, or none (a commitment moved it
   * when its place was reserved: BudgetRules).
   */
  record LedgerItem(String referralId, String tag, String entry, String amount, String referral, String providerId,
      String contractId, String reason, String when, long at, String budgetYear) {}

  /**
   * An outcome in words: {@code ended}, how; {@code changes}, each measure's change, or that none was recorded;
   * {@code at}, as a ledger entry's.
   */
  record OutcomeItem(String referralId, String referral, String providerId, String ended, int sessions, String changes,
      String when, long at) {}

  private final Templates templates;

  LiveItems(Templates templates) {
    this.templates = templates;
  }

  String ledger(LedgerEntry e) {
    return templates.fragment(TEMPLATE, "ledger", Map.of("entry", item(e)));
  }

  String outcome(OutcomeView o) {
    return templates.fragment(TEMPLATE, "outcome", Map.of("outcome", item(o)));
  }

  static LedgerItem item(LedgerEntry e) {
    return new LedgerItem(e.referralId(), Words.entryTag(e.type()), Words.entry(e.type(), e.milestone()),
        Words.money(e.amount()), Words.referral(e.referralId()), e.providerId(), e.contractId(), e.reason(),
        Words.when(e.occurredAt()), e.occurredAt().toEpochMilli(), "COMMITTED".equals(e.type()) ? null : e.financialYear());
  }

  static OutcomeItem item(OutcomeView o) {
    String ended = "COMPLETED".equals(o.completion()) ? "completed" : "left early";
    String changes = o.changes().isEmpty() ? " No wellbeing measures were recorded."
        : " " + o.changes().stream().map(LiveItems::change).collect(Collectors.joining(" "));
    return new OutcomeItem(o.referralId(), Words.referral(o.referralId()), o.providerId(), ended, o.sessionsAttended(),
        changes, Words.when(o.occurredAt()), o.occurredAt().toEpochMilli());
  }

  /** e.g. "SWEMWBS wellbeing (metric score): 17.43 to 21.54, better by 4.11 (meaningful)." */
  private static String change(ChangeView c) {
    int direction = c.improvement().signum();
    String moved = direction > 0 ? "better by " + c.improvement().toPlainString()
        : direction < 0 ? "worse by " + c.improvement().negate().toPlainString() : "no change";
    return Words.measure(c.instrument(), c.score()) + ": " + c.baseline().toPlainString() + " to "
        + c.followUp().toPlainString() + ", " + moved + (c.meaningful() ? " (meaningful)." : ".");
  }
}
