package org.linkway.bench.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.linkway.bench.Http;
import org.linkway.bench.Journey;
import org.linkway.stack.Demo;
import org.linkway.stack.LocalIssuer;
import org.linkway.stack.LocalStack;
import org.linkway.stack.Part;

/**
 * The demo that {@code ./linkway up} loads (demo/README.md): the providers, the Norfolk directory
 * (Open Referral UK), the commissioner's contracts and budget from {@code demo/}; then, once per
 * {@code .linkway/} (a marker file), a history of about 60 referrals taken through the journey by
 * {@link Journey}, as the practices' GP systems and the providers would, so that the commissioner's
 * summary, statements and open data have something to show.
 */
public final class DemoData implements Demo {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration VISIBLE_WITHIN = Duration.ofSeconds(10);
  private static final Duration HISTORY_WITHIN = Duration.ofSeconds(90);
  private static final int GP_SYSTEMS_AT_ONCE = 6;

  private LocalStack stack;
  private Http referralService;
  private Http providerService;
  private Http outcomeService;

  @Override
  public void load(LocalStack stack) throws Exception {
    this.stack = stack;
    var launch = stack.launch();
    // the tokens of the stack's own issuer, which its services trust
    Http.useIssuer(LocalIssuer.inDirectory(launch.issuerDir(), launch.url(Part.ISSUER)));
    referralService = new Http(launch.url(Part.REFERRAL_SERVICE), 20);
    // each provider's live stream holds a connection of its own
    providerService = new Http(launch.url(Part.PROVIDER_SERVICE), 200);
    outcomeService = new Http(launch.url(Part.OUTCOME_SERVICE), 5);
    List<String> providers = loadData(Path.of("demo"));
    Path marker = stack.home().resolve("demo-history.done");
    if (!Files.exists(marker)) history(providers, marker);
  }

  /** The providers, the directory, the contracts and the budgets; the ids of every provider. */
  private List<String> loadData(Path demo) throws IOException {
    long start = System.nanoTime();
    List<String> providers = new ArrayList<>();
    for (Path f : files(demo.resolve("providers"), 1)) {
      send("POST", providerService, "/providers", f);
      providers.add(name(f));
    }
    for (Path f : files(demo.resolve("directory"), 1)) {
      long directoryStart = System.nanoTime();
      JsonNode counts = JSON.readTree(send("POST", providerService, "/providers/import", f));
      providers.addAll(organisations(f));
      stack.out().printf("  %-17s %s: %d organisations, %d services imported (Open Referral UK / HSDS 3.0) in %s%n",
          "directory", f.getFileName(), counts.path("organizations").asInt(), counts.path("services").asInt(),
          LocalStack.seconds(since(directoryStart)));
    }
    List<String> contracts = new ArrayList<>();
    for (Path f : files(demo.resolve("contracts"), 2)) {
      send("PUT", outcomeService, "/commissioners/" + name(f.getParent()) + "/contracts/" + name(f), f);
      contracts.add(name(f));
    }
    int budgets = 0;
    for (Path f : files(demo.resolve("budgets"), 2)) {
      send("PUT", outcomeService, "/commissioners/" + name(f.getParent()) + "/budgets/" + name(f), f);
      budgets++;
    }
    awaitListed(providerService, Part.PROVIDER_SERVICE, "/providers", providers);
    awaitListed(outcomeService, Part.OUTCOME_SERVICE, "/commissioners/" + DemoReferrals.COMMISSIONER + "/contracts", contracts);
    stack.out().printf("  %-17s %d providers, %d contracts and %d budget (QMM) loaded in %s%n", "demo-data", providers.size(),
        contracts.size(), budgets, LocalStack.seconds(since(start)));
    return providers;
  }

  /** The JSON files at a depth under a directory (2: demo/contracts/QMM/x.json), in name order. */
  private static List<Path> files(Path dir, int depth) throws IOException {
    if (!Files.isDirectory(dir)) return List.of();
    try (Stream<Path> all = Files.walk(dir, depth)) {
      return all.filter(f -> f.toString().endsWith(".json") && dir.relativize(f).getNameCount() == depth).sorted().toList();
    }
  }

  private static String name(Path file) {
    return file.getFileName().toString().replaceFirst("\\.json$", "");
  }

  /** The organisations an HSDS file's services name. */
  static List<String> organisations(Path hsds) throws IOException {
    TreeSet<String> ids = new TreeSet<>();
    JSON.readTree(hsds.toFile()).findValues("organization_id").forEach(v -> ids.add(v.asText()));
    return List.copyOf(ids);
  }

  /** PUTs or POSTs a file, failing loudly on anything but 200/201; the answer's body. */
  private String send(String method, Http service, String path, Path file) throws IOException {
    String json = Files.readString(file);
    Http.Answer answer = (method.equals("PUT") ? service.put(path, json) : service.post(path, json))
        .onErrorResume(e -> reactor.core.publisher.Mono.just(new Http.Answer(0, e.toString()))).block(Duration.ofSeconds(30));
    if (answer == null || (answer.status() != 200 && answer.status() != 201)) {
      stack.err().println("linkway: " + method + " " + path + " with " + file + " answered "
          + (answer == null || answer.status() == 0 ? "nothing" : answer.status()) + ":");
      stack.err().println(answer == null ? "" : answer.body());
      throw new LocalStack.Failure("the demo data could not be loaded");
    }
    return answer.body();
  }

  /** Waits until a GET lists every id, so that {@code up} ends with the data visible. */
  private void awaitListed(Http service, Part part, String path, List<String> ids) {
    String[] missing = {""};
    boolean listed = until(() -> {
      Http.Answer answer = service.get(path, Duration.ofSeconds(2)).onErrorResume(e -> reactor.core.publisher.Mono.empty())
          .block();
      String body = answer == null || !answer.ok() ? "" : answer.body();
      missing[0] = ids.stream().filter(id -> !body.contains("\"" + id + "\"")).findFirst().orElse(null);
      return missing[0] == null;
    }, VISIBLE_WITHIN, Duration.ofMillis(200));
    if (!listed) throw new LocalStack.Failure(stack.launch().url(part) + path + " does not list " + missing[0] + " yet");
  }

  // ------------------------------------------------------------------ the history

  private void history(List<String> providers, Path marker) throws IOException {
    long start = System.nanoTime();
    long completedBefore = completedInSummary();
    Journey journey = new Journey(referralService, providerService, outcomeService, DemoReferrals.COMMISSIONER, providers);
    journey.start();
    Map<Journey.Result, Integer> results = new EnumMap<>(Journey.Result.class);
    int unplaced = 0;
    int earlier = 0;
    try {
      List<UUID> ids = submit(journey, DemoReferrals.all(LocalDate.now()));
      // the live streams carry the offers; a quiet stream's offers are read from the queues
      until(() -> {
        journey.readQueues();
        return ids.stream().allMatch(id -> journey.result(id).isPresent());
      }, HISTORY_WITHIN, Duration.ofSeconds(1));
      for (UUID id : ids) {
        Optional<Journey.Result> result = journey.result(id);
        if (result.isPresent()) {
          results.merge(result.get(), 1, Integer::sum);
          continue;
        }
        // a history interrupted earlier (no marker written) is taken up again: the Idempotency-Key gave back
        // the same referral, and what was already done to it is not done twice
        String status = status(id);
        switch (status) {
          case "ACCEPTED" -> results.merge(Journey.Result.IN_PROGRESS, 1, Integer::sum);
          case "COMPLETED" -> {
            results.merge(Journey.Result.COMPLETED, 1, Integer::sum);
            earlier++;
          }
          case "UNPLACED" -> unplaced++;
          default -> {
            warn("referral " + id + " is " + status + " after " + HISTORY_WITHIN.toSeconds() + " s, left as it is");
            results.merge(Journey.Result.FAILED, 1, Integer::sum);
          }
        }
      }
      int failed = DemoReferrals.COUNT - ids.size() + results.getOrDefault(Journey.Result.FAILED, 0);
      // a request answered 503 and sent again is no failure (Journey.failures() counts the same way)
      journey.failuresByKind().forEach((what, n) -> {
        if (!what.endsWith("(sent again)")) warn(what + (n.get() > 1 ? " (" + n.get() + " times)" : ""));
      });
      int completed = results.getOrDefault(Journey.Result.COMPLETED, 0);
      awaitCompletedInSummary(completedBefore, completed - earlier);
      String line = DemoReferrals.COUNT + " referrals: " + completed + " completed, "
          + results.getOrDefault(Journey.Result.DECLINED, 0) + " declined, "
          + results.getOrDefault(Journey.Result.IN_PROGRESS, 0) + " in progress"
          + (unplaced > 0 ? ", " + unplaced + " unplaced" : "")
          + (failed > 0 ? ", " + failed + " not taken through (warnings above)" : "");
      stack.out().printf("  %-17s %s (%s)%n", "demo-history", line, LocalStack.seconds(since(start)));
      Files.writeString(marker, line + ", " + Instant.now().truncatedTo(ChronoUnit.SECONDS) + "\n");
    } finally {
      journey.stop();
    }
  }

  /** Submits the referrals, {@link #GP_SYSTEMS_AT_ONCE} at a time, as the practices' GP systems would; the ids of those taken. */
  private static List<UUID> submit(Journey journey, List<Journey.Referral> referrals) {
    java.util.concurrent.ExecutorService gpSystems = java.util.concurrent.Executors.newFixedThreadPool(GP_SYSTEMS_AT_ONCE);
    try {
      List<java.util.concurrent.Future<Optional<UUID>>> taken = new ArrayList<>();
      for (Journey.Referral r : referrals) taken.add(gpSystems.submit(() -> journey.submit(r)));
      List<UUID> ids = new ArrayList<>();
      for (var f : taken) f.get().ifPresent(ids::add);
      return ids;
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("submitting the demo history failed", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LocalStack.Failure("interrupted while submitting the demo history");
    } finally {
      gpSystems.shutdownNow();
    }
  }

  private String status(UUID referralId) {
    Http.Answer answer = referralService.get("/referrals/" + referralId, Duration.ofSeconds(2))
        .onErrorResume(e -> reactor.core.publisher.Mono.empty()).block();
    if (answer == null || !answer.ok()) return "unknown";
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"status\":\"([A-Z_]+)\"").matcher(answer.body());
    return m.find() ? m.group(1) : "unknown";
  }

  /** Like the demo data, {@code up} ends with the history visible: the commissioner's summary counts the completions. */
  private void awaitCompletedInSummary(long before, int fresh) {
    if (before < 0) return;
    long[] now = {before};
    if (!until(() -> (now[0] = completedInSummary()) >= before + fresh, VISIBLE_WITHIN, Duration.ofMillis(100))) {
      warn("the commissioner's summary shows " + now[0] + " completed referrals after 10 s, not yet " + (before + fresh));
    }
  }

  /** COMPLETED referrals in QMM's summary; -1 when it does not answer. */
  private long completedInSummary() {
    Http.Answer answer = outcomeService.get("/commissioners/" + DemoReferrals.COMMISSIONER + "/summary", Duration.ofSeconds(2))
        .onErrorResume(e -> reactor.core.publisher.Mono.empty()).block();
    if (answer == null || !answer.ok()) return -1;
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"COMPLETED\":([0-9]+)").matcher(answer.body());
    return m.find() ? Long.parseLong(m.group(1)) : -1;
  }

  private void warn(String what) {
    stack.err().println("linkway: WARNING: demo-history: " + what);
  }

  /** Polls the condition until it holds or the bound passes. */
  private static boolean until(BooleanSupplier condition, Duration bound, Duration every) {
    long deadline = System.nanoTime() + bound.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) return false;
      try {
        Thread.sleep(every.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }

  private static Duration since(long nanos) {
    return Duration.ofNanos(System.nanoTime() - nanos);
  }
}
