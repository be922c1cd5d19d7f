package org.linkway.stack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The pid file of each process of the stack, {@code <home>/pids/<instance>.pid} ({@code kafka.pid},
 * {@code provider-service-2.pid}), and the guards around it: a pid is the instance's only while that
 * process lives and its command line carries the instance's markers, since a pid left in a file may
 * since have been given to another process.
 */
public final class PidFiles {

  private final Path dir;

  public PidFiles(Path dir) {
    this.dir = dir;
  }

  public Path file(Instance instance) {
    return dir.resolve(instance.label() + ".pid");
  }

  /** The pid of the running instance, from its pid file, if that process is alive and is that instance. */
  public OptionalLong running(Instance instance) {
    OptionalLong pid = written(instance);
    if (pid.isEmpty()) return pid;
    return isInstance(pid.getAsLong(), instance) ? pid : OptionalLong.empty();
  }

  /** The pid the file holds, whatever runs under it. */
  public OptionalLong written(Instance instance) {
    try {
      return parse(Files.readString(file(instance)));
    } catch (IOException e) {
      return OptionalLong.empty();
    }
  }

  static OptionalLong parse(String text) {
    String s = text.trim();
    return s.matches("[0-9]{1,18}") ? OptionalLong.of(Long.parseLong(s)) : OptionalLong.empty();
  }

  /** Whether the process lives and its command line says it is the instance. */
  public static boolean isInstance(long pid, Instance instance) {
    return commandLine(pid).map(c -> instance.markers().stream().allMatch(c::contains)).orElse(false);
  }

  /** A process's command line, its arguments joined by spaces (from /proc: whole, not cut short). */
  static Optional<String> commandLine(long pid) {
    try {
      byte[] raw = Files.readAllBytes(Path.of("/proc", String.valueOf(pid), "cmdline"));
      return raw.length == 0 ? Optional.empty() : Optional.of(new String(raw, StandardCharsets.UTF_8).replace('\0', ' '));
    } catch (IOException e) {
      return ProcessHandle.of(pid).flatMap(h -> h.info().commandLine());
    }
  }

  /** A process's working directory, where /proc tells it. */
  static Optional<Path> workingDirectory(long pid) {
    try {
      return Optional.of(Files.readSymbolicLink(Path.of("/proc", String.valueOf(pid), "cwd")));
    } catch (IOException | UnsupportedOperationException e) {
      return Optional.empty();
    }
  }

  public void write(Instance instance, long pid) throws IOException {
    PrivateFiles.directory(dir);
    PrivateFiles.write(file(instance), pid + "\n");
  }

  /** Removes the instance's pid file if it still names this pid (a newer start's is left alone). */
  public void removeIfStill(Instance instance, long pid) throws IOException {
    if (written(instance).equals(OptionalLong.of(pid))) Files.deleteIfExists(file(instance));
  }

  public void remove(Instance instance) throws IOException {
    Files.deleteIfExists(file(instance));
  }
}
