package org.linkway.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The runs of {@code --features-compare}: the throughput phase with everything on (the run's own), then again on the
 * services restarted for each {@link Variant}; and the cost of each cross-cutting feature, from the run with it and
 * the run without it. Security is on in every run. Figures are plain maps, as {@code results.json} holds them.
 */
final class FeatureRuns {

  /** A comparison run: its name (in files and results), what it changes, and the services' arguments that change it. */
  record Variant(String name, String description, List<String> arguments) {}

  static final String BASELINE = "everything-on";

  static final List<Variant> VARIANTS = List.of(
      new Variant("tracing-off", "tracing off (linkway.tracing.enabled=false)", List.of("--linkway.tracing.enabled=false")),
      new Variant("event-log", "tracing on, per-event logging on (EventLog at DEBUG)",
          List.of("--logging.level.org.linkway.platform.observability.EventLog=DEBUG")));

  /** Each feature: its name, the run with it, the run without it. */
  static final List<List<String>> FEATURES = List.of(
      List.of("tracing (trace context on HTTP and events, observations, referral traces)", BASELINE, "tracing-off"),
      List.of("per-event logging (a DEBUG line per event written)", "event-log", BASELINE));

  private FeatureRuns() {}

  /**
   * The run's own throughput phase as a comparison run: its referrals/s, and the stack's CPU ms per referral from each
   * process's CPU % of one core over the phase (the load generator's left out).
   */
  static Map<String, Object> baseline(Map<String, Object> throughput, Map<String, Double> cpuPercentByPart, String loadGenerator) {
    double seconds = ((Number) throughput.get("seconds")).doubleValue();
    double perSec = ((Number) throughput.get("referralsPerSec")).doubleValue();
    Map<String, Long> cpuMs = new LinkedHashMap<>();
    cpuPercentByPart.forEach((part, percent) -> cpuMs.put(part, Math.round(percent / 100 * seconds * 1000)));
    return run(BASELINE, "everything on (the throughput phase above)", Math.round(perSec * seconds), (long) (seconds * 1e9),
        cpuMs, 0, 0, loadGenerator);
  }

  /**
   * One run's figures: referrals done in {@code nanos}, with each process's CPU ms over it; those still under way at
   * its end, and the requests that failed for good (its correctness: the first phase's is the run's own).
   */
  static Map<String, Object> run(String name, String description, long done, long nanos, Map<String, Long> cpuMsByPart,
      long unaccounted, long failedRequests, String loadGenerator) {
    long stackMs = cpuMsByPart.entrySet().stream().filter(e -> !e.getKey().equals(loadGenerator)).mapToLong(Map.Entry::getValue)
        .sum();
    Map<String, Object> run = new LinkedHashMap<>();
    run.put("name", name);
    run.put("description", description);
    run.put("referrals", done);
    run.put("seconds", round(nanos / 1e9));
    run.put("referralsPerSec", round(done / (nanos / 1e9)));
    run.put("stackCpuMsPerReferral", done == 0 ? null : round((double) stackMs / done));
    run.put("cpuMsByProcess", cpuMsByPart);
    run.put("unaccounted", unaccounted);
    run.put("failedRequests", failedRequests);
    return run;
  }

  /**
   * The runs, and each feature's cost: how much lower the throughput is with it than without it (% of the throughput
   * without), and how many more CPU ms per referral the stack spends with it.
   */
  static Map<String, Object> figures(long referrals, List<Map<String, Object>> runs) {
    Map<String, Map<String, Object>> byName = new LinkedHashMap<>();
    runs.forEach(run -> byName.put((String) run.get("name"), run));
    List<Map<String, Object>> costs = new ArrayList<>();
    for (List<String> feature : FEATURES) {
      Map<String, Object> with = byName.get(feature.get(1));
      Map<String, Object> without = byName.get(feature.get(2));
      if (with == null || without == null) continue;
      Map<String, Object> cost = new LinkedHashMap<>();
      cost.put("feature", feature.get(0));
      cost.put("with", feature.get(1));
      cost.put("without", feature.get(2));
      double withRate = ((Number) with.get("referralsPerSec")).doubleValue();
      double withoutRate = ((Number) without.get("referralsPerSec")).doubleValue();
      cost.put("throughputCostPercent", withoutRate == 0 ? null : round(100 * (1 - withRate / withoutRate)));
      Object withCpu = with.get("stackCpuMsPerReferral");
      Object withoutCpu = without.get("stackCpuMsPerReferral");
      cost.put("cpuMsPerReferralCost", withCpu == null || withoutCpu == null ? null
          : round(((Number) withCpu).doubleValue() - ((Number) withoutCpu).doubleValue()));
      costs.add(cost);
    }
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("referralsPerRun", referrals);
    figures.put("runs", runs);
    figures.put("costs", costs);
    return figures;
  }

  private static double round(double value) {
    return Math.round(value * 100) / 100.0;
  }
}
