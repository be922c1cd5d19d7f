package org.linkway.platform.observability;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Collection;
import java.util.function.BiFunction;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;

/**
 * The dead-letter publisher, counting what it has written: {@code linkway.dead.letters}, tagged with
 * the {@code topic} the record could not be read from (Prometheus: {@code linkway_dead_letters_total}).
 * Kafka Streams' deserialization handler (stream tasks and global tables alike) goes through it.
 */
public final class CountedDeadLetters extends DeadLetterPublishingRecoverer {

  public static final String METER = "linkway.dead.letters";

  private final MeterRegistry registry;

  /** Each topic in {@code consumed} starts at 0, so that a rise shows from the first dead letter on. */
  public CountedDeadLetters(KafkaOperations<?, ?> template,
      BiFunction<ConsumerRecord<?, ?>, Exception, TopicPartition> destination, MeterRegistry registry,
      Collection<String> consumed) {
    super(template, destination);
    this.registry = registry;
    consumed.forEach(this::counter);
  }

  @Override
  public void accept(ConsumerRecord<?, ?> record, Consumer<?, ?> consumer, Exception exception) {
    super.accept(record, consumer, exception); // throws when the dead letter could not be written: not counted
    counter(record.topic()).increment();
  }

  private Counter counter(String topic) {
    return Counter.builder(METER).description("Records that could not be read and went to the topic's -dlt twin")
        .tag("topic", topic).register(registry);
  }
}
