package org.linkway.platform.testing;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Avro records for {@code TopologyTestDriver} tests without a schema registry: Avro binary prefixed with the
 * record's class name, so that one deserializer reads every topic. Set as the value serializer and deserializer of
 * {@code LinkwayKafkaProperties} to run a service's topology as it is wired.
 */
public final class SelfDescribingAvro {

  private SelfDescribingAvro() {}

  /** Writes Avro binary prefixed with the record's class name. */
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
}
