package org.linkway.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * Memory and CPU of processes, read from /proc (Linux only; elsewhere {@link #sample} finds
 * nothing).
 */
public final class ProcessStats {

  /**
   * One look at a process: peak and current resident memory (VmHWM and VmRSS of
   * /proc/&lt;pid&gt;/status, KiB), CPU time used so far (user + system, seconds) and when.
   */
  public record Sample(long pid, long peakRssKiB, long rssKiB, double cpuSeconds, Instant at) {}

  /** Clock ticks per second of /proc/&lt;pid&gt;/stat's times: USER_HZ, 100 on every Linux we meet. */
  static final int CLK_TCK = 100;

  private static final Path PROC = Path.of("/proc");

  private ProcessStats() {}

  /** The process now, or empty when it does not exist (any more), is a zombie, or there is no /proc. */
  public static Optional<Sample> sample(long pid) {
    return sample(PROC, pid);
  }

  static Optional<Sample> sample(Path proc, long pid) {
    Path dir = proc.resolve(Long.toString(pid));
    String status;
    String stat;
    try {
      status = Files.readString(dir.resolve("status"), StandardCharsets.UTF_8);
      stat = Files.readString(dir.resolve("stat"), StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException gone) {
      return Optional.empty();
    }
    return parse(pid, status, stat, Instant.now());
  }

  /** A sample from the texts of /proc/&lt;pid&gt;/status and /proc/&lt;pid&gt;/stat; empty if they lack the figures. */
  static Optional<Sample> parse(long pid, String status, String stat, Instant at) {
    OptionalLong peak = statusKiB(status, "VmHWM");
    OptionalLong rss = statusKiB(status, "VmRSS");
    OptionalLong ticks = cpuTicks(stat);
    if (peak.isEmpty() || rss.isEmpty() || ticks.isEmpty()) {
      return Optional.empty(); // a zombie or kernel thread has no Vm* lines
    }
    return Optional.of(new Sample(
        pid, peak.getAsLong(), rss.getAsLong(), ticks.getAsLong() / (double) CLK_TCK, at));
  }

  /** A "{key}:\t   123 kB" line of /proc/&lt;pid&gt;/status, in KiB. */
  static OptionalLong statusKiB(String status, String key) {
    for (String line : status.split("\n")) {
      int colon = line.indexOf(':');
      if (colon < 0 || !line.substring(0, colon).equals(key)) {
        continue;
      }
      String value = line.substring(colon + 1).trim();
      if (value.endsWith("kB")) {
        value = value.substring(0, value.length() - 2).trim();
      }
      try {
        return OptionalLong.of(Long.parseLong(value));
      } catch (NumberFormatException e) {
        return OptionalLong.empty();
      }
    }
    return OptionalLong.empty();
  }

  /**
   * utime + stime (fields 14 and 15, clock ticks) of a /proc/&lt;pid&gt;/stat line. Field 2 is the
   * command name in parentheses, which may itself hold spaces and parentheses, so the fields are
   * counted from after the last ')'.
   */
  static OptionalLong cpuTicks(String stat) {
    int close = stat.lastIndexOf(')');
    if (close < 0) {
      return OptionalLong.empty();
    }
    // after the ')': field 3 (state) is [0], so field n is [n - 3]
    String[] fields = stat.substring(close + 1).trim().split("\\s+");
    if (fields.length < 13) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Long.parseLong(fields[11]) + Long.parseLong(fields[12]));
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  /**
   * The local stack's processes: part name to pid, from the {@code <part>.pid} files of
   * {@code pidDir} (.linkway/pids), keeping only pids of live processes, in name order. A missing
   * or unreadable directory gives an empty map.
   */
  public static Map<String, Long> linkwayPids(Path pidDir) {
    Map<String, Long> pids = new TreeMap<>();
    if (!Files.isDirectory(pidDir)) {
      return pids;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(pidDir, "*.pid")) {
      for (Path file : files) {
        String name = file.getFileName().toString();
        String part = name.substring(0, name.length() - ".pid".length());
        long pid;
        try {
          pid = Long.parseLong(Files.readString(file, StandardCharsets.UTF_8).trim());
        } catch (NumberFormatException | IOException unreadable) {
          continue; // being written, or removed meanwhile
        }
        if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
          pids.put(part, pid);
        }
      }
    } catch (IOException | RuntimeException unreadable) {
      return pids; // what was read before the directory went away
    }
    return pids;
  }

  /**
   * CPU use between two samples of one process, as a percentage of one core (200 = two cores
   * busy); NaN when they are not of the same process or not in time order.
   */
  public static double cpuPercent(Sample from, Sample to) {
    double seconds = Duration.between(from.at(), to.at()).toNanos() / 1e9;
    if (from.pid() != to.pid() || seconds <= 0) {
      return Double.NaN;
    }
    return 100.0 * (to.cpuSeconds() - from.cpuSeconds()) / seconds;
  }

  /**
   * CPU and memory of named processes over a stretch of time: {@link #start} samples each, {@link
   * #read} samples them again and pairs each with its start sample.
   */
  public static final class CpuMeter {

    /** One process between the start and a later sample. */
    public record Reading(String name, Sample from, Sample to) {
      /** CPU use over the stretch, % of one core. */
      public double cpuPercent() {
        return ProcessStats.cpuPercent(from, to);
      }

      /** CPU seconds used over the stretch. */
      public double cpuSeconds() {
        return to.cpuSeconds() - from.cpuSeconds();
      }
    }

    private final Map<String, Sample> start;

    private CpuMeter(Map<String, Sample> start) {
      this.start = start;
    }

    /** Samples each process now; those that cannot be sampled (gone, no /proc) are left out. */
    public static CpuMeter start(Map<String, Long> pidsByName) {
      Map<String, Sample> start = new LinkedHashMap<>();
      pidsByName.forEach((name, pid) -> sample(pid).ifPresent(s -> start.put(name, s)));
      return new CpuMeter(start);
    }

    /** The start samples, by name. */
    public Map<String, Sample> startSamples() {
      return Collections.unmodifiableMap(start);
    }

    /** Samples each process again; a process that has gone since the start is left out. */
    public Map<String, Reading> read() {
      Map<String, Reading> readings = new LinkedHashMap<>();
      start.forEach((name, from) ->
          sample(from.pid()).ifPresent(to -> readings.put(name, new Reading(name, from, to))));
      return readings;
    }
  }
}
