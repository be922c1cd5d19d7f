package org.linkway.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkway.bench.ProcessStats.Sample;

/** The /proc parsers against text captured on Linux (the local stack's broker, and oddly named processes). */
class ProcessStatsTest {

  /** /proc/<pid>/stat of the local stack's Kafka broker. */
  private static final String KAFKA_STAT =
      "8339 (java) S 1 8339 8339 0 -1 4194304 117645 76 127 0 1799 213 0 0 20 0 101 0 951428 7155363840 "
          + "110685 18446744073709551615 94006612553728 94006612554613 140736510641792 0 0 0 0 3 16800972 0 0 0 "
          + "17 1 0 0 0 0 0 94006612565312 94006612566040 94007572045824 140736510646929 140736510651128 "
          + "140736510651128 140736510652394 0\n";

  /** Part of /proc/<pid>/status of the same broker. */
  private static final String KAFKA_STATUS = """
      Name:\tjava
      Umask:\t0022
      State:\tS (sleeping)
      Tgid:\t8339
      Pid:\t8339
      PPid:\t1
      VmPeak:\t 6987660 kB
      VmSize:\t 6987660 kB
      VmLck:\t       0 kB
      VmPin:\t       0 kB
      VmHWM:\t  449264 kB
      VmRSS:\t  442880 kB
      RssAnon:\t  420264 kB
      RssFile:\t   22616 kB
      Threads:\t101
      """;

  /** A busy perl copied to the name "a) (b c": comm holds a space, ") (" and ends before a ')'. */
  private static final String ODD_STAT =
      "13519 (a) (b c) R 13515 13515 7694 0 -1 4194304 272 0 1 0 118 0 0 0 20 0 1 0 962687 8069120 1248 "
          + "18446744073709551615 93943176597504 93943178252709 140732230961568 0 0 0 0 134 0 0 0 0 17 0 0 0 0 0 0 "
          + "93943180029992 93943180100436 93943937392640 140732230970052 140732230970095 140732230970095 "
          + "140732230971374 0\n";

  private static final String ODD_STATUS = """
      Name:\ta) (b c
      Umask:\t0022
      State:\tR (running)
      VmHWM:\t    5048 kB
      VmRSS:\t    5048 kB
      Threads:\t1
      """;

  /** A zombie's status has no Vm* lines. */
  private static final String ZOMBIE_STATUS = """
      Name:\tsleep
      State:\tZ (zombie)
      Tgid:\t13498
      Threads:\t1
      """;

  @Test
  void cpuTicksAreUtimePlusStime() {
    assertThat(ProcessStats.cpuTicks(KAFKA_STAT)).hasValue(1799 + 213);
  }

  @Test
  void cpuTicksCountFieldsFromTheLastParenthesis() {
    assertThat(ProcessStats.cpuTicks(ODD_STAT)).hasValue(118);
    assertThat(ProcessStats.cpuTicks("13519 (a) (b c")).isEmpty();
  }

  @Test
  void statusGivesKiB() {
    assertThat(ProcessStats.statusKiB(KAFKA_STATUS, "VmHWM")).hasValue(449_264);
    assertThat(ProcessStats.statusKiB(KAFKA_STATUS, "VmRSS")).hasValue(442_880);
    assertThat(ProcessStats.statusKiB(ODD_STATUS, "VmRSS")).hasValue(5048);
    assertThat(ProcessStats.statusKiB(ZOMBIE_STATUS, "VmRSS")).isEmpty();
  }

  @Test
  void parsesASample() {
    Instant at = Instant.parse("2026-11-23T14:20:00Z");
    assertThat(ProcessStats.parse(8339, KAFKA_STATUS, KAFKA_STAT, at))
        .contains(new Sample(8339, 449_264, 442_880, 20.12, at));
    assertThat(ProcessStats.parse(13519, ODD_STATUS, ODD_STAT, at))
        .contains(new Sample(13519, 5048, 5048, 1.18, at));
    assertThat(ProcessStats.parse(13498, ZOMBIE_STATUS, ODD_STAT, at)).isEmpty();
  }

  @Test
  void cpuPercentIsOfOneCore() {
    Instant t0 = Instant.parse("2026-11-23T14:20:00Z");
    Sample from = new Sample(8339, 449_264, 442_880, 20.12, t0);
    Sample to = new Sample(8339, 449_264, 442_880, 23.12, t0.plusSeconds(2));
    assertThat(ProcessStats.cpuPercent(from, to)).isCloseTo(150.0, within(1e-9));
    assertThat(ProcessStats.cpuPercent(from, from)).isNaN();
    assertThat(ProcessStats.cpuPercent(from, new Sample(1, 1, 1, 30, t0.plusSeconds(2)))).isNaN();
  }

  @Test
  void samplesThisProcess() {
    assumeTrue(Files.isReadable(Path.of("/proc/self/stat")), "needs Linux /proc");
    long pid = ProcessHandle.current().pid();
    assertThat(ProcessStats.sample(pid)).hasValueSatisfying(s -> {
      assertThat(s.pid()).isEqualTo(pid);
      assertThat(s.rssKiB()).isPositive();
      assertThat(s.peakRssKiB()).isGreaterThanOrEqualTo(s.rssKiB());
      assertThat(s.cpuSeconds()).isPositive();
    });
    assertThat(ProcessStats.CpuMeter.start(Map.of("me", pid)).read()).containsKey("me");
  }

  @Test
  void linkwayPidsKeepsLiveProcessesOnly(@TempDir Path pids) throws Exception {
    assumeTrue(Files.isReadable(Path.of("/proc/self/stat")), "needs Linux /proc");
    Process finished = new ProcessBuilder("true").start();
    finished.waitFor();
    long me = ProcessHandle.current().pid();
    Files.writeString(pids.resolve("kafka.pid"), me + "\n");
    Files.writeString(pids.resolve("registry.pid"), Long.toString(finished.pid()));
    Files.writeString(pids.resolve("referral-service.pid"), "");
    Files.writeString(pids.resolve("notes.txt"), Long.toString(me));

    assertThat(ProcessStats.linkwayPids(pids)).isEqualTo(Map.of("kafka", me));
    assertThat(ProcessStats.linkwayPids(pids.resolve("missing"))).isEmpty();
  }
}
