package org.linkway.platform.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.linkway.stack.KafkaCredentials;
import org.linkway.stack.Launch;

/**
 * The local stack's broker, {@code KafkaLauncher}, as its own process on free loopback ports:
 * SASL on every listener and the ACL authorizer, exactly as {@code ./linkway up} runs it.
 */
public final class SecuredBrokerProcess implements AutoCloseable {

  private final Process process;
  private final Path dataDir;
  private final int port;

  private SecuredBrokerProcess(Process process, Path dataDir, int port) {
    this.process = process;
    this.dataDir = dataDir;
    this.port = port;
  }

  public static SecuredBrokerProcess start() throws IOException {
    Path dataDir = Files.createTempDirectory("linkway-secured-kafka");
    int port = RegistryProcess.freePort();
    int controllerPort = RegistryProcess.freePort();
    Path log = Path.of("target", "secured-kafka-" + port + ".log").toAbsolutePath();
    Files.createDirectories(log.getParent());
    String java = ProcessHandle.current().info().command().orElse("java");
    // as the local stack launches it, with this JVM's classpath (which holds the launcher and Kafka)
    Process process = new ProcessBuilder(Launch.broker(java, System.getProperty("java.class.path"), dataDir, port, controllerPort))
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    SecuredBrokerProcess broker = new SecuredBrokerProcess(process, dataDir, port);
    broker.awaitReady(Duration.ofSeconds(90), log);
    return broker;
  }

  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  public Path dataDir() {
    return dataDir;
  }

  /** Client settings of the administrator (the super user). */
  public Map<String, Object> admin() {
    try {
      Map<String, Object> config = new HashMap<>(KafkaCredentials.admin(dataDir));
      config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
      return config;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Client settings of a principal with its SCRAM password (made on first use). */
  public Map<String, Object> principal(String name) {
    try {
      Map<String, Object> config = new HashMap<>(KafkaCredentials.principal(name, KafkaCredentials.passwordOf(dataDir, name)));
      config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
      return config;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private void awaitReady(Duration timeout, Path log) {
    Instant deadline = Instant.now().plus(timeout);
    RuntimeException last = null;
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) throw new IllegalStateException("the broker exited; see " + log);
      Map<String, Object> config = new HashMap<>(admin());
      config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2000);
      config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000);
      try (Admin admin = Admin.create(config)) {
        admin.describeCluster().nodes().get(3, TimeUnit.SECONDS);
        return;
      } catch (Exception notYet) {
        last = new IllegalStateException(notYet);
      }
    }
    throw new IllegalStateException("the broker was not ready within " + timeout + "; see " + log, last);
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) process.destroyForcibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
