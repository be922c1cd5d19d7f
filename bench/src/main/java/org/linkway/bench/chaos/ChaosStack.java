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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.linkway.stack.Instance;
import org.linkway.stack.Launch;
import org.linkway.stack.LocalIssuer;
import org.linkway.stack.Part;
import org.linkway.stack.Ports;
import org.linkway.stack.StackSize;

/**
 * A whole Linkway stack of the harness's own, on free loopback ports and in its own directory, so
 * that it never meets a running {@code ./linkway up} or another test: the Kafka brokers
 * ({@code KafkaLauncher}, each a JVM of its own), the schema registry, the token issuer (in this JVM)
 * and the instances of the three services from their exec jars, each started as {@code ./linkway up}
 * starts it ({@link Launch}, at the stack's {@link StackSize}: instance k of a part on the part's port
 * + 100·(k−1), named {@code provider-service-2}, {@code kafka-3}). Any instance can be killed with
 * SIGKILL and started again on the same ports and data; everything is stopped on {@link #close()},
 * and by a shutdown hook if this JVM ends first.
 */
final class ChaosStack implements AutoCloseable {

  static final Duration START_BOUND = Duration.ofMinutes(4);
  private static final String HOST = "127.0.0.1";
  /** The parts this harness runs as processes (the issuer runs in its JVM), in start order. */
  private static final List<Part> PROCESS_PARTS = List.of(Part.KAFKA, Part.REGISTRY, Part.REFERRAL_SERVICE,
      Part.PROVIDER_SERVICE, Part.OUTCOME_SERVICE);

  private final Path work;
  private final Consumer<String> say;
  private final String javaCommand = ProcessHandle.current().info().command().orElse("java");
  private final ChaosKafka kafka;
  private final LocalIssuer issuer;
  private final Launch launch;
  private final Map<Instance, Process> processes = new ConcurrentHashMap<>();
  private final Map<Instance, Integer> starts = new ConcurrentHashMap<>();
  private final Set<Instance> kafkaStartedLineSeen = ConcurrentHashMap.newKeySet();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
  private final Thread shutdownHook = new Thread(this::killAll, "chaos-stack-shutdown");
  private HttpServer issuerServer;
  private volatile boolean closed;

  /**
   * @param repo the checkout, whose modules' target directories hold the jars
   * @param work a directory of the run's own for data and logs
   * @param size how many brokers and instances of each service
   */
  ChaosStack(Path repo, Path work, StackSize size, Consumer<String> say) {
    this.work = work;
    this.say = say;
    int[] free = freePorts(7, Math.max(size.instances(), size.brokers()));
    launch = new Launch(repo, work, new Launch.Ports(free[0], free[1], free[2], free[3], free[4], free[5], free[6]),
        javaCommand, size);
    kafka = new ChaosKafka(launch.bootstrap(), launch.kafkaDir());
    try {
      Files.createDirectories(work.resolve("logs"));
      issuer = LocalIssuer.inDirectory(work.resolve("issuer"), launch.url(Part.ISSUER));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  StackSize size() {
    return launch.size();
  }

  /**
   * How long a service instance may take to be healthy: 4 minutes on the single stack; with N
   * instances of each service and several brokers on the same cores, 2·N times as long (on 2 cores
   * shared with other builds, one instance of a 2 x 3 stack took 350 s for Spring to start alone).
   */
  /** How long a killed part may take to be healthy again: {@link FaultRun#RECOVERY_BOUND}, scaled as {@link #startBound()}. */
  Duration recoveryBound() {
    return size().equals(StackSize.SINGLE) ? FaultRun.RECOVERY_BOUND : FaultRun.RECOVERY_BOUND.multipliedBy(2L * size().instances());
  }

  Duration startBound() {
    return size().equals(StackSize.SINGLE) ? START_BOUND : START_BOUND.multipliedBy(2L * size().instances());
  }

  /** Every process of the stack, in start order: the brokers, the registry, the services' instances. */
  List<Instance> instances() {
    return Instance.all(size()).stream().filter(i -> PROCESS_PARTS.contains(i.part())).toList();
  }

  /** The instances of one part. */
  List<Instance> instancesOf(Part part) {
    return Instance.of(part, size());
  }

  /** Starts every part and waits until each is healthy: the brokers and the registry first, then the services' instances. */
  void start() {
    long started = System.nanoTime();
    try {
      issuerServer = issuer.serve(HOST, launch.ports().issuer());
    } catch (IOException e) {
      throw new UncheckedIOException("the token issuer could not listen on " + launch.ports().issuer(), e);
    }
    // the brokers' administrator password and cluster id made once, as ./linkway up makes them: brokers
    // started together would each make their own, and then refuse each other's votes
    launch.ensureSecrets();
    List<Instance> first = instances().stream().filter(i -> !i.part().isService()).toList();
    List<Instance> services = instances().stream().filter(i -> i.part().isService()).toList();
    first.forEach(this::startPart);
    first.forEach(i -> awaitHealthy(i, START_BOUND));
    grantKafkaAccess();
    setUpTopics();
    services.forEach(this::startPart);
    // several instances of each service start at once on the same cores: each may take that much longer
    services.forEach(i -> awaitHealthy(i, startBound()));
    say.accept(String.format("stack of %s up in %.1f s: kafka %s, registry %d, referral %s, provider %s, outcome %s (work in %s)",
        size(), (System.nanoTime() - started) / 1e9, kafka.bootstrap() + (kafka.secured() ? " (SASL, ACLs)" : ""),
        launch.ports().registry(), ports(Part.REFERRAL_SERVICE), ports(Part.PROVIDER_SERVICE), ports(Part.OUTCOME_SERVICE), work));
  }

  private String ports(Part part) {
    return String.join(",", instancesOf(part).stream().map(i -> String.valueOf(launch.port(i))).toList());
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

  String url(Instance service) {
    return launch.url(service);
  }

  long pid(Instance instance) {
    Process p = processes.get(instance);
    return p == null ? -1 : p.pid();
  }

  /** SIGKILL, and waits until the process is gone. */
  void kill(Instance instance) {
    Process p = processes.get(instance);
    if (p == null) throw new IllegalStateException(instance.label() + " is not running");
    p.destroyForcibly();
    try {
      if (!p.waitFor(30, TimeUnit.SECONDS)) throw new IllegalStateException(instance.label() + " outlived SIGKILL by 30 s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Starts an instance again with the same command line, ports and data. */
  void restart(Instance instance) {
    Process p = processes.get(instance);
    if (p != null && p.isAlive()) throw new IllegalStateException(instance.label() + " is still running");
    startPart(instance);
  }

  /** Waits until the instance is healthy; the time it took, or a failure naming it and its log. */
  Duration awaitHealthy(Instance instance, Duration bound) {
    long start = System.nanoTime();
    Await.orFail(instance.label() + " healthy", () -> {
      Process p = processes.get(instance);
      if (p == null || !p.isAlive()) {
        throw new IllegalStateException(instance.label() + " exited (status " + (p == null ? "?" : p.exitValue()) + "); see "
            + log(instance));
      }
      return healthy(instance);
    }, bound, () -> "see " + log(instance));
    return Duration.ofNanos(System.nanoTime() - start);
  }

  /** Every part healthy: the brokers up, the registry answering, each service instance's stream processor running. */
  boolean allHealthy() {
    return instances().stream().allMatch(this::healthy);
  }

  boolean healthy(Instance instance) {
    Process p = processes.get(instance);
    if (p == null || !p.isAlive()) return false;
    return switch (instance.part()) {
      case KAFKA -> Ports.listening(launch.port(instance)) && kafkaStartedLine(instance);
      case REGISTRY -> !get(registryApi() + "/system/info").isEmpty();
      default -> get(url(instance) + "/actuator/health/readiness").contains("\"status\":\"UP\"");
    };
  }

  /** The broker has said it started, in the log of its current run (it listens before it is ready). */
  private boolean kafkaStartedLine(Instance broker) {
    if (kafkaStartedLineSeen.contains(broker)) return true;
    try {
      if (new String(Files.readAllBytes(log(broker)), StandardCharsets.ISO_8859_1).contains("Kafka Server started")) {
        kafkaStartedLineSeen.add(broker);
        return true;
      }
      return false;
    } catch (IOException e) {
      return false;
    }
  }

  Path log(Instance instance) {
    return work.resolve("logs").resolve(instance.label() + "-" + starts.getOrDefault(instance, 1) + ".log");
  }

  private void startPart(Instance instance) {
    if (closed) throw new IllegalStateException("the stack is closed");
    starts.merge(instance, 1, Integer::sum);
    if (instance.part() == Part.KAFKA) kafkaStartedLineSeen.remove(instance);
    // as ./linkway up runs it (Launch), on this stack's ports and directories: the services with keys of
    // this stack's own, made once in its directory, so the same across restarts
    ProcessBuilder builder = new ProcessBuilder(launch.command(instance)).redirectErrorStream(true)
        .redirectOutput(log(instance).toFile()).directory(work.toFile());
    builder.environment().putAll(launch.environment(instance.part()));
    try {
      processes.put(instance, builder.start());
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + instance.label(), e);
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

  /**
   * {@code n} ports of the first instances, each free together with the ports the {@code count − 1}
   * further instances take (+100 each), none of them another's.
   */
  private static int[] freePorts(int n, int count) {
    int[] out = new int[n];
    Set<Integer> taken = new HashSet<>();
    for (int i = 0; i < n; i++) {
      for (int tries = 0; ; tries++) {
        if (tries > 200) throw new IllegalStateException("no " + count + " free ports 100 apart");
        int port = freePort();
        List<Integer> all = new ArrayList<>();
        for (int k = 0; k < count; k++) all.add(port + 100 * k);
        if (all.get(all.size() - 1) > 65535 || all.stream().anyMatch(taken::contains)
            || all.stream().skip(1).anyMatch(p -> !free(p))) {
          continue;
        }
        taken.addAll(all);
        out[i] = port;
        break;
      }
    }
    return out;
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean free(int port) {
    try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return true;
    } catch (IOException e) {
      return false;
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
