package org.linkway.outcome.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkway.events.LedgerEvent;
import org.linkway.events.Milestone;
import org.linkway.events.PaymentDue;
import org.linkway.outcome.analytics.Breakdown;
import org.linkway.outcome.analytics.Grouping;
import org.linkway.outcome.budgets.BudgetQueries;
import org.linkway.outcome.budgets.BudgetQueries.BudgetView;
import org.linkway.outcome.contracts.ContractQueries;
import org.linkway.outcome.ledger.api.LedgerQueries;
import org.linkway.outcome.outcomes.OutcomeQueries;
import org.linkway.outcome.statements.ReconciliationJob;
import org.linkway.outcome.statements.StatementQueries;
import org.linkway.outcome.statements.StatementViews;
import org.linkway.platform.kafka.Events;
import org.linkway.platform.security.Caller;
import org.linkway.platform.security.LiveStreams;
import org.linkway.platform.streams.Position;
import org.linkway.platform.streams.StoreQueries;
import org.linkway.platform.web.ProblemException;
import org.linkway.state.FundingState;
import org.linkway.state.ReferralStatus;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.ui.ConcurrentModel;

/**
 * The dashboard's page and parts read the commissioner's cells and the first page of its lists, never its referrals
 * one by one: the figures are those of its referrals' funding states, kept on Kafka Streams' test driver
 * ({@link StatementViews}), and no read of the commissioner's funding view is made. The page's stream goes on from where
 * each feed's reader was.
 */
class DashboardPageTest {

  private static final String CODE = "QMM";
  private static final Position LEDGER_AT = Position.of(41, -1, 17);
  private static final Position OUTCOMES_AT = Position.of(3, 5, -1);

  @TempDir
  Path stateDir;

  private final List<FundingState> states = new ArrayList<>();
  private final List<LedgerEvent> newestEntries = new ArrayList<>();
  private final LedgerQueries ledger = mock(LedgerQueries.class);
  private final OutcomeQueries outcomes = mock(OutcomeQueries.class);
  private StatementViews views;
  private StoreQueries stores;
  private DashboardPage page;

  @BeforeEach
  void setUp() {
    Random random = new Random(16);
    Instant at = Instant.parse("2026-05-01T09:00:00Z");
    for (int i = 0; i < 40; i++) {
      UUID referral = UUID.randomUUID();
      Instant submitted = at.plusSeconds(3_600L * random.nextInt(24 * 60));
      String provider = List.of("wensum-walkers", "city-arts").get(random.nextInt(2));
      List<LedgerEvent> entries = new ArrayList<>();
      for (int e = random.nextInt(3); e > 0; e--) {
        entries.add(new LedgerEvent(Events.metadata("outcome-service", referral, null), new PaymentDue(CODE, "c", provider,
            "s", Milestone.ENGAGEMENT, BigDecimal.valueOf(random.nextInt(9_000), 2), "GBP", "2026-27")));
      }
      states.add(FundingState.newBuilder().setReferralId(referral).setCommissioner(i % 5 == 0 ? "QOC" : CODE)
          .setStatus(random.nextBoolean() ? ReferralStatus.ACCEPTED : ReferralStatus.OFFERED)
          .setSubmittedAt(submitted).setAcceptedAt(submitted.plusSeconds(86_400L * random.nextInt(20)))
          .setPractice("D82044").setProviderId(provider).setServiceId(provider + "-1")
          .setLedger(entries).setOutcomes(new ArrayList<>()).setAppliedEventIds(new ArrayList<>()).build());
      if (i % 5 != 0) newestEntries.addAll(entries);
    }
    newestEntries.sort(Comparator.comparing((LedgerEvent e) -> e.getMetadata().getOccurredAt()).reversed());
    views = StatementViews.of(stateDir, states);
    stores = views.stores();

    when(ledger.newest(eq(CODE), anyInt())).thenAnswer(call -> newestEntries.stream().limit(call.<Integer>getArgument(1)).toList());
    when(outcomes.newest(eq(CODE), anyInt())).thenReturn(List.of());
    BudgetQueries budgets = mock(BudgetQueries.class);
    when(budgets.budget(CODE, null)).thenReturn(new BudgetView(CODE, "2026-27", "GBP", null, BigDecimal.ZERO,
        BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, null, null));
    StatementQueries statements = mock(StatementQueries.class);
    when(statements.latestMonths(anyString(), anyInt())).thenReturn(List.of());
    ReconciliationJob reconciliations = mock(ReconciliationJob.class);
    when(reconciliations.last(anyString())).thenThrow(new ProblemException.Unavailable("not run yet"));
    page = new DashboardPage(budgets, mock(ContractQueries.class), ledger, statements, outcomes, mock(LiveStreams.class),
        null, stores, reconciliations);
  }

  @AfterEach
  void tearDown() {
    views.close();
  }

  @Test
  void givenTheFeedsPositions_whenThePageIsShown_thenItsStreamGoesOnFromThemAndItsFiguresAreTheReferrals() {
    when(ledger.feedPosition()).thenReturn(Optional.of(LEDGER_AT));
    when(outcomes.feedPosition()).thenReturn(Optional.of(OUTCOMES_AT));
    ConcurrentModel model = new ConcurrentModel();

    signedIn(page.page(model));

    String newest = newestEntries.get(0).getMetadata().getEventId().toString();
    assertThat(model.getAttribute("streamUrl")).isEqualTo("/app/dashboard/stream?ledgerAfter=" + newest + "~" + LEDGER_AT
        + "&outcomeAfter=~" + OUTCOMES_AT);
    assertThat(model.getAttribute("entryCount")).isEqualTo(newestEntries.size());
    assertThat(model.getAttribute("moneyShownAt")).isEqualTo(newestEntries.get(0).getMetadata().getOccurredAt().toEpochMilli());
    assertThat(model.getAttribute("budgetLedgerAt")).isEqualTo(newestEntries.get(0).getMetadata().getOccurredAt().toEpochMilli());
    assertThat(model.getAttribute("providerRows")).isEqualTo(providerRows());
    assertReadsNoReferralOneByOne();
  }

  @Test
  void givenFeedsWithNoPositionYet_whenThePageIsShown_thenItsStreamGoesOnFromTheNewestIdsAlone() {
    when(ledger.feedPosition()).thenReturn(Optional.empty());
    when(outcomes.feedPosition()).thenReturn(Optional.empty());
    ConcurrentModel model = new ConcurrentModel();

    signedIn(page.page(model));

    assertThat(model.getAttribute("streamUrl"))
        .isEqualTo("/app/dashboard/stream?ledgerAfter=" + newestEntries.get(0).getMetadata().getEventId());
  }

  @Test
  void givenEachPart_whenFetchedAgain_thenItsFiguresComeFromCellsAndTheListsFirstPage() {
    for (String part : List.of("budget", "money", "charts")) {
      ConcurrentModel model = new ConcurrentModel();
      assertThat(signedIn(page.part(part, model))).isEqualTo(DashboardPage.VIEW + " :: " + part);
      switch (part) {
        case "budget" -> assertThat(model.getAttribute("budgetLedgerAt"))
            .isEqualTo(newestEntries.get(0).getMetadata().getOccurredAt().toEpochMilli());
        case "money" -> assertThat(model.getAttribute("entryCount")).isEqualTo(newestEntries.size());
        default -> assertThat(model.getAttribute("providerRows")).isEqualTo(providerRows());
      }
    }
    verify(ledger, never()).newest(anyString(), eq(Integer.MAX_VALUE));
    assertReadsNoReferralOneByOne();
  }

  /** The rows of the chart by provider, as the breakdown of the commissioner's funding states gives them. */
  private List<DashboardPage.ProviderRow> providerRows() {
    Breakdown exact = Breakdown.of(CODE, states.stream().filter(s -> s.getCommissioner().equals(CODE)).toList(),
        Grouping.PROVIDER, null, null);
    return exact.groups().stream().filter(g -> !Breakdown.NONE.equals(g.key()))
        .map(g -> new DashboardPage.ProviderRow(g.key(), g.accepted(), g.medianDaysToAcceptance(), g.completed(),
            g.costPerCompletion(), Words.money(g.costPerCompletion()), g.meaningfullyImproved(),
            g.costPerMeaningfulImprovement(), Words.money(g.costPerMeaningfulImprovement()))).toList();
  }

  private void assertReadsNoReferralOneByOne() {
    verify(stores, never()).withPrefix(anyString(), anyString(), anyString());
    verify(stores, never()).forEachWithPrefix(anyString(), anyString(), anyString(), any());
    verify(stores, never()).forEach(anyString(), any());
  }

  private static String signedIn(reactor.core.publisher.Mono<String> view) {
    Jwt jwt = Jwt.withTokenValue("t").header("alg", "none").claim(Caller.ROLE_CLAIM, "commissioner")
        .claim(Caller.ODS_CLAIM, CODE).claim("sub", "analyst").build();
    return view.contextWrite(ReactiveSecurityContextHolder.withAuthentication(new JwtAuthenticationToken(jwt))).block();
  }
}
