package org.linkway.stack;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.UUID;

/**
 * Runs one Apache Kafka broker in KRaft mode (broker and controller in one process) for the local
 * stack: formats its storage on first start, then hands over to {@code kafka.Kafka}.
 *
 * <p>Usage: {@code KafkaLauncher <data-dir> <port> <controller-port>}. Stop it with SIGTERM: after
 * a SIGKILL the next start has to recover its logs and is slow.
 */
public final class KafkaLauncher {

  private KafkaLauncher() {}

  public static void main(String[] args) throws IOException {
    Path dataDir = Path.of(args.length > 0 ? args[0] : ".linkway/kafka").toAbsolutePath();
    int port = args.length > 1 ? Integer.parseInt(args[1]) : 9092;
    int controllerPort = args.length > 2 ? Integer.parseInt(args[2]) : 9093;

    Path logDir = dataDir.resolve("data");
    Path config = dataDir.resolve("server.properties");
    Files.createDirectories(dataDir);
    writeConfig(config, logDir, port, controllerPort);

    if (!Files.exists(logDir.resolve("meta.properties"))) {
      String clusterId = clusterId(dataDir);
      int status = kafka.tools.StorageTool.execute(
          // "--cluster-id=<id>": an id may start with '-', which the tool would otherwise read as an option
          new String[] {"format", "--cluster-id=" + clusterId, "-c", config.toString(), "--standalone", "--ignore-formatted"},
          System.out);
      if (status != 0) {
        throw new IllegalStateException("formatting Kafka storage failed with status " + status);
      }
    }
    kafka.Kafka.main(new String[] {config.toString()});
  }

  private static void writeConfig(Path config, Path logDir, int port, int controllerPort) throws IOException {
    Properties p = new Properties();
    p.setProperty("process.roles", "broker,controller");
    p.setProperty("node.id", "1");
    p.setProperty("controller.quorum.bootstrap.servers", "127.0.0.1:" + controllerPort);
    p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
    p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
    p.setProperty("controller.listener.names", "CONTROLLER");
    p.setProperty("inter.broker.listener.name", "PLAINTEXT");
    p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.setProperty("log.dirs", logDir.toString());
    p.setProperty("num.partitions", "3");
    p.setProperty("default.replication.factor", "1");
    p.setProperty("offsets.topic.replication.factor", "1");
    p.setProperty("offsets.topic.num.partitions", "6");
    p.setProperty("transaction.state.log.replication.factor", "1");
    p.setProperty("transaction.state.log.min.isr", "1");
    p.setProperty("transaction.state.log.num.partitions", "6");
    p.setProperty("share.coordinator.state.topic.replication.factor", "1");
    p.setProperty("share.coordinator.state.topic.min.isr", "1");
    p.setProperty("group.initial.rebalance.delay.ms", "0");
    p.setProperty("auto.create.topics.enable", "false");
    // the log cleaner's dedupe buffer is on the heap and 128 MiB by default: half of this broker's
    // 256 MiB heap, which left it in back-to-back full collections (31.9 s of them in one benchmark
    // run, each stalling every produce and fetch ~150 ms). 16 MiB is ample for these compacted topics.
    p.setProperty("log.cleaner.dedupe.buffer.size", String.valueOf(16 * 1024 * 1024));
    try (Writer w = Files.newBufferedWriter(config)) {
      p.store(w, "written by KafkaLauncher on every start");
    }
  }

  /** The cluster id is made once and kept, so a restart reuses the formatted storage. */
  private static String clusterId(Path dataDir) throws IOException {
    Path file = dataDir.resolve("cluster-id");
    if (!Files.exists(file)) {
      String id;
      do {
        UUID uuid = UUID.randomUUID();
        java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate(16)
            .putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits());
        id = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.array());
      } while (id.startsWith("-")); // as Kafka's own random ids avoid
      Files.writeString(file, id);
    }
    return Files.readString(file).trim();
  }
}
