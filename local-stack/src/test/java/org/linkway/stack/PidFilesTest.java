package org.linkway.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The guards against a pid file whose pid is no longer the part's, and what status reads from /proc and ss. */
class PidFilesTest {

  @TempDir
  Path dir;

  @Test
  void givenAPidFileNamingAProcessThatIsNotThePart_whenAsked_thenThePartIsNotRunning() throws Exception {
    PidFiles pids = new PidFiles(dir);
    // this JVM: alive, but its command line is no part's
    pids.write(Instance.first(Part.KAFKA), ProcessHandle.current().pid());

    assertThat(pids.written(Instance.first(Part.KAFKA))).hasValue(ProcessHandle.current().pid());
    assertThat(pids.running(Instance.first(Part.KAFKA))).isEmpty();
  }

  @Test
  void givenAPidFileNamingTheRunningPart_whenAsked_thenItsPidIsGiven() throws Exception {
    PidFiles pids = new PidFiles(dir);
    // a process whose command line carries the issuer's marker, as the part's would
    Process fake = new ProcessBuilder("sh", "-c", "sleep 60; :", Part.ISSUER.marker()).start();
    try {
      pids.write(Instance.first(Part.ISSUER), fake.pid());

      assertThat(pids.running(Instance.first(Part.ISSUER))).hasValue(fake.pid());
      assertThat(pids.running(Instance.first(Part.KAFKA))).isEmpty();
    } finally {
      fake.destroyForcibly().waitFor();
    }
    assertThat(pids.running(Instance.first(Part.ISSUER))).isEmpty();
  }

  @Test
  void givenAPidFileOfANewerStart_whenAnOlderStopRemovesIt_thenItIsKept() throws Exception {
    PidFiles pids = new PidFiles(dir);
    pids.write(Instance.first(Part.REGISTRY), 42);

    pids.removeIfStill(Instance.first(Part.REGISTRY), 41);
    assertThat(pids.file(Instance.first(Part.REGISTRY))).exists();
    pids.removeIfStill(Instance.first(Part.REGISTRY), 42);
    assertThat(pids.file(Instance.first(Part.REGISTRY))).doesNotExist();
  }

  @Test
  void givenAPidFileThatHoldsNoNumber_whenRead_thenThereIsNoPid() throws Exception {
    Files.writeString(dir.resolve("kafka.pid"), "kafka\n");

    assertThat(new PidFiles(dir).written(Instance.first(Part.KAFKA))).isEmpty();
    assertThat(PidFiles.parse(" 4242\n")).hasValue(4242);
    assertThat(PidFiles.parse("")).isEmpty();
  }

  @Test
  void givenTheOutputOfSsAndProc_whenRead_thenThePidAndTheMemoryAreFound() {
    assertThat(Ports.pidInSsLine("LISTEN 0 50 127.0.0.1:9092 0.0.0.0:* users:((\"java\",pid=4242,fd=123))"))
        .isEqualTo(OptionalLong.of(4242));
    assertThat(Ports.pidInSsLine("LISTEN 0 50 127.0.0.1:9092 0.0.0.0:*")).isEmpty();
    assertThat(LocalStack.rssOf("Name:\tjava\nVmRSS:\t  262144 kB\n")).isEqualTo("256 MiB");
    assertThat(LocalStack.rssOf("Name:\tjava\n")).isEqualTo("?");
  }

  @Test
  void givenHealthAnswers_whenRead_thenTheStatusIsFound() {
    assertThat(LocalStack.healthStatus("{\"status\":\"UP\",\"components\":{}}")).isEqualTo("UP");
    assertThat(LocalStack.healthStatus("{\"status\":\"OUT_OF_SERVICE\"}")).isEqualTo("OUT_OF_SERVICE");
    assertThat(LocalStack.healthStatus("")).isNull();
    assertThat(LocalStack.healthStatus(null)).isNull();
  }

  @Test
  void givenADuration_whenPrinted_thenItIsInSecondsWithTenthsCut() {
    assertThat(LocalStack.seconds(Duration.ofMillis(12_399))).isEqualTo("12.3 s");
    assertThat(LocalStack.seconds(Duration.ofMillis(40))).isEqualTo("0.0 s");
  }
}
