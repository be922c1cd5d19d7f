package org.linkway.platform.testing;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.linkway.platform.kafka.AvroSerdes;
import org.linkway.platform.kafka.LinkwayKafkaProperties;
import org.linkway.platform.kafka.Topic;

/**
 * Avro records for {@code TopologyTestDriver} tests without a schema registry: Avro binary prefixed with the
 * record's class name, so that one deserializer reads every topic. Set as the value serializer and deserializer of
 * {@code LinkwayKafkaProperties} to run a service's topology as it is wired.
 */
public final class SelfDescribingAvro {

  private SelfDescribingAvro() {}

  /** A service's serdes with values written and read as here. */
  public static AvroSerdes serdes() {
    return new AvroSerdes(new LinkwayKafkaProperties(null, AvroSerializer.class.getName(), AvroDeserializer.class.getName(),
        null, 0, null));
  }

  /** A test driver of a service's topology, its stores under {@code stateDir}. */
  public static TopologyTestDriver driver(StreamsBuilder builder, String applicationId, Path stateDir) {
    return new TopologyTestDriver(builder.build(), config(applicationId, stateDir));
  }

  /** The same, its wall clock starting at {@code wallClock}. */
  public static TopologyTestDriver driver(StreamsBuilder builder, String applicationId, Path stateDir,
      java.time.Instant wallClock) {
    return new TopologyTestDriver(builder.build(), config(applicationId, stateDir), wallClock);
  }

  /** The same, with {@code settings} added to the streams configuration (as the service's own configuration adds them). */
  public static TopologyTestDriver driver(StreamsBuilder builder, String applicationId, Path stateDir,
      java.time.Instant wallClock, java.util.Map<String, ?> settings) {
    Properties config = config(applicationId, stateDir);
    config.putAll(settings);
    return new TopologyTestDriver(builder.build(), config, wallClock);
  }

  private static Properties config(String applicationId, Path stateDir) {
    Properties config = new Properties();
    config.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9");
    config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    return config;
  }

  /** A stream of any records read from {@code topic}, as a processor's outputs are before they go to their topics. */
  public static KStream<String, SpecificRecord> anyRecords(StreamsBuilder builder, String topic) {
    return builder.stream(topic, Consumed.with(Serdes.String(), Serdes.serdeFrom(new AvroSerializer(), new AvroDeserializer())));
  }

  /** The topic of {@link #anyRecords}, for the test to write to. */
  public static TestInputTopic<String, SpecificRecord> input(TopologyTestDriver driver, String topic) {
    return driver.createInputTopic(topic, new StringSerializer(), new AvroSerializer());
  }

  /** A topic the test writes to, keyed by string. */
  public static TestInputTopic<String, SpecificRecord> input(TopologyTestDriver driver, Topic<?> topic) {
    return driver.createInputTopic(topic.name(), new StringSerializer(), new AvroSerializer());
  }

  /** A topic the test reads what the topology wrote from, keyed by string. */
  public static TestOutputTopic<String, SpecificRecord> output(TopologyTestDriver driver, Topic<?> topic) {
    return driver.createOutputTopic(topic.name(), new StringDeserializer(), new AvroDeserializer());
  }

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
