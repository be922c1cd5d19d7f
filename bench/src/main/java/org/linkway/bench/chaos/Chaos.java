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
import org.linkway.stack.Instance;
import org.linkway.stack.Part;
import org.linkway.stack.StackSize;

/**
 * Fault tests on a real broker: one stack of the harness's own, and on it, one after another, the
 * broker and then each service SIGKILLed and restarted while referrals flow, each fault followed by
 * the checks of {@link FaultRun}. {@code ChaosIT} runs it small in the build; {@code ./linkway chaos}
 * runs it larger and writes the figures to {@code bench/CHAOS.md}.
 */
public final class Chaos {

  /** How big a run is, on a stack of which size, and which instances are killed (in order). */
  record Options(int referralsPerFault, int rate, int providers, int declinePercent, List<Instance> faults, StackSize size) {

    /** On the single stack: the broker, then each service. */
    static final List<Instance> EVERY_FAULT = everyFault(StackSize.SINGLE);

    Options {
      if (referralsPerFault < 4 || rate < 1 || providers < 2 || declinePercent < 0 || declinePercent > 50 || faults.isEmpty()) {
        throw new IllegalArgumentException("options out of range\n" + USAGE);
      }
      for (Instance fault : faults) {
        if (fault.part() == Part.ISSUER || !Instance.of(fault.part(), size).contains(fault)) {
          throw new IllegalArgumentException("no " + fault.label() + " to kill in a stack of " + size + "\n" + USAGE);
        }
      }
    }

    /** On the single stack (one broker, one instance of each service), as the fault tests have always run. */
    Options(int referralsPerFault, int rate, int providers, int declinePercent, List<Instance> faults) {
      this(referralsPerFault, rate, providers, declinePercent, faults, StackSize.SINGLE);
    }

    /**
     * A broker, then one instance of each service: the last of each (on the single stack, the only one),
     * so that with several the others go on serving while it is away.
     */
    static List<Instance> everyFault(StackSize size) {
      return List.of(Part.KAFKA, Part.REFERRAL_SERVICE, Part.PROVIDER_SERVICE, Part.OUTCOME_SERVICE).stream()
          .map(part -> Instance.of(part, size).get(Instance.of(part, size).size() - 1)).toList();
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
        --instances N        instances of each service (1); each request goes to one of them at random
        --brokers M          Kafka brokers (1; 3 to 5 keep 3 copies of every record, 2 in sync)
        --faults LIST        instances to kill, in order (a broker, then one instance of each service, the last
                             of each: kafka,referral-service,provider-service,outcome-service on the single
                             stack, kafka-3,referral-service-2,provider-service-2,outcome-service-2 on 2 x 3)
        --out FILE           where the figures go (bench/CHAOS.md)
      """;

  /** The note that begins a report written while the run goes on. */
  static final String IN_PROGRESS = "IN PROGRESS: ";

  private Chaos() {}

  /** Starts the stack in {@code work}, injects each fault with referrals flowing, checks, stops the stack. */
  static Outcome run(Path repo, Path work, Options options, Consumer<String> say) throws InterruptedException {
    return run(repo, work, options, say, partial -> { });
  }

  /**
   * The same, handing {@code afterEachFault} the figures so far after each fault (with a note saying
   * how many of the faults have run), so that a long run leaves its figures even when it is cut short.
   */
  static Outcome run(Path repo, Path work, Options options, Consumer<String> say, Consumer<Outcome> afterEachFault)
      throws InterruptedException {
    long started = System.nanoTime();
    String runTag = RunClock.runId();
    List<FaultRun.Result> results = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    double startSeconds = Double.NaN;
    boolean secured = false;
    ChaosStack stack = new ChaosStack(repo, work, options.size(), say);
    try {
      stack.start();
      startSeconds = FaultRun.seconds(System.nanoTime() - started);
      secured = stack.kafka().secured();
      Http.useIssuer(stack.issuer());
      Instances referralService = new Instances(stack, Part.REFERRAL_SERVICE, 200);
      Instances providerService = new Instances(stack, Part.PROVIDER_SERVICE, 200);
      Instances outcomeService = new Instances(stack, Part.OUTCOME_SERVICE, 20);
      try (JourneyAudit audit = new JourneyAudit(stack.kafka(), stack.registryApi())) {
        FaultRun faultRun = new FaultRun(stack, audit, referralService, providerService, outcomeService, say);
        int n = 0;
        for (Instance target : options.faults()) {
          n++;
          heal(stack, notes, say);
          results.add(faultRun.run(target, "QK" + n, options, runTag, n * 1_000_000L));
          if (n < options.faults().size()) {
            List<String> soFar = new ArrayList<>(notes);
            soFar.add(0, IN_PROGRESS + n + " of " + options.faults().size() + " faults run when this was written; the run goes on");
            afterEachFault.accept(new Outcome(options, List.copyOf(results), startSeconds,
                FaultRun.seconds(System.nanoTime() - started), secured, soFar, work));
          }
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
    for (Instance part : stack.instances()) {
      if (stack.healthy(part)) continue;
      if (Await.until(() -> stack.healthy(part), java.time.Duration.ofSeconds(30))) continue;
      String note = part.label() + " was not healthy before the next fault: killed and started again";
      notes.add(note);
      say.accept(note);
      try {
        stack.kill(part);
      } catch (IllegalStateException notRunning) {
        // already gone
      }
      stack.restart(part);
      stack.awaitHealthy(part, stack.recoveryBound());
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
      if (!List.of("referrals", "rate", "providers", "decline-percent", "instances", "brokers", "faults", "out", "command")
          .contains(name)) {
        System.err.print("unknown option --" + name + "\n" + USAGE);
        System.exit(2);
      }
    }
    Options options;
    try {
      StackSize size = new StackSize(Integer.parseInt(given.getOrDefault("instances", "1")),
          Integer.parseInt(given.getOrDefault("brokers", "1")));
      List<Instance> faults = given.containsKey("faults")
          ? Arrays.stream(given.get("faults").split(",")).map(String::trim).map(Instance::named).toList()
          : Options.everyFault(size);
      options = new Options(Integer.parseInt(given.getOrDefault("referrals", "1000")),
          Integer.parseInt(given.getOrDefault("rate", "20")), Integer.parseInt(given.getOrDefault("providers", "3")),
          Integer.parseInt(given.getOrDefault("decline-percent", "10")), faults, size);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    Path repo = Path.of("").toAbsolutePath();
    String stamp = RunClock.runId();
    Path work = repo.resolve("bench/target/chaos").resolve(stamp);
    Path out = Path.of(given.getOrDefault("out", "bench/CHAOS.md"));
    String command = given.getOrDefault("command", "./linkway chaos");
    Outcome outcome = run(repo, work, options, Chaos::say, partial -> {
      try {
        Files.writeString(out, ChaosReport.markdown(partial, command));
        say("figures so far in " + out);
      } catch (java.io.IOException e) {
        say("could not write the figures so far to " + out + ": " + e.getMessage());
      }
    });
    String markdown = ChaosReport.markdown(outcome, command);
    Files.writeString(out, markdown);
    System.out.println();
    System.out.println(markdown);
    say("figures in " + out + (outcome.passed() ? "" : "; logs in " + work.resolve("logs")));
    System.exit(outcome.passed() ? 0 : 1);
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
