package org.linkway.bench.profile;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import jdk.jfr.Recording;
import jdk.jfr.RecordingState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkway.stack.Launch;
import org.linkway.stack.StackSize;

/**
 * The end of a {@code --profile} run on a process that records as a service started with the benchmark's extras
 * does: this test's own JVM, a recording named {@value Launch#RECORDING} running in it. {@code jcmd} writes it to the
 * instance's file and stops it, and the file is summarised; an instance with no recording is said, not summarised.
 */
class RecordingsTest {

  @TempDir
  Path dir;

  @Test
  void givenAServiceRecording_whenTheRunEnds_thenItIsWrittenToItsFileStoppedAndSummarised() {
    Launch.ServiceExtras extras = Recordings.into(dir.resolve("jfr"), "", List.of());
    List<String> said = new ArrayList<>();
    try (Recording recording = new Recording()) {
      recording.setName(Launch.RECORDING);
      recording.enable("jdk.GarbageCollection");
      recording.start();
      System.gc();

      // this JVM as provider-service, then (its recording stopped by then) as outcome-service; referral-service not running
      long self = ProcessHandle.current().pid();
      List<JfrSummary> summaries = Recordings.stopAndSummarise(Map.of("provider-service", self, "outcome-service", self),
          StackSize.SINGLE, extras, said::add);

      assertThat(recording.getState()).as("stopped by jcmd").isIn(RecordingState.STOPPED, RecordingState.CLOSED);
      assertThat(summaries).singleElement().satisfies(summary -> {
        assertThat(summary.part()).isEqualTo("provider-service");
        assertThat(summary.recording()).isEqualTo(dir.resolve("jfr/provider-service.jfr").toAbsolutePath()).exists();
        assertThat(summary.gcCount()).isGreaterThanOrEqualTo(1);
      });
      assertThat(said).anySatisfy(line -> assertThat(line).startsWith("profile: provider-service: "))
          .anySatisfy(line -> assertThat(line).startsWith("profile: no recording from outcome-service"));
      assertThat(dir.resolve("jfr/outcome-service.jfr")).doesNotExist();
    }
  }
}
