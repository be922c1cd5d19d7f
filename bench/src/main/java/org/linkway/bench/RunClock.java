package org.linkway.bench;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Time as the benchmark and the fault harness write it, in UTC: a run's id from when it started, and progress lines stamped with the time. */
public final class RunClock {

  private static final DateTimeFormatter RUN_ID = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

  private RunClock() {}

  /** "20261205-140512": names a run's results, its work directory and its requests. */
  public static String runId() {
    return RUN_ID.format(Instant.now());
  }

  /** Prints "[14:05:12] line" at once. */
  public static void say(String line) {
    System.out.printf("[%s] %s%n", TIME.format(Instant.now()), line);
    System.out.flush();
  }
}
