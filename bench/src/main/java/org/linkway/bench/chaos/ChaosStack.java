package org.linkway.bench.chaos;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.linkway.stack.Launch;
import org.linkway.stack.LocalIssuer;
import org.linkway.stack.Ports;

/**
 * A whole Linkway stack of the harness's own, on free loopback ports and in its own directory, so
 * that it never meets a running {@code ./linkway up} or another test: the Kafka broker
 * ({@code KafkaLauncher}, a JVM of its own), the schema registry, the token issuer (in this JVM)
 * and the three services from their exec jars, each started as {@code ./linkway up} starts it.
 * Any part can be killed with SIGKILL and started again on the same ports and data; everything is
 * stopped on {@link #close()}, and by a shutdown hook if this JVM ends first.
 */
final class ChaosStack implements AutoCloseable {

  /** What can be started, killed and restarted. */
  enum Part {
    KAFKA("kafka"), REGISTRY("registry"),
    REFERRAL_SERVICE("referral-service"), PROVIDER_SERVICE("provider-service"), OUTCOME_SERVICE("outcome-service");

    final String label;

    Part(String label) {
      this.label = label;
    }

    boolean isService() {
      return this == REFERRAL_SERVICE || this == PROVIDER_SERVICE || this == OUTCOME_SERVICE;
    }

    /** The same part of the local stack, whose launch this one shares. */
    org.linkway.stack.Part inStack() {
      return org.linkway.stack.Part.named(label);
    }

    static final List<Part> SERVICES = List.of(REFERRAL_SERVICE, PROVIDER_SERVICE, OUTCOME_SERVICE);
  }

  static final Duration START_BOUND = Duration.ofMinutes(4);
  private static final String HOST = "127.0.0.1";

  private final Path work;
  private final Consumer<String> say;
  private final String javaCommand = ProcessHandle.current().info().command().orElse("java");
  private final ChaosKafka kafka;
  private final LocalIssuer issuer;
  private final Launch launch;
  private final Map<Part, Process> processes = new ConcurrentHashMap<>();
  private final Map<Part, Integer> starts = new ConcurrentHashMap<>();
  private volatile boolean kafkaStartedLineSeen;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
  private final Thread shutdownHook = new Thread(this::killAll, "chaos-stack-shutdown");
  private HttpServer issuerServer;
  private volatile boolean closed;

  /**
   * @param repo the checkout, whose modules' target directories hold the jars
   * @param work a directory of the run's own for data and logs
   */
  ChaosStack(Path repo, Path work, Consumer<String> say) {
    this.work = work;
    this.say = say;
    int[] free = freePorts(7);
    launch = new Launch(repo, work, new Launch.Ports(free[0], free[1], free[2], free[3], free[4], free[5], free[6]),
        javaCommand);
    kafka = new ChaosKafka(launch.bootstrap(), launch.kafkaDir());
    try {
      Files.createDirectories(work.resolve("logs"));
      issuer = LocalIssuer.inDirectory(work.resolve("issuer"), launch.url(org.linkway.stack.Part.ISSUER));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /** Starts every part and waits until each is healthy: the broker and the registry first, then the services. */
  void start() {
    long started = System.nanoTime();
    try {
      issuerServer = issuer.serve(HOST, launch.ports().issuer());
    } catch (IOException e) {
      throw new UncheckedIOException("the token issuer could not listen on " + launch.ports().issuer(), e);
    }
    startPart(Part.KAFKA);
    startPart(Part.REGISTRY);
    awaitHealthy(Part.KAFKA, START_BOUND);
    awaitHealthy(Part.REGISTRY, START_BOUND);
    grantKafkaAccess();
    setUpTopics();
    Part.SERVICES.forEach(this::startPart);
    Part.SERVICES.forEach(p -> awaitHealthy(p, START_BOUND));
    say.accept(String.format("stack up in %.1f s: kafka %s, registry %d, referral %d, provider %d, outcome %d (work in %s)",
        (System.nanoTime() - started) / 1e9, kafka.bootstrap() + (kafka.secured() ? " (SASL, ACLs)" : ""),
        port(Part.REGISTRY), port(Part.REFERRAL_SERVICE), port(Part.PROVIDER_SERVICE), port(Part.OUTCOME_SERVICE), work));
  }

  private int port(Part part) {
    return launch.ports().of(part.inStack());
  }

  LocalIssuer issuer() {
    return issuer;
  }

  ChaosKafka kafka() {
    return kafka;
  }

  String registryApi() {
    return launch.registryApi();
  }

  String url(Part service) {
    return launch.url(service.inStack());
  }

  long pid(Part part) {
    Process p = processes.get(part);
    return p == null ? -1 : p.pid();
  }

  /** SIGKILL, and waits until the process is gone. */
  void kill(Part part) {
    Process p = processes.get(part);
    if (p == null) throw new IllegalStateException(part.label + " is not running");
    p.destroyForcibly();
    try {
      if (!p.waitFor(30, TimeUnit.SECONDS)) throw new IllegalStateException(part.label + " outlived SIGKILL by 30 s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Starts a part again with the same command line, ports and data. */
  void restart(Part part) {
    Process p = processes.get(part);
    if (p != null && p.isAlive()) throw new IllegalStateException(part.label + " is still running");
    startPart(part);
  }

  /** Waits until the part is healthy; the time it took, or a failure naming the part and its log. */
  Duration awaitHealthy(Part part, Duration bound) {
    long start = System.nanoTime();
    Await.orFail(part.label + " healthy", () -> {
      Process p = processes.get(part);
      if (p == null || !p.isAlive()) {
        throw new IllegalStateException(part.label + " exited (status " + (p == null ? "?" : p.exitValue()) + "); see " + log(part));
      }
      return healthy(part);
    }, bound, () -> "see " + log(part));
    return Duration.ofNanos(System.nanoTime() - start);
  }

  /** Every part healthy: the broker up, the registry answering, each service's stream processor running. */
  boolean allHealthy() {
    return Stream.of(Part.values()).allMatch(this::healthy);
  }

  boolean healthy(Part part) {
    Process p = processes.get(part);
    if (p == null || !p.isAlive()) return false;
    return switch (part) {
      case KAFKA -> Ports.listening(port(Part.KAFKA)) && kafkaStartedLine();
      case REGISTRY -> !get(registryApi() + "/system/info").isEmpty();
      default -> get(url(part) + "/actuator/health").contains("\"status\":\"UP\"");
    };
  }

  /** The broker has said it started, in the log of its current run (it listens before it is ready). */
  private boolean kafkaStartedLine() {
    if (kafkaStartedLineSeen) return true;
    try {
      kafkaStartedLineSeen = new String(Files.readAllBytes(log(Part.KAFKA)), StandardCharsets.ISO_8859_1)
          .contains("Kafka Server started");
      return kafkaStartedLineSeen;
    } catch (IOException e) {
      return false;
    }
  }

  Path log(Part part) {
    return work.resolve("logs").resolve(part.label + "-" + starts.getOrDefault(part, 1) + ".log");
  }

  private void startPart(Part part) {
    if (closed) throw new IllegalStateException("the stack is closed");
    starts.merge(part, 1, Integer::sum);
    if (part == Part.KAFKA) kafkaStartedLineSeen = false;
    // as ./linkway up runs it (Launch), on this stack's ports and directories: the services with keys of
    // this stack's own, made once in its directory, so the same across restarts
    ProcessBuilder builder = new ProcessBuilder(launch.command(part.inStack())).redirectErrorStream(true)
        .redirectOutput(log(part).toFile()).directory(work.toFile());
    builder.environment().putAll(launch.environment(part.inStack()));
    try {
      processes.put(part, builder.start());
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + part.label, e);
    }
  }

  /** On a broker that authenticates clients: each principal's credential and ACLs, as ./linkway up grants them. */
  private void grantKafkaAccess() {
    if (kafka.secured()) runTool(launch.grantKafkaAccess(), "kafka-access", "granting Kafka access");
  }

  /** Every topic the services use, created before they start, as ./linkway up sets them up. */
  private void setUpTopics() {
    runTool(launch.setUpTopics(), "topics", "setting the topics up");
  }

  /** Runs one of the platform's tools to its end, its output in the run's logs. */
  private void runTool(List<String> command, String name, String what) {
    Path log = work.resolve("logs").resolve(name + ".log");
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IllegalStateException(what + " failed; see " + log);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private String get(String url) {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
          HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? r.body() : "";
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  private static int[] freePorts(int n) {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      int[] out = new int[n];
      for (int i = 0; i < n; i++) {
        ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        sockets.add(s);
        out[i] = s.getLocalPort();
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      for (ServerSocket s : sockets) {
        try {
          s.close();
        } catch (IOException ignored) {
          // closing a probe socket
        }
      }
    }
  }

  /** Stops everything: SIGTERM to every part at once, SIGKILL to what is left after 10 s (the data is thrown away). */
  @Override
  public void close() {
    if (closed) return;
    closed = true;
    processes.values().forEach(Process::destroy);
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    for (Process p : processes.values()) {
      try {
        long left = deadline - System.nanoTime();
        if (left <= 0 || !p.waitFor(left, TimeUnit.NANOSECONDS)) p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        p.destroyForcibly();
      }
    }
    if (issuerServer != null) issuerServer.stop(0);
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running or has run
    }
  }

  /** The shutdown hook: this JVM is ending, so no waiting for a clean stop. */
  private void killAll() {
    closed = true;
    processes.values().forEach(Process::destroyForcibly);
    if (issuerServer != null) issuerServer.stop(0);
  }

  /** Deletes the data of a run that went well (the broker's log, the stores, the registry's database); the logs stay. */
  void deleteData() {
    for (String dir : List.of("kafka", "state", "registry")) {
      Path root = work.resolve(dir);
      if (!Files.exists(root)) continue;
      try (Stream<Path> all = Files.walk(root)) {
        all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        say.accept("could not delete " + root + ": " + e.getMessage());
      }
    }
  }
}
