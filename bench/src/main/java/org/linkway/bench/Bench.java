package org.linkway.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.linkway.bench.profile.JfrSummary;
import org.linkway.bench.profile.Recordings;
import org.linkway.platform.domain.Funding;
import org.linkway.platform.kafka.AvroSerdes;
import org.linkway.platform.kafka.LinkwayKafkaProperties;
import org.linkway.stack.Instance;
import org.linkway.stack.Launch;
import org.linkway.stack.LocalStack;
import org.linkway.stack.Part;
import org.linkway.stack.StackSize;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * {@code ./linkway bench}: the whole journey on the running local stack, beside raw Kafka on the
 * same broker in the same run. Phases: set-up and warm-up; latency at a steady rate; throughput of
 * N referrals; the highest HTTP intake rate held under 50 ms p99; raw Kafka; then memory, CPU and
 * correctness. Results go to {@code results.json} and {@code RESULTS.md}.
 */
public final class Bench {

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
      .findAndRegisterModules();

  static final String LOAD_GENERATOR = "bench (load generator, not in the stack's total)";

  private final BenchOptions options;
  private final Map<String, Object> results = new LinkedHashMap<>();
  private final Map<String, Map<String, Double>> cpuByPhase = new LinkedHashMap<>();
  /** The referrals each phase gave up on because they could not move, by phase ({@link #awaitDone}). */
  private final Map<String, Object> cannotMove = new LinkedHashMap<>();
  private final String runId = RunClock.runId();
  private final long started = System.nanoTime();
  private String phase = "set-up";

  private Bench(BenchOptions options) {
    this.options = options;
  }

  public static void main(String[] args) throws Exception {
    if (java.util.Arrays.asList(args).contains("--help")) {
      System.out.print(BenchOptions.USAGE);
      return;
    }
    BenchOptions options;
    try {
      options = BenchOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    if (Double.isNaN(options.upSeconds())) {
      Double up = restartStack(options.size(), options.profile());
      if (up == null) {
        System.exit(1);
        return;
      }
      options = options.withUpSeconds(up);
    }
    int code = new Bench(options).run();
    System.exit(code);
  }

  /**
   * The stack restarted without demo data, to time its start-up (the run's {@code up.secondsToHealthy}):
   * stopped first if any part runs. The seconds it took to be healthy; null when it did not stop or start.
   */
  private static Double restartStack(StackSize size, boolean profile) {
    LocalStack stack = LocalStack.here(System.out, System.err);
    try {
      stack.lock();
      if (stack.anyRunning()) {
        System.out.println("bench: restarting the stack to time its start-up");
        try {
          stack.down();
        } catch (LocalStack.Failure e) {
          System.err.println("linkway: bench: the stack did not stop" + (e.getMessage() == null ? "" : ": " + e.getMessage()));
          return null;
        }
      }
      // at the size asked for: refused over the data of a stack with another number of brokers, saying what to do
      stack = stack.sized(size);
      if (profile) stack = stack.withExtras(recorded(stack, "", List.of()));
      double seconds = stack.up().toMillis() / 1000.0;
      System.out.println("bench: running (progress every 5 s)");
      return seconds;
    } catch (LocalStack.Failure | java.io.IOException e) {
      if (e.getMessage() != null) System.err.println("linkway: " + e.getMessage());
      System.err.println("linkway: bench: the stack did not start");
      return null;
    }
  }

  private int run() throws Exception {
    Http referralService = new Http(urls(Part.REFERRAL_SERVICE), 500);
    Http providerService = new Http(urls(Part.PROVIDER_SERVICE), 500);
    Http outcomeService = new Http(urls(Part.OUTCOME_SERVICE), 50);
    String commissioner = freshCommissioner(outcomeService);
    AvroSerdes serdes = new AvroSerdes(new LinkwayKafkaProperties(options.registry(), null, null, null, 0, null));

    results.put("run", Map.of("id", runId, "date", Instant.now().toString(), "command", options.command(),
        "machine", Machine.describe(), "commissioner", commissioner,
        "stack", Map.of("instances", options.size().instances(), "brokers", options.size().brokers())));
    setUp(providerService, outcomeService, commissioner);

    try (KafkaProducer<String, SpecificRecord> producer = gpSystem(serdes)) {
      Journey journey = new Journey(referralService, providerService, outcomeService, producer, commissioner,
          options.providers(), options.declinePercent(), runId);
      try (TopicAudit audit = new TopicAudit(options.bootstrap(), serdes, journey)) {
        journey.start();
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        ticker.scheduleAtFixedRate(() -> progress(journey, audit), 5, 5, TimeUnit.SECONDS);
        History history = new History(referralService, providerService, outcomeService, commissioner);
        try {
          warmUp(journey);
          if (options.history() > 0) {
            fillHistory(journey, history);
          } else {
            latency(journey);
            throughput(journey, audit);
          }
          correctness(journey, audit, outcomeService, commissioner);
        } finally {
          ticker.shutdownNow();
          journey.stop();
        }
        results.put("meanEventBytes", audit.meanEventBytes());
        if (options.history() > 0) {
          readHistory(history);
        } else {
          intake(referralService);
          raw(Math.max(100, audit.meanEventBytes()));
        }
      }
    }
    processes();
    if (options.profile()) results.put("profiles", Recordings.stopAndSummarise(ProcessStats.linkwayPids(options.pidDir()),
        options.size(), recorded(LocalStack.here(System.out, System.err), "", List.of()), Bench::say));
    if (options.featuresCompare()) featuresCompare(serdes, commissioner, referralService, providerService, outcomeService);
    Map<String, Object> up = new LinkedHashMap<>();
    up.put("secondsToHealthy", Double.isNaN(options.upSeconds()) ? null : options.upSeconds());
    results.put("startUp", up);
    Files.createDirectories(options.out());
    java.nio.file.Path json = options.out().resolve(options.named("results", ".json"));
    java.nio.file.Path md = options.out().resolve(options.named("RESULTS", ".md"));
    Files.writeString(json, JSON.writeValueAsString(results));
    String markdown = options.history() > 0 ? History.markdown(results) : Report.markdown(results);
    // the first phases' give-ups (those of the feature comparisons' runs are in their own table)
    @SuppressWarnings("unchecked")
    Map<String, Object> firstPhases = results.get("correctness") instanceof Map<?, ?> c
        && c.get("cannotMove") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    markdown += cannotMoveMarkdown(firstPhases);
    // a run of another size: its headline figures beside the single stack's last ones, when there are some
    java.nio.file.Path single = options.out().resolve("results.json");
    if (!options.single() && options.history() == 0 && Files.exists(single)) {
      Map<String, Object> singleResults = JSON.readValue(single.toFile(), Map.class);
      Map<String, Object> these = JSON.readValue(JSON.writeValueAsString(results), Map.class);
      markdown += "\n" + Report.sideBySide(singleResults, these);
    }
    Files.writeString(md, markdown);
    System.out.println();
    System.out.println(markdown);
    say("results in " + md + " and " + json);
    return Boolean.TRUE.equals(((Map<?, ?>) results.get("correctness")).get("clean")) ? 0 : 1;
  }

  /** The simulated GP system's producer: it writes referral-requests.gp-demo as the local stack's gp-demo principal. */
  private KafkaProducer<String, SpecificRecord> gpSystem(AvroSerdes serdes) {
    Map<String, Object> producerConfig = new HashMap<>(serdes.registryConfig());
    producerConfig.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, options.bootstrap());
    producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
    producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    producerConfig.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    return new KafkaProducer<>(BenchKafka.asGpSystem(producerConfig), new StringSerializer(),
        serdes.<SpecificRecord>forValues(SpecificRecord.class).serializer());
  }

  /** The services' extras of a {@code --profile} run: each records into {@code .linkway/jfr/<instance><suffix>.jfr}. */
  private static Launch.ServiceExtras recorded(LocalStack stack, String suffix, List<String> arguments) {
    return Recordings.into(stack.home().resolve("jfr"), suffix, arguments);
  }

  /**
   * {@code --features-compare}: the services restarted (Kafka, the registry and the issuer left running) for each
   * {@link FeatureRuns#VARIANTS variant}, warmed up, then the throughput phase again with the same referral count, on
   * a journey of its own; then restarted as {@code ./linkway up} starts them. Each run's referrals/s and the stack's
   * CPU ms per referral go beside the first throughput phase's in {@code results.features}; with {@code --profile},
   * each variant's recordings are summarised too.
   */
  @SuppressWarnings("unchecked")
  private void featuresCompare(AvroSerdes serdes, String commissioner, Http referralService, Http providerService,
      Http outcomeService) throws Exception {
    LocalStack stack = LocalStack.here(System.out, System.err).sized(options.size());
    List<Map<String, Object>> runs = new java.util.ArrayList<>();
    runs.add(FeatureRuns.baseline((Map<String, Object>) results.get("throughput"), cpuByPhase.get("throughput"), LOAD_GENERATOR));
    List<Launch.ServiceExtras> profiledVariants = new java.util.ArrayList<>();
    try (KafkaProducer<String, SpecificRecord> producer = gpSystem(serdes)) {
      for (FeatureRuns.Variant variant : FeatureRuns.VARIANTS) {
        Launch.ServiceExtras extras = options.profile() ? recorded(stack, "-" + variant.name(), variant.arguments())
            : new Launch.ServiceExtras(null, "", variant.arguments());
        say("features: restarting the services with " + variant.arguments());
        stack.withExtras(extras).restartServices();
        Journey journey = new Journey(referralService, providerService, outcomeService, producer, commissioner,
            options.providers(), options.declinePercent(), runId + "-" + variant.name());
        try (TopicAudit audit = new TopicAudit(options.bootstrap(), serdes, journey)) {
          journey.start();
          try {
            warmUp(journey);
            runs.add(variantThroughput(variant, journey));
          } finally {
            journey.stop();
          }
        }
        if (options.profile()) profiledVariants.add(extras);
      }
    } finally {
      say("features: restarting the services as ./linkway up starts them");
      stack.withExtras(Launch.ServiceExtras.NONE).restartServices();
    }
    results.put("features", FeatureRuns.figures(options.referrals(), runs));
    // each variant's recordings were written as its services stopped
    if (options.profile()) {
      List<JfrSummary> all = new java.util.ArrayList<>((List<JfrSummary>) results.getOrDefault("profiles", List.of()));
      for (Launch.ServiceExtras extras : profiledVariants) all.addAll(Recordings.summariseWritten(options.size(), extras, Bench::say));
      results.put("profiles", all);
    }
  }

  /** The throughput phase of one variant: the referrals at most a window at once, awaited; its figures. */
  private Map<String, Object> variantThroughput(FeatureRuns.Variant variant, Journey journey) throws InterruptedException {
    phase = "throughput, " + variant.name();
    Map<String, Long> cpuBefore = cpu();
    long doneBefore = journey.outcomes.get() + journey.unplaced.get();
    journey.limitInFlight(options.window());
    long start = System.nanoTime();
    for (long i = 0; i < options.referrals(); i++) journey.submit(false);
    awaitDone(journey, Duration.ofMinutes(120), phase);
    long nanos = System.nanoTime() - start;
    long done = journey.outcomes.get() + journey.unplaced.get() - doneBefore;
    Map<String, Object> run = FeatureRuns.run(variant.name(), variant.description(), done, nanos, cpuMsSince(cpuBefore),
        journey.underWay(), journey.failures(), LOAD_GENERATOR);
    say("features: " + run);
    return run;
  }

  /** The CPU milliseconds each process used since {@code before}. */
  private Map<String, Long> cpuMsSince(Map<String, Long> before) {
    Map<String, Long> used = new LinkedHashMap<>();
    cpu().forEach((part, ms) -> {
      Long was = before.get(part);
      if (was != null) used.put(part, ms - was);
    });
    return used;
  }

  /** The instances of a service on the local stack's ports: instance k on the service's port + 100·(k−1). */
  private List<String> urls(Part service) {
    return Instance.of(service, options.size()).stream().map(i -> "http://" + options.host() + ":" + i.port(service.port()))
        .toList();
  }

  /**
   * A commissioner code no earlier run has used (none has a budget), so that this run's budget,
   * ledger and streams hold this run alone.
   */
  static String freshCommissioner(Http outcomeService) {
    String alphabet = "ABCDEFGHJKLNPRSTUVWY0123456789";
    for (char second : "BCDEFGHJKLNPRSTUVWY".toCharArray()) {
      for (char third : alphabet.toCharArray()) {
        String code = "Q" + second + third;
        Http.Answer budgets = outcomeService.get("/commissioners/" + code + "/budgets").block();
        if (budgets != null && budgets.ok() && budgets.body().trim().equals("[]")) return code;
      }
    }
    throw new IllegalStateException("every benchmark commissioner code has been used: start from an empty .linkway/");
  }

  private void setUp(Http providerService, Http outcomeService, String commissioner) {
    phase = "set-up";
    String year = Funding.financialYear(Instant.now());
    LocalDate[] dates = Funding.financialYearDates(year).orElseThrow();
    for (int p = 1; p <= options.providers(); p++) {
      int provider = p;
      expectOk(untilServed(() -> providerService.post("/providers", BenchPeople.providerBody(provider, commissioner))),
          "POST /providers");
      expectOk(untilServed(() -> outcomeService.put("/commissioners/" + commissioner + "/contracts/bench-"
          + commissioner.toLowerCase() + "-" + provider, BenchPeople.contractBody(provider, dates[0], dates[1]))),
          "PUT contract");
    }
    expectOk(untilServed(() -> outcomeService.put("/commissioners/" + commissioner + "/budgets/" + year,
        "{\"amount\":900000000.00}")), "PUT budget");
    say(options.providers() + " providers, their contracts and a budget for " + commissioner + " " + year);
  }

  /**
   * The first referrals after start-up are slow (code compiled, schemas fetched, stores opened): 20 s
   * at the latency phase's rate, not measured, so that the latency is that of a running service.
   */
  private void warmUp(Journey journey) throws InterruptedException {
    phase = "warm-up";
    int count = options.rate() * 20;
    feedAtRate(journey, count, false);
    awaitDone(journey, Duration.ofMinutes(3), "warm-up");
    say("warm-up: " + count + " referrals through the journey");
  }

  private void latency(Journey journey) throws InterruptedException {
    phase = "latency";
    Map<String, Long> cpuBefore = cpu();
    long start = System.nanoTime();
    feedAtRate(journey, (long) options.rate() * options.durationSeconds(), true);
    awaitDone(journey, Duration.ofMinutes(5), "latency");
    cpuByPhase.put("latency", cpuSince(cpuBefore, System.nanoTime() - start));
    Map<String, Object> hops = new LinkedHashMap<>();
    hops.put("rate", options.rate());
    hops.put("seconds", options.durationSeconds());
    hops.put("submittedToProviderQueue", journey.toQueue.summary());
    // where the time to the queue goes: the referral recorded, then offered, on the referrals topic
    hops.put("submittedToReferralSubmittedOnTopic", journey.toSubmittedOnTopic.summary());
    hops.put("submittedToReferralOfferedOnTopic", journey.toOfferedOnTopic.summary());
    hops.put("acceptedToCommittedInLedger", journey.toCommitted.summary());
    hops.put("completedToOutcomeOnStream", journey.toOutcomeStream.summary());
    results.put("latency", hops);
    say("latency at " + options.rate() + "/s: submitted on topic " + journey.toSubmittedOnTopic.summary() + ", offered on topic "
        + journey.toOfferedOnTopic.summary() + ", queue " + journey.toQueue.summary() + ", ledger " + journey.toCommitted.summary()
        + ", outcome stream " + journey.toOutcomeStream.summary());
  }

  /** Submits referrals on a fixed schedule at the latency phase's rate, whatever the answers. */
  private void feedAtRate(Journey journey, long count, boolean measured) throws InterruptedException {
    OpenLoop.run(options.rate(), count, due -> journey.submit(measured));
  }

  private void throughput(Journey journey, TopicAudit audit) throws InterruptedException {
    phase = "throughput";
    Map<String, Long> cpuBefore = cpu();
    long eventsBefore = audit.events();
    long doneBefore = journey.outcomes.get() + journey.unplaced.get();
    journey.limitInFlight(options.window());
    long start = System.nanoTime();
    for (long i = 0; i < options.referrals(); i++) journey.submit(false);
    awaitDone(journey, Duration.ofMinutes(120), "throughput");
    long nanos = System.nanoTime() - start;
    cpuByPhase.put("throughput", cpuSince(cpuBefore, nanos));
    double seconds = nanos / 1e9;
    long done = journey.outcomes.get() + journey.unplaced.get() - doneBefore;
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("referrals", options.referrals());
    figures.put("seconds", round(seconds));
    figures.put("referralsPerSec", round(done / seconds));
    figures.put("eventsPerSec", round((audit.events() - eventsBefore) / seconds));
    figures.put("window", options.window());
    results.put("throughput", figures);
    say(String.format("throughput: %d referrals in %.1f s: %.1f referrals/s, %.1f events/s", done, seconds, done / seconds,
        (audit.events() - eventsBefore) / seconds));
  }

  /** The history's fill: its referrals' whole journeys at full speed, every one awaited. */
  private void fillHistory(Journey journey, History history) throws InterruptedException {
    phase = "history";
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("fill", history.fill(journey, options.history(), options.window(), () -> {
      try {
        awaitDone(journey, Duration.ofHours(12), "history");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }));
    results.put("history", figures);
    say("history: " + figures.get("fill"));
  }

  /** Over the filled history: every read timed, each stream's replay, each service's memory, then its restore. */
  @SuppressWarnings("unchecked")
  private void readHistory(History history) throws Exception {
    phase = "history-reads";
    Map<String, Object> figures = (Map<String, Object>) results.get("history");
    figures.put("reads", history.reads());
    figures.put("streams", history.streamReplays());
    figures.put("memory", History.memory(options.pidDir()));
    phase = "history-restores";
    figures.put("restores", history.restores(options.size()));
  }

  private void correctness(Journey journey, TopicAudit audit, Http outcomeService, String commissioner) throws Exception {
    phase = "correctness";
    long asked = System.nanoTime();
    Map<?, ?> body;
    try {
      // a run of the reconciliation over the ledger as the run left it, and its result
      Http.Answer reconciliation = Reconciliations.runNow(outcomeService, commissioner, Duration.ofMinutes(10)).block();
      body = JSON.readValue(reconciliation.body(), Map.class);
    } catch (RuntimeException e) {
      body = Map.of("clean", false, "error", String.valueOf(e));
    }
    double reconciliationSeconds = round((System.nanoTime() - asked) / 1e9);
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("submitted", journey.submitted.get());
    c.put("completed", journey.outcomes.get());
    c.put("unplaced", journey.unplaced.get());
    c.put("refusedAtIntake", journey.refusedAtIntake.get());
    c.put("unaccounted", journey.underWay());
    // referrals a phase gave up on, as it saw them then (some may have ended since: unaccounted counts those that did not)
    // a copy: the feature comparisons' runs come later, and what they give up on is theirs (their "unaccounted")
    c.put("cannotMove", new LinkedHashMap<>(cannotMove));
    c.put("offersDeclined", journey.declined.get());
    c.put("offersMissedByTheLiveStreamFoundInTheQueue", journey.offersFoundInQueue.get());
    c.put("duplicateEvents", audit.duplicates());
    c.put("providerCommandsResentWithTheirKey", audit.commandsResent());
    c.put("eventsRead", audit.counts());
    c.put("failedRequests", journey.failures);
    c.put("reconciliationClean", body.get("clean"));
    c.put("ledgerTotals", body.get("totals"));
    c.put("reconciliationSeconds", reconciliationSeconds);
    if (body.containsKey("error")) c.put("reconciliationError", body.get("error"));
    long duplicates = audit.duplicates().values().stream().mapToLong(Long::longValue).sum();
    c.put("clean", journey.underWay() == 0 && duplicates == 0 && Boolean.TRUE.equals(body.get("clean")) && journey.failures() == 0);
    results.put("correctness", c);
    say("correctness: " + c);
  }

  private void intake(Http referralService) throws InterruptedException {
    phase = "http-intake";
    Map<String, Long> cpuBefore = cpu();
    long start = System.nanoTime();
    List<HttpIntake.Step> steps = new HttpIntake(referralService, runId)
        .probe(options.intakeRates(), Duration.ofSeconds(options.intakeStepSeconds()), Bench::say);
    cpuByPhase.put("http-intake", cpuSince(cpuBefore, System.nanoTime() - start));
    Map<String, Object> intake = new LinkedHashMap<>();
    intake.put("p99BoundMs", HttpIntake.P99_BOUND_MS);
    intake.put("highestRateHeld", steps.stream().filter(HttpIntake.Step::held).mapToInt(HttpIntake.Step::rate).max().orElse(0));
    intake.put("steps", steps);
    results.put("httpIntake", intake);
  }

  private void raw(int recordSize) throws Exception {
    phase = "raw-kafka";
    String prefix = "bench-raw-" + runId;
    RawKafka.Figures figures = RawKafka.measure(options.bootstrap(), prefix, recordSize, options.rawRecords(),
        options.rawLatencyMessages(), Bench::say);
    results.put("rawKafka", figures);
    // the raw topics hold nothing anyone needs: do not leave them on the stack's disk
    try (Admin admin = Admin.create(BenchKafka.withLogin(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, options.bootstrap())))) {
      admin.deleteTopics(List.of(prefix + "-producer", prefix + "-e2e")).all().get(30, TimeUnit.SECONDS);
    }
  }

  private void processes() {
    Map<String, Object> all = new LinkedHashMap<>();
    long totalPeak = 0;
    for (Map.Entry<String, Long> part : parts().entrySet()) {
      ProcessStats.Sample sample = ProcessStats.sample(part.getValue()).orElse(null);
      if (sample == null) continue;
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("peakRssMiB", sample.peakRssKiB() / 1024);
      p.put("rssMiB", sample.rssKiB() / 1024);
      Map<String, Double> cpu = new LinkedHashMap<>();
      cpuByPhase.forEach((phaseName, byPart) -> cpu.put(phaseName, byPart.get(part.getKey())));
      p.put("cpuPercentOfOneCore", cpu);
      all.put(part.getKey(), p);
      if (!part.getKey().equals(LOAD_GENERATOR)) totalPeak += sample.peakRssKiB();
    }
    results.put("processes", all);
    results.put("stackPeakRssMiB", totalPeak / 1024);
  }

  /** The stack's processes, and this one: on one machine the load generator's CPU is taken from the stack's. */
  private Map<String, Long> parts() {
    Map<String, Long> parts = new LinkedHashMap<>(ProcessStats.linkwayPids(options.pidDir()));
    parts.put(LOAD_GENERATOR, ProcessHandle.current().pid());
    return parts;
  }

  private Map<String, Long> cpu() {
    Map<String, Long> out = new LinkedHashMap<>();
    parts().forEach((part, pid) -> ProcessStats.sample(pid)
        .ifPresent(s -> out.put(part, (long) (s.cpuSeconds() * 1000))));
    return out;
  }

  private Map<String, Double> cpuSince(Map<String, Long> before, long nanos) {
    Map<String, Double> percent = new LinkedHashMap<>();
    cpu().forEach((part, ms) -> {
      Long was = before.get(part);
      if (was != null) percent.put(part, round((ms - was) / (nanos / 1e6) * 100));
    });
    return percent;
  }

  /**
   * Waits until every referral is reported ({@link Stall}): while any referral moves (steps, or ends) it waits, whatever
   * the time up to {@code atMost}; when nothing moves for 10 s, the providers read their queues; when nothing has moved
   * for 2 min though they read them, the referrals still under way cannot move: they
   * are reported (under correctness: {@code cannotMove}, by phase) and the phase goes on. They stay unaccounted.
   */
  private void awaitDone(Journey journey, Duration atMost, String what) throws InterruptedException {
    long deadline = System.nanoTime() + atMost.toNanos();
    Stall stall = Stall.ofBench();
    while (journey.awaited() > 0) {
      if (System.nanoTime() > deadline) {
        say(what + ": " + journey.awaited() + " referrals still under way after " + atMost.toMinutes() + " min; going on");
        cannotMove.put(what, journey.giveUp(10));
        return;
      }
      switch (stall.look(journey.moves())) {
        case READ_QUEUES -> journey.readQueues();
        case GIVE_UP -> {
          Map<String, Object> stuck = journey.giveUp(10);
          cannotMove.put(what, stuck);
          say(what + ": " + stuck.get("referrals") + " referrals cannot move (nothing moved for 2 min after the queues"
              + " were read); going on: " + stuck);
          return;
        }
        case WAIT -> { }
      }
      TimeUnit.MILLISECONDS.sleep(50);
    }
  }

  /** The referrals each phase gave up on, as {@link Journey#giveUp} says them, as the results' markdown shows them. */
  static String cannotMoveMarkdown(Map<String, Object> cannotMove) {
    if (cannotMove.isEmpty()) return "";
    StringBuilder md = new StringBuilder("\n## Correctness: referrals that could not move\n\n"
        + "Each phase went on without them, as they were then; those that never ended are counted under unaccounted "
        + "(the run is then not clean), those that ended later are in the completed or unplaced.\n\n"
        + "| phase | referrals | last step (last answer) | some ids |\n| --- | --- | --- | --- |\n");
    cannotMove.forEach((phase, report) -> {
      Map<?, ?> r = (Map<?, ?>) report;
      md.append("| ").append(phase).append(" | ").append(r.get("referrals")).append(" | ")
          .append(String.valueOf(r.get("byLastStepAndAnswer")).replace("|", "/")).append(" | ")
          .append(String.join(", ", ((List<?>) r.get("someIds")).stream().map(String::valueOf).toList())).append(" |\n");
    });
    return md.toString();
  }

  private void progress(Journey journey, TopicAudit audit) {
    say(String.format("%-11s submitted %d, offered %d, accepted %d, completed %d, reported %d, under way %d, events %d%s",
        phase, journey.submitted.get(), journey.offered.get(), journey.accepted.get(), journey.completed.get(),
        journey.outcomes.get(), journey.underWay(), audit.events(),
        journey.failures() == 0 ? "" : ", failures " + journey.failures.toString()));
  }

  /**
   * A set-up request, sent again after a 503 as a client honouring {@code Retry-After} would: a stack just
   * started can take its first commands slowly (on 2 instances of each service and 3 brokers, the first
   * listing's decision came after the 10 s reply timeout). Each is a listing or a PUT, the same sent twice.
   */
  private static Http.Answer untilServed(Supplier<Mono<Http.Answer>> request) {
    return Mono.defer(request)
        .flatMap(a -> a.status() == 503 ? Mono.<Http.Answer>error(new IllegalStateException(
            "503 " + a.body())) : Mono.just(a))
        .retryWhen(Retry.fixedDelay(30, Duration.ofSeconds(2)))
        .block();
  }

  private static void expectOk(Http.Answer answer, String what) {
    if (answer == null || !answer.ok()) {
      throw new IllegalStateException(what + " answered " + (answer == null ? "nothing" : answer.status() + " " + answer.body()));
    }
  }

  private static double round(double value) {
    return Math.round(value * 10) / 10.0;
  }

  static void say(String line) {
    RunClock.say(line);
  }
}
