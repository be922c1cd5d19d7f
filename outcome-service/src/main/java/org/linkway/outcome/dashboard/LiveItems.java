package org.linkway.outcome.dashboard;

import java.util.stream.Collectors;
import org.linkway.outcome.ledger.api.LedgerController.LedgerEntry;
import org.linkway.outcome.outcomes.OutcomeStreamController.ChangeView;
import org.linkway.outcome.outcomes.OutcomeStreamController.OutcomeView;
import org.springframework.web.util.HtmlUtils;

/**
 * The items of the dashboard's live list, as HTML: a ledger entry or an outcome, each one line,
 * every value escaped. Served down the page's event stream and used for the outcomes shown on
 * opening the page. No person's details: a commissioner's streams carry none.
 */
final class LiveItems {

  private LiveItems() {}

  static String ledger(LedgerEntry e) {
    return "<li class=\"live-item\" data-kind=\"ledger\" data-referral=\"" + htmlEscape(e.referralId()) + "\">"
        + "<span class=\"tag " + Words.entryTag(e.type()) + "\">" + htmlEscape(Words.entry(e.type(), e.milestone())) + "</span> "
        + "<strong>" + htmlEscape(Words.money(e.amount())) + "</strong> for referral " + htmlEscape(Words.referral(e.referralId()))
        + " with " + htmlEscape(e.providerId()) + " (contract " + htmlEscape(e.contractId()) + ")"
        + (e.reason() == null ? "" : ": " + htmlEscape(e.reason()))
        + " <span class=\"hint\">" + htmlEscape(Words.when(e.occurredAt())) + "</span></li>";
  }

  static String outcome(OutcomeView o) {
    String ended = "COMPLETED".equals(o.completion()) ? "completed" : "left early";
    String changes = o.changes().isEmpty() ? " No wellbeing measures were recorded."
        : " " + o.changes().stream().map(LiveItems::change).collect(Collectors.joining(" "));
    return "<li class=\"live-item\" data-kind=\"outcome\" data-referral=\"" + htmlEscape(o.referralId()) + "\">"
        + "<span class=\"tag completed\">Outcome</span> Referral " + htmlEscape(Words.referral(o.referralId()))
        + " with " + htmlEscape(o.providerId()) + ": " + ended + " after " + o.sessionsAttended()
        + (o.sessionsAttended() == 1 ? " session." : " sessions.") + htmlEscape(changes)
        + " <span class=\"hint\">" + htmlEscape(Words.when(o.occurredAt())) + "</span></li>";
  }

  /** e.g. "SWEMWBS wellbeing (metric score): 17.43 to 21.54, better by 4.11 (meaningful)." */
  private static String change(ChangeView c) {
    int direction = c.improvement().signum();
    String moved = direction > 0 ? "better by " + c.improvement().toPlainString()
        : direction < 0 ? "worse by " + c.improvement().negate().toPlainString() : "no change";
    return Words.measure(c.instrument(), c.score()) + ": " + c.baseline().toPlainString() + " to "
        + c.followUp().toPlainString() + ", " + moved + (c.meaningful() ? " (meaningful)." : ".");
  }

  /** Only what HTML needs escaped (&lt; &gt; &amp; &quot; &#39;): the page is UTF-8, so £ stays £. */
  private static String htmlEscape(String text) {
    return HtmlUtils.htmlEscape(text == null ? "" : text, "UTF-8");
  }
}
