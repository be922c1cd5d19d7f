package org.linkway.platform;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.listener.KafkaMessageListenerContainer;
import org.springframework.kafka.listener.MessageListener;
import org.springframework.kafka.support.TopicPartitionOffset;
import org.springframework.kafka.support.serializer.ErrorHandlingDeserializer;
import org.springframework.util.backoff.FixedBackOff;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/** Makes {@link TableView}s; unreadable records go to the topic's -dlt twin and reading goes on. */
public final class TableViews {

  private final KafkaProperties kafka;
  private final AvroSerdes serdes;
  private final DeadLetterPublishingRecoverer deadLetters;

  TableViews(KafkaProperties kafka, AvroSerdes serdes, DeadLetterPublishingRecoverer deadLetters) {
    this.kafka = kafka;
    this.serdes = serdes;
    this.deadLetters = deadLetters;
  }

  public <V extends SpecificRecord> TableView<V> of(Topic<V> topic) {
    Map<String, Object> config = new HashMap<>(kafka.buildConsumerProperties());
    config.putAll(serdes.registryConfig());
    config.put(ConsumerConfig.GROUP_ID_CONFIG, "table-view-" + topic.name() + "-" + UUID.randomUUID());
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ErrorHandlingDeserializer.class);
    config.put(ErrorHandlingDeserializer.VALUE_DESERIALIZER_CLASS, serdes.deserializerClass());

    TopicPartitionOffset[] partitions = IntStream.range(0, topic.partitions())
        .mapToObj(p -> new TopicPartitionOffset(topic.name(), p, TopicPartitionOffset.SeekPosition.BEGINNING))
        .toArray(TopicPartitionOffset[]::new);
    ContainerProperties properties = new ContainerProperties(partitions);
    KafkaMessageListenerContainer<String, V> container =
        new KafkaMessageListenerContainer<>(new DefaultKafkaConsumerFactory<>(config), properties);
    // a record that cannot be read is not retried: it goes to the dead-letter topic at once
    container.setCommonErrorHandler(new DefaultErrorHandler(deadLetters, new FixedBackOff(0L, 0L)));
    DefaultKafkaConsumerFactory<String, V> preloadFactory = new DefaultKafkaConsumerFactory<>(config);
    TableView<V> view = new TableView<>(topic, container, v -> preload(v, preloadFactory, partitions));
    container.setupMessageListener((MessageListener<String, V>) view::apply);
    return view;
  }

  /**
   * Reads every partition from the start to the end offsets seen now, before the view is used.
   * Records that cannot be read are skipped here; the listener container dead-letters them.
   */
  private static <V extends SpecificRecord> void preload(
      TableView<V> view, DefaultKafkaConsumerFactory<String, V> factory, TopicPartitionOffset[] partitions) {
    List<TopicPartition> assigned = java.util.Arrays.stream(partitions)
        .map(p -> new TopicPartition(p.getTopic(), p.getPartition())).toList();
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    try (Consumer<String, V> consumer = factory.createConsumer()) {
      consumer.assign(assigned);
      consumer.seekToBeginning(assigned);
      Map<TopicPartition, Long> end = consumer.endOffsets(assigned);
      while (assigned.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        if (Instant.now().isAfter(deadline)) {
          throw new IllegalStateException("could not read " + view.topic().name() + " to its end within 60 s");
        }
        for (ConsumerRecord<String, V> record : consumer.poll(Duration.ofMillis(200))) {
          if (record.value() != null) view.apply(record);
        }
      }
    }
  }
}
