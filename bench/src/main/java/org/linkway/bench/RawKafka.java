package org.linkway.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * The raw broker, measured with Kafka's own tools ({@code ProducerPerformance} for throughput,
 * {@code EndToEndLatency} for the produce-and-consume round trip), each run as a child JVM so that
 * its figures are not disturbed by the bench's own threads and heap.
 *
 * <p>The children are started with this JVM's java binary and {@code java.class.path}, so the
 * bench must itself run with a classpath holding kafka-tools (bench/target/bench-classpath.txt),
 * not from a single jar.
 */
public final class RawKafka {

  /** The raw figures. E2E percentiles are whole milliseconds (EndToEndLatency truncates them). */
  public record Figures(
      long records,
      int recordSize,
      double recordsPerSec,
      double mbPerSec,
      double producerAvgLatencyMs,
      double producerP99Ms,
      int latencyMessages,
      double e2eAvgMs,
      double e2eP50Ms,
      double e2eP99Ms,
      double e2eP999Ms) {}

  /** ProducerPerformance's final line, e.g. {@code 200000 records sent, 28822.6 records/sec (10.99 MB/sec), ...}. */
  public record ProducerSummary(
      long records,
      double recordsPerSec,
      double mbPerSec,
      double avgLatencyMs,
      double maxLatencyMs,
      long p50Ms,
      long p95Ms,
      long p99Ms,
      long p999Ms) {}

  /** EndToEndLatency's result: {@code Avg latency: 3.1605 ms} and {@code Percentiles: 50th = 1, 99th = 20, 99.9th = 137}. */
  public record E2eSummary(double avgMs, long p50Ms, long p99Ms, long p999Ms) {}

  static final int PRODUCER_PARTITIONS = 6;
  static final String PRODUCER_PERFORMANCE = "org.apache.kafka.tools.ProducerPerformance";
  static final String END_TO_END_LATENCY = "org.apache.kafka.tools.EndToEndLatency";
  /** How many of a child's last output lines an error message quotes. */
  static final int TAIL_LINES = 30;

  private static final String NUMBER = "([0-9]+(?:\\.[0-9]+)?|NaN|-?Infinity)";
  private static final Pattern PRODUCER_SUMMARY = Pattern.compile(
      "(\\d+) records sent, " + NUMBER + " records/sec \\(" + NUMBER + " MB/sec\\), "
          + NUMBER + " ms avg latency, " + NUMBER + " ms max latency, "
          + "(\\d+) ms 50th, (\\d+) ms 95th, (\\d+) ms 99th, (\\d+) ms 99\\.9th\\.");
  private static final Pattern E2E_AVG = Pattern.compile("Avg latency: " + NUMBER + " ms");
  private static final Pattern E2E_PERCENTILES =
      Pattern.compile("Percentiles: 50th = (-?\\d+), 99th = (-?\\d+), 99\\.9th = (-?\\d+)");
  /** EndToEndLatency prints "{message index}\t{latency ms}" every 1000 messages. */
  private static final Pattern E2E_PROGRESS = Pattern.compile("(\\d+)\\t" + NUMBER);

  /** The children's logging (logback, via slf4j): warnings and errors only, to the merged output. */
  private static final String CHILD_LOGBACK = """
      <configuration>
        <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
          <encoder><pattern>%-5level %logger{0} - %msg%n</pattern></encoder>
        </appender>
        <root level="WARN"><appender-ref ref="OUT"/></root>
      </configuration>
      """;

  private RawKafka() {}

  /**
   * Runs ProducerPerformance ({@code producerRecords} records of {@code recordSize} bytes, unthrottled,
   * acks=all, idempotent) on topic {@code <topicPrefix>-producer} (6 partitions), then EndToEndLatency
   * ({@code latencyMessages} messages of {@code recordSize} bytes, acks=all) on {@code <topicPrefix>-e2e}
   * (1 partition). Each child's output goes to {@code progress}, a line at a time, on the calling thread.
   *
   * @throws IllegalStateException when a child fails, times out or prints no parsable summary; the
   *     message quotes the child's last output lines
   */
  public static Figures measure(
      String bootstrap,
      String topicPrefix,
      int recordSize,
      long producerRecords,
      int latencyMessages,
      Consumer<String> progress)
      throws Exception {
    if (recordSize <= 0 || producerRecords <= 0 || latencyMessages <= 0) {
      throw new IllegalArgumentException("recordSize, producerRecords and latencyMessages must be positive");
    }
    String producerTopic = topicPrefix + "-producer";
    String e2eTopic = topicPrefix + "-e2e";
    createTopics(bootstrap, Map.of(producerTopic, PRODUCER_PARTITIONS, e2eTopic, 1));

    Path logback = Files.createTempFile("linkway-bench-logback", ".xml");
    try {
      Files.writeString(logback, CHILD_LOGBACK);
      Path login = BenchKafka.loginFile();

      progress.accept(String.format(Locale.ROOT,
          "ProducerPerformance: %d records of %d bytes to %s (%d partitions, acks=all, idempotent, unthrottled)",
          producerRecords, recordSize, producerTopic, PRODUCER_PARTITIONS));
      List<String> producerArgs = List.of(
          "--topic", producerTopic,
          "--num-records", Long.toString(producerRecords),
          "--record-size", Integer.toString(recordSize),
          "--throughput", "-1",
          "--producer-props", "bootstrap.servers=" + bootstrap, "acks=all", "enable.idempotence=true",
          "--producer.config", login.toString());
      Duration producerTimeout = Duration.ofSeconds(120 + producerRecords / 1_000);
      ChildOutput producerOut = runChild(
          "ProducerPerformance", PRODUCER_PERFORMANCE, producerArgs, logback, producerTimeout,
          line -> parseProducerSummary(line).isPresent(),
          line -> progress.accept("  producer | " + line));
      ProducerSummary producer = findProducerSummary(producerOut.results()).orElseThrow(() -> failure(
          "ProducerPerformance finished but printed no summary line", producerOut.tail()));
      if (producer.records() != producerRecords) {
        throw failure("ProducerPerformance had only " + producer.records() + " of " + producerRecords
            + " records acknowledged", producerOut.tail());
      }

      progress.accept(String.format(Locale.ROOT,
          "EndToEndLatency: %d messages of %d bytes through %s (1 partition, acks=all), one at a time",
          latencyMessages, recordSize, e2eTopic));
      List<String> e2eArgs = List.of(
          bootstrap, e2eTopic, Integer.toString(latencyMessages), "all", Integer.toString(recordSize), login.toString());
      Duration e2eTimeout = Duration.ofSeconds(120 + latencyMessages / 10);
      ChildOutput e2eOut = runChild(
          "EndToEndLatency", END_TO_END_LATENCY, e2eArgs, logback, e2eTimeout,
          line -> parseE2eAverage(line).isPresent() || parseE2ePercentiles(line).isPresent(),
          line -> progress.accept("  e2e      | " + condenseE2eLine(line, latencyMessages)));
      E2eSummary e2e = findE2eSummary(e2eOut.results()).orElseThrow(() -> failure(
          "EndToEndLatency finished but printed no 'Avg latency' and 'Percentiles' lines", e2eOut.tail()));

      return new Figures(
          producer.records(), recordSize, producer.recordsPerSec(), producer.mbPerSec(),
          producer.avgLatencyMs(), producer.p99Ms(),
          latencyMessages, e2e.avgMs(), e2e.p50Ms(), e2e.p99Ms(), e2e.p999Ms());
    } finally {
      Files.deleteIfExists(logback);
    }
  }

  // ------------------------------------------------------------------------------------------
  // Parsing (package-private for the tests)

  /** ProducerPerformance's final summary (the one with percentiles), if this line is one. */
  static Optional<ProducerSummary> parseProducerSummary(String line) {
    Matcher m = PRODUCER_SUMMARY.matcher(line);
    if (!m.find()) {
      return Optional.empty();
    }
    return Optional.of(new ProducerSummary(
        Long.parseLong(m.group(1)),
        Double.parseDouble(m.group(2)),
        Double.parseDouble(m.group(3)),
        Double.parseDouble(m.group(4)),
        Double.parseDouble(m.group(5)),
        Long.parseLong(m.group(6)),
        Long.parseLong(m.group(7)),
        Long.parseLong(m.group(8)),
        Long.parseLong(m.group(9))));
  }

  /** The last final summary among ProducerPerformance's output lines (interim lines have no percentiles). */
  static Optional<ProducerSummary> findProducerSummary(List<String> lines) {
    for (int i = lines.size() - 1; i >= 0; i--) {
      Optional<ProducerSummary> summary = parseProducerSummary(lines.get(i));
      if (summary.isPresent()) {
        return summary;
      }
    }
    return Optional.empty();
  }

  /** The average from EndToEndLatency's {@code Avg latency: 3.1605 ms}, if this line is that. */
  static OptionalDouble parseE2eAverage(String line) {
    Matcher m = E2E_AVG.matcher(line);
    return m.find() ? OptionalDouble.of(Double.parseDouble(m.group(1))) : OptionalDouble.empty();
  }

  /** 50th, 99th and 99.9th (ms) from EndToEndLatency's {@code Percentiles: 50th = 1, 99th = 20, 99.9th = 137}. */
  static Optional<long[]> parseE2ePercentiles(String line) {
    Matcher m = E2E_PERCENTILES.matcher(line);
    if (!m.find()) {
      return Optional.empty();
    }
    return Optional.of(new long[] {
        Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3))});
  }

  /** The last average and percentiles among EndToEndLatency's output lines, when both are there. */
  static Optional<E2eSummary> findE2eSummary(List<String> lines) {
    OptionalDouble avg = OptionalDouble.empty();
    Optional<long[]> percentiles = Optional.empty();
    for (String line : lines) {
      OptionalDouble a = parseE2eAverage(line);
      if (a.isPresent()) {
        avg = a;
      }
      Optional<long[]> p = parseE2ePercentiles(line);
      if (p.isPresent()) {
        percentiles = p;
      }
    }
    if (avg.isEmpty() || percentiles.isEmpty()) {
      return Optional.empty();
    }
    long[] p = percentiles.get();
    return Optional.of(new E2eSummary(avg.getAsDouble(), p[0], p[1], p[2]));
  }

  /** EndToEndLatency's bare "1000\t4.248241" progress lines, said in words; other lines unchanged. */
  static String condenseE2eLine(String line, int total) {
    Matcher m = E2E_PROGRESS.matcher(line);
    if (!m.matches()) {
      return line;
    }
    return String.format(Locale.ROOT, "message %s of %d: %.2f ms round trip",
        m.group(1), total, Double.parseDouble(m.group(2)));
  }

  // ------------------------------------------------------------------------------------------
  // Topics and children

  private static void createTopics(String bootstrap, Map<String, Integer> partitionsByTopic) throws Exception {
    Map<String, Object> config = Map.of(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000);
    try (Admin admin = Admin.create(BenchKafka.withLogin(config))) {
      List<NewTopic> topics = new ArrayList<>();
      partitionsByTopic.forEach((name, partitions) -> topics.add(new NewTopic(name, partitions, (short) 1)));
      var result = admin.createTopics(topics);
      for (var entry : result.values().entrySet()) {
        try {
          entry.getValue().get();
        } catch (ExecutionException e) {
          if (e.getCause() instanceof TimeoutException) {
            throw new IllegalStateException("cannot reach Kafka at " + bootstrap + " within 20 s to create topic "
                + entry.getKey() + " (is it running? ./linkway status): " + e.getCause().getMessage(), e.getCause());
          }
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw new IllegalStateException(
                "cannot create topic " + entry.getKey() + " on Kafka at " + bootstrap + ": " + e.getCause(),
                e.getCause());
          }
        }
      }
    }
  }

  /** A child's last lines, and every line of it that {@code isResult} picked out. */
  private record ChildOutput(List<String> tail, List<String> results) {}

  /**
   * Runs {@code mainClass} in a child JVM (this JVM's java and classpath, -Xmx256m), its stderr
   * merged into stdout, handing each non-blank output line to {@code lines} (stack-trace frames are
   * kept back). Returns the last {@link #TAIL_LINES} lines and the result lines; throws when the
   * child exits non-zero or outlives {@code timeout} (it is then killed).
   */
  private static ChildOutput runChild(
      String name, String mainClass, List<String> args, Path logbackConfig, Duration timeout,
      Predicate<String> isResult, Consumer<String> lines)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(javaBinary());
    command.add("-Xmx256m");
    // the tools format their figures with the default locale: make it one that writes 12.34
    command.add("-Duser.language=en");
    command.add("-Duser.country=US");
    command.add("-Dlogback.configurationFile=" + logbackConfig);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass);
    command.addAll(args);

    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    process.getOutputStream().close();
    // a bench stopped with Ctrl-C takes its child with it
    Thread killer = new Thread(process::destroyForcibly, "raw-kafka-child-killer");
    Runtime.getRuntime().addShutdownHook(killer);
    AtomicBoolean timedOut = new AtomicBoolean();
    CompletableFuture.delayedExecutor(timeout.toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
      if (process.isAlive()) {
        timedOut.set(true);
        process.destroyForcibly();
      }
    });

    Deque<String> tail = new ArrayDeque<>();
    List<String> results = new ArrayList<>();
    try (BufferedReader out = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        if (isResult.test(line)) {
          results.add(line);
        }
        tail.addLast(line);
        if (tail.size() > TAIL_LINES) {
          tail.removeFirst();
        }
        if (!line.startsWith("\tat ") && !line.startsWith("\t... ")) {
          lines.accept(line);
        }
      }
      int exit = process.waitFor();
      List<String> lastLines = List.copyOf(tail);
      if (timedOut.get()) {
        throw failure(name + " did not finish within " + timeout.toSeconds() + " s and was killed", lastLines);
      }
      if (exit != 0) {
        throw failure(name + " exited with status " + exit, lastLines);
      }
      return new ChildOutput(lastLines, List.copyOf(results));
    } finally {
      if (process.isAlive()) {
        process.destroyForcibly();
      }
      try {
        Runtime.getRuntime().removeShutdownHook(killer);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running or about to: nothing to undo
      }
    }
  }

  private static String javaBinary() {
    return ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  private static IllegalStateException failure(String what, List<String> tail) {
    StringBuilder message = new StringBuilder(what);
    if (tail.isEmpty()) {
      message.append(" (it printed nothing)");
    } else {
      message.append("; its last ").append(tail.size()).append(" lines:");
      tail.forEach(line -> message.append("\n    | ").append(line));
    }
    return new IllegalStateException(message.toString());
  }
}
