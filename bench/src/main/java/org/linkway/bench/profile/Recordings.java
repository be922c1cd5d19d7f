package org.linkway.bench.profile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.linkway.stack.Instance;
import org.linkway.stack.Launch;
import org.linkway.stack.Part;
import org.linkway.stack.StackSize;

/**
 * The services' Flight Recorder recordings of a {@code --profile} run: each service instance started
 * recording ({@link Launch.ServiceExtras}), then, at the end, each recording written out and stopped
 * with {@code jcmd <pid> JFR.stop}, so that a stack left running records nothing more; and each
 * file summarised ({@link JfrSummary}).
 */
public final class Recordings {

  private Recordings() {}

  /** The extras that make every service instance record into {@code dir}, its files named {@code <instance><suffix>.jfr}. */
  public static Launch.ServiceExtras into(Path dir, String suffix, List<String> arguments) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot make " + dir, e);
    }
    return new Launch.ServiceExtras(dir, suffix, arguments);
  }

  /**
   * Each running service instance's recording written to its file and stopped; the summaries of those written.
   *
   * @param pids the stack's processes by instance label (its pid files)
   */
  public static List<JfrSummary> stopAndSummarise(Map<String, Long> pids, StackSize size, Launch.ServiceExtras extras,
      Consumer<String> say) {
    List<JfrSummary> summaries = new ArrayList<>();
    for (Part part : Part.SERVICES) {
      for (Instance instance : Instance.of(part, size)) {
        Long pid = pids.get(instance.label());
        Path file = extras.recording(instance);
        if (pid == null || file == null) continue;
        String answer = jcmd(pid, "JFR.stop", "name=" + Launch.RECORDING, "filename=" + file);
        if (!Files.exists(file)) {
          say.accept("profile: no recording from " + instance.label() + " (jcmd: " + answer.strip() + ")");
          continue;
        }
        summaries.addAll(summarised(instance.label() + extras.suffix(), file, say));
      }
    }
    return summaries;
  }

  /** The summaries of the recordings of every service instance that are in their files (written when it stopped). */
  public static List<JfrSummary> summariseWritten(StackSize size, Launch.ServiceExtras extras, Consumer<String> say) {
    List<JfrSummary> summaries = new ArrayList<>();
    for (Part part : Part.SERVICES) {
      for (Instance instance : Instance.of(part, size)) {
        Path file = extras.recording(instance);
        if (file != null && Files.exists(file)) summaries.addAll(summarised(instance.label() + extras.suffix(), file, say));
      }
    }
    return summaries;
  }

  private static List<JfrSummary> summarised(String label, Path file, Consumer<String> say) {
    try {
      JfrSummary summary = JfrSummary.of(label, file);
      say.accept("profile: " + label + ": " + summary.samples() + " samples in " + file);
      return List.of(summary);
    } catch (IOException | RuntimeException e) {
      say.accept("profile: cannot read " + file + ": " + e);
      return List.of();
    }
  }

  /** Runs the JDK's {@code jcmd} (beside this JVM's java) on a process; what it printed. */
  static String jcmd(long pid, String... command) {
    List<String> line = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
        String.valueOf(pid)));
    line.addAll(List.of(command));
    try {
      Process process = new ProcessBuilder(line).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS)) process.destroyForcibly();
      return output;
    } catch (IOException e) {
      return e.toString();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return e.toString();
    }
  }
}
