package org.linkway.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.linkway.bench.profile.JfrSummary;

/** {@code --features-compare} and {@code --profile}: their options, the comparison's figures and how RESULTS.md shows both. */
class FeatureRunsTest {

  private static final String LOAD = Bench.LOAD_GENERATOR;

  @Test
  void givenTheFlags_whenParsed_thenBothAreOnWithoutValuesAndOffByDefault() {
    BenchOptions both = BenchOptions.parse(new String[] {"--features-compare", "--referrals", "5000", "--profile"});
    BenchOptions none = BenchOptions.parse(new String[] {"--referrals", "5000"});

    assertThat(both.featuresCompare()).isTrue();
    assertThat(both.profile()).isTrue();
    assertThat(both.referrals()).isEqualTo(5000);
    assertThat(both.withUpSeconds(12.5)).satisfies(o -> {
      assertThat(o.featuresCompare()).isTrue();
      assertThat(o.profile()).isTrue();
    });
    assertThat(none.featuresCompare()).isFalse();
    assertThat(none.profile()).isFalse();
    assertThat(BenchOptions.parse(new String[] {"--profile"}).profile()).isTrue();
    assertThat(BenchOptions.USAGE).contains("--features-compare", "--profile", ".linkway/jfr/");
  }

  @Test
  void givenAHistoryRun_whenAComparisonIsAsked_thenItIsRefused() {
    assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--history", "1000", "--features-compare"}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--features-compare");
    assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--referrals"})).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void givenTheThroughputPhaseAndTwoComparisonRuns_whenFigured_thenEachFeaturesCostIsWithBesideWithout() {
    // the run's own phase: 100 s at 200 referrals/s; the stack used 150 % + 50 % of a core, the load generator 80 %
    Map<String, Double> cpuPercent = new LinkedHashMap<>();
    cpuPercent.put("provider-service", 150.0);
    cpuPercent.put("kafka", 50.0);
    cpuPercent.put(LOAD, 80.0);
    Map<String, Object> baseline = FeatureRuns.baseline(Map.of("seconds", 100.0, "referralsPerSec", 200.0), cpuPercent, LOAD);
    Map<String, Object> tracingOff = FeatureRuns.run("tracing-off", "tracing off", 20_000, 80_000_000_000L,
        Map.of("provider-service", 120_000L, "kafka", 40_000L, LOAD, 70_000L), 0, 0, LOAD);
    Map<String, Object> eventLog = FeatureRuns.run("event-log", "per-event logging on", 20_000, 125_000_000_000L,
        Map.of("provider-service", 190_000L, "kafka", 50_000L, LOAD, 90_000L), 2, 3, LOAD);

    Map<String, Object> figures = FeatureRuns.figures(20_000, List.of(baseline, tracingOff, eventLog));

    assertThat(baseline).containsEntry("referrals", 20_000L).containsEntry("referralsPerSec", 200.0)
        .containsEntry("stackCpuMsPerReferral", 10.0);
    assertThat(tracingOff).containsEntry("referralsPerSec", 250.0).containsEntry("stackCpuMsPerReferral", 8.0)
        .containsEntry("seconds", 80.0);
    assertThat(eventLog).containsEntry("referralsPerSec", 160.0).containsEntry("stackCpuMsPerReferral", 12.0)
        .containsEntry("unaccounted", 2L).containsEntry("failedRequests", 3L);
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> costs = (List<Map<String, Object>>) figures.get("costs");
    assertThat(costs).hasSize(2);
    // tracing: 200/s with it, 250/s without: 20 % of the throughput, 2 ms of CPU per referral
    assertThat(costs.get(0)).containsEntry("with", "everything-on").containsEntry("without", "tracing-off")
        .containsEntry("throughputCostPercent", 20.0).containsEntry("cpuMsPerReferralCost", 2.0);
    // per-event logging: 160/s with it, 200/s without
    assertThat(costs.get(1)).containsEntry("with", "event-log").containsEntry("without", "everything-on")
        .containsEntry("throughputCostPercent", 20.0).containsEntry("cpuMsPerReferralCost", 2.0);

    String md = Report.features(figures);

    assertThat(md).contains("## Cost of each cross-cutting feature", "(20000 referrals each)")
        .contains("| everything on (the throughput phase above) | 200 | 10.0 | 20000 | 100 | 0 | 0 |")
        .contains("| tracing off | 250 | 8.0 | 20000 | 80.0 | 0 | 0 |")
        .contains("| per-event logging on | 160 | 12.0 | 20000 | 125 | 2 | 3 |")
        .contains("| tracing (trace context on HTTP and events, observations, referral traces) | everything-on | tracing-off | 20.0 % | 2.0 |")
        .contains("| per-event logging (a DEBUG line per event written) | event-log | everything-on | 20.0 % | 2.0 |");
  }

  @Test
  void givenNoComparisonRun_whenItsCostIsAsked_thenItIsLeftOutAndRESULTSHasNoSection() {
    Map<String, Object> baseline = FeatureRuns.run("everything-on", "everything on", 100, 1_000_000_000L, Map.of(), 0, 0, LOAD);

    assertThat((List<?>) FeatureRuns.figures(100, List.of(baseline)).get("costs")).isEmpty();
    assertThat(Report.features(null)).isEmpty();
    assertThat(Report.profiles(null)).isEmpty();
    assertThat(Report.profiles(List.of())).isEmpty();
  }

  @Test
  void givenAServicesProfile_whenReported_thenItsFileSamplesGcAndEachListAreShown() {
    JfrSummary summary = new JfrSummary("provider-service", Path.of("/tmp/jfr/provider-service.jfr"), 1000,
        List.of(new JfrSummary.Share("stream thread", 970, 97.0), new JfrSummary.Share("HTTP event loop", 30, 3.0)),
        List.of(new JfrSummary.Share("java.util.regex.Pattern$Start.match", 120, 12.0)),
        List.of(new JfrSummary.Share("org.linkway.provider.offers.stream.OfferProcessor.process", 600, 60.0)), 42, 312.5);

    String md = Report.profiles(List.of(summary));

    assertThat(md).contains("## Profiles (JDK Flight Recorder, settings=profile)")
        .contains("| provider-service | `/tmp/jfr/provider-service.jfr` | 1000 | 42, 313 ms in all |")
        .contains("### provider-service")
        .contains("| `stream thread` | 970 | 97.0 |", "| `HTTP event loop` | 30 | 3.0 |")
        .contains("| self frame (top 15) | samples | % of all |", "| `java.util.regex.Pattern$Start.match` | 120 | 12.0 |")
        .contains("| org.linkway frame, inclusive (top 15) | samples | % of all |",
            "| `org.linkway.provider.offers.stream.OfferProcessor.process` | 600 | 60.0 |");
  }
}
