package org.linkway.bench;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.linkway.stack.Instance;
import org.linkway.stack.Part;
import org.linkway.stack.StackSize;

/** The benchmark's options, as {@code --name value}; every one has a default. */
record BenchOptions(long history, long referrals, int rate, int durationSeconds, int window, int providers, int declinePercent,
    int[] intakeRates, int intakeStepSeconds, long rawRecords, int rawLatencyMessages, double upSeconds, Path out,
    String bootstrap, String registry, String host, Path pidDir, String command, StackSize size, boolean featuresCompare,
    boolean profile) {

  /** The options that take no value. */
  static final java.util.Set<String> FLAGS = java.util.Set.of("features-compare", "profile");

  static final String USAGE = """
      ./linkway bench [options]
        --history N           instead of the latency, throughput and intake phases: fill the stores with N
                              referrals' whole journeys, then time every user-facing read, each stream's
                              replay, each service's memory and its restore on an empty disk; results in
                              RESULTS-history-N.md and results-history-N.json (0: off)
        --referrals N         referrals through the whole journey for throughput (200000)
        --rate R              referrals per second for the latency phase (200)
        --duration S          seconds of the latency phase (60)
        --window W            most referrals under way at once in the throughput phase (1000)
        --providers P         simulated providers (10)
        --decline-percent D   share of first offers declined (10)
        --intake-rates LIST   POST /referrals rates to try, per second (100,200,300,500,750,1000,1500,2000,3000,4000)
        --intake-seconds S    seconds per intake rate (10)
        --raw-records N       records for Kafka's ProducerPerformance (1000000)
        --instances N         instances of each service (1); each request goes to one of them at random
        --brokers M           Kafka brokers (1; 3 to 5 keep 3 copies of every record, 2 in sync)
        --out DIR             where RESULTS.md and results.json go (bench); a run of another size than 1 x 1
                              writes RESULTS-<N>x<M>.md and results-<N>x<M>.json, beside the single stack's
                              figures of results.json when there are some
        --features-compare    after the other phases, the throughput phase again (same referral count, after a
                              warm-up) on the services restarted with tracing off (linkway.tracing.enabled=false),
                              then with per-event logging on (EventLog at DEBUG); the cost of each beside the
                              first throughput phase, in referrals/s and the stack's CPU ms per referral (security
                              stays on); the services are restarted as ./linkway up starts them at the end
        --profile             every service records with JDK Flight Recorder (settings=profile) from its start,
                              into .linkway/jfr/<service>.jfr (a comparison run's into <service>-<run>.jfr); at the
                              end each recording is written and stopped and summarised in RESULTS.md: samples by
                              thread, top 15 self frames, top 15 org.linkway frames, GC pauses
      """;

  /** The same options, with the stack's time to healthy measured by this run. */
  BenchOptions withUpSeconds(double seconds) {
    return new BenchOptions(history, referrals, rate, durationSeconds, window, providers, declinePercent, intakeRates, intakeStepSeconds,
        rawRecords, rawLatencyMessages, seconds, out, bootstrap, registry, host, pidDir, command, size, featuresCompare, profile);
  }

  /** Whether the stack is the single one (one broker, one instance of each service). */
  boolean single() {
    return size.equals(StackSize.SINGLE);
  }

  /**
   * The name a result file of this run's size takes: {@code RESULTS.md}, or {@code RESULTS-2x3.md} for 2 x 3; a
   * history run's {@code RESULTS-history-10000.md}.
   */
  String named(String base, String extension) {
    return base + (single() ? "" : "-" + size.instances() + "x" + size.brokers()) + (history > 0 ? "-history-" + history : "")
        + extension;
  }

  /** The stack's brokers on the local stack's ports (broker k on 9092 + 100·(k−1)), as clients are given them. */
  static String bootstrapOf(StackSize size) {
    return String.join(",", Instance.of(Part.KAFKA, size).stream().map(b -> "127.0.0.1:" + b.port(Part.KAFKA.port())).toList());
  }

  static BenchOptions parse(String[] args) {
    Map<String, String> given = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].startsWith("--") && FLAGS.contains(args[i].substring(2))) {
        given.put(args[i].substring(2), "true");
        continue;
      }
      if (!args[i].startsWith("--") || i + 1 >= args.length) throw new IllegalArgumentException("unexpected argument " + args[i] + "\n" + USAGE);
      given.put(args[i].substring(2), args[++i]);
    }
    StackSize size = new StackSize(Integer.parseInt(given.getOrDefault("instances", "1")),
        Integer.parseInt(given.getOrDefault("brokers", "1")));
    BenchOptions options = new BenchOptions(
        Long.parseLong(given.getOrDefault("history", "0")),
        Long.parseLong(given.getOrDefault("referrals", "200000")),
        Integer.parseInt(given.getOrDefault("rate", "200")),
        Integer.parseInt(given.getOrDefault("duration", "60")),
        Integer.parseInt(given.getOrDefault("window", "1000")),
        Integer.parseInt(given.getOrDefault("providers", "10")),
        Integer.parseInt(given.getOrDefault("decline-percent", "10")),
        Arrays.stream(given.getOrDefault("intake-rates", "100,200,300,500,750,1000,1500,2000,3000,4000").split(","))
            .mapToInt(s -> Integer.parseInt(s.trim())).toArray(),
        Integer.parseInt(given.getOrDefault("intake-seconds", "10")),
        Long.parseLong(given.getOrDefault("raw-records", "1000000")),
        Integer.parseInt(given.getOrDefault("raw-latency-messages", "10000")),
        Double.parseDouble(given.getOrDefault("up-seconds", "NaN")),
        Path.of(given.getOrDefault("out", "bench")),
        given.getOrDefault("bootstrap", bootstrapOf(size)),
        given.getOrDefault("registry", "http://127.0.0.1:8085/apis/registry/v3"),
        given.getOrDefault("host", "127.0.0.1"),
        Path.of(given.getOrDefault("pid-dir", ".linkway/pids")),
        given.getOrDefault("command", "./linkway bench"), size, given.containsKey("features-compare"),
        given.containsKey("profile"));
    if (options.history() < 0 || options.referrals() < 1 || options.rate() < 1 || options.durationSeconds() < 1 || options.window() < 1
        || options.providers() < 1 || options.declinePercent() < 0 || options.declinePercent() > 90) {
      throw new IllegalArgumentException("options out of range\n" + USAGE);
    }
    if (options.history() > 0 && options.featuresCompare()) {
      throw new IllegalArgumentException("--features-compare repeats the throughput phase, which a --history run has not\n" + USAGE);
    }
    return options;
  }
}
