package org.linkway.bench.chaos;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.linkway.bench.Http;
import org.linkway.bench.RunClock;
import org.linkway.bench.chaos.ChaosStack.Part;

/**
 * Fault tests on a real broker: one stack of the harness's own, and on it, one after another, the
 * broker and then each service SIGKILLed and restarted while referrals flow, each fault followed by
 * the checks of {@link FaultRun}. {@code ChaosIT} runs it small in the build; {@code ./linkway chaos}
 * runs it larger and writes the figures to {@code bench/CHAOS.md}.
 */
public final class Chaos {

  /** How big a run is, and which parts are killed (in order). */
  record Options(int referralsPerFault, int rate, int providers, int declinePercent, List<Part> faults) {

    static final List<Part> EVERY_FAULT = List.of(Part.KAFKA, Part.REFERRAL_SERVICE, Part.PROVIDER_SERVICE, Part.OUTCOME_SERVICE);

    Options {
      if (referralsPerFault < 4 || rate < 1 || providers < 2 || declinePercent < 0 || declinePercent > 50 || faults.isEmpty()) {
        throw new IllegalArgumentException("options out of range\n" + USAGE);
      }
    }
  }

  /** A whole run: each fault's result, and how long the stack took to start and the run to end. */
  record Outcome(Options options, List<FaultRun.Result> results, double startSeconds, double runSeconds, boolean kafkaSecured,
      List<String> notes, Path work) {
    boolean passed() {
      return !results.isEmpty() && results.size() == options.faults().size()
          && results.stream().allMatch(FaultRun.Result::passed) && notes.stream().noneMatch(n -> n.startsWith("FAILED"));
    }
  }

  static final String USAGE = """
      ./linkway chaos [options]
        --referrals N        referrals per fault (1000)
        --rate R             referrals sent per second (20)
        --providers P        simulated providers per fault (3)
        --decline-percent D  share of first offers declined (10)
        --faults LIST        parts to kill, in order (kafka,referral-service,provider-service,outcome-service)
        --out FILE           where the figures go (bench/CHAOS.md)
      """;

  private Chaos() {}

  /** Starts the stack in {@code work}, injects each fault with referrals flowing, checks, stops the stack. */
  static Outcome run(Path repo, Path work, Options options, Consumer<String> say) throws InterruptedException {
    long started = System.nanoTime();
    String runTag = RunClock.runId();
    List<FaultRun.Result> results = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    double startSeconds = Double.NaN;
    boolean secured = false;
    ChaosStack stack = new ChaosStack(repo, work, say);
    try {
      stack.start();
      startSeconds = FaultRun.seconds(System.nanoTime() - started);
      secured = stack.kafka().secured();
      Http.useIssuer(stack.issuer());
      Http referralService = new Http(stack.url(Part.REFERRAL_SERVICE), 200);
      Http providerService = new Http(stack.url(Part.PROVIDER_SERVICE), 200);
      Http outcomeService = new Http(stack.url(Part.OUTCOME_SERVICE), 20);
      try (JourneyAudit audit = new JourneyAudit(stack.kafka(), stack.registryApi())) {
        FaultRun faultRun = new FaultRun(stack, audit, referralService, providerService, outcomeService, say);
        int n = 0;
        for (Part target : options.faults()) {
          n++;
          heal(stack, notes, say);
          results.add(faultRun.run(target, "QK" + n, options, runTag, n * 1_000_000L));
        }
      }
    } catch (RuntimeException e) {
      notes.add("FAILED: the run stopped: " + e.getMessage());
      say.accept("the run stopped: " + e);
    } finally {
      stack.close();
    }
    Outcome outcome = new Outcome(options, results, startSeconds, FaultRun.seconds(System.nanoTime() - started), secured,
        notes, work);
    if (outcome.passed()) stack.deleteData();
    return outcome;
  }

  /**
   * A part that did not recover from the last fault is started again, so that the next fault tests
   * something; the note says so (the last fault has failed already).
   */
  private static void heal(ChaosStack stack, List<String> notes, Consumer<String> say) {
    for (Part part : Part.values()) {
      if (stack.healthy(part)) continue;
      if (Await.until(() -> stack.healthy(part), java.time.Duration.ofSeconds(30))) continue;
      String note = part.label + " was not healthy before the next fault: killed and started again";
      notes.add(note);
      say.accept(note);
      try {
        stack.kill(part);
      } catch (IllegalStateException notRunning) {
        // already gone
      }
      stack.restart(part);
      stack.awaitHealthy(part, FaultRun.RECOVERY_BOUND);
    }
  }

  public static void main(String[] args) throws Exception {
    quietClients();
    Map<String, String> given = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--help") || args[i].equals("-h")) {
        System.out.print(USAGE);
        return;
      }
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        System.err.print("unexpected argument " + args[i] + "\n" + USAGE);
        System.exit(2);
      }
      given.put(args[i].substring(2), args[++i]);
    }
    for (String name : given.keySet()) {
      if (!List.of("referrals", "rate", "providers", "decline-percent", "faults", "out", "command").contains(name)) {
        System.err.print("unknown option --" + name + "\n" + USAGE);
        System.exit(2);
      }
    }
    Options options;
    try {
      options = new Options(Integer.parseInt(given.getOrDefault("referrals", "1000")),
          Integer.parseInt(given.getOrDefault("rate", "20")), Integer.parseInt(given.getOrDefault("providers", "3")),
          Integer.parseInt(given.getOrDefault("decline-percent", "10")),
          Arrays.stream(given.getOrDefault("faults", "kafka,referral-service,provider-service,outcome-service").split(","))
              .map(String::trim).map(Chaos::part).toList());
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    Path repo = Path.of("").toAbsolutePath();
    String stamp = RunClock.runId();
    Path work = repo.resolve("bench/target/chaos").resolve(stamp);
    Outcome outcome = run(repo, work, options, Chaos::say);
    String markdown = ChaosReport.markdown(outcome, given.getOrDefault("command", "./linkway chaos"));
    Path out = Path.of(given.getOrDefault("out", "bench/CHAOS.md"));
    Files.writeString(out, markdown);
    System.out.println();
    System.out.println(markdown);
    say("figures in " + out + (outcome.passed() ? "" : "; logs in " + work.resolve("logs")));
    System.exit(outcome.passed() ? 0 : 1);
  }

  private static Part part(String label) {
    return Arrays.stream(Part.values()).filter(p -> p.label.equals(label) || p.label.equals(label + "-service")).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no part " + label + " (kafka, referral-service, provider-service, "
            + "outcome-service, registry)"));
  }

  /**
   * The Kafka and Netty clients warn about every refused connection while a part is down, which is
   * the point here; the harness reports what matters itself.
   */
  static void quietClients() {
    for (String name : List.of("org.apache.kafka", "reactor.netty", "io.netty")) {
      org.slf4j.Logger logger = org.slf4j.LoggerFactory.getLogger(name);
      if (logger instanceof ch.qos.logback.classic.Logger l) l.setLevel(ch.qos.logback.classic.Level.ERROR);
    }
  }

  static void say(String line) {
    RunClock.say(line);
  }
}
