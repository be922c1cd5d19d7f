package org.linkway.bench.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import jdk.jfr.Recording;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A recording this test makes itself ({@link Recording}): a thread named as a Kafka Streams stream thread spins in a
 * method of the project, one named as a Netty event loop in another, and the heap is collected twice. The summary puts
 * each thread in its group, the spinning methods at the top of the self and the project's frames, and counts the
 * collections.
 */
class JfrSummaryTest {

  @TempDir
  Path dir;

  static volatile long sink;

  @Test
  void givenARecordingOfTwoBusyThreads_whenSummarised_thenEachIsInItsGroupWithItsMethodOnTopAndTheCollectionsCounted()
      throws Exception {
    Path file = dir.resolve("provider-service.jfr");
    AtomicBoolean stop = new AtomicBoolean();
    Thread stream = new Thread(() -> streamWork(stop), "provider-service-0b5e3c1a-8d7e-4f7a-9c1b-2d3e4f5a6b7c-StreamThread-1");
    Thread http = new Thread(() -> httpWork(stop), "reactor-http-epoll-3");
    AtomicReference<JfrSummary> read = new AtomicReference<>();
    try (Recording recording = new Recording()) {
      recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(5));
      recording.enable("jdk.GarbageCollection");
      recording.start();
      stream.start();
      http.start();
      System.gc();
      System.gc();
      // until each thread has been sampled enough to be seen (the machine is shared: no fixed time is enough)
      await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> {
        recording.dump(file);
        read.set(JfrSummary.of("provider-service", file));
        return samplesOf(read.get().threads(), "stream thread") >= 20 && samplesOf(read.get().threads(), "HTTP event loop") >= 20;
      });
    } finally {
      stop.set(true);
      stream.join();
      http.join();
    }

    JfrSummary summary = read.get();
    assertThat(summary.part()).isEqualTo("provider-service");
    assertThat(summary.recording()).isEqualTo(file);
    assertThat(samplesOf(summary.threads(), "stream thread")).isGreaterThanOrEqualTo(20);
    assertThat(samplesOf(summary.threads(), "HTTP event loop")).isGreaterThanOrEqualTo(20);
    assertThat(summary.threads().stream().mapToLong(JfrSummary.Share::samples).sum()).isLessThanOrEqualTo(summary.samples());
    assertThat(summary.selfFrames()).extracting(JfrSummary.Share::name)
        .contains(JfrSummaryTest.class.getName() + ".streamWork", JfrSummaryTest.class.getName() + ".httpWork");
    // every frame of the project's list is the project's; the test's own methods are among them
    assertThat(summary.linkwayFrames()).isNotEmpty().allSatisfy(share -> assertThat(share.name()).startsWith("org.linkway."))
        .extracting(JfrSummary.Share::name).contains(JfrSummaryTest.class.getName() + ".streamWork");
    assertThat(summary.selfFrames()).hasSizeLessThanOrEqualTo(JfrSummary.TOP).isSortedAccordingTo(
        java.util.Comparator.comparingLong(JfrSummary.Share::samples).reversed());
    JfrSummary.Share top = summary.threads().get(0);
    assertThat(top.percent()).isEqualTo(Math.round(1000.0 * top.samples() / summary.samples()) / 10.0);
    assertThat(summary.gcCount()).isGreaterThanOrEqualTo(2);
    assertThat(summary.gcPauseMs()).isGreaterThan(0);
  }

  @Test
  void givenThreadNames_whenGrouped_thenAPoolsThreadsCountTogether() {
    assertThat(JfrSummary.threadGroup("referral-service-7c9e6679-7425-40de-944b-e07fc1f90ae7-StreamThread-1"))
        .isEqualTo("stream thread");
    assertThat(JfrSummary.threadGroup("reactor-http-epoll-4")).isEqualTo("HTTP event loop");
    assertThat(JfrSummary.threadGroup("tail-referral-replies")).isEqualTo("tail of referral-replies");
    assertThat(JfrSummary.threadGroup("kafka-producer-network-thread | producer-3")).isEqualTo("Kafka producer I/O");
    assertThat(JfrSummary.threadGroup("boundedElastic-12")).isEqualTo("Reactor bounded elastic");
    assertThat(JfrSummary.threadGroup("kafka-coordinator-heartbeat-thread | referral-service-2"))
        .isEqualTo("kafka-coordinator-heartbeat-thread | referral-service-#");
    assertThat(JfrSummary.threadGroup(null)).isEqualTo("(no thread)");
  }

  private static long samplesOf(List<JfrSummary.Share> threads, String group) {
    return threads.stream().filter(s -> s.name().equals(group)).mapToLong(JfrSummary.Share::samples).sum();
  }

  private static void streamWork(AtomicBoolean stop) {
    long x = 1;
    while (!stop.get()) {
      for (int i = 0; i < 100_000; i++) x = x * 6364136223846793005L + 1442695040888963407L;
      sink = x;
    }
  }

  private static void httpWork(AtomicBoolean stop) {
    long x = 7;
    while (!stop.get()) {
      for (int i = 0; i < 100_000; i++) x ^= (x << 13) ^ (x >>> 7) ^ (x << 17);
      sink = x;
    }
  }
}
