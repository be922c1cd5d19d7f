package org.linkway.stack;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

/**
 * Runs one Apache Kafka broker in KRaft mode (broker and controller in one process) for the local
 * stack: formats its storage on first start, then hands over to {@code kafka.Kafka}.
 *
 * <p>Every connection authenticates and the broker authorises each request (KRaft's
 * {@code StandardAuthorizer}): the administrator with SASL/PLAIN (the broker itself, between its
 * listeners, and the tools that grant access), each service as its own principal with
 * SASL/SCRAM-SHA-256 and only the ACLs granted to it ({@code org.linkway.platform.kafka.KafkaAccess}).
 * The administrator's password is made on first start in {@code <data-dir>/admin.password}.
 *
 * <p>Usage: {@code KafkaLauncher <data-dir> <port> <controller-port>} for a broker on its own (node
 * 1, a quorum of one, one copy of each record), or {@code KafkaLauncher <data-dir> <port>
 * <controller-port> <node-id> <voters> <replication-factor>} for node {@code node-id} of a cluster
 * whose controller quorum is {@code voters} ({@code 1@127.0.0.1:9093,2@127.0.0.1:9193,…}): its
 * storage in {@code <data-dir>/node-<id>}, the administrator's password and the cluster id shared by
 * every node in {@code <data-dir>}. With a replication factor of 3, every topic, the consumer offsets
 * and the transaction log keep three copies and a write is acknowledged once two hold it. Stop it
 * with SIGTERM: after a SIGKILL the next start has to recover its logs and is slow.
 */
public final class KafkaLauncher {

  private KafkaLauncher() {}

  /** Where a node stands in its cluster: its id, the controller quorum, the copies kept of each record. */
  record Node(int id, String voters, int replicationFactor) {

    /** A broker on its own: the quorum is itself alone, found through its controller port. */
    static final Node ALONE = new Node(1, null, 1);

    boolean alone() {
      return voters == null;
    }
  }

  public static void main(String[] args) throws IOException {
    Path dataDir = Path.of(args.length > 0 ? args[0] : ".linkway/kafka").toAbsolutePath();
    int port = args.length > 1 ? Integer.parseInt(args[1]) : 9092;
    int controllerPort = args.length > 2 ? Integer.parseInt(args[2]) : 9093;
    Node node = args.length > 5 ? new Node(Integer.parseInt(args[3]), args[4], Integer.parseInt(args[5])) : Node.ALONE;

    Path logDir = dataDir.resolve(node.alone() ? "data" : "node-" + node.id());
    Path config = dataDir.resolve(node.alone() ? "server.properties" : "server-" + node.id() + ".properties");
    PrivateFiles.directory(dataDir);
    writeConfig(config, logDir, port, controllerPort, KafkaCredentials.adminPassword(dataDir), node);

    if (!Files.exists(logDir.resolve("meta.properties"))) {
      String clusterId = clusterId(dataDir);
      // "--cluster-id=<id>": an id may start with '-', which the tool would otherwise read as an option;
      // alone, the node is the whole quorum (--standalone); in a cluster the voters are in its configuration
      List<String> format = new ArrayList<>(List.of("format", "--cluster-id=" + clusterId, "-c", config.toString(), "--ignore-formatted"));
      if (node.alone()) format.add("--standalone");
      int status = kafka.tools.StorageTool.execute(format.toArray(String[]::new), System.out);
      if (status != 0) {
        throw new IllegalStateException("formatting Kafka storage failed with status " + status);
      }
    }
    kafka.Kafka.main(new String[] {config.toString()});
  }

  /** The broker's configuration, with the super user's password: the owner's alone (0600). */
  static void writeConfig(Path config, Path logDir, int port, int controllerPort, String adminPassword, Node node)
      throws IOException {
    Properties p = new Properties();
    p.setProperty("process.roles", "broker,controller");
    p.setProperty("node.id", String.valueOf(node.id()));
    if (node.alone()) {
      p.setProperty("controller.quorum.bootstrap.servers", "127.0.0.1:" + controllerPort);
    } else {
      p.setProperty("controller.quorum.voters", node.voters());
    }
    p.setProperty("listeners", "BROKER://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
    p.setProperty("advertised.listeners", "BROKER://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
    p.setProperty("controller.listener.names", "CONTROLLER");
    p.setProperty("inter.broker.listener.name", "BROKER");
    p.setProperty("listener.security.protocol.map", "BROKER:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT");
    // the administrator (and the broker itself) with PLAIN: its password is in this file, not in the
    // metadata, so it works from the first start; the services with SCRAM, whose credentials the
    // administrator puts into the metadata (SCRAM cannot serve the controller listener)
    String admin = "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + KafkaCredentials.ADMIN
        + "\" password=\"" + adminPassword + "\" user_" + KafkaCredentials.ADMIN + "=\"" + adminPassword + "\";";
    p.setProperty("sasl.enabled.mechanisms", "PLAIN,SCRAM-SHA-256");
    p.setProperty("sasl.mechanism.inter.broker.protocol", "PLAIN");
    p.setProperty("sasl.mechanism.controller.protocol", "PLAIN");
    p.setProperty("listener.name.broker.plain.sasl.jaas.config", admin);
    p.setProperty("listener.name.broker.scram-sha-256.sasl.jaas.config",
        "org.apache.kafka.common.security.scram.ScramLoginModule required;");
    p.setProperty("listener.name.controller.sasl.enabled.mechanisms", "PLAIN");
    p.setProperty("listener.name.controller.plain.sasl.jaas.config", admin);
    p.setProperty("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
    p.setProperty("super.users", "User:" + KafkaCredentials.ADMIN);
    p.setProperty("allow.everyone.if.no.acl.found", "false");
    p.setProperty("log.dirs", logDir.toString());
    p.setProperty("num.partitions", "3");
    // every copy the cluster can keep up to three; two must hold a write before it is acknowledged
    String copies = String.valueOf(node.replicationFactor());
    String inSync = String.valueOf(node.replicationFactor() >= 3 ? 2 : 1);
    p.setProperty("default.replication.factor", copies);
    p.setProperty("min.insync.replicas", inSync);
    p.setProperty("offsets.topic.replication.factor", copies);
    p.setProperty("offsets.topic.num.partitions", "6");
    p.setProperty("transaction.state.log.replication.factor", copies);
    p.setProperty("transaction.state.log.min.isr", inSync);
    p.setProperty("transaction.state.log.num.partitions", "6");
    p.setProperty("share.coordinator.state.topic.replication.factor", copies);
    p.setProperty("share.coordinator.state.topic.min.isr", inSync);
    p.setProperty("group.initial.rebalance.delay.ms", "0");
    p.setProperty("auto.create.topics.enable", "false");
    // the log cleaner's dedupe buffer is on the heap and 128 MiB by default: half of this broker's
    // 256 MiB heap, which left it in back-to-back full collections (31.9 s of them in one benchmark
    // run, each stalling every produce and fetch ~150 ms). 16 MiB is ample for these compacted topics.
    p.setProperty("log.cleaner.dedupe.buffer.size", String.valueOf(16 * 1024 * 1024));
    StringWriter w = new StringWriter();
    p.store(w, "written by KafkaLauncher on every start");
    PrivateFiles.write(config, w.toString());
  }

  /** The cluster id is made once and kept, so a restart reuses the formatted storage; every node of a cluster shares it. */
  static synchronized String clusterId(Path dataDir) throws IOException {
    Path file = dataDir.resolve("cluster-id");
    if (!Files.exists(file)) {
      String id;
      do {
        UUID uuid = UUID.randomUUID();
        java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate(16)
            .putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits());
        id = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.array());
      } while (id.startsWith("-")); // as Kafka's own random ids avoid
      PrivateFiles.write(file, id);
    }
    return Files.readString(file).trim();
  }
}
