package org.linkway.platform.kafka;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.linkway.platform.observability.CountedDeadLetters;
import org.linkway.platform.observability.ObservabilityConfiguration;
import org.linkway.platform.observability.TracingProcessorWrapper;
import org.linkway.platform.observability.TracingSwitch;
import org.linkway.platform.streams.BoundedRocksDbMemory;
import org.linkway.platform.streams.Decisions;
import org.linkway.platform.streams.KeyOwners;
import org.linkway.platform.streams.StoreQueries;
import org.linkway.platform.streams.TailedFeed;
import org.linkway.platform.web.ProblemHandler;
import org.linkway.replies.CommandReply;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.PropertySource;
import org.springframework.kafka.annotation.EnableKafkaStreams;
import org.springframework.kafka.annotation.KafkaStreamsDefaultConfiguration;
import org.springframework.kafka.config.KafkaStreamsConfiguration;
import org.springframework.kafka.config.StreamsBuilderFactoryBeanConfigurer;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.MicrometerProducerListener;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.streams.RecoveringDeserializationExceptionHandler;
import org.springframework.kafka.support.ProducerListener;
import org.springframework.kafka.support.serializer.DelegatingByTypeSerializer;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Kafka for every service: the check that its topics are there, an Avro producer, the dead-letter
 * publisher, and Kafka Streams with exactly-once processing.
 */
@Configuration(proxyBeanMethods = false)
@EnableKafkaStreams
@EnableConfigurationProperties(LinkwayKafkaProperties.class)
@Import(ObservabilityConfiguration.class)
@PropertySource("classpath:linkway-defaults.properties")
public class KafkaPlatformConfiguration {

  /** Records a stream task buffers per input partition (Kafka's default 1,000). */
  static final int BUFFERED_RECORDS_PER_PARTITION = 100;

  /** Records a stream thread's consumer takes per poll (Kafka Streams' default 1,000). */
  static final int MAX_POLL_RECORDS = 200;

  /** Each producer's pool of batches, in bytes (Kafka's default 32 MB): a service writes a few MB a second at most. */
  static final long PRODUCER_BUFFER_BYTES = 8L * 1024 * 1024;


  @Bean
  AvroSerdes avroSerdes(LinkwayKafkaProperties properties) {
    return new AvroSerdes(properties);
  }

  /**
   * The topics this service uses, checked before anything reads them: the stack's set-up ({@link TopicSetup})
   * creates them once, and a service started before it refuses to start.
   */
  @Bean
  TopicCheck topicCheck(KafkaProperties kafka, LinkwayKafkaProperties linkway, ObjectProvider<ServiceTopics> serviceTopics,
      @Value("${spring.application.name}") String service) {
    List<Topic<?>> topics = new ArrayList<>(Topics.all());
    serviceTopics.orderedStream().forEach(more -> topics.addAll(more.topics()));
    return new TopicCheck(kafka.buildAdminProperties(), service, topics, linkway.replicationFactor());
  }

  /**
   * The producers events are written with: a bean of its own, so that the context closes them as it
   * closes (made inside the template's bean method, they were never closed and went on after the
   * service stopped).
   */
  @Bean
  DefaultKafkaProducerFactory<String, SpecificRecord> eventProducers(KafkaProperties kafka, AvroSerdes serdes,
      MeterRegistry meters) {
    Map<String, Object> config = new HashMap<>(kafka.buildProducerProperties());
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.BUFFER_MEMORY_CONFIG, PRODUCER_BUFFER_BYTES);
    // each producer's value serializer comes configured, on the service's one registry client
    DefaultKafkaProducerFactory<String, SpecificRecord> producers =
        new DefaultKafkaProducerFactory<>(config, StringSerializer::new, serdes::serializer, false);
    producers.addListener(new MicrometerProducerListener<>(meters));
    return producers;
  }

  @Bean
  KafkaTemplate<String, SpecificRecord> eventTemplate(DefaultKafkaProducerFactory<String, SpecificRecord> eventProducers) {
    return eventTemplateOn(eventProducers);
  }

  /**
   * The template events are written with. A failed write is logged by {@link EventPublisher}
   * alone, without the event: Spring Kafka's default listener would log the record's key and the
   * start of its value (a person's details among them) at every failure.
   */
  static KafkaTemplate<String, SpecificRecord> eventTemplateOn(ProducerFactory<String, SpecificRecord> producers) {
    KafkaTemplate<String, SpecificRecord> template = new KafkaTemplate<>(producers);
    template.setProducerListener(new ProducerListener<>() {});
    // no observation per write: EventPublisher puts the request's trace context (traceparent) on each event, when
    // tracing is on (TracingSwitch; off, a request has no trace to carry)
    return template;
  }

  /** The producers dead letters are written with (a bean, so that the context closes them). */
  @Bean
  DefaultKafkaProducerFactory<Object, byte[]> deadLetterProducers(KafkaProperties kafka) {
    Map<String, Object> config = new HashMap<>(kafka.buildProducerProperties());
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    // keys arrive as bytes from Kafka Streams and as strings from listener containers; values are always the raw bytes
    Serializer<Object> keys = new DelegatingByTypeSerializer(Map.of(
        byte[].class, new ByteArraySerializer(), String.class, new StringSerializer()));
    return new DefaultKafkaProducerFactory<>(config, () -> keys, ByteArraySerializer::new);
  }

  /** Writes unreadable records, byte for byte, to the source topic's -dlt twin, same partition; counts them. */
  @Bean
  DeadLetterPublishingRecoverer deadLetterRecoverer(DefaultKafkaProducerFactory<Object, byte[]> deadLetterProducers,
      MeterRegistry meters, @Value("${spring.application.name}") String service) {
    KafkaTemplate<Object, byte[]> template = new KafkaTemplate<>(deadLetterProducers);
    return new CountedDeadLetters(template,
        (record, exception) -> new TopicPartition(record.topic() + Topic.DEAD_LETTER_SUFFIX, record.partition()),
        meters, KafkaAccess.READS.getOrDefault(service, List.of()).stream().map(Topic::name).toList());
  }

  @Bean(name = KafkaStreamsDefaultConfiguration.DEFAULT_STREAMS_CONFIG_BEAN_NAME)
  KafkaStreamsConfiguration streamsConfiguration(
      KafkaProperties kafka,
      LinkwayKafkaProperties linkway,
      AvroSerdes serdes,
      DeadLetterPublishingRecoverer deadLetters,
      @Value("${spring.application.name}") String applicationId,
      @Value("${linkway.kafka.fetch-max-wait-ms:50}") int fetchMaxWaitMs,
      @Value("${" + TracingSwitch.ENABLED + ":true}") boolean tracing) {
    Map<String, Object> config = new HashMap<>(kafka.buildStreamsProperties());
    config.putAll(serdes.registryConfig());
    config.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, String.join(",", kafka.getBootstrapServers()));
    config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    config.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, linkway.commitIntervalMs());
    config.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
    config.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 5);
    // what a task holds in memory waiting to be processed: Kafka's defaults (1,000 records per input partition,
    // 1,000 a poll, a 32 MB producer pool) kept provider-service's live heap at 130-175 MB of its 256 under the
    // benchmark's backlog, with a full GC every few seconds; a hundred per partition still fills every loop
    config.put(StreamsConfig.BUFFERED_RECORDS_PER_PARTITION_CONFIG, BUFFERED_RECORDS_PER_PARTITION);
    // the main consumer's alone: restoring a store reads as much a poll as Kafka Streams likes
    config.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), MAX_POLL_RECORDS);
    config.put(StreamsConfig.producerPrefix(ProducerConfig.BUFFER_MEMORY_CONFIG), PRODUCER_BUFFER_BYTES);
    config.put(StreamsConfig.consumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), fetchMaxWaitMs);
    config.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDbMemory.class);
    config.putAll(instanceSettings(linkway, applicationId));
    config.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, RecoverUnlessRegistryAway.class);
    config.put(RecoveringDeserializationExceptionHandler.KSTREAM_DESERIALIZATION_RECOVERER, deadLetters);
    // what a stream thread logs about a record carries the record's trace (traceparent header)
    config.putAll(tracingSettings(tracing));
    return new KafkaStreamsConfiguration(config);
  }

  /**
   * The streams' tracing: on, each processor wrapped; off ({@link TracingSwitch}), no wrapper, and the setting
   * passed on to the processors, which then keep no referral trace ({@link ReferralTraces#in}).
   */
  public static Map<String, Object> tracingSettings(boolean tracing) {
    return tracing ? Map.of(StreamsConfig.PROCESSOR_WRAPPER_CLASS_CONFIG, TracingProcessorWrapper.class)
        : Map.of(TracingSwitch.ENABLED, "false");
  }

  /**
   * What makes this instance one of several on a replicated cluster: its own state directory and static
   * member id, the replication of its internal topics, its standbys, and where it answers.
   */
  static Map<String, Object> instanceSettings(LinkwayKafkaProperties linkway, String applicationId) {
    Map<String, Object> config = new HashMap<>();
    config.put(StreamsConfig.STATE_DIR_CONFIG, linkway.stateDir(applicationId));
    // static membership: a restarted instance takes its partitions back without waiting for the old session to expire
    config.put(StreamsConfig.consumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), linkway.instanceId(applicationId));
    // a crashed instance's partitions move after 10 s without a heartbeat, not the consumer's default 45 s
    config.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 10_000);
    config.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), 3_000);
    // changelogs and repartition topics replicated as the platform's own topics are
    config.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, linkway.replicationFactor());
    config.put(StreamsConfig.topicPrefix(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG), String.valueOf(linkway.minInsyncReplicas()));
    // changelogs cleaned within days of a delete, so that a restore reads what the stores keep (Topics.CHANGELOG_CLEANUP);
    // both settings act on compacted topics only, so the repartition topics are as Kafka Streams makes them
    Topics.CHANGELOG_CLEANUP.forEach((name, value) -> config.put(StreamsConfig.topicPrefix(name), value));
    config.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, linkway.standbyReplicas());
    // a task stays with the instance whose copy of its state is within this many records of the end (a
    // standby trails by about one commit interval's records); an instance further behind (one restarted
    // after a crash, whose stores exactly_once_v2 wipes) warms up first and is given the task at a probing
    // rebalance once it has caught up, rather than at once with all of its restoring still to do (Kafka's
    // 10,000 let a restarted instance take back its tasks and stop serving them while it restored)
    config.put(StreamsConfig.ACCEPTABLE_RECOVERY_LAG_CONFIG, 1_000L);
    config.put(StreamsConfig.PROBING_REBALANCE_INTERVAL_MS_CONFIG, 60_000L);
    if (linkway.applicationServer() != null) {
      config.put(StreamsConfig.APPLICATION_SERVER_CONFIG, linkway.applicationServer());
    }
    return config;
  }

  /**
   * Leave the consumer group on close, so that the partitions move at once to whoever takes over; and,
   * at start, remove the members this instance left behind when it died ({@link FormerMembers}).
   */
  @Bean
  StreamsBuilderFactoryBeanConfigurer leaveGroupOnClose(KafkaProperties kafka, LinkwayKafkaProperties linkway,
      @Value("${spring.application.name}") String applicationId) {
    return factory -> {
      factory.setLeaveGroupOnClose(true);
      factory.setKafkaStreamsCustomizer(
          new FormerMembers(kafka.buildAdminProperties(), applicationId, linkway.instanceId(applicationId)));
      factory.setCloseTimeout(10);
      // a stream thread that fails (a transaction that cannot commit while the broker restarts) is replaced,
      // not left dead: Kafka Streams' default shuts the whole client down for good, and the service stays
      // DOWN until someone restarts it. Under exactly_once_v2 the failed transaction is aborted and its input
      // read again, so nothing is lost or written twice.
      factory.setStreamsUncaughtExceptionHandler(failure -> org.apache.kafka.streams.errors
          .StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD);
    };
  }

  /** The answers to this service's commands, read from its replies topic by every instance ({@link Decisions}). */
  @Bean
  Decisions decisions(@Value("${linkway.decision-timeout:PT10S}") Duration timeout, TailedFeed.Readers readers,
      @Value("${spring.application.name}") String service) {
    Topic<CommandReply> replies = Topics.repliesOf(service);
    return new Decisions(timeout, replies, readers.of(replies));
  }

  /** How the topics a service follows whole (its replies, its live streams' topics) are read. */
  @Bean
  TailedFeed.Readers tailedFeedReaders(KafkaProperties kafka, AvroSerdes serdes,
      @Value("${linkway.kafka.fetch-max-wait-ms:50}") int fetchMaxWaitMs) {
    return new TailedFeed.Readers(kafka.buildConsumerProperties(), serdes, fetchMaxWaitMs);
  }

  /**
   * Makes the consumers a {@link org.linkway.platform.streams.TopicTail} reads a topic with ({@link Decisions}
   * its replies topic, the live streams theirs): the client settings given, with no consumer group (nothing
   * to commit, no rebalance: it takes every partition itself), committed records only, and a fetch that waits
   * at most {@code fetchMaxWaitMs} on the broker, like the stream threads'.
   */
  public static <V extends SpecificRecord> Supplier<Consumer<String, V>> tailReaders(Map<String, Object> client,
      AvroSerdes serdes, Topic<V> topic, int fetchMaxWaitMs) {
    Map<String, Object> config = new HashMap<>(client);
    config.remove(ConsumerConfig.GROUP_ID_CONFIG);
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, fetchMaxWaitMs);
    // a changelog not made yet is Kafka Streams' to make, with its partitions and settings
    config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    // one deserializer, and so one cache of schemas, for every reader: a new reader (a request's) fetches none
    Deserializer<V> values = unclosed(serdes.forTopic(topic).deserializer());
    return () -> new KafkaConsumer<>(config, new StringDeserializer(), values);
  }

  @Bean
  EventPublisher eventPublisher(KafkaTemplate<String, SpecificRecord> eventTemplate) {
    return new EventPublisher(eventTemplate);
  }

  @Bean
  ProblemHandler problemHandler() {
    return new ProblemHandler();
  }

  /** Also the health indicator "streams": DOWN until the stream processor runs. */
  @Bean("streamsHealthIndicator")
  StoreQueries storeQueries(org.springframework.kafka.config.StreamsBuilderFactoryBean streams) {
    return new StoreQueries(streams);
  }

  /** Requests about one key answered by the instance that holds it; each service declares its {@link KeyOwners.KeyedRoutes}. */
  @Bean
  KeyOwners keyOwners(org.springframework.kafka.config.StreamsBuilderFactoryBean streams,
      ObjectProvider<KeyOwners.KeyedRoutes> routes, ObjectProvider<WebClient.Builder> http, MeterRegistry meters) {
    return new KeyOwners(streams, routes.orderedStream().toList(), http.getIfAvailable(WebClient::builder), meters);
  }

  /** A deserializer that a reader closing (each reader closes its own) leaves open for the next. */
  private static <V> Deserializer<V> unclosed(Deserializer<V> shared) {
    return new Deserializer<>() {
      @Override
      public V deserialize(String topic, byte[] data) {
        return shared.deserialize(topic, data);
      }

      @Override
      public V deserialize(String topic, Headers headers, byte[] data) {
        return shared.deserialize(topic, headers, data);
      }
    };
  }
}
