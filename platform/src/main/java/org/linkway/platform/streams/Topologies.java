package org.linkway.platform.streams;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;
import org.linkway.platform.kafka.AvroSerdes;
import org.linkway.platform.kafka.Topic;
import org.linkway.platform.observability.EventLog;
import org.linkway.replies.CommandReply;

/** Building blocks for the services' stream topologies. */
public final class Topologies {

  private Topologies() {}

  /**
   * One stream of several topics keyed by referralId, so that one processor sees every input of a
   * referral in order on one task. The topics must have the same number of partitions.
   */
  public static KStream<String, SpecificRecord> merged(StreamsBuilder builder, AvroSerdes serdes, Topic<?>... topics) {
    KStream<String, SpecificRecord> merged = null;
    for (Topic<?> topic : topics) {
      KStream<String, SpecificRecord> stream = source(builder, serdes, topic);
      merged = merged == null ? stream : merged.merge(stream);
    }
    return merged;
  }

  /**
   * Like {@link #merged}, for a decider's inputs, some of them its service's command topics: a readiness probe on
   * one ({@link AvroSerdes#READINESS_PROBE}) is answered on {@code replies} at once, in the task's transaction, as a
   * command would be ({@link CommandReadiness}), and goes no further; every other record is in the stream returned.
   */
  public static KStream<String, SpecificRecord> commands(StreamsBuilder builder, AvroSerdes serdes, Topic<CommandReply> replies,
      Topic<?>... topics) {
    KStream<String, SpecificRecord> inputs = merged(builder, serdes, topics).processValues(CommandReadiness.Answer::new);
    inputs.filter((key, value) -> value instanceof CommandReply)
        .mapValues(value -> (CommandReply) value)
        .to(replies.name(), producedTo(serdes, replies));
    return inputs.filter((key, value) -> !(value instanceof CommandReply));
  }

  /** A persistent, changelog-backed key-value store of Avro records keyed by referralId. */
  public static <V extends SpecificRecord> void addStore(StreamsBuilder builder, AvroSerdes serdes, String name, Class<V> type) {
    builder.addStateStore(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(name), Serdes.String(), serdes.forValues(type)));
  }

  public static <V extends SpecificRecord> Produced<String, V> producedTo(AvroSerdes serdes, Topic<V> topic) {
    return Produced.with(Serdes.String(), serdes.forTopic(topic));
  }

  /**
   * Writes a processor's outputs of several types, each to the topic that carries its type (the
   * topics' value types must differ).
   */
  public static void toTopicsByType(KStream<String, SpecificRecord> outputs, AvroSerdes serdes, Topic<?>... topics) {
    for (Topic<?> topic : topics) {
      toTopicOf(outputs, serdes, topic);
    }
  }

  /** Writes a processor's outputs to a topic, each logged ({@link EventLog}) under the trace it carries. */
  public static <V extends SpecificRecord> void to(KStream<String, V> outputs, AvroSerdes serdes, Topic<V> topic) {
    outputs.peek((key, value) -> EventLog.written(topic.name(), value))
        .to(topic.name(), producedTo(serdes, topic));
  }

  private static <V extends SpecificRecord> void toTopicOf(KStream<String, SpecificRecord> outputs, AvroSerdes serdes, Topic<V> topic) {
    to(outputs.filter((key, value) -> topic.valueType().isInstance(value))
        .mapValues(value -> topic.valueType().cast(value)), serdes, topic);
  }

  private static <V extends SpecificRecord> KStream<String, SpecificRecord> source(
      StreamsBuilder builder, AvroSerdes serdes, Topic<V> topic) {
    return builder.stream(topic.name(), Consumed.with(Serdes.String(), serdes.forTopic(topic)))
        .mapValues(value -> (SpecificRecord) value);
  }
}
