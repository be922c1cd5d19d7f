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
    TableView<V> view = new TableView<>(topic, container);
    container.setupMessageListener((MessageListener<String, V>) view::apply);
    return view;
  }
}
