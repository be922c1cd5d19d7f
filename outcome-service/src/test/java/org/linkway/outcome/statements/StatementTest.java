package org.linkway.outcome.statements;

import static org.assertj.core.api.Assertions.assertThat;
import static org.linkway.outcome.statements.Ledgers.money;
import static org.linkway.outcome.statements.Ledgers.referral;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.linkway.events.LedgerEvent;
import org.linkway.events.Milestone;
import org.linkway.events.PaymentDue;
import org.linkway.state.FundingState;
import org.linkway.state.ReferralStatus;

class StatementTest {

  private static final YearMonth APRIL = YearMonth.of(2026, 4);
  private static final String R1 = "11111111-1111-1111-1111-111111111111";
  private static final String R2 = "22222222-2222-2222-2222-222222222222";
  private static final String R3 = "33333333-3333-3333-3333-333333333333";

  /** Two providers, entries in March, April and May, and another commissioner's referral. */
  private static List<FundingState> ledger() {
    return List.of(
        referral(R1).status(ReferralStatus.COMPLETED)
            .at("2026-04-02T09:00:00Z").committed("200.00").due(Milestone.ENGAGEMENT, "50.00")
            .at("2026-04-20T16:45:00Z").due(Milestone.COMPLETION, "150.00").build(),
        referral(R2).status(ReferralStatus.CANCELLED).provider("p2", "svc-9", "qmm-p2-2026")
            .at("2026-03-10T12:00:00Z").committed("120.00").due(Milestone.ENGAGEMENT, "20.00")
            .at("2026-04-05T08:00:00Z").released("100.00").build(),
        referral(R3).provider("p2", "svc-8", "qmm-p2-2026")
            .at("2026-04-11T10:30:00Z").committed("75.50").due(Milestone.ENGAGEMENT, "25.25")
            .at("2026-05-01T10:00:00Z").due(Milestone.COMPLETION, "50.25").build(),
        referral().commissioner("QHM").at("2026-04-03T10:00:00Z").committed("999.00")
            .due(Milestone.ENGAGEMENT, "999.00").build());
  }

  @Test
  void givenPaymentsDueInApril_whenTheAprilStatementIsBuilt_thenEachIsItemisedUnderItsProviderWithExactTotals() {
    Statement s = Statement.of("QMM", APRIL, null, ledger());

    assertThat(s.commissioner()).isEqualTo("QMM");
    assertThat(s.month()).isEqualTo("2026-04");
    assertThat(s.timeZone()).isEqualTo("Europe/London");
    assertThat(s.from()).isEqualTo(LocalDate.of(2026, 4, 1));
    assertThat(s.to()).isEqualTo(LocalDate.of(2026, 4, 30));
    assertThat(s.providerId()).isNull();
    assertThat(s.currency()).isEqualTo("GBP");
    assertThat(s.providers()).extracting(Statement.ProviderStatement::providerId).containsExactly("p1", "p2");
    assertThat(s.providers().get(0).items()).containsExactly(
        new Statement.Item(LocalDate.of(2026, 4, 2), R1, "svc-1", "qmm-p1-2026", "ENGAGEMENT", money("50.00")),
        new Statement.Item(LocalDate.of(2026, 4, 20), R1, "svc-1", "qmm-p1-2026", "COMPLETION", money("150.00")));
    assertThat(s.providers().get(0).total()).isEqualTo(money("200.00"));
    // R2's engagement fee was due in March and its release is not a payment; R3's completion is May's
    assertThat(s.providers().get(1).items()).containsExactly(
        new Statement.Item(LocalDate.of(2026, 4, 11), R3, "svc-8", "qmm-p2-2026", "ENGAGEMENT", money("25.25")));
    assertThat(s.providers().get(1).total()).isEqualTo(money("25.25"));
    assertThat(s.total()).isEqualTo(money("225.25"));
  }

  @Test
  void givenOneProviderNamed_whenTheStatementIsBuilt_thenOnlyItsPaymentsAreStated() {
    Statement s = Statement.of("QMM", YearMonth.of(2026, 3), "p2", ledger());

    assertThat(s.providerId()).isEqualTo("p2");
    assertThat(s.providers()).singleElement().satisfies(p -> {
      assertThat(p.providerId()).isEqualTo("p2");
      assertThat(p.items()).extracting(Statement.Item::referralId, Statement.Item::milestone, Statement.Item::amount)
          .containsExactly(org.assertj.core.groups.Tuple.tuple(R2, "ENGAGEMENT", money("20.00")));
      assertThat(p.total()).isEqualTo(money("20.00"));
    });
    assertThat(s.total()).isEqualTo(money("20.00"));
  }

  @Test
  void givenAnUnknownProvider_whenItsStatementIsBuilt_thenItIsEmptyWithTotalZero() {
    Statement s = Statement.of("QMM", APRIL, "nobody", ledger());

    assertThat(s.providers()).singleElement().satisfies(p -> {
      assertThat(p.providerId()).isEqualTo("nobody");
      assertThat(p.items()).isEmpty();
      assertThat(p.total()).isEqualTo(money("0.00"));
    });
    assertThat(s.total()).isEqualTo(money("0.00"));
    assertThat(s.total().toPlainString()).isEqualTo("0.00");
  }

  @Test
  void givenAMonthWithNothingDue_whenTheStatementIsBuilt_thenItHasNoProvidersAndTotalZero() {
    Statement s = Statement.of("QMM", YearMonth.of(2025, 12), null, ledger());

    assertThat(s.providers()).isEmpty();
    assertThat(s.total()).isEqualTo(money("0.00"));
  }

  @Test
  void givenABlankProviderId_whenTheStatementIsBuilt_thenEveryProviderIsStated() {
    Statement s = Statement.of("QMM", APRIL, " ", ledger());

    assertThat(s.providerId()).isNull();
    assertThat(s.providers()).hasSize(2);
  }

  @Test
  void givenAnotherCommissionersPayments_whenTheStatementIsBuilt_thenTheyAreNotStated() {
    Statement s = Statement.of("QHM", APRIL, null, ledger());

    assertThat(s.providers()).singleElement().satisfies(p -> assertThat(p.total()).isEqualTo(money("999.00")));
    assertThat(Statement.of("QMM", APRIL, null, ledger()).total()).isEqualTo(money("225.25"));
  }

  @Test
  void givenThreeThirdsAndAPenny_whenStated_thenTheTotalIsExactlyOneHundredPounds() {
    List<FundingState> thirds = List.of(
        referral().at("2026-04-01T10:00:00Z").due(Milestone.ENGAGEMENT, "33.33").build(),
        referral().at("2026-04-02T10:00:00Z").due(Milestone.ENGAGEMENT, "33.33").build(),
        referral().at("2026-04-03T10:00:00Z").due(Milestone.ENGAGEMENT, "33.33").build(),
        referral().at("2026-04-04T10:00:00Z").due(Milestone.OUTCOME, "0.01").build());

    Statement s = Statement.of("QMM", APRIL, null, thirds);

    assertThat(s.providers().get(0).total()).isEqualTo(money("100.00"));
    assertThat(s.total()).isEqualTo(money("100.00"));
    assertThat(s.total().toPlainString()).isEqualTo("100.00");
  }

  /** The boundaries of a month in UK time: BST began on 29 March 2026 and ended on 25 October 2026. */
  @ParameterizedTest(name = "{0} is due on {1}")
  @CsvSource({
      "2026-03-31T23:30:00Z, 2026-04-01",  // 00:30 BST on 1 April
      "2026-03-31T23:00:00Z, 2026-04-01",  // midnight BST
      "2026-03-31T22:59:59Z, 2026-03-31",  // 23:59:59 BST
      "2026-04-30T23:30:00Z, 2026-05-01",  // 00:30 BST on 1 May: not April's
      "2026-04-30T22:59:59.999Z, 2026-04-30",
      "2026-10-31T23:30:00Z, 2026-10-31",  // GMT again: still October
      "2026-11-01T00:00:00Z, 2026-11-01",
      "2026-01-31T23:59:59Z, 2026-01-31",  // GMT
      "2026-02-28T23:59:59.999Z, 2026-02-28",
      "2026-03-01T00:00:00Z, 2026-03-01",
  })
  void givenAPaymentDueNearTheEndOfAMonth_whenStated_thenItFallsInItsUkMonthOnly(String instant, LocalDate ukDate) {
    FundingState s = referral(R1).at(instant).committed("200.00").due(Milestone.ENGAGEMENT, "50.00").build();
    YearMonth month = YearMonth.from(ukDate);

    Statement in = Statement.of("QMM", month, null, List.of(s));
    Statement before = Statement.of("QMM", month.minusMonths(1), null, List.of(s));
    Statement after = Statement.of("QMM", month.plusMonths(1), null, List.of(s));

    assertThat(in.providers()).singleElement().satisfies(p -> assertThat(p.items()).singleElement()
        .satisfies(i -> assertThat(i.date()).isEqualTo(ukDate)));
    assertThat(in.total()).isEqualTo(money("50.00"));
    assertThat(before.providers()).isEmpty();
    assertThat(after.providers()).isEmpty();
  }

  @Test
  void givenPaymentsDueInAnyOrder_whenStated_thenItemsAreInTheOrderTheyFellDue() {
    FundingState late = referral(R1).at("2026-04-28T10:00:00Z").due(Milestone.COMPLETION, "1.00")
        .at("2026-04-01T10:00:00Z").due(Milestone.ENGAGEMENT, "2.00").build();
    FundingState middle = referral(R2).at("2026-04-15T10:00:00Z").due(Milestone.ENGAGEMENT, "3.00").build();

    Statement s = Statement.of("QMM", APRIL, null, List.of(late, middle));

    assertThat(s.providers().get(0).items()).extracting(Statement.Item::date).containsExactly(
        LocalDate.of(2026, 4, 1), LocalDate.of(2026, 4, 15), LocalDate.of(2026, 4, 28));
  }

  /**
   * Many referrals across providers and months, summed independently in whole pence (long) from
   * the raw ledger: each provider's total, the grand total and the item count match to the penny.
   */
  @Test
  void givenAThousandRandomReferrals_whenStated_thenTheTotalsMatchAnIndependentSumOfTheLedgerToThePenny() {
    Random random = new Random(20260401);
    String[] providers = {"p1", "p2", "p3", "p4"};
    Milestone[] milestones = {Milestone.ENGAGEMENT, Milestone.COMPLETION, Milestone.OUTCOME};
    Instant start = Instant.parse("2026-02-20T00:00:00Z");
    List<FundingState> states = new ArrayList<>();
    for (int n = 0; n < 1000; n++) {
      String provider = providers[random.nextInt(providers.length)];
      Ledgers r = referral().commissioner(random.nextInt(10) == 0 ? "QHM" : "QMM")
          .provider(provider, "svc-" + random.nextInt(3), "c-" + provider);
      r.at(start.plusSeconds(random.nextInt(70 * 24 * 3600)).toString()).committed(pence(random.nextInt(100_000)));
      for (Milestone m : milestones) {
        if (random.nextBoolean()) {
          r.at(start.plusSeconds(random.nextInt(70 * 24 * 3600)).toString()).due(m, pence(1 + random.nextInt(50_000)));
        }
      }
      if (random.nextBoolean()) r.released(pence(random.nextInt(10_000)));
      states.add(r.build());
    }

    // independently: whole pence per provider, of PaymentDue entries whose London date is in April
    Map<String, Long> expected = new TreeMap<>();
    long expectedItems = 0;
    for (FundingState s : states) {
      if (!"QMM".equals(s.getCommissioner())) continue;
      for (LedgerEvent e : s.getLedger()) {
        if (e.getPayload() instanceof PaymentDue due
            && YearMonth.from(e.getMetadata().getOccurredAt().atZone(ZoneId.of("Europe/London"))).equals(APRIL)) {
          expected.merge(due.getProviderId(), due.getAmount().movePointRight(2).longValueExact(), Long::sum);
          expectedItems++;
        }
      }
    }

    Statement statement = Statement.of("QMM", APRIL, null, states);

    Map<String, Long> actual = new TreeMap<>();
    long items = 0;
    for (Statement.ProviderStatement p : statement.providers()) {
      actual.put(p.providerId(), p.total().movePointRight(2).longValueExact());
      assertThat(p.total().scale()).isEqualTo(2);
      assertThat(p.items().stream().map(Statement.Item::amount).reduce(BigDecimal.ZERO, BigDecimal::add))
          .isEqualByComparingTo(p.total());
      items += p.items().size();
    }
    assertThat(expectedItems).isGreaterThan(100);
    assertThat(actual).isEqualTo(expected);
    assertThat(items).isEqualTo(expectedItems);
    assertThat(statement.total().movePointRight(2).longValueExact())
        .isEqualTo(expected.values().stream().mapToLong(Long::longValue).sum());
    assertThat(statement.total().scale()).isEqualTo(2);
  }

  private static String pence(int pence) {
    return BigDecimal.valueOf(pence, 2).toPlainString();
  }
}
