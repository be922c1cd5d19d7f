package org.linkway.bench;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.linkway.bench.profile.JfrSummary;

/** The results as a Markdown table: each figure beside the same run's raw Kafka figure, and the target. */
final class Report {

  private Report() {}

  @SuppressWarnings("unchecked")
  static String markdown(Map<String, Object> results) {
    Map<String, Object> run = (Map<String, Object>) results.get("run");
    Map<String, Object> machine = (Map<String, Object>) run.get("machine");
    RawKafka.Figures raw = (RawKafka.Figures) results.get("rawKafka");
    Map<String, Object> throughput = (Map<String, Object>) results.get("throughput");
    Map<String, Object> latency = (Map<String, Object>) results.get("latency");
    Map<String, Object> intake = (Map<String, Object>) results.get("httpIntake");
    Map<String, Object> correctness = (Map<String, Object>) results.get("correctness");
    Map<String, Object> processes = (Map<String, Object>) results.get("processes");
    Map<String, Object> startUp = (Map<String, Object>) results.get("startUp");

    StringBuilder md = new StringBuilder();
    md.append("# Linkway benchmark results\n\n");
    md.append("- Date: ").append(run.get("date")).append("\n");
    md.append("- Command: `").append(run.get("command")).append("`\n");
    md.append("- Machine: ").append(machine.get("cores")).append(" cores (").append(machine.get("cpu")).append("), ")
        .append(machine.get("memoryGiB")).append(" GiB, ").append(machine.get("os")).append(", ").append(machine.get("java"))
        .append("; ").append(stack(run)).append(", the registry and the load generator all on it\n");
    md.append("- Raw Kafka on the same broker, same run: `ProducerPerformance` ").append(raw.records()).append(" records of ")
        .append(raw.recordSize()).append(" bytes (the mean Linkway event), acks=all, idempotent; `EndToEndLatency` ")
        .append(raw.latencyMessages()).append(" messages\n\n");

    md.append("| figure | Linkway | raw Kafka | ratio to raw | target |\n| --- | --- | --- | --- | --- |\n");
    double events = num(throughput.get("eventsPerSec"));
    md.append(row("Full-journey throughput", fmt(num(throughput.get("referralsPerSec"))) + " referrals/s ("
        + fmt(events) + " events/s, " + throughput.get("referrals") + " referrals in " + throughput.get("seconds") + " s)",
        fmt(raw.recordsPerSec()) + " records/s", ratio(events, raw.recordsPerSec()) + " (events)",
        "≥ 2,000 referrals/s"));
    String rate = " at " + latency.get("rate") + "/s";
    md.append(hop("Submitted → provider's queue" + rate, (Latencies.Summary) latency.get("submittedToProviderQueue"), raw,
        "p99 ≤ 100 ms"));
    md.append(hop("Accept sent → COMMITTED in the ledger" + rate, (Latencies.Summary) latency.get("acceptedToCommittedInLedger"),
        raw, ""));
    md.append(hop("Complete sent → OutcomeReported on the SSE stream" + rate,
        (Latencies.Summary) latency.get("completedToOutcomeOnStream"), raw, ""));
    int held = ((Number) intake.get("highestRateHeld")).intValue();
    md.append(row("HTTP intake: highest rate with p99 < 50 ms", held + " requests/s", fmt(raw.recordsPerSec()) + " records/s",
        ratio(held, raw.recordsPerSec()), "≥ 3,000 requests/s"));
    md.append(row("Peak RSS, whole stack", results.get("stackPeakRssMiB") + " MiB", "", "", "< 1,536 MiB"));
    Object up = startUp.get("secondsToHealthy");
    md.append(row("`./linkway up` to healthy", up == null ? "not measured (the stack was already up)" : fmt(num(up)) + " s",
        "", "", "< 30 s"));
    long duplicates = ((Map<String, Long>) correctness.get("duplicateEvents")).values().stream().mapToLong(Long::longValue).sum();
    md.append(row("Correctness", correctness.get("completed") + " completed + " + correctness.get("unplaced") + " unplaced of "
        + correctness.get("submitted") + " submitted, " + correctness.get("refusedAtIntake") + " refused at intake, "
        + correctness.get("unaccounted") + " unaccounted; "
        + duplicates + " duplicate events; reconciliation clean: " + correctness.get("reconciliationClean")
        + "; failed requests: " + correctness.get("failedRequests"), "", "", "all accounted, clean"));

    md.append("\nRaw Kafka: producer ").append(fmt(raw.recordsPerSec())).append(" records/s (")
        .append(fmt(raw.mbPerSec())).append(" MB/s), end-to-end latency p50 ").append(fmt(raw.e2eP50Ms()))
        .append(" ms, p99 ").append(fmt(raw.e2eP99Ms())).append(" ms, p99.9 ").append(fmt(raw.e2eP999Ms())).append(" ms.\n\n");

    md.append("| process | peak RSS MiB | CPU % of one core by phase |\n| --- | --- | --- |\n");
    processes.forEach((part, value) -> {
      Map<String, Object> p = (Map<String, Object>) value;
      md.append("| ").append(part).append(" | ").append(p.get("peakRssMiB")).append(" | ")
          .append(p.get("cpuPercentOfOneCore")).append(" |\n");
    });
    md.append("\nHTTP intake steps (open loop, latency from each request's due time):\n\n");
    md.append("| rate asked | answered/s | p50 ms | p99 ms | max ms | failed |\n| --- | --- | --- | --- | --- | --- |\n");
    for (HttpIntake.Step step : (List<HttpIntake.Step>) intake.get("steps")) {
      md.append("| ").append(step.rate()).append(" | ").append(fmt(step.answeredPerSec())).append(" | ")
          .append(fmt(step.latency().p50())).append(" | ").append(fmt(step.latency().p99())).append(" | ")
          .append(fmt(step.latency().max())).append(" | ").append(step.failures()).append(" |\n");
    }
    md.append(features((Map<String, Object>) results.get("features")));
    md.append(profiles((List<JfrSummary>) results.get("profiles")));
    return md.toString();
  }

  /**
   * {@code --features-compare}: each run's throughput and the stack's CPU per referral, then the cost of each
   * cross-cutting feature (with it beside without it). Empty when the run made no comparison.
   */
  @SuppressWarnings("unchecked")
  static String features(Map<String, Object> features) {
    if (features == null) return "";
    StringBuilder md = new StringBuilder("\n## Cost of each cross-cutting feature\n\n");
    md.append("The throughput phase (").append(features.get("referralsPerRun"))
        .append(" referrals each) on the services restarted for each run, after a warm-up; security on in every run.\n\n");
    md.append("| run | referrals/s | stack CPU ms per referral | referrals | seconds | unaccounted | failed requests |\n")
        .append("| --- | --- | --- | --- | --- | --- | --- |\n");
    for (Map<String, Object> run : (List<Map<String, Object>>) features.get("runs")) {
      md.append("| ").append(run.get("description")).append(" | ").append(fmt(num(run.get("referralsPerSec")))).append(" | ")
          .append(fmt(num(run.get("stackCpuMsPerReferral")))).append(" | ").append(run.get("referrals")).append(" | ")
          .append(fmt(num(run.get("seconds")))).append(" | ").append(run.get("unaccounted")).append(" | ")
          .append(run.get("failedRequests")).append(" |\n");
    }
    md.append("\n| feature | with (run) | without (run) | throughput lost to it | stack CPU ms per referral it adds |\n")
        .append("| --- | --- | --- | --- | --- |\n");
    for (Map<String, Object> cost : (List<Map<String, Object>>) features.get("costs")) {
      md.append("| ").append(cost.get("feature")).append(" | ").append(cost.get("with")).append(" | ").append(cost.get("without"))
          .append(" | ").append(fmt(num(cost.get("throughputCostPercent")))).append(" % | ")
          .append(fmt(num(cost.get("cpuMsPerReferralCost")))).append(" |\n");
    }
    return md.toString();
  }

  /**
   * {@code --profile}: for each service's recording, where its CPU went (execution samples by thread, the top self
   * frames, the project's top inclusive frames) and its GC pauses. Empty when the run made no recording.
   */
  static String profiles(List<JfrSummary> profiles) {
    if (profiles == null || profiles.isEmpty()) return "";
    StringBuilder md = new StringBuilder("\n## Profiles (JDK Flight Recorder, settings=profile)\n\n");
    md.append("| recording | file | execution samples | GC pauses |\n| --- | --- | --- | --- |\n");
    for (JfrSummary p : profiles) {
      md.append("| ").append(p.part()).append(" | `").append(p.recording()).append("` | ").append(p.samples()).append(" | ")
          .append(p.gcCount()).append(", ").append(fmt(p.gcPauseMs())).append(" ms in all |\n");
    }
    for (JfrSummary p : profiles) {
      md.append("\n### ").append(p.part()).append("\n\n");
      md.append(shares("thread", p.threads()));
      md.append(shares("self frame (top " + JfrSummary.TOP + ")", p.selfFrames()));
      md.append(shares("org.linkway frame, inclusive (top " + JfrSummary.TOP + ")", p.linkwayFrames()));
    }
    return md.toString();
  }

  private static String shares(String what, List<JfrSummary.Share> shares) {
    StringBuilder md = new StringBuilder("\n| ").append(what).append(" | samples | % of all |\n| --- | --- | --- |\n");
    for (JfrSummary.Share share : shares) {
      md.append("| `").append(share.name()).append("` | ").append(share.samples()).append(" | ")
          .append(String.format(Locale.ROOT, "%.1f", share.percent())).append(" |\n");
    }
    return md.toString();
  }

  /** The stack a run measured, from its {@code run.stack} (runs before it had none: the single stack). */
  @SuppressWarnings("unchecked")
  private static String stack(Map<String, Object> run) {
    Map<String, Object> stack = (Map<String, Object>) run.getOrDefault("stack", Map.of());
    int instances = ((Number) stack.getOrDefault("instances", 1)).intValue();
    int brokers = ((Number) stack.getOrDefault("brokers", 1)).intValue();
    return (brokers == 1 ? "the broker" : brokers + " brokers") + ", "
        + (instances == 1 ? "the three services" : instances + " instances of each of the three services");
  }

  /**
   * The headline figures of two runs side by side, as read back from their {@code results*.json}: the
   * single stack's and another size's. Figures a run lacks are shown as a dash.
   */
  static String sideBySide(Map<String, Object> single, Map<String, Object> other) {
    StringBuilder md = new StringBuilder("## Beside the single stack\n\n");
    md.append("| figure | ").append(size(single)).append(", ").append(date(single)).append(" | ").append(size(other))
        .append(", ").append(date(other)).append(" |\n| --- | --- | --- |\n");
    md.append(pair("command", single, other, r -> "`" + at(r, "run", "command") + "`"));
    md.append(pair("full-journey throughput (referrals/s; events/s; referrals)", single, other,
        r -> fmt(num(at(r, "throughput", "referralsPerSec"))) + "; " + fmt(num(at(r, "throughput", "eventsPerSec"))) + "; "
            + or(at(r, "throughput", "referrals"))));
    for (String[] hop : new String[][] {{"submittedToProviderQueue", "submitted → provider's queue"},
        {"acceptedToCommittedInLedger", "accept sent → COMMITTED in the ledger"},
        {"completedToOutcomeOnStream", "complete sent → outcome on the SSE stream"}}) {
      md.append(pair(hop[1] + " p50 / p99 ms (at the latency rate)", single, other,
          r -> fmt(num(at(r, "latency", hop[0], "p50"))) + " / " + fmt(num(at(r, "latency", hop[0], "p99"))) + " (at "
              + or(at(r, "latency", "rate")) + "/s)"));
    }
    md.append(pair("HTTP intake, highest rate with p99 < 50 ms", single, other, r -> at(r, "httpIntake", "highestRateHeld") == null ? "–" : at(r, "httpIntake", "highestRateHeld") + "/s"));
    md.append(pair("peak RSS of the stack (MiB)", single, other, r -> or(r.get("stackPeakRssMiB"))));
    md.append(pair("up to healthy (s)", single, other, r -> or(at(r, "startUp", "secondsToHealthy"))));
    md.append(pair("correctness: completed + unplaced of submitted; unaccounted; reconciliation clean; clean run", single,
        other, r -> or(at(r, "correctness", "completed")) + " + " + or(at(r, "correctness", "unplaced")) + " of "
            + or(at(r, "correctness", "submitted")) + "; " + or(at(r, "correctness", "unaccounted")) + "; "
            + or(at(r, "correctness", "reconciliationClean")) + "; " + or(at(r, "correctness", "clean"))));
    return md.toString();
  }

  private static String or(Object figure) {
    return figure == null ? "–" : String.valueOf(figure);
  }

  private static String pair(String name, Map<String, Object> a, Map<String, Object> b,
      java.util.function.Function<Map<String, Object>, String> figure) {
    return "| " + name + " | " + figure.apply(a) + " | " + figure.apply(b) + " |\n";
  }

  @SuppressWarnings("unchecked")
  private static String size(Map<String, Object> results) {
    Map<String, Object> stack = (Map<String, Object>) at(results, "run", "stack");
    if (stack == null) return "1 instance × 1 broker";
    return stack.get("instances") + (num(stack.get("instances")) == 1 ? " instance" : " instances") + " × " + stack.get("brokers")
        + (num(stack.get("brokers")) == 1 ? " broker" : " brokers");
  }

  private static String date(Map<String, Object> results) {
    Object date = at(results, "run", "date");
    return date == null ? "date unknown" : String.valueOf(date).substring(0, Math.min(16, String.valueOf(date).length()));
  }

  /** The value at a path of nested maps; null where the path ends early. */
  @SuppressWarnings("unchecked")
  private static Object at(Map<String, Object> results, String... path) {
    Object value = results;
    for (String key : path) {
      if (!(value instanceof Map<?, ?> map)) return null;
      value = ((Map<String, Object>) map).get(key);
    }
    return value;
  }

  private static String hop(String name, Latencies.Summary s, RawKafka.Figures raw, String target) {
    return row(name, "p50 " + fmt(s.p50()) + " / p95 " + fmt(s.p95()) + " / p99 " + fmt(s.p99()) + " / max " + fmt(s.max())
            + " ms (" + s.count() + ")", "e2e p50 " + fmt(raw.e2eP50Ms()) + " / p99 " + fmt(raw.e2eP99Ms()) + " ms",
        ratio(s.p99(), raw.e2eP99Ms()) + " (p99)", target);
  }

  private static String row(String name, String linkway, String raw, String ratio, String target) {
    return "| " + name + " | " + linkway + " | " + raw + " | " + ratio + " | " + target + " |\n";
  }

  private static String ratio(double value, double raw) {
    if (raw <= 0 || Double.isNaN(value)) return "";
    double ratio = value / raw;
    return ratio >= 100 ? String.format(Locale.ROOT, "%,.0f×", ratio) : String.format(Locale.ROOT, "%.3g×", ratio);
  }

  private static String fmt(double value) {
    if (Double.isNaN(value)) return "–";
    return value >= 100 ? String.format(Locale.ROOT, "%,.0f", value) : String.format(Locale.ROOT, "%.1f", value);
  }

  private static double num(Object value) {
    return value instanceof Number n ? n.doubleValue() : Double.NaN;
  }
}
