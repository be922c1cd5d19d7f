package org.linkway.platform.kafka;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings under {@code linkway.kafka}. The serializer and deserializer are class names so that a
 * deployment on Confluent Schema Registry can swap in Confluent's Avro serde.
 */
@ConfigurationProperties("linkway.kafka")
public record LinkwayKafkaProperties(
    String registryUrl,
    String valueSerializer,
    String valueDeserializer,
    String stateDir,
    long commitIntervalMs,
    String instanceId) {

  public LinkwayKafkaProperties {
    if (registryUrl == null) registryUrl = "http://127.0.0.1:8085/apis/registry/v3";
    if (valueSerializer == null) valueSerializer = "io.apicurio.registry.serde.avro.AvroKafkaSerializer";
    if (valueDeserializer == null) valueDeserializer = "io.apicurio.registry.serde.avro.AvroKafkaDeserializer";
    if (stateDir == null) stateDir = System.getProperty("java.io.tmpdir") + "/linkway-streams";
    if (commitIntervalMs <= 0) commitIntervalMs = 100;
  }

  /** This instance's stable name in its consumer group; set it per instance when running several. */
  public String instanceId(String applicationId) {
    return instanceId != null ? instanceId : applicationId + "-1";
  }
}
