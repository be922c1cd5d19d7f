package org.linkway.platform.streams;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.linkway.platform.kafka.AvroSerdes;
import org.linkway.platform.kafka.Topic;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.MicrometerConsumerListener;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.listener.KafkaMessageListenerContainer;
import org.springframework.kafka.listener.MessageListener;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.kafka.support.TopicPartitionOffset;
import org.springframework.kafka.support.serializer.ErrorHandlingDeserializer;
import org.springframework.kafka.support.serializer.SerializationUtils;
import org.springframework.util.backoff.FixedBackOff;

/** Makes {@link TableView}s; unreadable records go to the topic's -dlt twin and reading goes on. */
public final class TableViews {

  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(TableViews.class);

  private final String service;
  private final KafkaProperties kafka;
  private final AvroSerdes serdes;
  private final DeadLetterPublishingRecoverer deadLetters;
  private final MeterRegistry meters;

  public TableViews(KafkaProperties kafka, AvroSerdes serdes, DeadLetterPublishingRecoverer deadLetters, String service,
      MeterRegistry meters) {
    this.service = service;
    this.meters = meters;
    this.kafka = kafka;
    this.serdes = serdes;
    this.deadLetters = deadLetters;
  }

  public <V extends SpecificRecord> TableView<V> of(Topic<V> topic) {
    Map<String, Object> config = new HashMap<>(kafka.buildConsumerProperties());
    config.putAll(serdes.registryConfig());
    // named after the service, whose consumer groups the broker's ACLs let it use (KafkaAccess)
    config.put(ConsumerConfig.GROUP_ID_CONFIG, service + "-table-view-" + topic.name() + "-" + UUID.randomUUID());
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    // unreadable values (and values of another topic's type) become errors the error handler dead-letters
    DefaultKafkaConsumerFactory<String, V> consumers = new DefaultKafkaConsumerFactory<>(config, new StringDeserializer(),
        new ErrorHandlingDeserializer<>(serdes.forTopic(topic).deserializer()));
    // its lag (kafka_consumer_fetch_manager_records_lag_max) and the rest of the client's metrics
    consumers.addListener(new MicrometerConsumerListener<>(meters));
    List<TopicPartition> partitions = IntStream.range(0, topic.partitions())
        .mapToObj(p -> new TopicPartition(topic.name(), p)).toList();

    return new TableView<>(topic, new TableView.Source<>() {
      @Override
      public Map<TopicPartition, Long> readToEnd(TableView<V> view) {
        return TableViews.readToEnd(view, consumers, partitions);
      }

      @Override
      public MessageListenerContainer follow(TableView<V> view, Map<TopicPartition, Long> from) {
        ContainerProperties properties = new ContainerProperties(from.entrySet().stream()
            .map(e -> new TopicPartitionOffset(e.getKey().topic(), e.getKey().partition(), e.getValue()))
            .toArray(TopicPartitionOffset[]::new));
        KafkaMessageListenerContainer<String, V> container = new KafkaMessageListenerContainer<>(consumers, properties);
        // a record that cannot be read is not retried: it goes to the dead-letter topic at once
        DefaultErrorHandler errors = new DefaultErrorHandler(deadLetters, new FixedBackOff(0L, 0L));
        // go on with the rest of the batch: seeking back after each bad record re-read (and re-failed)
        // everything behind it, and 1,000 poison records took minutes to get through
        errors.setSeekAfterError(false);
        container.setCommonErrorHandler(errors);
        container.setupMessageListener((MessageListener<String, V>) view::apply);
        return container;
      }
    });
  }

  /**
   * Reads every partition from the start to the end offsets seen now. A record that cannot be read
   * is skipped here: it was dead-lettered when it was first read live, and reading it again at every
   * start must not dead-letter it again.
   */
  private static <V extends SpecificRecord> Map<TopicPartition, Long> readToEnd(
      TableView<V> view, DefaultKafkaConsumerFactory<String, V> consumers, List<TopicPartition> partitions) {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    try (Consumer<String, V> consumer = consumers.createConsumer()) {
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        if (Instant.now().isAfter(deadline)) {
          throw new IllegalStateException("could not read " + view.topic().name() + " to its end within 60 s");
        }
        for (ConsumerRecord<String, V> record : consumer.poll(Duration.ofMillis(200))) {
          if (record.headers().lastHeader(SerializationUtils.VALUE_DESERIALIZER_EXCEPTION_HEADER) != null) {
            log.warn("skipping unreadable record {}-{}@{} while loading the table", record.topic(), record.partition(),
                record.offset());
          } else {
            view.apply(record);
          }
        }
      }
      Map<TopicPartition, Long> reached = new HashMap<>();
      partitions.forEach(tp -> reached.put(tp, consumer.position(tp)));
      return reached;
    }
  }
}
