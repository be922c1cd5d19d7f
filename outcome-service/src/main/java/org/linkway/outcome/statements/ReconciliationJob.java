package org.linkway.outcome.statements;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.InstantSource;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.kafka.streams.KafkaStreams;
import org.linkway.events.BudgetAgreed;
import org.linkway.outcome.analytics.CommissionerTotals;
import org.linkway.outcome.ledger.stream.ArchivedFunding;
import org.linkway.outcome.ledger.stream.CommissionerFunding;
import org.linkway.platform.domain.Funding;
import org.linkway.platform.security.Caller;
import org.linkway.platform.security.Role;
import org.linkway.platform.streams.ReferenceTable;
import org.linkway.platform.streams.StoreQueries;
import org.linkway.platform.web.ProblemException;
import org.linkway.state.FundingState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;
import org.springframework.stereotype.Component;

/**
 * The operator's reconciliation of the commissioners' ledgers, off the request path: a worker thread of its own reads
 * each commissioner's funding states one by one ({@link Reconciliation.Accumulator}: totals and at most
 * {@value Reconciliation#MOST_BREACHES_LISTED} breaches per invariant in memory, one commissioner at a time), checks
 * the ledger's invariants again from the states themselves, compares the totals with the commissioner's running
 * totals ({@link CommissionerTotals}) as one more invariant, and keeps the result with when it ran and how long it
 * took, by commissioner in a store of the commissioner's task ({@link ReconciliationResults}).
 * {@code GET /commissioners/{c}/ledger/reconciliation} answers that result, read by key.
 *
 * <p>It runs for every commissioner this instance holds as soon as Kafka Streams runs, again every
 * {@code linkway.reconciliation.every} (15 minutes by default) and whenever the partitions this instance holds change,
 * and for one commissioner on demand ({@link #request}: {@code POST /commissioners/{c}/ledger/reconciliation}, by the
 * commissioner itself or an admin). Runs are one at a time; one asked for during another follows it.
 *
 * <p>With N instances: a commissioner's funding view and running totals are in the partition of its code, which one
 * instance runs (active) at a time. Each instance reconciles exactly the commissioners of the partitions it runs, read
 * from its own stores (never a standby's), and hands their results to the tasks holding them, which keep them in the
 * commissioners' partitions ({@link ReconciliationResults}); the API's requests about a commissioner are answered by
 * the instance running its partition ({@code KeyOwners}, {@code LedgerRoutes}), from that store. So after a restart,
 * or when partitions move, the last result is answered at once by whichever instance takes the partition (its store
 * restored from its changelog), and the next run there replaces it. Only a commissioner with no referral and no result
 * kept is answered 503 with {@code Retry-After} until the first run over every commissioner the instance holds.
 */
@Component
public class ReconciliationJob implements SmartLifecycle {

  /** How often the worker looks whether a run is due (the period, a change of partitions, a request). */
  static final long TICK_SECONDS = 5;
  private static final Logger log = LoggerFactory.getLogger(ReconciliationJob.class);

  /** The last run over every commissioner this instance held: when, and with which partitions. */
  private record FullRun(Set<String> assignment, Instant ranAt) {}

  private final StoreQueries stores;
  private final ReferenceTable<BudgetAgreed> budgets;
  private final Supplier<Set<String>> assignment;
  private final Duration every;
  private final InstantSource clock;
  private final ReconciliationResults results;
  private final Set<String> requested = new LinkedHashSet<>();
  private volatile FullRun lastFull;
  private ScheduledExecutorService worker;

  @Autowired
  ReconciliationJob(StoreQueries stores, ReferenceTable<BudgetAgreed> budgets, ReconciliationResults results,
      StreamsBuilderFactoryBean factory, @Value("${linkway.reconciliation.every:PT15M}") Duration every) {
    this(stores, budgets, results, () -> activeTasks(factory), every, Clock.systemUTC());
  }

  /**
   * @param assignment the partitions (tasks) this instance runs now, or null while Kafka Streams does not run
   */
  ReconciliationJob(StoreQueries stores, ReferenceTable<BudgetAgreed> budgets, ReconciliationResults results,
      Supplier<Set<String>> assignment, Duration every, InstantSource clock) {
    this.stores = stores;
    this.budgets = budgets;
    this.results = results;
    this.assignment = assignment;
    this.every = every;
    this.clock = clock;
  }

  /** Who may ask for a run: the commissioner itself, or an admin. */
  public static boolean mayRequest(Caller caller, String code) {
    return caller.is(Role.COMMISSIONER, code) || caller.role() == Role.ADMIN;
  }

  /**
   * The last result for the commissioner, as kept in its partition (read on the instance running it). One with no
   * result kept, although this instance's last run over every commissioner it holds was made with the partitions it
   * holds now, has no funding states: its reconciliation is that of no referral (its budgets alone), as of that run.
   * Otherwise 503: not run yet.
   */
  public ReconciliationRun last(String code) {
    Optional<ReconciliationRun> kept = results.last(stores, code);
    if (kept.isPresent()) return kept.get();
    FullRun full = lastFull;
    Set<String> now = assignment.get();
    if (full != null && full.assignment().equals(now)) {
      return ReconciliationRun.of(new Reconciliation.Accumulator(code).result(budgetByYear(code)), full.ranAt(), Duration.ZERO);
    }
    throw new ProblemException.Unavailable("the reconciliation of " + code + " has not run yet on the instance that holds it"
        + " (it runs as the instance starts, every " + every + " and when asked with POST); try again shortly");
  }

  /** Asks for a run of the commissioner's reconciliation as soon as the worker is free; when it was asked. */
  public Instant request(String code) {
    Instant at = clock.instant();
    synchronized (requested) {
      requested.add(code);
    }
    ScheduledExecutorService w = worker;
    if (w != null) w.execute(this::tick);
    return at;
  }

  /** What is due: the runs asked for, then every commissioner held if the period has passed or the partitions moved. */
  void tick() {
    try {
      Set<String> held = assignment.get();
      if (held == null) return;
      for (String code : takeRequested()) results.handOver(run(code));
      FullRun full = lastFull;
      if (full == null || !full.assignment().equals(held) || !clock.instant().isBefore(full.ranAt().plus(every))) runAll(held);
    } catch (ProblemException.Unavailable e) {
      log.info("reconciliation put off: {}", e.getMessage());
    } catch (RuntimeException e) {
      log.warn("reconciliation failed; it runs again at the next tick", e);
    }
  }

  /** Reconciles every commissioner of the partitions this instance holds, one after another. */
  void runAll(Set<String> held) {
    Instant began = clock.instant();
    // one key per commissioner per task, not every cell of every commissioner
    Set<String> codes = CommissionerTotals.commissionersHere(stores);
    for (String code : codes) results.handOver(run(code));
    results.retainOnly(codes);
    lastFull = new FullRun(held, began);
    log.info("reconciled {} commissioners in {} ms", codes.size(), Duration.between(began, clock.instant()).toMillis());
  }

  /**
   * How many times a run whose only breach is the running totals is made before that breach is reported, and the pause
   * between: the totals are cells of their own, read while the stream thread changes them with nothing isolating the
   * reader from a change half made (one referral's status taken from one cell and not yet added to the other), so one
   * read can be torn, and the view read beside it disagree with it for that moment. A breach that is real stays.
   */
  static final int RUNS_OF_A_TOTALS_BREACH = 5;
  static final Duration BETWEEN_RUNS_OF_A_TOTALS_BREACH = Duration.ofMillis(500);

  /** The pause between runs of a totals breach (a test's own: none). */
  Duration betweenRunsOfATotalsBreach = BETWEEN_RUNS_OF_A_TOTALS_BREACH;

  /**
   * One commissioner's reconciliation ({@link #runOnce}); made again, a few times, while its only breach is that the
   * running totals differ from the states ({@link #RUNS_OF_A_TOTALS_BREACH}).
   */
  ReconciliationRun run(String code) {
    ReconciliationRun run = runOnce(code);
    for (int made = 1; made < RUNS_OF_A_TOTALS_BREACH && onlyTheTotalsDiffer(run); made++) {
      try {
        Thread.sleep(betweenRunsOfATotalsBreach.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return run;
      }
      run = runOnce(code);
    }
    return run;
  }

  private static boolean onlyTheTotalsDiffer(ReconciliationRun run) {
    List<String> broken = run.invariants().stream().filter(i -> !i.holds()).map(Reconciliation.Invariant::name).toList();
    return broken.equals(List.of(Reconciliation.MATCHES_RUNNING_TOTALS));
  }

  /** One commissioner's reconciliation, read state by state from its view, its running totals read either side. */
  ReconciliationRun runOnce(String code) {
    Instant began = clock.instant();
    Reconciliation.Totals before = running(code);
    ArchivedFunding.Figures archivedBefore = ArchivedFunding.of(stores, code);
    Reconciliation.Accumulator accumulator = new Reconciliation.Accumulator(code);
    stores.<FundingState>forEachWithPrefix(CommissionerFunding.STORE, code, code + "|", accumulator::add);
    Reconciliation.Totals after = running(code);
    ArchivedFunding.Figures archivedAfter = ArchivedFunding.of(stores, code);
    accumulator.archived(archived(archivedAfter), archivedBefore.equals(archivedAfter) ? archivedAfter.heldByYear() : null);
    // a referral archived while the states were read moves from the view to the archived figures, the totals unchanged
    boolean steady = before.equals(after) && archivedBefore.equals(archivedAfter);
    Reconciliation r = accumulator.result(budgetByYear(code), steady ? after : null,
        steady ? null : "not checked: the ledger changed while it was read; the next run compares them");
    return ReconciliationRun.of(r, began, Duration.between(began, clock.instant()));
  }

  private Reconciliation.Totals running(String code) {
    CommissionerTotals.Totals t = CommissionerTotals.of(stores, code);
    int referrals = Math.toIntExact(t.byStatus().values().stream().mapToLong(Long::longValue).sum());
    return new Reconciliation.Totals(referrals, t.committed(), t.due(), t.released(),
        t.committed().subtract(t.due()).subtract(t.released()));
  }

  /** The totals of a commissioner's referrals archived ({@link ArchivedFunding#TALLY}): checked while they were live. */
  private static Reconciliation.Totals archived(ArchivedFunding.Figures a) {
    return new Reconciliation.Totals(Math.toIntExact(a.referrals()), Money.pence(a.committed()), Money.pence(a.due()),
        Money.pence(a.released()), Money.pence(a.committed().subtract(a.due()).subtract(a.released())));
  }

  private Set<String> takeRequested() {
    synchronized (requested) {
      Set<String> taken = new LinkedHashSet<>(requested);
      requested.clear();
      return taken;
    }
  }

  Map<String, BigDecimal> budgetByYear(String code) {
    return budgets.withPrefix(Funding.budgetKey(code, "")).stream()
        .collect(Collectors.toMap(BudgetAgreed::getFinancialYear, BudgetAgreed::getAmount));
  }

  private static Set<String> activeTasks(StreamsBuilderFactoryBean factory) {
    KafkaStreams streams = factory.getKafkaStreams();
    if (streams == null || streams.state() != KafkaStreams.State.RUNNING) return null;
    return streams.metadataForLocalThreads().stream().flatMap(t -> t.activeTasks().stream())
        .map(task -> task.taskId().toString()).collect(Collectors.toCollection(TreeSet::new));
  }

  @Override
  public void start() {
    worker = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "reconciliation");
      thread.setDaemon(true);
      return thread;
    });
    worker.scheduleWithFixedDelay(this::tick, TICK_SECONDS, TICK_SECONDS, TimeUnit.SECONDS);
  }

  @Override
  public void stop() {
    ScheduledExecutorService w = worker;
    worker = null;
    if (w != null) w.shutdownNow();
  }

  @Override
  public boolean isRunning() {
    return worker != null;
  }
}
