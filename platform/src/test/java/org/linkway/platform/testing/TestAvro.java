package org.linkway.platform.testing;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.StreamsConfig;
import org.linkway.platform.kafka.AvroSerdes;
import org.linkway.platform.kafka.LinkwayKafkaProperties;

/**
 * For topologies driven by {@code TopologyTestDriver}: Avro without the schema registry (each value's
 * binary prefixed with its class's name, so one deserializer reads every topic and store), and the
 * driver's settings.
 */
public final class TestAvro {

  private TestAvro() {}

  /** Avro binary prefixed with the record's class name. */
  public static final class AvroSerializer implements Serializer<SpecificRecord> {
    @Override
    public byte[] serialize(String topic, SpecificRecord data) {
      if (data == null) return null;
      try {
        byte[] name = data.getClass().getName().getBytes(StandardCharsets.UTF_8);
        ByteBuffer body = (ByteBuffer) data.getClass().getMethod("toByteBuffer").invoke(data);
        return ByteBuffer.allocate(4 + name.length + body.remaining()).putInt(name.length).put(name).put(body).array();
      } catch (ReflectiveOperationException e) {
        throw new SerializationException(e);
      }
    }
  }

  /** Reads what {@link AvroSerializer} wrote, whatever the record's type. */
  public static final class AvroDeserializer implements Deserializer<SpecificRecord> {
    @Override
    public SpecificRecord deserialize(String topic, byte[] data) {
      if (data == null) return null;
      try {
        ByteBuffer in = ByteBuffer.wrap(data);
        byte[] name = new byte[in.getInt()];
        in.get(name);
        Class<?> type = Class.forName(new String(name, StandardCharsets.UTF_8));
        return (SpecificRecord) type.getMethod("fromByteBuffer", ByteBuffer.class).invoke(null, in.slice());
      } catch (ReflectiveOperationException e) {
        throw new SerializationException(e);
      }
    }
  }

  /** The services' serdes, reading and writing with {@link AvroSerializer} and {@link AvroDeserializer}. */
  public static AvroSerdes serdes() {
    return new AvroSerdes(new LinkwayKafkaProperties(null, AvroSerializer.class.getName(),
        AvroDeserializer.class.getName(), null, 0, null));
  }

  /** The driver's settings: an application id and a state directory of the test's own. */
  public static Properties driverConfig(String applicationId, Path stateDir) {
    Properties config = new Properties();
    config.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9");
    config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    return config;
  }
}
