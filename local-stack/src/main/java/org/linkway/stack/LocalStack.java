package org.linkway.stack;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The local stack of {@code ./linkway}: each instance of each part its own background process, in a
 * session of its own so that it outlives the command that started it, with its pid in
 * {@code .linkway/pids/} and its log in {@code .linkway/logs/}. Its size ({@link StackSize}: brokers,
 * instances of each service) is the one its last {@code up} recorded. Starting waits until each
 * process is healthy; stopping sends SIGTERM and waits; a process that runs without its pid file is
 * found by its port and taken back.
 */
public final class LocalStack {

  /** A failure the command reports on one line ({@code linkway: <message>}) before exiting 1. */
  public static final class Failure extends RuntimeException {
    public Failure(String message) {
      super(message);
    }
  }

  private static final Pattern HEALTH_STATUS = Pattern.compile("\"status\":\"([A-Z_]+)\"");
  private static final Duration POLL = Duration.ofMillis(250);

  private final Path root;
  private final Launch launch;
  private final PidFiles pids;
  private final Path logs;
  private final Duration startTimeout;
  private final Duration stopTimeout;
  private final PrintStream out;
  private final PrintStream err;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final Map<Instance, Long> startedAt = new HashMap<>();

  /**
   * @param root the checkout; the stack lives in its {@code .linkway/}
   */
  public LocalStack(Path root, String java, Duration startTimeout, Duration stopTimeout, PrintStream out, PrintStream err) {
    this(root, java, StackSize.recorded(root.toAbsolutePath().resolve(".linkway")), startTimeout, stopTimeout, out, err);
  }

  private LocalStack(Path root, String java, StackSize size, Duration startTimeout, Duration stopTimeout, PrintStream out,
      PrintStream err) {
    this(root, new Launch(root.toAbsolutePath(), root.toAbsolutePath().resolve(".linkway"), Launch.Ports.LOCAL, java, size),
        startTimeout, stopTimeout, out, err);
  }

  private LocalStack(Path root, Launch launch, Duration startTimeout, Duration stopTimeout, PrintStream out, PrintStream err) {
    this.root = root.toAbsolutePath();
    Path home = this.root.resolve(".linkway");
    this.launch = launch;
    this.pids = new PidFiles(home.resolve("pids"));
    this.logs = home.resolve("logs");
    this.startTimeout = startTimeout;
    this.stopTimeout = stopTimeout;
    this.out = out;
    this.err = err;
  }

  /** The stack of the checkout in the working directory, with the timeouts of the environment (LINKWAY_START_TIMEOUT, LINKWAY_STOP_TIMEOUT). */
  public static LocalStack here(PrintStream out, PrintStream err) {
    return new LocalStack(Path.of(""), Launch.currentJava(), seconds("LINKWAY_START_TIMEOUT", 120),
        seconds("LINKWAY_STOP_TIMEOUT", 60), out, err);
  }

  static Duration seconds(String variable, long otherwise) {
    String value = System.getenv(variable);
    return Duration.ofSeconds(value != null && value.matches("[0-9]{1,6}") ? Long.parseLong(value) : otherwise);
  }

  public Launch launch() {
    return launch;
  }

  public StackSize size() {
    return launch.size();
  }

  /**
   * This stack at another size, for an {@code up} that asks for one. Refused while the stack runs at
   * its recorded size (stop it first), and for another number of brokers over data a stack of a
   * different number wrote (the topics' copies and the quorum are in that data).
   */
  public LocalStack sized(StackSize wanted) {
    StackSize recorded = size();
    if (wanted.equals(recorded)) return this;
    if (anyRunning()) {
      throw new Failure("a stack of " + recorded + " runs here: ./linkway down first, then up with the new size");
    }
    if (wanted.brokers() != recorded.brokers() && StackSize.started(home())) {
      throw new Failure(".linkway/ holds the data of a stack of " + recorded.brokers() + (recorded.brokers() == 1 ? " broker" : " brokers")
          + "; to start " + wanted.brokers() + ", move .linkway/ aside (mv .linkway .linkway-old) and up again");
    }
    return new LocalStack(root, launch.java(), wanted, startTimeout, stopTimeout, out, err);
  }

  /** This stack, its services (when next started) given {@code extras}: the benchmark's recordings and settings. */
  public LocalStack withExtras(Launch.ServiceExtras extras) {
    return new LocalStack(root, launch.withExtras(extras), startTimeout, stopTimeout, out, err);
  }

  /**
   * Every service instance stopped and started again with this stack's launch (its {@linkplain #withExtras extras}),
   * Kafka, the registry and the issuer left running; their stores are kept.
   *
   * @return how long from their start until all were healthy
   */
  public Duration restartServices() {
    List<Instance> services = instances().stream().filter(i -> i.part().isService()).toList();
    services.forEach(this::adopt);
    stop(services);
    long start = System.nanoTime();
    services.forEach(this::start);
    await(services);
    return since(start);
  }

  /** Where the command's report goes. */
  public PrintStream out() {
    return out;
  }

  public PrintStream err() {
    return err;
  }

  public Path home() {
    return launch.home();
  }

  public Path log(Instance instance) {
    return logs.resolve(instance.label() + ".log");
  }

  // ------------------------------------------------------------------ up

  /**
   * Starts every process not running and waits until each is healthy: the brokers, the registry and
   * the issuer first (they need nothing), then Kafka access granted and the topics set up, then the
   * services' instances.
   *
   * @return how long it took until all were healthy
   */
  public Duration up() throws IOException {
    for (String dir : List.of("logs", "pids", "kafka", "registry", "state")) PrivateFiles.directory(home().resolve(dir));
    // a .linkway/ made before files were kept private: make it so
    narrowPermissions(home());
    launch.ensureSecrets();
    checkPorts();
    size().record(home());
    long start = System.nanoTime();
    out.println("starting Linkway, " + size() + " (logs in .linkway/logs)");
    List<Instance> infrastructure = instances().stream().filter(i -> !i.part().isService()).toList();
    List<Instance> services = instances().stream().filter(i -> i.part().isService()).toList();
    infrastructure.forEach(this::start);
    await(infrastructure);
    // as the administrator, on every up (both are idempotent): each principal's credential and ACLs, then every
    // topic the services use, created where missing with the stack's replication (what differs on one already
    // there is printed, and left alone)
    runTool("kafka-access", launch.grantKafkaAccess(), "grant the services their Kafka access");
    runTool("topics", launch.setUpTopics(), "set the topics up");
    services.forEach(this::start);
    await(services);
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    out.println("all healthy in " + seconds(took));
    return took;
  }

  /** Only one {@code up} or {@code down} at a time in a checkout (they would fight over the pid files); held until the JVM ends. */
  public void lock() throws IOException {
    PrivateFiles.directory(home());
    FileChannel channel = FileChannel.open(home().resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock = channel.tryLock();
    if (lock == null) throw new Failure("another ./linkway up or down is running in this checkout");
  }

  private static void narrowPermissions(Path dir) throws IOException {
    if (!dir.getFileSystem().supportedFileAttributeViews().contains("posix")) return;
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        if (Files.isSymbolicLink(p)) continue;
        var perms = Files.getPosixFilePermissions(p);
        var narrowed = perms.stream().filter(x -> x.name().startsWith("OWNER")).collect(Collectors.toSet());
        if (!narrowed.equals(perms)) Files.setPosixFilePermissions(p, narrowed);
      }
    }
  }

  /** Every process of this stack, in start order. */
  public List<Instance> instances() {
    return Instance.all(size());
  }

  /** Before starting anything: every port of a process that is not running must be free. */
  private void checkPorts() {
    List<String> problems = new ArrayList<>();
    for (Instance instance : instances()) {
      if (adopt(instance)) continue;
      for (int port : launch.portsOf(instance)) {
        if (Ports.listening(port)) {
          problems.add("  port " + port + " (" + instance.label() + ") is in use by " + Ports.owner(port) + ", which is not Linkway's");
        }
      }
    }
    if (!problems.isEmpty()) {
      err.println("linkway: cannot start, ports taken:");
      problems.forEach(err::println);
      throw new Failure("  stop whatever holds them (ss -ltnp shows who), or if it is an older Linkway, its ./linkway down");
    }
  }

  /**
   * A process of this checkout that runs without its pid file (deleted, or lost in a crash of the
   * command) is found by its port and taken back, so that it is neither started twice nor left behind.
   */
  boolean adopt(Instance instance) {
    if (pids.running(instance).isPresent()) return true;
    OptionalLong pid = Ports.pid(launch.port(instance));
    if (pid.isEmpty() || !PidFiles.isInstance(pid.getAsLong(), instance)
        || !PidFiles.workingDirectory(pid.getAsLong()).map(root::equals).orElse(false)) {
      return false;
    }
    try {
      pids.write(instance, pid.getAsLong());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    out.printf("  %-19s found running without its pid file (pid %s), taken back%n", instance.label(), pid.getAsLong());
    return true;
  }

  /** Starts a process in the background, unless it runs. */
  private void start(Instance instance) {
    OptionalLong running = pids.running(instance);
    if (running.isPresent()) {
      if (healthy(instance)) {
        out.printf("  %-19s already running (pid %s)%n", instance.label(), running.getAsLong());
      } else {
        out.printf("  %-19s already started (pid %s), waiting for it%n", instance.label(), running.getAsLong());
        startedAt.put(instance, System.nanoTime());
      }
      return;
    }
    try {
      Path log = log(instance);
      if (Files.exists(log)) Files.move(log, log.resolveSibling(log.getFileName() + ".1"), StandardCopyOption.REPLACE_EXISTING);
      pids.remove(instance);
      Files.createFile(log, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
          java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
      // in a session of its own (setsid), so that it outlives this command and no terminal's signal reaches it;
      // the inner shell writes its own pid, then becomes the part: the pid file holds the part's pid
      List<String> command = new ArrayList<>(List.of("setsid", "nohup", "bash", "-c", "echo $$ >\"$1\"; shift; exec \"$@\"",
          "linkway-start", pids.file(instance).toString()));
      command.addAll(launch.command(instance));
      ProcessBuilder builder = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      builder.environment().putAll(launch.environment(instance.part()));
      builder.start();
      startedAt.put(instance, System.nanoTime());
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (pids.written(instance).isEmpty() && System.nanoTime() < deadline) pause(Duration.ofMillis(100));
      OptionalLong pid = pids.written(instance);
      out.printf("  %-19s starting (pid %s, log %s)%n", instance.label(), pid.isPresent() ? pid.getAsLong() : "?",
          root.relativize(log));
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + instance.label(), e);
    }
  }

  /** Waits until every given process (started or found starting) is healthy, reporting each once ready. */
  private void await(List<Instance> instances) {
    List<Instance> waiting = new ArrayList<>(instances.stream().filter(startedAt::containsKey).toList());
    while (!waiting.isEmpty()) {
      for (var it = waiting.iterator(); it.hasNext(); ) {
        Instance instance = it.next();
        if (healthy(instance)) {
          out.printf("  %-19s ready in %s%n", instance.label(), seconds(since(startedAt.get(instance))));
          it.remove();
          continue;
        }
        OptionalLong pid = pids.running(instance);
        if (pid.isEmpty()) fail(instance, "exited while starting");
        // several instances of each service start at once on the same cores: each may take that much longer
        Duration bound = startTimeout.multipliedBy(size().instances());
        if (since(startedAt.get(instance)).compareTo(bound) > 0) {
          fail(instance, "was not healthy within " + bound.toSeconds() + " s (pid " + pid.getAsLong() + " still runs)");
        }
      }
      if (!waiting.isEmpty()) pause(POLL);
    }
  }

  private void fail(Instance instance, String why) {
    err.println("linkway: " + instance.label() + " " + why + "; the last 30 lines of " + log(instance) + ":");
    lastLines(log(instance), 30).forEach(line -> err.println("    | " + line));
    throw new Failure("'./linkway logs " + instance.label() + "' for more, './linkway down' to stop what was started");
  }

  /** Runs one of the platform's tools to its end; prints its last line, and the lines before it indented. */
  private void runTool(String label, List<String> command, String what) throws IOException {
    long start = System.nanoTime();
    Process p = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int status;
    try {
      status = p.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Failure("interrupted while trying to " + what);
    }
    if (status != 0) {
      err.println(output);
      throw new Failure("could not " + what);
    }
    List<String> lines = output.lines().toList();
    out.printf("  %-19s %s in %s%n", label, lines.isEmpty() ? "" : lines.get(lines.size() - 1), seconds(since(start)));
    // the tool's own findings (what differs from the stack's settings), not its Kafka clients' log
    lines.stream().filter(line -> line.startsWith("differs: ")).forEach(line -> out.println("    " + line));
  }

  // ------------------------------------------------------------------ health

  /** Whether a process is ready for work. */
  public boolean healthy(Instance instance) {
    return switch (instance.part()) {
      // the listener binds before the broker is ready, so wait for its "started" line as well
      case KAFKA -> Ports.listening(launch.port(instance)) && logSays(log(instance), "Kafka Server started");
      case REGISTRY -> get(launch.registryApi() + "/system/info") != null;
      case ISSUER -> get(launch.url(Part.ISSUER) + LocalIssuer.JWKS_PATH) != null;
      // ready for commands (CommandReadiness), not merely its stream processor running
      default -> "UP".equals(healthStatus(get(launch.url(instance) + "/actuator/health/readiness")));
    };
  }

  /** What {@code status} shows in its HEALTH column. */
  String healthText(Instance instance) {
    if (!instance.part().isService()) return healthy(instance) ? "UP" : "not ready";
    String status = healthStatus(getAnyStatus(launch.url(instance) + "/actuator/health/readiness"));
    return status == null ? "no answer" : status;
  }

  /** The status of an actuator health answer: UP, DOWN, OUT_OF_SERVICE; null when there is none. */
  static String healthStatus(String body) {
    if (body == null) return null;
    Matcher m = HEALTH_STATUS.matcher(body);
    return m.find() ? m.group(1) : null;
  }

  private static boolean logSays(Path log, String line) {
    try {
      return new String(Files.readAllBytes(log), StandardCharsets.ISO_8859_1).contains(line);
    } catch (IOException e) {
      return false;
    }
  }

  /** The body of a 2xx answer; null for anything else. */
  private String get(String url) {
    HttpResponse<String> r = send(url);
    return r != null && r.statusCode() / 100 == 2 ? r.body() : null;
  }

  /** The body of any answer (a DOWN service answers 503 with its status); null when nothing answers. */
  private String getAnyStatus(String url) {
    HttpResponse<String> r = send(url);
    return r == null ? null : r.body();
  }

  private HttpResponse<String> send(String url) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  // ------------------------------------------------------------------ down

  /** Stops everything: the services, then the registry and the issuer, then the broker; then checks the ports are free. */
  public void down() {
    out.println("stopping Linkway");
    instances().forEach(this::adopt);
    stop(instancesOf(Part.SERVICES));
    stop(instancesOf(List.of(Part.REGISTRY, Part.ISSUER)));
    stop(instancesOf(List.of(Part.KAFKA)));
    List<String> busy = new ArrayList<>();
    for (Instance instance : instances()) {
      for (int port : launch.portsOf(instance)) {
        if (Ports.listening(port)) busy.add("  port " + port + " (" + instance.label() + ") is still in use by " + Ports.owner(port));
      }
    }
    if (!busy.isEmpty()) {
      err.println("linkway: stopped what Linkway started, but:");
      busy.forEach(err::println);
      throw new Failure(null);
    }
    out.println("all stopped; ports " + instances().stream().flatMap(i -> launch.portsOf(i).stream()).map(String::valueOf)
        .collect(Collectors.joining(" ")) + " are free");
  }

  /**
   * One service instance stopped, its stores removed (as on a replacement machine's empty disk) and started again,
   * the others left running: it restores its stores from their changelogs before it is healthy.
   *
   * @return how long from its start until it was healthy
   */
  public Duration restartOnEmptyDisk(Instance instance) throws IOException {
    if (!instance.part().isService()) throw new IllegalArgumentException(instance.label() + " keeps no stores of a service");
    stop(List.of(instance));
    Path state = launch.stateDir(instance);
    if (Files.exists(state)) {
      try (Stream<Path> all = Files.walk(state)) {
        for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
      }
    }
    start(instance);
    await(List.of(instance));
    return since(startedAt.get(instance));
  }

  private List<Instance> instancesOf(List<Part> parts) {
    return instances().stream().filter(i -> parts.contains(i.part())).toList();
  }

  /** SIGTERM to the given processes together, then waits for each to exit (SIGKILL after the stop timeout). */
  private void stop(List<Instance> instances) {
    Map<Instance, ProcessHandle> stopping = new LinkedHashMap<>();
    Map<Instance, Long> since = new HashMap<>();
    for (Instance instance : instances) {
      OptionalLong pid = pids.running(instance);
      var handle = pid.isPresent() ? ProcessHandle.of(pid.getAsLong()) : java.util.Optional.<ProcessHandle>empty();
      if (handle.isPresent()) {
        handle.get().destroy();
        stopping.put(instance, handle.get());
        since.put(instance, System.nanoTime());
      } else {
        if (Files.exists(pids.file(instance))) out.printf("  %-19s was not running (stale pid file removed)%n", instance.label());
        try {
          pids.remove(instance);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    stopping.forEach((instance, process) -> {
      Duration left = stopTimeout.minus(since(since.get(instance)));
      boolean gone = !process.isAlive() || waitFor(process, left);
      if (!gone) {
        err.printf("linkway: WARNING: %s (pid %d) did not stop within %d s of SIGTERM; sending SIGKILL%n", instance.label(),
            process.pid(), stopTimeout.toSeconds());
        process.destroyForcibly();
        waitFor(process, Duration.ofMillis(500));
      }
      try {
        pids.removeIfStill(instance, process.pid());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      out.printf("  %-19s stopped in %s (pid %d)%n", instance.label(), seconds(since(since.get(instance))), process.pid());
    });
  }

  private static boolean waitFor(ProcessHandle process, Duration bound) {
    try {
      process.onExit().get(Math.max(0, bound.toMillis()), TimeUnit.MILLISECONDS);
      return true;
    } catch (java.util.concurrent.TimeoutException e) {
      return false;
    } catch (java.util.concurrent.ExecutionException e) {
      return !process.isAlive();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  // ------------------------------------------------------------------ status, logs

  /** Which processes run, one line each: pid, port, health, memory. @return whether all are UP */
  public boolean status() {
    boolean allUp = true;
    out.printf("%-19s %-8s %-8s %-11s %s%n", "PART", "PID", "PORT", "HEALTH", "RSS");
    for (Instance instance : instances()) {
      OptionalLong pid = pids.running(instance);
      int port = launch.port(instance);
      if (pid.isPresent()) {
        String health = healthText(instance);
        allUp &= health.equals("UP");
        out.printf("%-19s %-8s %-8s %-11s %s%n", instance.label(), pid.getAsLong(), port, health, rss(pid.getAsLong()));
      } else {
        allUp = false;
        String note = Ports.listening(port) ? "stopped, but port " + port + " is used by " + Ports.owner(port) : "stopped";
        out.printf("%-19s %-8s %-8s %s%n", instance.label(), "-", port, note);
      }
    }
    return allUp;
  }

  /** A process's resident memory, from /proc: {@code 212 MiB}. */
  static String rss(long pid) {
    try {
      return rssOf(Files.readString(Path.of("/proc", String.valueOf(pid), "status")));
    } catch (IOException e) {
      return "?";
    }
  }

  static String rssOf(String procStatus) {
    return procStatus.lines().filter(l -> l.startsWith("VmRSS:")).findFirst()
        .map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024 + " MiB").orElse("?");
  }

  /** Whether any process of the stack runs, taking back any found without its pid file. */
  public boolean anyRunning() {
    boolean any = false;
    for (Instance instance : instances()) any |= adopt(instance);
    return any;
  }

  static List<String> lastLines(Path file, int n) {
    try (Stream<String> lines = Files.lines(file, StandardCharsets.ISO_8859_1)) {
      List<String> all = lines.toList();
      return all.subList(Math.max(0, all.size() - n), all.size());
    } catch (IOException | UncheckedIOException e) {
      return List.of();
    }
  }

  // ------------------------------------------------------------------ time

  private static Duration since(long nanos) {
    return Duration.ofNanos(System.nanoTime() - nanos);
  }

  /** As the command prints durations: {@code 12.3 s}, tenths cut, not rounded. */
  public static String seconds(Duration d) {
    long ms = d.toMillis();
    return (ms / 1000) + "." + (ms % 1000 / 100) + " s";
  }

  static void pause(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Failure("interrupted");
    }
  }
}
