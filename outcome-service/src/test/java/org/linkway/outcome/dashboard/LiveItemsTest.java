package org.linkway.outcome.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.linkway.outcome.ledger.api.LedgerQueries.LedgerEntry;
import org.linkway.outcome.outcomes.OutcomeQueries.ChangeView;
import org.linkway.outcome.outcomes.OutcomeQueries.OutcomeView;
import org.linkway.platform.pages.TestTemplates;

/** The dashboard's live list items: plain words, every value escaped, and the stream's resumable position. */
class LiveItemsTest {

  static final Instant AT = Instant.parse("2026-05-03T13:05:00Z");

  private final LiveItems items = new LiveItems(TestTemplates.onClassPath());

  @Test
  void givenALedgerEntry_whenRendered_thenItSaysWhatWasCommittedAndEscapesEveryValue() {
    String html = items.ledger(new LedgerEntry(UUID.randomUUID(), "0b8c1d2e-0000-4000-8000-000000000001",
        "<script>alert(1)</script>", "svc", "c&1", "COMMITTED", null, new BigDecimal("1300.00"), "GBP", AT, null, null));

    assertThat(html).startsWith("<li class=\"live-item\" data-kind=\"ledger\" data-referral=\"0b8c1d2e-0000-4000-8000-000000000001\""
        + " data-at=\"" + AT.toEpochMilli() + "\">")
        .contains("<span class=\"tag committed\">Committed</span> <strong>£1,300.00</strong> for referral 0b8c1d2e")
        .contains("&lt;script&gt;alert(1)&lt;/script&gt;", "contract c&amp;1", "3 May 2026 14:05")
        .doesNotContain("<script>");
  }

  @Test
  void givenAPaymentDueAndARelease_whenRendered_thenTheirMilestoneAndReasonAreSaid() {
    assertThat(items.ledger(new LedgerEntry(UUID.randomUUID(), "r-1", "p", "s", "c", "PAYMENT_DUE", "OUTCOME",
        new BigDecimal("100.00"), "GBP", AT, null, "2026-27")))
        .contains("data-at=\"" + AT.toEpochMilli() + "\" data-budget-year=\"2026-27\"")
        .contains("<span class=\"tag paid\">Due to provider: outcome</span>");
    assertThat(items.ledger(new LedgerEntry(UUID.randomUUID(), "r-1", "p", "s", "c", "RELEASED", null,
        new BigDecimal("23.32"), "GBP", AT, "referral ended: DROPPED_OUT", "2026-27")))
        .contains("<span class=\"tag released\">Released</span>", ": referral ended: DROPPED_OUT");
  }

  @Test
  void givenAnOutcome_whenRendered_thenEachMeasuresChangeIsSaidWithoutThePerson() {
    OutcomeView outcome = new OutcomeView(UUID.randomUUID(), AT, "r-2", "QMM", "p-secret", "walkers", "walks",
        List.of("LONELINESS"), "COMPLETED", 1, List.of(), List.of(
            new ChangeView("SWEMWBS", "metric", new BigDecimal("16.36"), new BigDecimal("21.54"), new BigDecimal("5.18"), true),
            new ChangeView("UCLA3", "total", new BigDecimal("7"), new BigDecimal("8"), new BigDecimal("-1"), false)));

    assertThat(items.outcome(outcome))
        .contains("Referral r-2 with walkers: completed after 1 session.")
        .contains("SWEMWBS wellbeing (metric score): 16.36 to 21.54, better by 5.18 (meaningful).")
        .contains("UCLA-3 loneliness (a fall is better): 7 to 8, worse by 1.")
        .doesNotContain("p-secret");
  }

  @Test
  void givenTheStreamsPosition_whenWrittenAsAnEventIdAndReadBack_thenItIsTheSame() {
    DashboardPage.Cursor both = new DashboardPage.Cursor("a", "b");
    assertThat(DashboardPage.Cursor.parse(both.toString())).contains(both);
    assertThat(DashboardPage.Cursor.parse(new DashboardPage.Cursor("a", null).toString())).contains(new DashboardPage.Cursor("a", null));
    assertThat(DashboardPage.Cursor.parse(null)).isEmpty();
    assertThat(DashboardPage.Cursor.parse("not-a-cursor")).isEmpty();
    DashboardPage.Cursor positioned = new DashboardPage.Cursor("3f2b6a3e-1b1c-4d2e-9a7f-0c1d2e3f4a5b~0.41_1.-1_2.17",
        "0c1d2e3f-1b1c-4d2e-9a7f-3f2b6a3e4a5b~0.-1_1.-1_2.3");
    assertThat(DashboardPage.Cursor.parse(positioned.toString())).as("ids that carry the streams' positions")
        .contains(positioned);
  }
}
