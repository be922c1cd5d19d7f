package org.linkway.bench.profile;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * What one service's JDK Flight Recorder recording says about where its CPU went: the share of
 * execution samples by kind of thread (the stream thread, the HTTP event loop, a topic's tail...),
 * the methods most often on top of the stack (self), the project's methods most often anywhere on
 * it (inclusive), and the garbage collector's pauses. Read with {@link RecordingFile}; each method
 * counts once per sample however often it recurs in the stack.
 *
 * @param samples every execution sample of the recording
 * @param gcPauseMs the collections' pauses, summed
 */
public record JfrSummary(String part, Path recording, long samples, List<Share> threads, List<Share> selfFrames,
    List<Share> linkwayFrames, long gcCount, double gcPauseMs) {

  /** How many lines each list keeps. */
  public static final int TOP = 15;

  /** A thread group's or a method's samples, and their share of all the recording's samples. */
  public record Share(String name, long samples, double percent) {}

  /** The summary of the recording at {@code recording}, of the service {@code part}. */
  public static JfrSummary of(String part, Path recording) throws IOException {
    Map<String, Long> threads = new HashMap<>();
    Map<String, Long> self = new HashMap<>();
    Map<String, Long> linkway = new HashMap<>();
    long samples = 0;
    long gcCount = 0;
    long gcPauseNanos = 0;
    try (RecordingFile file = new RecordingFile(recording)) {
      while (file.hasMoreEvents()) {
        RecordedEvent event = file.readEvent();
        switch (event.getEventType().getName()) {
          case "jdk.ExecutionSample" -> {
            samples++;
            RecordedThread thread = event.getThread("sampledThread");
            threads.merge(threadGroup(thread == null ? null : thread.getJavaName()), 1L, Long::sum);
            RecordedStackTrace stack = event.getStackTrace();
            if (stack == null || stack.getFrames().isEmpty()) continue;
            self.merge(method(stack.getFrames().get(0)), 1L, Long::sum);
            Set<String> seen = new HashSet<>();
            for (RecordedFrame frame : stack.getFrames()) {
              String method = method(frame);
              // a lambda's generated class repeats the frame of the method it was written in
              boolean lambda = method.contains("$$Lambda");
              if (method.startsWith("org.linkway.") && !lambda && seen.add(method)) linkway.merge(method, 1L, Long::sum);
            }
          }
          case "jdk.GarbageCollection" -> {
            gcCount++;
            Duration pauses = event.hasField("sumOfPauses") ? event.getDuration("sumOfPauses") : event.getDuration();
            gcPauseNanos += pauses.toNanos();
          }
          default -> { }
        }
      }
    }
    return new JfrSummary(part, recording, samples, top(threads, samples), top(self, samples), top(linkway, samples), gcCount,
        Math.round(gcPauseNanos / 1e5) / 10.0);
  }

  /**
   * The kind of thread a sample ran on: the Kafka Streams stream thread, the HTTP event loop, a topic's tail (named
   * by its topic), the Kafka clients' I/O, Reactor's schedulers; any other by its name with its numbers and ids
   * blanked, so that a pool's threads count together.
   */
  static String threadGroup(String name) {
    if (name == null) return "(no thread)";
    if (name.contains("StreamThread")) return "stream thread";
    if (name.startsWith("reactor-http-")) return "HTTP event loop";
    if (name.startsWith("tail-")) return "tail of " + name.substring("tail-".length());
    if (name.startsWith("kafka-producer-network-thread")) return "Kafka producer I/O";
    if (name.startsWith("parallel-")) return "Reactor parallel";
    if (name.startsWith("boundedElastic-")) return "Reactor bounded elastic";
    return name.replaceAll("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "*").replaceAll("\\d+", "#");
  }

  private static String method(RecordedFrame frame) {
    return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
  }

  /** The most frequent, by samples then by name (so that a summary reads the same twice). */
  private static List<Share> top(Map<String, Long> counts, long samples) {
    return counts.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
        .limit(TOP)
        .map(e -> new Share(e.getKey(), e.getValue(), samples == 0 ? 0 : Math.round(1000.0 * e.getValue() / samples) / 10.0))
        .toList();
  }
}
