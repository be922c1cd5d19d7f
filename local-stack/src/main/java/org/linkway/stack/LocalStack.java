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
import java.util.Arrays;
import java.util.EnumMap;
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
 * The local stack of {@code ./linkway}: each part its own background process, in a session of its
 * own so that it outlives the command that started it, with its pid in {@code .linkway/pids/} and
 * its log in {@code .linkway/logs/}. Starting waits until each part is healthy; stopping sends
 * SIGTERM and waits; a part that runs without its pid file is found by its port and taken back.
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
  private final Map<Part, Long> startedAt = new EnumMap<>(Part.class);

  /**
   * @param root the checkout; the stack lives in its {@code .linkway/}
   */
  public LocalStack(Path root, String java, Duration startTimeout, Duration stopTimeout, PrintStream out, PrintStream err) {
    this.root = root.toAbsolutePath();
    Path home = this.root.resolve(".linkway");
    this.launch = new Launch(this.root, home, Launch.Ports.LOCAL, java);
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

  public Path log(Part part) {
    return logs.resolve(part.label() + ".log");
  }

  // ------------------------------------------------------------------ up

  /**
   * Starts every part not running and waits until each is healthy: the broker, the registry and the
   * issuer first (they need nothing), then Kafka access granted and the topics set up, then the services.
   *
   * @return how long it took until all were healthy
   */
  public Duration up() throws IOException {
    for (String dir : List.of("logs", "pids", "kafka", "registry", "state")) PrivateFiles.directory(home().resolve(dir));
    // a .linkway/ made before files were kept private: make it so
    narrowPermissions(home());
    launch.ensureSecrets();
    checkPorts();
    long start = System.nanoTime();
    out.println("starting Linkway (logs in .linkway/logs)");
    for (Part p : List.of(Part.KAFKA, Part.REGISTRY, Part.ISSUER)) start(p);
    await(List.of(Part.KAFKA, Part.REGISTRY, Part.ISSUER));
    // as the administrator, on every up (both are idempotent): each principal's credential and ACLs, then every
    // topic the services use, created where missing (what differs on one already there is printed, and left alone)
    runTool("kafka-access", launch.grantKafkaAccess(), "grant the services their Kafka access");
    // one broker: one replica of each topic
    runTool("topics", launch.setUpTopics(1, 1), "set the topics up");
    Part.SERVICES.forEach(this::start);
    await(Part.SERVICES);
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

  /** Before starting anything: every port of a part that is not running must be free. */
  private void checkPorts() {
    List<String> problems = new ArrayList<>();
    for (Part part : Part.values()) {
      if (adopt(part)) continue;
      for (int port : part.ports()) {
        if (Ports.listening(port)) {
          problems.add("  port " + port + " (" + part.label() + ") is in use by " + Ports.owner(port) + ", which is not Linkway's");
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
   * A part of this checkout that runs without its pid file (deleted, or lost in a crash of the
   * command) is found by its port and taken back, so that it is neither started twice nor left behind.
   */
  boolean adopt(Part part) {
    if (pids.running(part).isPresent()) return true;
    OptionalLong pid = Ports.pid(part.port());
    if (pid.isEmpty() || !PidFiles.isPart(pid.getAsLong(), part)
        || !PidFiles.workingDirectory(pid.getAsLong()).map(root::equals).orElse(false)) {
      return false;
    }
    try {
      pids.write(part, pid.getAsLong());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    out.printf("  %-17s found running without its pid file (pid %s), taken back%n", part.label(), pid.getAsLong());
    return true;
  }

  /** Starts a part in the background, unless it runs. */
  private void start(Part part) {
    OptionalLong running = pids.running(part);
    if (running.isPresent()) {
      if (healthy(part)) {
        out.printf("  %-17s already running (pid %s)%n", part.label(), running.getAsLong());
      } else {
        out.printf("  %-17s already started (pid %s), waiting for it%n", part.label(), running.getAsLong());
        startedAt.put(part, System.nanoTime());
      }
      return;
    }
    try {
      Path log = log(part);
      if (Files.exists(log)) Files.move(log, log.resolveSibling(log.getFileName() + ".1"), StandardCopyOption.REPLACE_EXISTING);
      pids.remove(part);
      Files.createFile(log, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
          java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
      // in a session of its own (setsid), so that it outlives this command and no terminal's signal reaches it;
      // the inner shell writes its own pid, then becomes the part: the pid file holds the part's pid
      List<String> command = new ArrayList<>(List.of("setsid", "nohup", "bash", "-c", "echo $$ >\"$1\"; shift; exec \"$@\"",
          "linkway-start", pids.file(part).toString()));
      command.addAll(launch.command(part));
      ProcessBuilder builder = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      builder.environment().putAll(launch.environment(part));
      builder.start();
      startedAt.put(part, System.nanoTime());
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (pids.written(part).isEmpty() && System.nanoTime() < deadline) pause(Duration.ofMillis(100));
      OptionalLong pid = pids.written(part);
      out.printf("  %-17s starting (pid %s, log %s)%n", part.label(), pid.isPresent() ? pid.getAsLong() : "?",
          root.relativize(log));
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + part.label(), e);
    }
  }

  /** Waits until every given part (started or found starting) is healthy, reporting each once ready. */
  private void await(List<Part> parts) {
    List<Part> waiting = new ArrayList<>(parts.stream().filter(startedAt::containsKey).toList());
    while (!waiting.isEmpty()) {
      for (var it = waiting.iterator(); it.hasNext(); ) {
        Part part = it.next();
        if (healthy(part)) {
          out.printf("  %-17s ready in %s%n", part.label(), seconds(since(startedAt.get(part))));
          it.remove();
          continue;
        }
        OptionalLong pid = pids.running(part);
        if (pid.isEmpty()) fail(part, "exited while starting");
        if (since(startedAt.get(part)).compareTo(startTimeout) > 0) {
          fail(part, "was not healthy within " + startTimeout.toSeconds() + " s (pid " + pid.getAsLong() + " still runs)");
        }
      }
      if (!waiting.isEmpty()) pause(POLL);
    }
  }

  private void fail(Part part, String why) {
    err.println("linkway: " + part.label() + " " + why + "; the last 30 lines of " + log(part) + ":");
    lastLines(log(part), 30).forEach(line -> err.println("    | " + line));
    throw new Failure("'./linkway logs " + part.label() + "' for more, './linkway down' to stop what was started");
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
    out.printf("  %-17s %s in %s%n", label, lines.isEmpty() ? "" : lines.get(lines.size() - 1), seconds(since(start)));
    lines.stream().limit(Math.max(0, lines.size() - 1)).forEach(line -> out.println("    " + line));
  }

  // ------------------------------------------------------------------ health

  /** Whether a part is ready for work. */
  public boolean healthy(Part part) {
    return switch (part) {
      // the listener binds before the broker is ready, so wait for its "started" line as well
      case KAFKA -> Ports.listening(part.port()) && logSays(log(part), "Kafka Server started");
      case REGISTRY -> get(launch.registryApi() + "/system/info") != null;
      case ISSUER -> get(launch.url(Part.ISSUER) + LocalIssuer.JWKS_PATH) != null;
      default -> "UP".equals(healthStatus(get(launch.url(part) + "/actuator/health")));
    };
  }

  /** What {@code status} shows in its HEALTH column. */
  String healthText(Part part) {
    if (!part.isService()) return healthy(part) ? "UP" : "not ready";
    String status = healthStatus(getAnyStatus(launch.url(part) + "/actuator/health"));
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
    for (Part part : Part.values()) adopt(part);
    stop(Part.SERVICES);
    stop(List.of(Part.REGISTRY, Part.ISSUER));
    stop(List.of(Part.KAFKA));
    List<String> busy = new ArrayList<>();
    for (Part part : Part.values()) {
      for (int port : part.ports()) {
        if (Ports.listening(port)) busy.add("  port " + port + " (" + part.label() + ") is still in use by " + Ports.owner(port));
      }
    }
    if (!busy.isEmpty()) {
      err.println("linkway: stopped what Linkway started, but:");
      busy.forEach(err::println);
      throw new Failure(null);
    }
    out.println("all stopped; ports " + Arrays.stream(Part.values()).flatMap(p -> p.ports().stream()).map(String::valueOf)
        .collect(Collectors.joining(" ")) + " are free");
  }

  /** SIGTERM to the given parts together, then waits for each to exit (SIGKILL after the stop timeout). */
  private void stop(List<Part> parts) {
    Map<Part, ProcessHandle> stopping = new LinkedHashMap<>();
    Map<Part, Long> since = new EnumMap<>(Part.class);
    for (Part part : parts) {
      OptionalLong pid = pids.running(part);
      var handle = pid.isPresent() ? ProcessHandle.of(pid.getAsLong()) : java.util.Optional.<ProcessHandle>empty();
      if (handle.isPresent()) {
        handle.get().destroy();
        stopping.put(part, handle.get());
        since.put(part, System.nanoTime());
      } else {
        if (Files.exists(pids.file(part))) out.printf("  %-17s was not running (stale pid file removed)%n", part.label());
        try {
          pids.remove(part);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    stopping.forEach((part, process) -> {
      Duration left = stopTimeout.minus(since(since.get(part)));
      boolean gone = !process.isAlive() || waitFor(process, left);
      if (!gone) {
        err.printf("linkway: WARNING: %s (pid %d) did not stop within %d s of SIGTERM; sending SIGKILL%n", part.label(),
            process.pid(), stopTimeout.toSeconds());
        process.destroyForcibly();
        waitFor(process, Duration.ofMillis(500));
      }
      try {
        pids.removeIfStill(part, process.pid());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      out.printf("  %-17s stopped in %s (pid %d)%n", part.label(), seconds(since(since.get(part))), process.pid());
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

  /** Which parts run: pid, port, health, memory. @return whether all are UP */
  public boolean status() {
    boolean allUp = true;
    out.printf("%-17s %-8s %-8s %-11s %s%n", "PART", "PID", "PORT", "HEALTH", "RSS");
    for (Part part : Part.values()) {
      OptionalLong pid = pids.running(part);
      if (pid.isPresent()) {
        String health = healthText(part);
        allUp &= health.equals("UP");
        out.printf("%-17s %-8s %-8s %-11s %s%n", part.label(), pid.getAsLong(), part.port(), health, rss(pid.getAsLong()));
      } else {
        allUp = false;
        String note = Ports.listening(part.port())
            ? "stopped, but port " + part.port() + " is used by " + Ports.owner(part.port()) : "stopped";
        out.printf("%-17s %-8s %-8s %s%n", part.label(), "-", part.port(), note);
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

  /** The parts that run now, by pid file (for the benchmark's memory and CPU figures). */
  public Map<Part, Long> running() {
    Map<Part, Long> all = new EnumMap<>(Part.class);
    for (Part part : Part.values()) pids.running(part).ifPresent(pid -> all.put(part, pid));
    return all;
  }

  /** Whether any part runs, taking back any found without its pid file. */
  public boolean anyRunning() {
    boolean any = false;
    for (Part part : Part.values()) any |= adopt(part);
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
