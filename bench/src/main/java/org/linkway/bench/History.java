package org.linkway.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.linkway.platform.domain.SocialPrescribing;
import org.linkway.stack.Instance;
import org.linkway.stack.LocalStack;
import org.linkway.stack.Part;
import org.linkway.stack.StackSize;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * {@code ./linkway bench --history N}: what a user's read costs once the stores hold years of referrals. The stores
 * are first filled with N referrals' whole journeys (the benchmark's journey at full speed: real intake, offers,
 * acceptances, sessions, outcomes and payments, through the services' own topics), then every user-facing read is
 * timed one request at a time: the GP's list and referral page, the provider's queue and inbox, the commissioner's
 * dashboard and its parts, summary, ledger page, statement CSV, breakdown, open data, and each live stream's replay
 * (time to its first event, resumed from an event half-way through the fill). Then each service's memory, and the
 * time each takes to restore its stores on an empty disk and serve again.
 */
final class History {

  /** Requests before the timed ones, not counted: the first of a path compiles its code. */
  static final int UNTIMED = 10;
  /** Timed requests of each read. */
  static final int TIMED = 200;
  /** Timed connections of each stream. */
  static final int STREAM_CONNECTIONS = 20;
  private static final Duration FIRST_EVENT_BOUND = Duration.ofSeconds(30);
  private static final Duration SERVE_AGAIN_BOUND = Duration.ofMinutes(30);
  private static final Pattern REFERRAL_ROW = Pattern.compile("/app/referrals/([0-9a-f-]{36})");

  /** One read a user makes: a name for the report, the service, the path, the token (null: the path's owner's) and what it accepts. */
  record Read(String name, Http service, String path, String token, String accept) {}

  /**
   * One live stream; whether it sends something on connecting with no id (a first page: the ledger's and outcomes'
   * latest; a practice's stream sends only what happens next, a provider's its open offers, none after the fill);
   * and the id of an event half-way through the fill that a resumed connection asks after.
   */
  record Stream(String name, Http service, String path, boolean sendsOnConnect, AtomicReference<String> halfWay) {}

  private final Http referralService;
  private final Http providerService;
  private final Http outcomeService;
  private final String commissioner;
  private final String provider = BenchPeople.providerId(1);
  private final List<Stream> streams;
  private final AtomicBoolean pastHalfWay = new AtomicBoolean();
  private final List<Disposable> watching = new ArrayList<>();

  History(Http referralService, Http providerService, Http outcomeService, String commissioner) {
    this.referralService = referralService;
    this.providerService = providerService;
    this.outcomeService = outcomeService;
    this.commissioner = commissioner;
    this.streams = List.of(
        new Stream("GP practice's stream", referralService, "/referrers/" + BenchPeople.PRACTICE + "/referrals/stream",
            false, new AtomicReference<>()),
        new Stream("provider's stream", providerService, "/providers/" + provider + "/referrals/stream", false,
            new AtomicReference<>()),
        new Stream("ledger stream", outcomeService, "/commissioners/" + commissioner + "/ledger/stream", true,
            new AtomicReference<>()),
        new Stream("outcome stream", outcomeService, "/commissioners/" + commissioner + "/outcomes/stream", true,
            new AtomicReference<>()));
  }

  /**
   * The stores filled with {@code referrals} whole journeys, {@code window} under way at once; each stream watched
   * meanwhile, for the id of its first event after half the referrals were submitted.
   */
  Map<String, Object> fill(Journey journey, long referrals, int window, Runnable awaitDone) throws InterruptedException {
    for (Stream stream : streams) {
      watching.add(stream.service().events(stream.path())
          .filter(event -> event.id() != null && pastHalfWay.get())
          .subscribe(event -> stream.halfWay().compareAndSet(null, event.id()), e -> { }));
    }
    journey.limitInFlight(window);
    long start = System.nanoTime();
    for (long i = 0; i < referrals; i++) {
      if (i == referrals / 2) pastHalfWay.set(true);
      journey.submit(false);
    }
    awaitDone.run();
    double seconds = (System.nanoTime() - start) / 1e9;
    watching.forEach(Disposable::dispose);
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("referrals", referrals);
    figures.put("seconds", round(seconds));
    figures.put("referralsPerSec", round(referrals / seconds));
    return figures;
  }

  /** Every user-facing read, each timed {@value #TIMED} times one after another. */
  Map<String, Object> reads() {
    LocalIssuerTokens tokens = new LocalIssuerTokens();
    String referralId = firstReferral(tokens.gp);
    String month = YearMonth.now(SocialPrescribing.UK).toString();
    String c = "/commissioners/" + commissioner;
    List<Read> reads = List.of(
        new Read("GP: referral list page", referralService, "/app/referrals", tokens.gp, "text/html"),
        new Read("GP: referral page", referralService, "/app/referrals/" + referralId, tokens.gp, "text/html"),
        new Read("GP system: referral (API)", referralService, "/referrals/" + referralId, null, "application/json"),
        new Read("provider: queue (API)", providerService, "/providers/" + provider + "/referrals", null, "application/json"),
        new Read("provider: inbox page", providerService, "/app/inbox", tokens.provider, "text/html"),
        new Read("commissioner: dashboard page", outcomeService, "/app/dashboard", tokens.commissioner, "text/html"),
        new Read("commissioner: dashboard budget part", outcomeService, "/app/dashboard/budget", tokens.commissioner, "text/html"),
        new Read("commissioner: dashboard money part", outcomeService, "/app/dashboard/money", tokens.commissioner, "text/html"),
        new Read("commissioner: dashboard charts part", outcomeService, "/app/dashboard/charts", tokens.commissioner, "text/html"),
        new Read("commissioner: summary", outcomeService, c + "/summary", null, "application/json"),
        new Read("commissioner: ledger page", outcomeService, c + "/ledger", null, "application/json"),
        new Read("commissioner: statement CSV", outcomeService, c + "/statements?month=" + month, tokens.commissioner,
            "text/csv"),
        new Read("commissioner: breakdown", outcomeService, c + "/summary/breakdown", null, "application/json"),
        new Read("open data: outcomes", outcomeService, "/open-data/outcomes", null, "application/json"));
    Map<String, Object> figures = new LinkedHashMap<>();
    for (Read read : reads) {
      figures.put(read.name(), time(read));
      Bench.say("history: " + read.name() + " " + figures.get(read.name()));
    }
    return figures;
  }

  private Map<String, Object> time(Read read) {
    Supplier<Mono<Http.Answer>> request = read.token() == null
        ? () -> read.service().get(read.path(), Duration.ofSeconds(60))
        : () -> read.service().get(read.path(), read.token(), read.accept());
    Latencies latencies = new Latencies();
    Map<Integer, Integer> statuses = new LinkedHashMap<>();
    long bytes = 0;
    for (int i = 0; i < UNTIMED + TIMED; i++) {
      long start = System.nanoTime();
      Http.Answer answer = request.get().onErrorResume(e -> Mono.just(new Http.Answer(0, ""))).block();
      long nanos = System.nanoTime() - start;
      if (i < UNTIMED) continue;
      statuses.merge(answer.status(), 1, Integer::sum);
      bytes = answer.body().length();
      latencies.record(nanos);
    }
    return figures(read.path(), latencies.summary(), statuses, bytes);
  }

  /**
   * Each stream resumed from half-way, and connected with no id where it sends something on connecting: the time to
   * its first event.
   */
  Map<String, Object> streamReplays() {
    Map<String, Object> figures = new LinkedHashMap<>();
    for (Stream stream : streams) {
      Map<String, Object> byHow = new LinkedHashMap<>();
      if (stream.sendsOnConnect()) byHow.put("connected", firstEvents(stream, null));
      String halfWay = stream.halfWay().get();
      byHow.put("resumedFromHalfWay", halfWay == null ? Map.of("note", "no event seen after half the fill was submitted")
          : firstEvents(stream, halfWay));
      figures.put(stream.name(), byHow);
      Bench.say("history: " + stream.name() + " " + byHow);
    }
    return figures;
  }

  private Map<String, Object> firstEvents(Stream stream, String lastEventId) {
    Latencies latencies = new Latencies();
    int none = 0;
    for (int i = 0; i < STREAM_CONNECTIONS; i++) {
      long start = System.nanoTime();
      Http.Sse first = stream.service().events(stream.path(), lastEventId).next()
          .timeout(FIRST_EVENT_BOUND, Mono.empty()).onErrorResume(e -> Mono.empty()).block();
      if (first == null) none++;
      else latencies.record(System.nanoTime() - start);
    }
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("path", stream.path());
    if (lastEventId != null) figures.put("lastEventId", lastEventId);
    figures.put("toFirstEventMs", latencies.summary());
    figures.put("connectionsWithNoEventWithin" + FIRST_EVENT_BOUND.toSeconds() + "s", none);
    return figures;
  }

  /** Each service's resident memory now, and the largest it has been. */
  static Map<String, Object> memory(Path pidDir) {
    Map<String, Object> figures = new LinkedHashMap<>();
    ProcessStats.linkwayPids(pidDir).forEach((part, pid) -> ProcessStats.sample(pid).ifPresent(sample ->
        figures.put(part, Map.of("rssMiB", sample.rssKiB() / 1024, "peakRssMiB", sample.peakRssKiB() / 1024))));
    return figures;
  }

  /**
   * Each service's first instance stopped, its stores removed and started again, one service at a time: how much it
   * kept on disk, how long until it was healthy, and until it served a read of the history again (not 503).
   */
  Map<String, Object> restores(StackSize size) throws IOException {
    LocalStack stack = LocalStack.here(System.out, System.err).sized(size);
    Map<Part, Supplier<Mono<Http.Answer>>> probes = new LinkedHashMap<>();
    String referralId = firstReferral(new LocalIssuerTokens().gp);
    probes.put(Part.REFERRAL_SERVICE, () -> referralService.get("/referrals/" + referralId));
    probes.put(Part.PROVIDER_SERVICE, () -> providerService.get("/providers/" + provider + "/referrals"));
    probes.put(Part.OUTCOME_SERVICE, () -> outcomeService.get("/commissioners/" + commissioner + "/summary"));
    Map<String, Object> figures = new LinkedHashMap<>();
    for (Map.Entry<Part, Supplier<Mono<Http.Answer>>> probe : probes.entrySet()) {
      Instance instance = Instance.first(probe.getKey());
      long stateBytes = bytesUnder(stack.launch().stateDir(instance));
      long start = System.nanoTime();
      Duration healthy = stack.restartOnEmptyDisk(instance);
      long deadline = start + SERVE_AGAIN_BOUND.toNanos();
      Http.Answer answer = null;
      while (System.nanoTime() < deadline && (answer == null || !answer.ok())) {
        answer = probe.getValue().get().onErrorResume(e -> Mono.just(new Http.Answer(0, ""))).block();
        if (!answer.ok()) Mono.delay(Duration.ofMillis(200)).block();
      }
      Map<String, Object> restore = new LinkedHashMap<>();
      restore.put("stateMiBBefore", round(stateBytes / 1048576.0));
      restore.put("secondsToHealthy", round(healthy.toMillis() / 1000.0));
      restore.put("secondsToServe", answer != null && answer.ok() ? round((System.nanoTime() - start) / 1e9)
          : "not within " + SERVE_AGAIN_BOUND.toMinutes() + " min: " + (answer == null ? "no answer" : answer.status()));
      figures.put(instance.label(), restore);
      Bench.say("history: restore of " + instance.label() + " on an empty disk " + restore);
    }
    return figures;
  }

  private String firstReferral(String gpToken) {
    Http.Answer list = referralService.get("/app/referrals", gpToken, "text/html").block();
    Matcher row = REFERRAL_ROW.matcher(list == null ? "" : list.body());
    if (!row.find()) throw new IllegalStateException("the GP's list shows no referral: " + (list == null ? "no answer" : list.status()));
    return row.group(1);
  }

  private static long bytesUnder(Path dir) throws IOException {
    if (!Files.exists(dir)) return 0;
    try (java.util.stream.Stream<Path> all = Files.walk(dir)) {
      return all.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
  }

  private static Map<String, Object> figures(String path, Latencies.Summary summary, Map<Integer, Integer> statuses, long bytes) {
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("path", path);
    figures.put("ms", summary);
    figures.put("statuses", statuses);
    figures.put("bytes", bytes);
    return figures;
  }

  /** The tokens of the pages' signed-in parties: the bench's practice, its first provider, its commissioner. */
  private final class LocalIssuerTokens {
    final String gp = Http.issuer().gp(BenchPeople.PRACTICE);
    final String provider = Http.issuer().provider(History.this.provider);
    final String commissioner = Http.issuer().commissioner(History.this.commissioner);
  }

  /** The history's figures as Markdown: one row per read, per stream and per service. */
  @SuppressWarnings("unchecked")
  static String markdown(Map<String, Object> results) {
    Map<String, Object> run = (Map<String, Object>) results.get("run");
    Map<String, Object> history = (Map<String, Object>) results.get("history");
    Map<String, Object> fill = (Map<String, Object>) history.get("fill");
    StringBuilder md = new StringBuilder("# Linkway with years of data: reads over a filled history\n\n");
    md.append("- Date: ").append(run.get("date")).append("\n- Command: `").append(run.get("command")).append("`\n");
    md.append("- Filled with ").append(fill.get("referrals")).append(" whole journeys in ").append(fill.get("seconds"))
        .append(" s (").append(fill.get("referralsPerSec")).append(" referrals/s), commissioner ").append(run.get("commissioner"))
        .append("; each read timed ").append(TIMED).append(" times, one at a time, after ").append(UNTIMED).append(" untimed\n\n");
    Map<String, Object> correctness = (Map<String, Object>) results.get("correctness");
    md.append("- Correctness of the fill: ").append(correctness.get("completed")).append(" completed + ")
        .append(correctness.get("unplaced")).append(" unplaced of ").append(correctness.get("submitted"))
        .append(" submitted, ").append(correctness.get("unaccounted")).append(" unaccounted; reconciliation clean: ")
        .append(correctness.get("reconciliationClean")).append("; failed requests: ").append(correctness.get("failedRequests"))
        .append("\n\n");
    md.append("| read | path | p50 ms | p99 ms | max ms | answers |\n| --- | --- | --- | --- | --- | --- |\n");
    ((Map<String, Object>) history.get("reads")).forEach((name, value) -> {
      Map<String, Object> read = (Map<String, Object>) value;
      Latencies.Summary ms = (Latencies.Summary) read.get("ms");
      md.append(String.format(Locale.ROOT, "| %s | `%s` | %.1f | %.1f | %.1f | %s |%n", name, read.get("path"), ms.p50(), ms.p99(),
          ms.max(), read.get("statuses")));
    });
    md.append("\n| stream | how | to first event p50 ms | p99 ms | connections with no event |\n| --- | --- | --- | --- | --- |\n");
    ((Map<String, Object>) history.get("streams")).forEach((name, value) ->
        ((Map<String, Object>) value).forEach((how, v) -> {
          Map<String, Object> stream = (Map<String, Object>) v;
          Latencies.Summary ms = (Latencies.Summary) stream.get("toFirstEventMs");
          String none = stream.entrySet().stream().filter(e -> e.getKey().startsWith("connectionsWithNoEvent"))
              .map(e -> String.valueOf(e.getValue())).findFirst().orElse(String.valueOf(stream.get("note")));
          md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s |%n", name, how,
              ms == null ? "" : String.format(Locale.ROOT, "%.1f", ms.p50()), ms == null ? "" : String.format(Locale.ROOT, "%.1f", ms.p99()),
              none));
        }));
    md.append("\n| service | RSS MiB after the reads | peak RSS MiB | state on disk MiB | restore: s to healthy | s to serve again |\n"
        + "| --- | --- | --- | --- | --- | --- |\n");
    Map<String, Object> memory = (Map<String, Object>) history.get("memory");
    Map<String, Object> restores = (Map<String, Object>) history.get("restores");
    restores.forEach((label, value) -> {
      Map<String, Object> restore = (Map<String, Object>) value;
      Map<String, Object> rss = (Map<String, Object>) memory.getOrDefault(label, Map.of());
      md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s |%n", label, rss.get("rssMiB"), rss.get("peakRssMiB"),
          restore.get("stateMiBBefore"), restore.get("secondsToHealthy"), restore.get("secondsToServe")));
    });
    return md.toString();
  }

  private static double round(double value) {
    return Math.round(value * 10) / 10.0;
  }
}
