package org.linkway.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.linkway.stack.StackSize;

/** The benchmark's figures of two stack sizes side by side, and where a run of each size writes them. */
class ReportTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  @SuppressWarnings("unchecked")
  void aRunOfTwoInstancesAndThreeBrokersIsShownBesideTheSingleStacksFigures() throws Exception {
    Map<String, Object> single = JSON.readValue(Path.of("results.json").toFile(), Map.class);
    Map<String, Object> other = JSON.readValue(Path.of("results.json").toFile(), Map.class);
    Map<String, Object> run = new LinkedHashMap<>((Map<String, Object>) other.get("run"));
    run.put("stack", Map.of("instances", 2, "brokers", 3));
    run.put("command", "./linkway bench --instances 2 --brokers 3");
    other.put("run", run);
    other.remove("httpIntake");

    String table = Report.sideBySide(single, other);

    assertThat(table).contains("| figure | 1 instance × 1 broker, 2026-11-22T16:02 | 2 instances × 3 brokers, 2026-11-22T16:02 |")
        .contains("| full-journey throughput (referrals/s; events/s; referrals) | 506; 8,998; 200000 | 506; 8,998; 200000 |")
        .contains("`./linkway bench --instances 2 --brokers 3`")
        .contains("| submitted → provider's queue p50 / p99 ms (at the latency rate) | 618 / 1,974 (at 200/s) |")
        // a figure the other run lacks is shown as missing, not as a number
        .contains("| HTTP intake, highest rate with p99 < 50 ms | 500/s | – |");
  }

  @Test
  void aRunOfAnotherSizeWritesFilesOfItsOwnAndReachesEveryBroker() {
    BenchOptions single = BenchOptions.parse(new String[0]);
    BenchOptions twoByThree = BenchOptions.parse(new String[] {"--instances", "2", "--brokers", "3"});

    assertThat(single.named("RESULTS", ".md")).isEqualTo("RESULTS.md");
    assertThat(single.bootstrap()).isEqualTo("127.0.0.1:9092");
    assertThat(twoByThree.size()).isEqualTo(new StackSize(2, 3));
    assertThat(twoByThree.named("RESULTS", ".md")).isEqualTo("RESULTS-2x3.md");
    assertThat(twoByThree.named("results", ".json")).isEqualTo("results-2x3.json");
    assertThat(List.of(twoByThree.bootstrap().split(","))).containsExactly("127.0.0.1:9092", "127.0.0.1:9192", "127.0.0.1:9292");
  }

  @Test
  void aHistoryRunWritesFilesOfItsOwnNamedByItsSize() {
    BenchOptions history = BenchOptions.parse(new String[] {"--history", "10000"});

    assertThat(history.history()).isEqualTo(10_000);
    assertThat(history.named("RESULTS", ".md")).isEqualTo("RESULTS-history-10000.md");
    assertThat(BenchOptions.parse(new String[0]).history()).isZero();
    assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--history", "-1"}))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aHistoryRunShowsEveryReadStreamAndRestore() {
    Map<String, Object> results = new LinkedHashMap<>();
    results.put("run", Map.of("date", "2026-12-06T12:00:00Z", "command", "./linkway bench --history 10000", "commissioner", "QBB"));
    results.put("correctness", Map.of("completed", 14000, "unplaced", 0, "submitted", 14000, "unaccounted", 0,
        "reconciliationClean", true, "failedRequests", Map.of()));
    Map<String, Object> history = new LinkedHashMap<>();
    history.put("fill", Map.of("referrals", 10000, "seconds", 95.2, "referralsPerSec", 105.0));
    history.put("reads", Map.of("commissioner: summary", Map.of("path", "/commissioners/QBB/summary",
        "ms", new Latencies.Summary(200, 2.19, 11.66, 23.34, 25.92), "statuses", Map.of(200, 200))));
    history.put("streams", Map.of("ledger stream", Map.of("connected", Map.of("path", "/commissioners/QBB/ledger/stream",
        "toFirstEventMs", new Latencies.Summary(20, 48.3, 150.0, 191.9, 191.9), "connectionsWithNoEventWithin30s", 0))));
    history.put("memory", Map.of("outcome-service", Map.of("rssMiB", 504, "peakRssMiB", 510)));
    history.put("restores", Map.of("outcome-service", Map.of("stateMiBBefore", 7.0, "secondsToHealthy", 51.9, "secondsToServe", 59.6)));
    results.put("history", history);

    String md = History.markdown(results);

    assertThat(md).contains("Filled with 10000 whole journeys in 95.2 s (105.0 referrals/s), commissioner QBB")
        .contains("| commissioner: summary | `/commissioners/QBB/summary` | 2.2 | 23.3 | 25.9 | {200=200} |")
        .contains("| ledger stream | connected | 48.3 | 191.9 | 0 |")
        .contains("| outcome-service | 504 | 510 | 7.0 | 51.9 | 59.6 |")
        .contains("reconciliation clean: true");
  }
}
