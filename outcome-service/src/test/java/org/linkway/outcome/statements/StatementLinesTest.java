package org.linkway.outcome.statements;

import static org.assertj.core.api.Assertions.assertThat;
import static org.linkway.outcome.statements.Ledgers.referral;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkway.events.EventMetadata;
import org.linkway.events.FundingCommitted;
import org.linkway.events.FundingReleased;
import org.linkway.events.LedgerEvent;
import org.linkway.events.Milestone;
import org.linkway.events.PaymentDue;
import org.linkway.state.FundingState;
import org.linkway.state.ReferralStatus;

/**
 * A statement read from the lines and totals kept beside the commissioner's funding view is always exactly what
 * {@link Statement#of} gives over the commissioner's funding states: the same items in the same order, the same
 * totals to the penny, for every month, every provider and none. On Kafka Streams' test driver.
 */
class StatementLinesTest {

  private static final List<String> COMMISSIONERS = List.of("QMM", "QXW");
  /** Ids that sort differently by their characters than with a separator after them, and one with the separator. */
  private static final List<String> PROVIDERS = List.of("p1", "p1x", "p1-a", "p10", "a|b", "100%");
  /** Around the month ends and the clock changes of 2026 (BST from 29 March 01:00 UTC to 25 October 01:00 UTC). */
  private static final List<String> TIMES = List.of("2026-02-28T23:59:59.999Z", "2026-03-01T00:00:00Z",
      "2026-03-29T00:30:00Z", "2026-03-29T01:30:00Z", "2026-03-31T22:59:59.999Z", "2026-03-31T23:00:00Z",
      "2026-03-31T23:30:00Z", "2026-04-15T10:00:00Z", "2026-04-30T22:59:59.999Z", "2026-04-30T23:00:00Z",
      "2026-09-30T23:30:00Z", "2026-10-25T00:30:00Z", "2026-10-25T01:30:00Z", "2026-10-31T23:30:00Z",
      "2026-11-01T00:00:00Z");
  private static final List<YearMonth> MONTHS = List.of(YearMonth.of(2026, 2), YearMonth.of(2026, 3),
      YearMonth.of(2026, 4), YearMonth.of(2026, 5), YearMonth.of(2026, 9), YearMonth.of(2026, 10), YearMonth.of(2026, 11));

  @TempDir
  Path stateDir;

  @Test
  void givenThousandsOfRandomChangesOfTwoCommissionersLedgers_whenStatementsAreRead_thenAlwaysWhatStatementOfGives() {
    Random random = new Random(20261206L);
    try (StatementViews views = new StatementViews(stateDir)) {
      List<UUID> referrals = new ArrayList<>();
      for (int i = 0; i < 60; i++) referrals.add(UUID.randomUUID());
      Map<UUID, FundingState> latest = new HashMap<>();
      int statements = 0;
      for (int step = 1; step <= 1_500; step++) {
        UUID referral = referrals.get(random.nextInt(referrals.size()));
        String commissioner = COMMISSIONERS.get(referrals.indexOf(referral) % 2);
        FundingState before = latest.get(referral);
        // mostly a ledger that grows, as FundingRules writes it; sometimes another ledger altogether
        FundingState state = before == null || random.nextInt(5) == 0 ? randomState(random, referral, commissioner, List.of())
            : randomState(random, referral, commissioner, before.getLedger());
        views.send(state);
        latest.put(referral, state);
        if (step % 300 == 0) {
          for (String c : COMMISSIONERS) {
            for (YearMonth month : MONTHS) {
              List<String> asked = new ArrayList<>(PROVIDERS);
              asked.add(null);
              asked.add("nobody");
              for (String provider : asked) {
                Statement expected = Statement.of(c, month, provider, latest.values());
                assertThat(StatementLines.statement(views.scan(), c, month, provider))
                    .as("%s %s %s after %d changes", c, month, provider, step).isEqualTo(expected);
                statements++;
              }
              assertPagesMakeTheStatement(views, c, month, 1 + random.nextInt(7));
              String provider = random.nextInt(3) == 0 ? PROVIDERS.get(random.nextInt(PROVIDERS.size())) : null;
              assertCsvByPagesIsTheWholeMonths(views, latest.values(), c, month, provider, 1 + random.nextInt(7));
            }
            assertThat(StatementLines.latestMonths(views.scan(), c, YearMonth.of(2026, 12), 4))
                .isEqualTo(latestMonths(c, latest.values(), YearMonth.of(2026, 12), 4));
          }
        }
      }
      assertThat(statements).isEqualTo(5 * 2 * MONTHS.size() * (PROVIDERS.size() + 2));
    }
  }

  @Test
  void givenPaymentsDueEitherSideOfMidnightInBritishSummerTime_whenStatedByMonth_thenEachIsInItsUkMonth() {
    List<FundingState> states = List.of(
        referral("11111111-1111-1111-1111-111111111111").at("2026-03-29T00:30:00Z").committed("300.00")
            .due(Milestone.ENGAGEMENT, "10.00") // 00:30 GMT, 29 March: March
            .at("2026-03-31T23:30:00Z").due(Milestone.COMPLETION, "20.00") // 00:30 BST, 1 April: April
            .at("2026-04-30T23:00:00Z").due(Milestone.OUTCOME, "30.00").build(), // 00:00 BST, 1 May: May
        referral("22222222-2222-2222-2222-222222222222").provider("p2", "svc-2", "qmm-p2-2026")
            .at("2026-10-31T23:30:00Z").committed("100.00").due(Milestone.ENGAGEMENT, "40.00") // GMT again: October
            .at("2026-04-30T22:59:59.999Z").due(Milestone.COMPLETION, "50.00").build()); // 23:59:59.999 BST: April
    try (StatementViews views = StatementViews.of(stateDir, states)) {
      assertThat(items(StatementLines.statement(views.scan(), "QMM", YearMonth.of(2026, 3), null))).containsExactly("p1 2026-03-29 ENGAGEMENT 10.00");
      assertThat(items(StatementLines.statement(views.scan(), "QMM", YearMonth.of(2026, 4), null)))
          .containsExactly("p1 2026-04-01 COMPLETION 20.00", "p2 2026-04-30 COMPLETION 50.00");
      assertThat(items(StatementLines.statement(views.scan(), "QMM", YearMonth.of(2026, 5), null))).containsExactly("p1 2026-05-01 OUTCOME 30.00");
      assertThat(items(StatementLines.statement(views.scan(), "QMM", YearMonth.of(2026, 10), null))).containsExactly("p2 2026-10-31 ENGAGEMENT 40.00");
      assertThat(items(StatementLines.statement(views.scan(), "QMM", YearMonth.of(2026, 4), "p2"))).containsExactly("p2 2026-04-30 COMPLETION 50.00");
      for (YearMonth month : MONTHS) {
        for (String provider : java.util.Arrays.asList(null, "p1", "p2", "p3")) {
          assertThat(StatementLines.statement(views.scan(), "QMM", month, provider)).isEqualTo(Statement.of("QMM", month, provider, states));
        }
      }
      assertThat(StatementLines.latestMonths(views.scan(), "QMM", YearMonth.of(2026, 12), 12)).extracting(m -> m.month() + " " + m.total() + " " + m.providers())
          .containsExactly("2026-12 0.00 0", "2026-10 40.00 1", "2026-05 30.00 1", "2026-04 70.00 2", "2026-03 10.00 1");
    }
  }

  @Test
  void givenAMonthOfManyItems_whenReadAPageAtATime_thenThePagesFollowOnWithTheWholeMonthsTotals() {
    Ledgers one = referral("11111111-1111-1111-1111-111111111111").at("2026-04-01T09:00:00Z").committed("500.00");
    Ledgers two = referral("22222222-2222-2222-2222-222222222222").provider("p2", "svc-2", "qmm-p2-2026")
        .at("2026-04-01T09:00:00Z").committed("500.00");
    for (int day = 1; day <= 9; day++) {
      one.at("2026-04-0" + day + "T10:00:00Z").due(Milestone.ENGAGEMENT, "1.0" + day);
      two.at("2026-04-0" + day + "T10:00:00Z").due(Milestone.COMPLETION, "2.0" + day);
    }
    List<FundingState> states = List.of(one.build(), two.build());
    try (StatementViews views = StatementViews.of(stateDir, states)) {
      Statement whole = Statement.of("QMM", YearMonth.of(2026, 4), null, states);
      StatementLines.Page first = StatementLines.page(views.scan(), "QMM", YearMonth.of(2026, 4), null, null, 7);
      assertThat(first.statement().providers()).extracting(p -> p.providerId() + " " + p.items().size() + " " + p.total())
          .containsExactly("p1 7 9.45");
      assertThat(first.statement().total()).isEqualByComparingTo(whole.total());
      assertThat(first.next()).matches(StatementLines.CURSOR);
      StatementLines.Page second = StatementLines.page(views.scan(), "QMM", YearMonth.of(2026, 4), null, first.next(), 7);
      assertThat(second.statement().providers()).extracting(p -> p.providerId() + " " + p.items().size() + " " + p.total())
          .containsExactly("p1 2 9.45", "p2 5 18.45");
      StatementLines.Page third = StatementLines.page(views.scan(), "QMM", YearMonth.of(2026, 4), null, second.next(), 7);
      assertThat(third.statement().providers()).extracting(p -> p.providerId() + " " + p.items().size())
          .containsExactly("p2 4");
      assertThat(third.next()).isNull();
      assertPagesMakeTheStatement(views, "QMM", YearMonth.of(2026, 4), 9);
    }
  }

  @Test
  void givenMonthsOfRandomSizes_whenTheirCsvIsWrittenAPageAtATime_thenItIsTheWholeMonthsCsvOnePageAChunk() {
    Random random = new Random(20261207L);
    for (int month = 0; month < 25; month++) {
      // up to three providers, each with 0 to 12 items, so that pages end inside a provider's items and at their end
      List<FundingState> states = new ArrayList<>();
      int items = 0;
      for (int p = 0; p < 3; p++) {
        int count = random.nextInt(13);
        if (count == 0) continue;
        Ledgers ledger = referral(UUID.randomUUID().toString()).provider(PROVIDERS.get(p), "svc-" + p, "c-" + p)
            .at("2026-04-01T09:00:00Z").committed("900.00");
        for (int i = 0; i < count; i++) {
          ledger.at(Instant.parse("2026-04-02T00:00:00Z").plusSeconds(random.nextInt(3) * 3_600L).toString())
              .due(Milestone.values()[random.nextInt(3)], BigDecimal.valueOf(1 + random.nextInt(9_999), 2).toPlainString());
        }
        states.add(ledger.build());
        items += count;
      }
      try (StatementViews views = StatementViews.of(stateDir.resolve("m" + month), states)) {
        for (int limit : List.of(1, 2, 3, 5, 12, 13, 500)) {
          int chunks = assertCsvByPagesIsTheWholeMonths(views, states, "QMM", YearMonth.of(2026, 4), null, limit);
          assertThat(chunks).as("%d items by pages of %d", items, limit).isEqualTo(Math.max(1, (items + limit - 1) / limit));
          assertCsvByPagesIsTheWholeMonths(views, states, "QMM", YearMonth.of(2026, 4), PROVIDERS.get(1), limit);
          assertCsvByPagesIsTheWholeMonths(views, states, "QMM", YearMonth.of(2026, 4), "nobody", limit);
        }
      }
    }
  }

  @Test
  void givenAViewThatHeldStatesBeforeItsLines_whenTheTaskStarts_thenTheLinesAndTotalsAreFilledFromThemOnce() {
    List<FundingState> states = List.of(
        referral("11111111-1111-1111-1111-111111111111").at("2026-04-02T09:00:00Z").committed("300.00")
            .due(Milestone.ENGAGEMENT, "10.00").at("2026-05-02T09:00:00Z").due(Milestone.COMPLETION, "20.00").build(),
        referral("22222222-2222-2222-2222-222222222222").provider("p2", "svc-2", "qmm-p2-2026")
            .at("2026-04-03T09:00:00Z").committed("100.00").due(Milestone.ENGAGEMENT, "40.00").build());
    try (StatementViews views = new StatementViews(stateDir)) {
      org.apache.kafka.streams.state.KeyValueStore<String, FundingState> view =
          views.driver.getKeyValueStore(org.linkway.outcome.ledger.stream.CommissionerFunding.STORE);
      states.forEach(s -> view.put(s.getCommissioner() + "|" + s.getReferralId(), s));
      assertThat(items(StatementLines.statement(views.scan(), "QMM", YearMonth.of(2026, 4), null))).isEmpty();

      views.driver.advanceWallClockTime(java.time.Duration.ofSeconds(1));
      for (YearMonth month : List.of(YearMonth.of(2026, 4), YearMonth.of(2026, 5))) {
        assertThat(StatementLines.statement(views.scan(), "QMM", month, null)).isEqualTo(Statement.of("QMM", month, null, states));
      }
      // a change after the fill counts once; another second fills nothing again
      FundingState more = referral("22222222-2222-2222-2222-222222222222").provider("p2", "svc-2", "qmm-p2-2026")
          .at("2026-04-03T09:00:00Z").committed("100.00").due(Milestone.ENGAGEMENT, "40.00")
          .at("2026-04-20T09:00:00Z").due(Milestone.COMPLETION, "60.00").build();
      views.send(more);
      views.driver.advanceWallClockTime(java.time.Duration.ofSeconds(1));
      List<FundingState> now = List.of(states.get(0), more);
      assertThat(StatementLines.statement(views.scan(), "QMM", YearMonth.of(2026, 4), null))
          .isEqualTo(Statement.of("QMM", YearMonth.of(2026, 4), null, now));
      assertThat(StatementLines.latestMonths(views.scan(), "QMM", YearMonth.of(2026, 5), 12))
          .extracting(m -> m.month() + " " + m.total() + " " + m.providers()).containsExactly("2026-05 20.00 1", "2026-04 110.00 2");
    }
  }

  /** The items of every page of {@code limit}, one after another, are the statement's, and the last has no next. */
  private static void assertPagesMakeTheStatement(StatementViews views, String commissioner, YearMonth month, int limit) {
    List<String> paged = new ArrayList<>();
    String after = null;
    int pages = 0;
    do {
      StatementLines.Page page = StatementLines.page(views.scan(), commissioner, month, null, after, limit);
      List<String> items = items(page.statement());
      assertThat(items.size()).isLessThanOrEqualTo(limit);
      if (page.next() != null) assertThat(items).hasSize(limit);
      paged.addAll(items);
      after = page.next();
      pages++;
    } while (after != null && pages < 10_000);
    assertThat(paged).as("%s %s by pages of %d", commissioner, month, limit)
        .isEqualTo(items(StatementLines.statement(views.scan(), commissioner, month, null)));
  }

  /**
   * The CSV written a page of {@code limit} at a time ({@link StatementCsv#byPages}) is byte for byte the whole month's
   * CSV ({@link Statement#of}), and each chunk holds at most a page of items; returns how many chunks it took.
   */
  private static int assertCsvByPagesIsTheWholeMonths(StatementViews views, java.util.Collection<FundingState> states,
      String commissioner, YearMonth month, String provider, int limit) {
    StringBuilder written = new StringBuilder();
    int chunks = 0;
    for (var it = StatementCsv.byPages(after -> StatementLines.page(views.scan(), commissioner, month, provider, after, limit));
        it.hasNext(); chunks++) {
      String chunk = it.next();
      long rows = chunk.lines().filter(row -> !row.contains(",TOTAL,") && !row.contains(",GRAND TOTAL,")
          && !row.startsWith("providerId,")).count();
      assertThat(rows).isLessThanOrEqualTo(limit);
      written.append(chunk);
    }
    assertThat(written.toString()).as("%s %s %s by pages of %d", commissioner, month, provider, limit)
        .isEqualTo(Statement.of(commissioner, month, provider, states).toCsv());
    return chunks;
  }

  private static List<String> items(Statement s) {
    return s.providers().stream().flatMap(p -> p.items().stream()
        .map(i -> p.providerId() + " " + i.date() + " " + i.milestone() + " " + i.amount()
            + (i.referralId().startsWith("1111") || i.referralId().startsWith("2222") ? "" : " " + i.referralId()))).toList();
  }

  /** The months the dashboard offered statements of when it read every state: those with payments due and now's. */
  private static List<StatementLines.MonthTotal> latestMonths(String commissioner, java.util.Collection<FundingState> states,
      YearMonth now, int count) {
    TreeSet<YearMonth> months = new TreeSet<>(Comparator.reverseOrder());
    months.add(now);
    states.stream().filter(s -> s.getCommissioner().equals(commissioner)).flatMap(s -> s.getLedger().stream())
        .filter(e -> e.getPayload() instanceof PaymentDue).forEach(e -> months.add(StatementLines.month(e.getMetadata().getOccurredAt())));
    return months.stream().limit(count).map(month -> {
      Statement s = Statement.of(commissioner, month, null, states);
      return new StatementLines.MonthTotal(month, s.total(), s.providers().size());
    }).toList();
  }

  /** A state whose ledger is {@code before}'s with up to three entries more, at times that often tie. */
  private static FundingState randomState(Random random, UUID referral, String commissioner, List<LedgerEvent> before) {
    List<LedgerEvent> ledger = new ArrayList<>(before);
    for (int i = random.nextInt(4); i > 0; i--) {
      BigDecimal amount = BigDecimal.valueOf(random.nextInt(20_000), 2);
      String provider = PROVIDERS.get(random.nextInt(PROVIDERS.size()));
      String service = random.nextBoolean() ? "svc;1" : "svc,2 \"x\"";
      String contract = "c-" + provider;
      Object payload = switch (random.nextInt(4)) {
        case 0 -> new FundingCommitted(commissioner, contract, provider, service, amount, "GBP", null);
        case 1 -> new FundingReleased(commissioner, contract, provider, service, amount, "GBP", null, "ended");
        default -> new PaymentDue(commissioner, contract, provider, service,
            Milestone.values()[random.nextInt(3)], amount, "GBP", null);
      };
      EventMetadata meta = EventMetadata.newBuilder().setEventId(UUID.randomUUID())
          .setOccurredAt(Instant.parse(TIMES.get(random.nextInt(TIMES.size()))))
          .setReferralId(referral).setCorrelationId(referral.toString()).setProducer("outcome-service").build();
      ledger.add(new LedgerEvent(meta, payload));
    }
    return FundingState.newBuilder().setReferralId(referral).setCommissioner(commissioner)
        .setStatus(ReferralStatus.values()[random.nextInt(ReferralStatus.values().length)])
        .setLedger(ledger).setOutcomes(new ArrayList<>()).setAppliedEventIds(new ArrayList<>()).build();
  }
}
