package org.linkway.outcome.dashboard;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.linkway.outcome.analytics.Breakdown;
import org.linkway.outcome.analytics.BreakdownCells;
import org.linkway.outcome.analytics.Grouping;
import org.linkway.outcome.analytics.CommissionerTotals;
import org.linkway.outcome.analytics.StatusByMonth;
import org.linkway.outcome.budgets.BudgetQueries;
import org.linkway.outcome.budgets.BudgetQueries.BudgetView;
import org.linkway.outcome.contracts.ContractQueries;
import org.linkway.outcome.contracts.ContractQueries.ContractView;
import org.linkway.outcome.ledger.api.LedgerQueries;
import org.linkway.outcome.ledger.api.LedgerQueries.LedgerEntry;
import org.linkway.outcome.outcomes.OutcomeQueries;
import org.linkway.outcome.outcomes.OutcomeQueries.OutcomeView;
import org.linkway.outcome.statements.Reconciliation;
import org.linkway.outcome.statements.ReconciliationJob;
import org.linkway.outcome.statements.ReconciliationRun;
import org.linkway.outcome.statements.StatementQueries;
import org.linkway.platform.pages.PageController;
import org.linkway.platform.pages.Templates;
import org.linkway.platform.security.Caller;
import org.linkway.platform.security.LiveStreams;
import org.linkway.platform.streams.Position;
import org.linkway.platform.streams.StoreQueries;
import org.linkway.platform.web.EventStreams;
import org.linkway.platform.web.ProblemException;
import org.linkway.platform.web.ResumableStream;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.util.UriComponentsBuilder;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The commissioning dashboard, for an ICB's analyst: the budget, the contracts, charts of the
 * referrals, their outcomes and their cost, the ledger with its monthly statements, the open data
 * and what happens live. Only the signed-in commissioner's own figures: the code is the caller's,
 * never a parameter. Every figure comes from the same application services as the API's (budgets,
 * contracts, ledger, statements, outcomes) and the same breakdown, so page and API agree. Each is read by key or
 * by a bounded range, never the commissioner's referrals one by one: the budget by key; the contracts by the
 * commissioner's index of the contracts' table; the latest ledger entries and outcomes, the first page of each list
 * (when the budget's year and the parts were last moved too); how many entries the ledger has, the referrals by month
 * and the breakdown by provider, from cells kept as the referrals change; the statements' months from their totals;
 * the checks, the reconciliation job's last result.
 *
 * <ul>
 *   <li>{@code GET /app/dashboard}: the page.</li>
 *   <li>{@code GET /app/dashboard/budget}, {@code /money}, {@code /charts}: its parts, which the page
 *       fetches again (htmx) when its event stream says the ledger or an outcome changed.</li>
 *   <li>{@code GET /app/dashboard/statements/{YYYY-MM}.csv}: a monthly statement, as the API's CSV.</li>
 *   <li>{@code GET /app/dashboard/stream}: new ledger entries ({@code ledger}) and outcomes
 *       ({@code outcome}) as HTML list items; each event's id holds where both streams are, so a
 *       reconnecting browser (Last-Event-ID) misses nothing and gets nothing twice. The page's own URL of it
 *       carries where each feed's reader was when the page was made ({@link #streamUrl}), so connecting reads
 *       the feeds from there (a capped replay), not the lists.</li>
 * </ul>
 */
@PageController
class DashboardPage {

  static final String PATH = "/app/dashboard";
  static final String VIEW = "dashboard/commissioning";
  static final int RECENT_ENTRIES = 20;
  static final int RECENT_OUTCOMES = 5;
  /** Statements offered: the months with payments due, up to this many, latest first. */
  static final int STATEMENT_MONTHS = 12;
  /** Referrals by month and stage: the latest months with referrals, up to this many (and those not yet dated). */
  static final int CHART_MONTHS = 24;
  record LedgerRow(String id, String when, String referral, String providerId, String entry, String tag, String amount) {}

  record StatementRow(String month, String label, String total, int providers, String csv) {}

  /**
   * The ledger's checks as the reconciliation job last left them: whether they {@code ran} yet, when ({@code ranAt},
   * in words) and over how many referrals.
   */
  record Checks(boolean ran, boolean clean, int checked, List<String> broken, List<String> notChecked, String ranAt,
      int referrals) {}

  record StatusRow(String month, List<Long> counts, long total) {}

  /** Money as text and, for the chart, as a plain number (null when there is none). */
  record ProviderRow(String providerId, long accepted, BigDecimal medianDays, long completed,
      BigDecimal costPerCompletion, String costPerCompletionText, long improved, BigDecimal costPerImprovement,
      String costPerImprovementText) {}

  record MeasureRow(String measure, long referrals, BigDecimal meanImprovement, long meaningful, BigDecimal meaningfulPercent) {}

  record ContractRow(String contractId, String providerId, String services, String runs, String pays, String most) {}

  /** The model of the page around its parts: whose it is, the contracts, the outcomes already reported, its stream. */
  record Dashboard(String code, List<ContractRow> contracts, List<LiveItems.OutcomeItem> recentOutcomes, String streamUrl) {}

  /**
   * The model of the budget part: the figures in words, when its use last changed and the latest ledger entry
   * it should reflect (milliseconds, 0 for none), and how much of the bar is used.
   */
  record Budget(BudgetView budget, String budgetTotal, String budgetUsed, String budgetFree, String budgetReserved,
      String budgetDue, String budgetReleased, String budgetUpdated, long budgetUpdatedAt, long budgetLedgerAt,
      BigDecimal budgetUsedPercent) {}

  /** The model of the money part: the latest ledger entries of {@code entryCount}, its checks, the statements. */
  record Money(int entryCount, List<LedgerRow> entries, Checks checks, List<StatementRow> statements, long moneyShownAt) {}

  /** The model of the charts part: each chart's rows. */
  record Charts(List<String> stages, List<StatusRow> statusRows, List<ProviderRow> providerRows, List<MeasureRow> measureRows,
      long chartsShownAt) {}

  private final BudgetQueries budgets;
  private final ContractQueries contracts;
  private final LedgerQueries ledger;
  private final StatementQueries statements;
  private final OutcomeQueries outcomes;
  private final LiveStreams liveStreams;
  private final LiveItems liveItems;
  private final StoreQueries stores;
  private final ReconciliationJob reconciliations;

  DashboardPage(BudgetQueries budgets, ContractQueries contracts, LedgerQueries ledger, StatementQueries statements,
      OutcomeQueries outcomes, LiveStreams liveStreams, LiveItems liveItems, StoreQueries stores,
      ReconciliationJob reconciliations) {
    this.budgets = budgets;
    this.contracts = contracts;
    this.ledger = ledger;
    this.statements = statements;
    this.outcomes = outcomes;
    this.liveStreams = liveStreams;
    this.liveItems = liveItems;
    this.stores = stores;
    this.reconciliations = reconciliations;
  }

  @GetMapping(PATH)
  Mono<String> page(Model model) {
    return Caller.current().map(caller -> {
      String code = caller.organisation();
      // where each feed's reader is, taken before the lists are read: the stream goes on from there (see streamUrl)
      Optional<Position> ledgerFrom = ledger.feedPosition();
      Optional<Position> outcomeFrom = outcomes.feedPosition();
      // the latest entries and outcomes shown: the first page of each list
      List<LedgerEntry> latest = latestEntries(code);
      List<OutcomeView> recent = outcomes.newest(code, RECENT_OUTCOMES).stream().map(OutcomeQueries::view).toList();
      Dashboard dashboard = new Dashboard(code, contracts.contracts(code).stream().map(DashboardPage::contract).toList(),
          recent.stream().map(LiveItems::item).toList(),
          streamUrl(first(latest).map(e -> e.entryId().toString()), ledgerFrom,
              first(recent).map(o -> o.eventId().toString()), outcomeFrom));
      return Templates.page(model, VIEW, dashboard, budget(code, latest), money(code, latest),
          charts(code, latest, recent));
    });
  }

  /**
   * The page's stream, from where each feed's reader was before the lists shown were read: each id the newest item's
   * shown (or none) with that position ({@link ResumableStream#idAt}), so that connecting reads the feeds from there,
   * at most {@link org.linkway.platform.streams.ResumableFeed#REPLAY_AT_MOST} records, never the commissioner's
   * lists. A feed whose reader has no position yet (not started) is followed from the newest item's id alone, which
   * reads the first page of its list. The lists follow the feeds' topics a transaction later, so an item the reader
   * had passed but its list did not yet hold when the page read it is neither shown nor sent; the parts show it when
   * they are next fetched. The position is taken before the lists are read so that this window is as short as the
   * lists' lag; an item written in between is both shown and sent.
   */
  static String streamUrl(Optional<String> newestEntry, Optional<Position> ledgerFrom, Optional<String> newestOutcome,
      Optional<Position> outcomeFrom) {
    return UriComponentsBuilder.fromPath(PATH + "/stream")
        .queryParamIfPresent("ledgerAfter", resumeId(newestEntry, ledgerFrom))
        .queryParamIfPresent("outcomeAfter", resumeId(newestOutcome, outcomeFrom))
        .build().toUriString();
  }

  private static Optional<String> resumeId(Optional<String> newest, Optional<Position> from) {
    return from.map(p -> ResumableStream.idAt(newest.orElse(""), p)).or(() -> newest);
  }

  /** A part of the page, rendered again with the figures as they are now. */
  @GetMapping(PATH + "/{part:budget|money|charts}")
  Mono<String> part(@PathVariable String part, Model model) {
    return Caller.current().map(caller -> {
      String code = caller.organisation();
      List<LedgerEntry> latest = latestEntries(code);
      return Templates.page(model, VIEW + " :: " + part, switch (part) {
        case "budget" -> budget(code, latest);
        case "money" -> money(code, latest);
        default -> charts(code, latest,
            outcomes.newest(code, 1).stream().map(OutcomeQueries::view).toList());
      });
    });
  }

  /** The API's statement CSV, here signed in by the page's cookie. */
  @GetMapping(PATH + "/statements/{month}.csv")
  Mono<Void> statementCsv(@PathVariable String month, ServerHttpResponse response) {
    return Caller.current().flatMap(caller -> statements.writeCsv(caller.organisation(), null, month, response));
  }

  @GetMapping(path = PATH + "/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  @ResponseBody
  Flux<ServerSentEvent<String>> stream(@RequestParam(required = false) String ledgerAfter,
      @RequestParam(required = false) String outcomeAfter,
      @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId) {
    Cursor from = Cursor.parse(lastEventId).orElse(new Cursor(ledgerAfter, outcomeAfter));
    return Caller.current().flatMapMany(caller -> {
      String code = caller.organisation();
      AtomicReference<Cursor> at = new AtomicReference<>(from);
      Flux<ServerSentEvent<String>> items = Flux.merge(
          ledger.events(code, from.ledger()).filter(e -> e.data() != null).map(e -> {
            Cursor now = at.updateAndGet(c -> new Cursor(e.id(), c.outcome()));
            return item("ledger", now, liveItems.ledger(e.data()));
          }),
          outcomes.events(code, from.outcome()).filter(e -> e.data() != null).map(e -> {
            Cursor now = at.updateAndGet(c -> new Cursor(c.ledger(), e.id()));
            return item("outcome", now, liveItems.outcome(e.data()));
          }));
      return liveStreams.ofCaller(EventStreams.withKeepAlive(items));
    });
  }

  /**
   * Where the page's stream has got to in each feed: the id of the last ledger entry and of the last outcome sent
   * (each {@code {eventId}~{position}}, or an event id alone), joined by a character neither contains.
   */
  record Cursor(String ledger, String outcome) {
    private static final String SEPARATOR = "|";

    static java.util.Optional<Cursor> parse(String id) {
      if (id == null || !id.contains(SEPARATOR)) return java.util.Optional.empty();
      String[] parts = id.split(java.util.regex.Pattern.quote(SEPARATOR), -1);
      return java.util.Optional.of(new Cursor(blankToNull(parts[0]), blankToNull(parts[1])));
    }

    @Override
    public String toString() {
      return Objects.toString(ledger, "") + SEPARATOR + Objects.toString(outcome, "");
    }

    private static String blankToNull(String s) {
      return s == null || s.isBlank() ? null : s;
    }
  }

  private static ServerSentEvent<String> item(String event, Cursor cursor, String html) {
    return ServerSentEvent.builder(html).event(event).id(cursor.toString()).build();
  }

  /**
   * The budget part. Its figures come from the budget's use, which follows the ledger a moment later
   * (budget-use reads the ledger's topic): the part says when its use was last changed ({@code budgetUpdatedAt})
   * and the latest ledger entry of its year it knows of ({@code budgetLedgerAt}), and the page fetches it
   * again while the first is behind the second or an entry its live list has shown since
   * (commissioning-dashboard.js). The money and charts parts say the same of themselves. The budget is read by key;
   * the latest entry of its year is looked for among the {@code latest} entries (the newest
   * {@value #RECENT_ENTRIES}, newest first: the first page of the ledger's list), payments due and releases alone
   * moving a year's use ({@code BudgetRules.financialYear}).
   */
  private Budget budget(String code, List<LedgerEntry> latest) {
    BudgetView b = budgets.budget(code, null);
    BigDecimal used = b.committed().subtract(b.released());
    long ledgerAt = latest.stream()
        .filter(e -> !"COMMITTED".equals(e.type()) && b.financialYear().equals(e.financialYear()))
        .mapToLong(e -> e.occurredAt().toEpochMilli()).max().orElse(0);
    return new Budget(b, Words.money(b.budget()), Words.money(used), Words.money(b.free()), Words.money(b.reserved()),
        Words.money(b.due()), Words.money(b.released()), b.updatedAt() == null ? null : Words.when(b.updatedAt()),
        b.updatedAt() == null ? 0 : b.updatedAt().toEpochMilli(), ledgerAt,
        b.budget() == null || b.budget().signum() == 0 ? null
            : used.multiply(BigDecimal.valueOf(100)).divide(b.budget(), 0, RoundingMode.HALF_UP).min(BigDecimal.valueOf(100)));
  }

  /** The commissioner's latest {@value #RECENT_ENTRIES} ledger entries, newest first: the first page of its list. */
  private List<LedgerEntry> latestEntries(String code) {
    return ledger.newest(code, RECENT_ENTRIES).stream().map(LedgerQueries::entry).toList();
  }

  /**
   * The {@code latest} ledger entries (newest first: the first page of its list) and how many entries the ledger has
   * (a cell kept as it changes: {@link BreakdownCells#ledgerEntries}), its checks as the reconciliation last ran (read
   * by key), and the monthly statements' rows, read from their totals by month.
   */
  private Money money(String code, List<LedgerEntry> latestEntries) {
    List<LedgerRow> latest = latestEntries.stream().map(e -> new LedgerRow(
        e.entryId().toString(), Words.when(e.occurredAt()), Words.referral(e.referralId()), e.providerId(),
        Words.entry(e.type(), e.milestone()), Words.entryTag(e.type()), Words.money(e.amount()))).toList();
    Checks checks = checks(code);
    // this month and the latest with payments due, from the statements' totals by month (a few cells each)
    List<StatementRow> months = statements.latestMonths(code, STATEMENT_MONTHS).stream()
        .map(m -> new StatementRow(m.month().toString(), Words.month(m.month().toString()), Words.money(m.total()),
            m.providers(), PATH + "/statements/" + m.month() + ".csv")).toList();
    return new Money(Math.toIntExact(BreakdownCells.ledgerEntries(stores, code)), latest, checks, months,
        first(latestEntries).map(e -> e.occurredAt().toEpochMilli()).orElse(0L));
  }

  /** The checks of the reconciliation's last run, read by key; not run yet before the job's first run here. */
  private Checks checks(String code) {
    ReconciliationRun r;
    try {
      r = reconciliations.last(code);
    } catch (ProblemException.Unavailable notYet) {
      return new Checks(false, false, 0, List.of(), List.of(), null, 0);
    }
    return new Checks(true, r.clean(), r.invariants().size(),
        r.invariants().stream().filter(i -> !i.holds()).map(Reconciliation.Invariant::rule).toList(),
        r.notChecked().stream().map(Reconciliation.NotChecked::reason).toList(), Words.when(r.ranAt()),
        r.totals().referralsChecked());
  }

  /**
   * The charts: referrals by month and stage and the breakdown by provider, each read from the cells kept as the
   * referrals change ({@link CommissionerTotals}, {@link BreakdownCells}); shown as of the newer of the newest ledger
   * entry ({@code latest}, newest first) and the newest outcome ({@code recent}, newest first).
   */
  private Charts charts(String code, List<LedgerEntry> latest, List<OutcomeView> recent) {
    Breakdown byProvider = BreakdownCells.of(stores, code, Grouping.PROVIDER, null, null);
    return new Charts(Arrays.stream(StatusByMonth.Stage.values()).map(StatusByMonth.Stage::label).toList(),
        CommissionerTotals.byMonth(stores, code, CHART_MONTHS).months().stream()
            .map(m -> new StatusRow(Words.month(m.month()), m.counts(), m.total())).toList(),
        byProvider.groups().stream().filter(g -> !Breakdown.NONE.equals(g.key()))
            .map(g -> new ProviderRow(g.key(), g.accepted(), g.medianDaysToAcceptance(), g.completed(),
                g.costPerCompletion(), Words.money(g.costPerCompletion()), g.meaningfullyImproved(),
                g.costPerMeaningfulImprovement(), Words.money(g.costPerMeaningfulImprovement()))).toList(),
        byProvider.total().measures().stream()
            .map(m -> new MeasureRow(Words.measure(m.instrument(), m.score()), m.referrals(), m.meanImprovement(),
                m.meaningfullyImproved(), m.meaningfulShare() == null ? null
                    : m.meaningfulShare().multiply(BigDecimal.valueOf(100)).setScale(1, RoundingMode.HALF_UP))).toList(),
        Math.max(first(latest).map(e -> e.occurredAt().toEpochMilli()).orElse(0L),
            first(recent).map(o -> o.occurredAt().toEpochMilli()).orElse(0L)));
  }

  /** The first of a list, newest first: its newest. */
  private static <E> Optional<E> first(List<E> newestFirst) {
    return newestFirst.stream().findFirst();
  }

  private static ContractRow contract(ContractView c) {
    List<String> pays = new ArrayList<>();
    if (c.grant()) pays.add("a grant (block funding, not paid per referral)");
    if (c.engagementFee() != null) pays.add(Words.money(c.engagementFee()) + " when the provider accepts");
    if (c.completionFee() != null) {
      pays.add(Words.money(c.completionFee()) + " on completion" + (c.completionMinSessions() > 0
          ? " after at least " + c.completionMinSessions() + " sessions" : ""));
    }
    if (c.outcomePayment() != null) {
      pays.add(Words.money(c.outcomePayment()) + " when " + Words.measure(c.outcomeInstrument(),
          c.outcomeScore() == null ? "" : c.outcomeScore()).strip() + " improves by " + c.outcomeThreshold() + " or more");
    }
    if (c.perReferralCap() != null) pays.add("at most " + Words.money(c.perReferralCap()) + " a referral");
    String services = c.serviceIds() == null || c.serviceIds().isEmpty() ? "All its services" : String.join(", ", c.serviceIds());
    return new ContractRow(c.contractId(), c.providerId(), services,
        Words.day(c.validFrom()) + " to " + Words.day(c.validTo()), String.join("; ", pays), Words.money(c.mostPerReferral()));
  }
}
