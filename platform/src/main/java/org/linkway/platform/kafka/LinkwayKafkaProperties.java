package org.linkway.platform.kafka;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;

/**
 * Settings under {@code linkway.kafka}. The serializer and deserializer are class names so that a
 * deployment on Confluent Schema Registry can swap in Confluent's Avro serde.
 *
 * <p>Running several instances of a service on a replicated cluster: {@code instance} is k of the
 * instances of a service (1, 2, …), which names its static member of the consumer group and its state
 * directory; {@code replication-factor} and {@code min-insync-replicas} are those of every topic the
 * stack's set-up creates ({@link TopicSetup}) and of the Kafka Streams internal topics (3 and 2 on a
 * cluster of three brokers or more); {@code standby-replicas} is how many other instances keep a warm
 * copy of each store; {@code application-server} is where this instance answers (host:port), for the
 * other instances to find the owner of a key.
 */
@ConfigurationProperties("linkway.kafka")
public record LinkwayKafkaProperties(
    String registryUrl,
    String valueSerializer,
    String valueDeserializer,
    String stateDir,
    long commitIntervalMs,
    String instanceId,
    Integer instance,
    Integer replicationFactor,
    Integer minInsyncReplicas,
    Integer standbyReplicas,
    String applicationServer) {

  @ConstructorBinding
  public LinkwayKafkaProperties {
    if (registryUrl == null) registryUrl = "http://127.0.0.1:8085/apis/registry/v3";
    if (valueSerializer == null) valueSerializer = "io.apicurio.registry.serde.avro.AvroKafkaSerializer";
    if (valueDeserializer == null) valueDeserializer = "io.apicurio.registry.serde.avro.AvroKafkaDeserializer";
    if (commitIntervalMs <= 0) commitIntervalMs = 100;
    if (instance == null) instance = 1;
    if (replicationFactor == null) replicationFactor = 1;
    if (minInsyncReplicas == null) minInsyncReplicas = 1;
    if (standbyReplicas == null) standbyReplicas = 0;
    if (instance < 1) throw new IllegalArgumentException("linkway.kafka.instance is " + instance + ": instances count from 1");
    if (replicationFactor < 1 || minInsyncReplicas < 1 || minInsyncReplicas > replicationFactor) {
      throw new IllegalArgumentException("linkway.kafka.min-insync-replicas " + minInsyncReplicas
          + " with linkway.kafka.replication-factor " + replicationFactor
          + ": each must be at least 1, and no more replicas can be in sync than there are");
    }
    if (standbyReplicas < 0) throw new IllegalArgumentException("linkway.kafka.standby-replicas is " + standbyReplicas);
  }

  /** The settings of one instance on one broker: the tools' and tests' that only read and write events. */
  public LinkwayKafkaProperties(String registryUrl, String valueSerializer, String valueDeserializer, String stateDir,
      long commitIntervalMs, String instanceId) {
    this(registryUrl, valueSerializer, valueDeserializer, stateDir, commitIntervalMs, instanceId, null, null, null, null, null);
  }

  /**
   * This instance's stable name in its consumer group, {@code <service>-<instance>} unless {@code instance-id}
   * is set: two instances of a service never share one (the second would fence the first out of the group).
   */
  public String instanceId(String applicationId) {
    return instanceId != null ? instanceId : applicationId + "-" + instance;
  }

  /**
   * Where this instance keeps its Kafka Streams state: {@code state-dir} when set (it must then be this
   * instance's own), else {@code <temp>/linkway-streams/<service>-<instance>}, so that two instances on one
   * machine never share one.
   */
  public String stateDir(String applicationId) {
    return stateDir != null ? stateDir
        : System.getProperty("java.io.tmpdir") + "/linkway-streams/" + instanceId(applicationId);
  }
}
