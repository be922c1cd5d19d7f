package org.linkway.platform.kafka;

import io.apicurio.registry.resolver.client.RegistryClientFacade;
import io.apicurio.registry.resolver.client.RegistryClientFacadeFactory;
import io.apicurio.registry.resolver.config.SchemaResolverConfig;
import java.lang.reflect.Constructor;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.linkway.replies.CommandReply;
import org.springframework.beans.BeanUtils;
import org.springframework.util.ClassUtils;

/**
 * Avro values in the Confluent wire format (magic byte, 4-byte schema id, Avro binary) through the
 * schema registry. One subject per topic ({@code <topic>-value}); each topic carries one envelope
 * record whose payload is a union of its event types.
 */
public final class AvroSerdes {

  private final LinkwayKafkaProperties properties;
  private final Map<String, Object> registryConfig;
  /**
   * The one registry client of every serializer and deserializer made here. Left to itself, each Apicurio serde
   * makes its own client, with its own JDK HTTP client (a selector thread and two file descriptors, never closed,
   * let go only when a full GC finds it): a service made some two hundred, and one more for every reader of a
   * topic that a request opens, so that a test JVM running a dozen services ran out of file descriptors. It answers
   * from memory what cannot change ({@link RegistryAnswers}): a schema fetched for one serde is not fetched again
   * for another.
   */
  private RegistryClientFacade registry;

  public AvroSerdes(LinkwayKafkaProperties properties) {
    this.properties = properties;
    Map<String, Object> config = new HashMap<>();
    config.put("apicurio.registry.url", properties.registryUrl());
    config.put("apicurio.registry.auto-register", "true");
    config.put("apicurio.registry.use-specific-avro-reader", "true");
    // readers and writers found by schema identity, not by a fingerprint computed for every record
    config.put("apicurio.registry.avro-datum-provider", CachingAvroDatumProvider.class.getName());
    // the JDK HTTP client keeps Vert.x's event loop out of the services
    config.put("apicurio.registry.http.adapter", "JDK");
    this.registryConfig = Map.copyOf(config);
  }

  /** Settings the serializer and deserializer need, for Kafka client and Streams configs. */
  public Map<String, Object> registryConfig() {
    return registryConfig;
  }

  public <V extends SpecificRecord> Serde<V> forValues(Class<V> type) {
    return forValues(registryConfig);
  }

  private <V extends SpecificRecord> Serde<V> forValues(Map<String, Object> config) {
    return Serdes.serdeFrom(serializer(config), deserializer(config));
  }

  /** A configured value serializer, on the shared registry client (a producer's, for a producer factory). */
  public <V extends SpecificRecord> Serializer<V> serializer() {
    return serializer(registryConfig);
  }

  private <V extends SpecificRecord> Serializer<V> serializer(Map<String, Object> config) {
    Serializer<V> serializer = instantiate(properties.valueSerializer());
    serializer.configure(config, false);
    return serializer;
  }

  private <V extends SpecificRecord> Deserializer<V> deserializer(Map<String, Object> config) {
    Deserializer<V> deserializer = instantiate(properties.valueDeserializer());
    deserializer.configure(config, false);
    return deserializer;
  }

  private synchronized RegistryClientFacade registry() {
    if (registry == null) {
      registry = new RegistryAnswers(RegistryClientFacadeFactory.create(new SchemaResolverConfig(registryConfig)));
    }
    return registry;
  }

  /**
   * The serde of a topic that outside parties read with their own clients (a commissioner's own topics):
   * its schema is registered whole, with every type it uses written out in it and no references to other
   * subjects. The platform's own topics register the shared types (metadata, measures) as references, which
   * Confluent's JavaScript deserializer cannot resolve ("undefined type name"); a self-contained schema needs
   * no resolving. Records are in the same Confluent wire format either way.
   */
  public <V extends SpecificRecord> Serde<V> selfContained(Class<V> type) {
    Map<String, Object> config = new HashMap<>(registryConfig);
    config.put(DEREFERENCE_SCHEMA, "true");
    return forValues(config);
  }

  /** Apicurio's setting: register (and look up) a record's schema dereferenced, as one document. */
  static final String DEREFERENCE_SCHEMA = "apicurio.registry.dereference-schema";

  /**
   * The header of a readiness probe: an empty record on a command topic, carrying the probe's id, that the topic's
   * decider answers on the service's replies topic as it would a command ({@code CommandReadiness}).
   */
  public static final String READINESS_PROBE = "linkway-readiness-probe";

  /**
   * The serde of a topic's values. Reading refuses, as unreadable (so that it is dead-lettered and
   * the consumer goes on), a record of another type than the topic carries and a tombstone on a
   * topic that is not a table, but for a readiness probe ({@link #READINESS_PROBE}) on a command topic, read as no
   * value (a command topic is written by the services alone: the same empty record from a GP system, on its requests
   * topic, is refused like any other tombstone). A service's replies topic is registered {@link #selfContained}: its first reply
   * after a start is read while a request waits for it, and its schema (the services' state records, some
   * thirty types) is then fetched whole, once, not one referenced type at a time. A record whose schema cannot be
   * fetched because the registry is away is not unreadable: it is read again for a while, then its consumer stops
   * rather than dead-letter it ({@link RegistryOutage}).
   */
  public <V extends SpecificRecord> Serde<V> forTopic(Topic<V> topic) {
    return forTopic(topic, RegistryOutage.WAIT);
  }

  /** {@link #forTopic(Topic)}, waiting out an outage of the registry for {@code outageWait} at most (a test's own). */
  <V extends SpecificRecord> Serde<V> forTopic(Topic<V> topic, java.time.Duration outageWait) {
    Serde<V> serde = topic.valueType() == CommandReply.class ? selfContained(topic.valueType()) : forValues(topic.valueType());
    Deserializer<V> avro = serde.deserializer();
    boolean probes = Topics.isCommands(topic);
    Deserializer<V> checked = new Deserializer<>() {
      @Override
      public V deserialize(String name, byte[] data) {
        return checked(RegistryOutage.readThrough(name, () -> avro.deserialize(name, data), outageWait, PAUSE), data);
      }

      @Override
      public V deserialize(String name, org.apache.kafka.common.header.Headers headers, byte[] data) {
        if (data == null && probes && headers != null && headers.lastHeader(READINESS_PROBE) != null) return null;
        return checked(RegistryOutage.readThrough(name, () -> avro.deserialize(name, headers, data), outageWait, PAUSE),
            data);
      }

      @Override
      public void close() {
        avro.close();
      }

      private V checked(Object value, byte[] data) {
        if (value == null) {
          if (data == null && topic.compacted()) return null; // a delete on a table
          throw new org.apache.kafka.common.errors.SerializationException(data == null
              ? "a tombstone on " + topic.name() + ", which is not a table"
              : "no value could be read from the record on " + topic.name());
        }
        if (!topic.valueType().isInstance(value)) {
          throw new org.apache.kafka.common.errors.SerializationException("a " + value.getClass().getSimpleName()
              + " on " + topic.name() + ", which carries " + topic.valueType().getSimpleName());
        }
        return topic.valueType().cast(value);
      }
    };
    return Serdes.serdeFrom(serde.serializer(), checked);
  }

  /** How a consumer waits for the registry to answer again: its thread sleeps. */
  private static final RegistryOutage.Pause PAUSE = pause -> Thread.sleep(pause.toMillis());

  /** An Apicurio serde on the shared registry client; any other serde class as it makes itself. */
  @SuppressWarnings("unchecked")
  private <T> T instantiate(String className) {
    Class<?> type;
    try {
      type = ClassUtils.forName(className, AvroSerdes.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("serde class not found: " + className, e);
    }
    Constructor<?> onClient = ClassUtils.getConstructorIfAvailable(type, RegistryClientFacade.class);
    return (T) (onClient != null ? BeanUtils.instantiateClass(onClient, registry()) : BeanUtils.instantiateClass(type));
  }
}
