package org.linkway.bench;

import static org.assertj.core.api.Assertions.assertThat;

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
}
