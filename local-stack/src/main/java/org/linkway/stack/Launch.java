package org.linkway.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * How each part of the local stack is launched: its command line and its environment, written once
 * for {@code ./linkway up}, the chaos harness's stack and the tests' broker and registry. A launch
 * is a checkout (whose modules' {@code target/} hold the jars), a home directory for data, logs and
 * secrets ({@code .linkway/}) and the ports.
 *
 * <p>The services' secrets (their Kafka login, the platform's identity and pseudonym keys) go in
 * their environment as {@code SPRING_APPLICATION_JSON}, never on the command line, where any user
 * of the machine could read them; each is made once per home, readable by the owner only.
 */
public final class Launch {

  /** The project's version, in the jars' names. */
  public static final String VERSION = "0.1.0-SNAPSHOT";
  public static final String HOST = "127.0.0.1";
  /** The principals every stack has besides the GP systems' and the commissioners'. */
  static final List<String> SERVICE_PRINCIPALS = Part.SERVICES.stream().map(Part::label).toList();
  private static final List<String> SECRET_KEYS = List.of("identity-key", "pseudonym-key");

  /** The ports of one stack. */
  public record Ports(int kafka, int controller, int registry, int issuer, int referralService, int providerService,
      int outcomeService) {

    /** The local stack's fixed ports. */
    public static final Ports LOCAL = new Ports(Part.KAFKA.port(), Part.KAFKA_CONTROLLER_PORT, Part.REGISTRY.port(),
        Part.ISSUER.port(), Part.REFERRAL_SERVICE.port(), Part.PROVIDER_SERVICE.port(), Part.OUTCOME_SERVICE.port());

    public int of(Part part) {
      return switch (part) {
        case KAFKA -> kafka;
        case REGISTRY -> registry;
        case ISSUER -> issuer;
        case REFERRAL_SERVICE -> referralService;
        case PROVIDER_SERVICE -> providerService;
        case OUTCOME_SERVICE -> outcomeService;
      };
    }
  }

  /**
   * What the benchmark adds to every service instance's command line: with {@code recordings} set, a JDK Flight
   * Recorder recording from the start (the {@code profile} settings, named {@link Launch#RECORDING}), dumped into
   * {@code <recordings>/<instance label><suffix>.jfr} on request or at exit; and {@code arguments} ({@code
   * --name=value} settings) after the stack's own.
   */
  public record ServiceExtras(Path recordings, String suffix, List<String> arguments) {

    /** Nothing added: the services as {@code ./linkway up} starts them. */
    public static final ServiceExtras NONE = new ServiceExtras(null, "", List.of());

    public ServiceExtras {
      suffix = suffix == null ? "" : suffix;
      arguments = List.copyOf(arguments);
    }

    /** Where an instance's recording goes; null when none is made. */
    public Path recording(Instance instance) {
      return recordings == null ? null : recordings.toAbsolutePath().resolve(instance.label() + suffix + ".jfr");
    }
  }

  /** The name of the benchmark's Flight Recorder recording in each service ({@code jcmd <pid> JFR.dump name=...}). */
  public static final String RECORDING = "linkway";

  private final Path repo;
  private final Path home;
  private final Ports ports;
  private final String java;
  private final StackSize size;
  private final ServiceExtras extras;

  /**
   * @param repo the checkout
   * @param home where the stack keeps its data and secrets
   * @param java the java command the parts run with
   */
  public Launch(Path repo, Path home, Ports ports, String java) {
    this(repo, home, ports, java, StackSize.SINGLE);
  }

  /**
   * @param size how many brokers and instances of each service; instance k's ports are the given
   *     ones + 100·(k−1)
   */
  public Launch(Path repo, Path home, Ports ports, String java, StackSize size) {
    this(repo, home, ports, java, size, ServiceExtras.NONE);
  }

  private Launch(Path repo, Path home, Ports ports, String java, StackSize size, ServiceExtras extras) {
    this.repo = repo.toAbsolutePath();
    this.home = home.toAbsolutePath();
    this.ports = ports;
    this.java = java;
    this.size = size;
    this.extras = extras;
  }

  /** The same launch for a stack of another size. */
  public Launch sized(StackSize other) {
    return new Launch(repo, home, ports, java, other, extras);
  }

  /** The same launch, the services started with {@code other} added ({@link ServiceExtras#NONE}: as {@code up} starts them). */
  public Launch withExtras(ServiceExtras other) {
    return new Launch(repo, home, ports, java, size, other);
  }

  public ServiceExtras extras() {
    return extras;
  }

  public StackSize size() {
    return size;
  }

  /** The java command the parts run with. */
  public String java() {
    return java;
  }

  /** The java of this JVM, for a stack started from Java. */
  public static String currentJava() {
    return ProcessHandle.current().info().command().orElse("java");
  }

  public Path home() {
    return home;
  }

  public Ports ports() {
    return ports;
  }

  /** Every broker's address, as clients are given them. */
  public String bootstrap() {
    return String.join(",", Instance.of(Part.KAFKA, size).stream().map(b -> HOST + ":" + port(b)).toList());
  }

  /** The port an instance answers on. */
  public int port(Instance instance) {
    return instance.port(ports.of(instance.part()));
  }

  /** Every port an instance listens on: a broker's controller port besides its own. */
  public List<Integer> portsOf(Instance instance) {
    return instance.part() == Part.KAFKA ? List.of(port(instance), instance.port(ports.controller())) : List.of(port(instance));
  }

  public String registryApi() {
    return "http://" + HOST + ":" + ports.registry() + "/apis/registry/v3";
  }

  /** The Confluent-compatible API of the registry, for Confluent's clients. */
  public String registryCompatApi() {
    return "http://" + HOST + ":" + ports.registry() + "/apis/ccompat/v7";
  }

  /** The first instance's address. */
  public String url(Part part) {
    return url(Instance.first(part));
  }

  public String url(Instance instance) {
    return "http://" + HOST + ":" + port(instance);
  }

  /** Where a service instance keeps its stores (Kafka Streams' state directory). */
  public Path stateDir(Instance instance) {
    return home.resolve("state").resolve(instance.label());
  }

  public Path kafkaDir() {
    return home.resolve("kafka");
  }

  public Path issuerDir() {
    return home.resolve("issuer");
  }

  public Path gpSystemsFile() {
    return repo.resolve("local-stack/gp-systems.properties");
  }

  public Path commissionersFile() {
    return repo.resolve("local-stack/commissioners.properties");
  }

  /** The command line that runs a part's first instance. */
  public List<String> command(Part part) {
    return command(Instance.first(part));
  }

  /** The command line that runs an instance of a part. */
  public List<String> command(Instance instance) {
    Part part = instance.part();
    return switch (part) {
      case KAFKA -> size.brokers() == 1
          ? broker(java, brokerClasspath(), kafkaDir(), ports.kafka(), ports.controller())
          : clusterBroker(instance);
      // H2 in a file, not in memory: records in Kafka carry schema ids, which must survive a restart
      case REGISTRY -> registry(java, registryJar(), ports.registry(), home.resolve("registry/registry"));
      // the local identity provider: its signing key in <home>/issuer, the public half served as a JWKS
      case ISSUER -> List.of(java, "-Xmx32m", "-XX:+UseSerialGC", "-cp", brokerClasspath(), LocalIssuer.class.getName(),
          "serve", issuerDir().toString(), String.valueOf(ports.issuer()));
      default -> service(instance);
    };
  }

  /**
   * Broker {@code k} of a KRaft cluster: its own storage and configuration in the shared broker
   * directory (whose passwords and cluster id the brokers share), every broker a voter of the quorum.
   */
  private List<String> clusterBroker(Instance broker) {
    String voters = String.join(",", Instance.of(Part.KAFKA, size).stream()
        .map(b -> b.number() + "@" + HOST + ":" + b.port(ports.controller())).toList());
    List<String> c = new ArrayList<>(broker(java, brokerClasspath(), kafkaDir(), port(broker), broker.port(ports.controller())));
    c.addAll(List.of(String.valueOf(broker.number()), voters, String.valueOf(size.replicationFactor())));
    return c;
  }

  /** The broker ({@link KafkaLauncher}) on its data directory, port and controller port, with the given classpath. */
  public static List<String> broker(String java, String classpath, Path dataDir, int port, int controllerPort) {
    return List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-cp", classpath, KafkaLauncher.class.getName(),
        dataDir.toString(), String.valueOf(port), String.valueOf(controllerPort));
  }

  /** The Apicurio registry from its runner jar; its database in a file ({@code database}), or in memory when null. */
  public static List<String> registry(String java, Path runnerJar, int port, Path database) {
    List<String> c = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:+UseSerialGC",
        "-Dquarkus.http.host=" + HOST, "-Dquarkus.http.port=" + port,
        "-Dapicurio.ccompat.use-canonical-hash=true",
        "-Dapicurio.rules.global.compatibility=BACKWARD_TRANSITIVE"));
    if (database != null) c.add("-Dapicurio.datasource.url=jdbc:h2:file:" + database);
    c.addAll(List.of("-jar", runnerJar.toString()));
    return c;
  }

  private List<String> service(Instance instance) {
    Part part = instance.part();
    // -OmitStackTraceInFastThrow: an exception thrown thousands of times (poison records) keeps its
    // message, which its dead letter carries in a header. The heap: 384 MiB, 160 of it for new objects. At
    // 256 (85 new) a request waiting on its decision outlived the young generation under load, and provider-service
    // spent 31.6 s of a benchmark run in collections, 35 of them full; at 384/160 the same run went from 106 to
    // 132 referrals/s (bench/RESULTS.md), for 73-120 MiB more peak resident memory per service
    List<String> c = new ArrayList<>(List.of(java, "-Xmx384m", "-Xmn160m", "-XX:+UseSerialGC", "-XX:-OmitStackTraceInFastThrow"));
    Path recording = extras.recording(instance);
    if (recording != null) {
      // without the process's environment and system properties: a service's secrets come in its environment
      c.add("-XX:StartFlightRecording=name=" + RECORDING + ",settings=profile,dumponexit=true,filename=" + recording
          + ",jdk.InitialEnvironmentVariable#enabled=false,jdk.InitialSystemProperty#enabled=false");
    }
    c.addAll(List.of("-jar", serviceJar(part).toString(),
        "--server.address=" + HOST, "--server.port=" + port(instance),
        "--spring.kafka.bootstrap-servers=" + bootstrap(),
        "--linkway.kafka.registry-url=" + registryApi(),
        "--linkway.kafka.state-dir=" + stateDir(instance),
        // which instance this is (its static group membership), where the others reach it for the keys
        // it owns, and how many copies its topics and its state keep
        "--linkway.kafka.instance=" + instance.number(),
        "--linkway.kafka.application-server=" + HOST + ":" + port(instance),
        "--linkway.kafka.replication-factor=" + size.replicationFactor(),
        "--linkway.kafka.min-insync-replicas=" + size.minInsyncReplicas(),
        "--linkway.kafka.standby-replicas=" + size.standbyReplicas(),
        "--spring.security.oauth2.resourceserver.jwt.jwk-set-uri=" + url(Part.ISSUER) + LocalIssuer.JWKS_PATH,
        "--linkway.sign-in.local-issuer=" + url(Part.ISSUER)));
    if (part == Part.REFERRAL_SERVICE) c.add("--spring.config.import=file:" + gpSystemsFile());
    if (part == Part.OUTCOME_SERVICE) c.add("--spring.config.import=file:" + commissionersFile());
    c.addAll(extras.arguments());
    return c;
  }

  /**
   * A part's environment: glibc's malloc arenas held at two (it otherwise gives each busy thread a
   * 64 MiB arena of its own, which RocksDB and the Kafka clients' native allocations fill in part);
   * a service's secrets and the 'local' profile (the demo sign-in). Secrets are made on first use.
   */
  public Map<String, String> environment(Part part) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("MALLOC_ARENA_MAX", "2");
    if (part.isService()) {
      env.put("SPRING_APPLICATION_JSON", serviceSecrets(part.label()));
      env.put("SPRING_PROFILES_ACTIVE", "local");
    }
    return env;
  }

  private String serviceSecrets(String principal) {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("spring.kafka.security.protocol", "SASL_PLAINTEXT");
    settings.put("spring.kafka.properties.sasl.mechanism", KafkaCredentials.SCRAM);
    settings.put("spring.kafka.properties.sasl.jaas.config",
        KafkaCredentials.jaas("org.apache.kafka.common.security.scram.ScramLoginModule", principal, password(principal)));
    for (String key : SECRET_KEYS) settings.put("linkway." + key, secretKey(key));
    StringBuilder json = new StringBuilder("{");
    settings.forEach((k, v) -> json.append(json.length() > 1 ? "," : "").append(quoted(k)).append(':').append(quoted(v)));
    return json.append('}').toString();
  }

  static String quoted(String s) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') out.append('\\').append(c);
      else if (c < 0x20) out.append(String.format("\\u%04x", (int) c));
      else out.append(c);
    }
    return out.append('"').toString();
  }

  /** One of the platform's secret keys: 32 random bytes, made once per home, never a default. */
  private String secretKey(String name) {
    Path file = home.resolve("secrets").resolve(name);
    try {
      synchronized (Launch.class) {
        if (!Files.exists(file) || Files.size(file) == 0) {
          byte[] key = new byte[32];
          new SecureRandom().nextBytes(key);
          PrivateFiles.write(file, Base64.getEncoder().encodeToString(key));
        }
      }
      return Files.readString(file).trim();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot make or read " + file, e);
    }
  }

  /**
   * Makes every secret this home's stack needs that is missing: the keys, each principal's Kafka
   * password, the brokers' administrator password and cluster id (made here, once, before several
   * brokers start at the same time and would each make their own).
   */
  public void ensureSecrets() {
    SECRET_KEYS.forEach(this::secretKey);
    principals().forEach(this::password);
    try {
      PrivateFiles.directory(kafkaDir());
      KafkaCredentials.adminPassword(kafkaDir());
      KafkaLauncher.clusterId(kafkaDir());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot make the brokers' password or cluster id in " + kafkaDir(), e);
    }
  }

  private String password(String principal) {
    try {
      return KafkaCredentials.passwordOf(kafkaDir(), principal);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot make or read the Kafka password of " + principal, e);
    }
  }

  /** Every Kafka principal: the services, the GP systems that refer over Kafka and the commissioners that read over it. */
  public List<String> principals() {
    List<String> all = new ArrayList<>(SERVICE_PRINCIPALS);
    all.addAll(names(gpSystemsFile(), "linkway.intake.gp-systems."));
    all.addAll(names(commissionersFile(), "linkway.commissioners."));
    return all;
  }

  /** The names under a prefix in a properties file: {@code linkway.intake.gp-systems.gp-demo=D82044} gives gp-demo. */
  static List<String> names(Path file, String prefix) {
    Properties p = new Properties();
    try (var in = Files.newBufferedReader(file)) {
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    return p.stringPropertyNames().stream().filter(k -> k.startsWith(prefix)).map(k -> k.substring(prefix.length()))
        .filter(n -> n.matches("[a-z0-9-]+")).sorted().toList();
  }

  /**
   * As the administrator: each principal's SCRAM credential and ACLs ({@code org.linkway.platform.kafka.KafkaAccess},
   * idempotent), run from referral-service's jar, which holds the platform; the passwords are made first.
   */
  public List<String> grantKafkaAccess() {
    principals().forEach(this::password);
    return platformTool("org.linkway.platform.kafka.KafkaAccess", List.of(bootstrap(), kafkaDir().toString(),
        gpSystemsFile().toString(), commissionersFile().toString()));
  }

  /**
   * As the administrator: every topic of the stack, each GP system's and commissioner's among them, created where
   * missing with the stack's replication ({@code org.linkway.platform.kafka.TopicSetup}, idempotent), before any
   * service starts: the services only check that their topics are there.
   */
  public List<String> setUpTopics() {
    return platformTool("org.linkway.platform.kafka.TopicSetup", List.of(bootstrap(), "--kafka-dir=" + kafkaDir(),
        "--gp-systems=" + gpSystemsFile(), "--commissioners=" + commissionersFile(),
        "--replication-factor=" + size.replicationFactor(), "--min-insync-replicas=" + size.minInsyncReplicas()));
  }

  /** The Kafka client settings of a GP system's or a commissioner's principal ({@code org.linkway.platform.kafka.KafkaClientSettings}). */
  public List<String> kafkaClientSettings(List<String> args) {
    List<String> all = new ArrayList<>(List.of(bootstrap(), registryCompatApi(), kafkaDir().toString(),
        gpSystemsFile().toString(), commissionersFile().toString()));
    all.addAll(args);
    return platformTool("org.linkway.platform.kafka.KafkaClientSettings", all);
  }

  private List<String> platformTool(String mainClass, List<String> args) {
    List<String> c = new ArrayList<>(List.of(java, "-cp", serviceJar(Part.REFERRAL_SERVICE).toString(),
        "-Dloader.main=" + mainClass, "org.springframework.boot.loader.launch.PropertiesLauncher"));
    c.addAll(args);
    return c;
  }

  // ------------------------------------------------------------------ the build's outputs

  /** What the parts run from that is not built yet (empty when everything is). */
  public List<Path> missingBuild() {
    List<Path> needed = new ArrayList<>(List.of(stackJarPath(), brokerClasspathFile(), registryJarPath()));
    Part.SERVICES.forEach(s -> needed.add(serviceJarPath(s)));
    return needed.stream().filter(p -> !Files.isRegularFile(p)).map(repo::relativize).toList();
  }

  private Path stackJarPath() {
    return repo.resolve("local-stack/target/local-stack-" + VERSION + ".jar");
  }

  private Path brokerClasspathFile() {
    return repo.resolve("local-stack/target/broker-classpath.txt");
  }

  private Path registryJarPath() {
    return repo.resolve("local-stack/target/apicurio-registry/apicurio-registry-app-3.0.9-runner.jar");
  }

  private Path serviceJarPath(Part service) {
    return repo.resolve(service.label()).resolve("target").resolve(service.label() + "-" + VERSION + "-exec.jar");
  }

  /** The broker's and the issuer's classpath: this module's jar and its runtime dependencies. */
  public String brokerClasspath() {
    try {
      return built(stackJarPath()) + ":" + Files.readString(built(brokerClasspathFile())).trim();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Path registryJar() {
    Path jar = registryJarPath();
    if (Files.isRegularFile(jar)) return jar;
    // another registry version than the one named above
    try (Stream<Path> files = Files.list(jar.getParent())) {
      return files.filter(f -> f.getFileName().toString().endsWith("-runner.jar")).findFirst().orElseThrow(() -> notBuilt(jar));
    } catch (IOException e) {
      throw notBuilt(jar);
    }
  }

  public Path serviceJar(Part service) {
    return built(serviceJarPath(service));
  }

  private Path built(Path file) {
    if (!Files.isRegularFile(file)) throw notBuilt(file);
    return file;
  }

  private IllegalStateException notBuilt(Path file) {
    return new IllegalStateException("no " + repo.relativize(file) + ": build first (./mvnw package -DskipTests)");
  }
}
