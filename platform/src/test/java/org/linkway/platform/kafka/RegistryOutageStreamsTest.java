package org.linkway.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.kstream.Consumed;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkway.events.PersonKey;
import org.linkway.platform.testing.RegistryProcess;
import org.linkway.platform.testing.TestStack;
import org.springframework.kafka.listener.ConsumerRecordRecoverer;
import org.springframework.kafka.streams.RecoveringDeserializationExceptionHandler;

/**
 * On a real broker and the real registry, behind a door that can answer 503 for it: a Kafka Streams application, set
 * up as the services are (exactly once, unreadable records to the recoverer, a failed thread replaced), starts while
 * the registry is away. Its record is not dead-lettered: the thread waits, gives up, is replaced, and reads the record
 * once the registry is back.
 */
class RegistryOutageStreamsTest {

  @TempDir
  Path stateDir;

  private final Topic<PersonKey> topic = new Topic<>("registry-outage-" + UUID.randomUUID(), PersonKey.class, 1,
      Topics.REFERRAL_SERVICE, false);
  private final AtomicBoolean away = new AtomicBoolean();
  private HttpServer door;
  private KafkaStreams streams;

  @AfterEach
  void stop() {
    if (streams != null) streams.close(Duration.ofSeconds(10));
    if (door != null) door.stop(0);
  }

  @Test
  void givenTheRegistryAwayWhenARecordIsRead_thenTheThreadIsReplacedAndTheRecordReadOnceItIsBack_andNothingDeadLettered()
      throws Exception {
    String bootstrap = TestStack.bootstrapServers();
    TestStack.admin().createTopics(List.of(new NewTopic(topic.name(), 1, (short) 1))).all().get();
    RegistryProcess registry = TestStack.registry();
    write(bootstrap, new AvroSerdes(new LinkwayKafkaProperties(registry.apiUrl(), null, null, null, 0, null)));

    door = door(registry.baseUrl());
    String throughDoor = "http://127.0.0.1:" + door.getAddress().getPort()
        + URI.create(registry.apiUrl()).getPath();
    AvroSerdes serdes = new AvroSerdes(new LinkwayKafkaProperties(throughDoor, null, null, null, 0, null));
    List<String> read = new CopyOnWriteArrayList<>();
    List<ConsumerRecord<?, ?>> deadLettered = new CopyOnWriteArrayList<>();
    AtomicInteger threadsFailed = new AtomicInteger();
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream(topic.name(), Consumed.with(Serdes.String(), serdes.forTopic(topic, Duration.ofSeconds(2))))
        .foreach((key, value) -> read.add(value.getPersonId()));

    away.set(true);
    streams = new KafkaStreams(builder.build(), config(bootstrap, (record, e) -> deadLettered.add(record)));
    streams.setUncaughtExceptionHandler(failure -> {
      threadsFailed.incrementAndGet();
      return StreamThreadExceptionResponse.REPLACE_THREAD;
    });
    streams.start();
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(threadsFailed).hasPositiveValue());
    assertThat(read).as("read while the registry is away").isEmpty();

    away.set(false);
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(read).containsExactly("person-1"));
    assertThat(deadLettered).as("records dead-lettered").isEmpty();
  }

  /** The services' settings that matter here: exactly once, and the recoverer behind the deserialization handler. */
  private Properties config(String bootstrap, ConsumerRecordRecoverer recoverer) {
    Properties config = new Properties();
    config.put(StreamsConfig.APPLICATION_ID_CONFIG, "registry-outage-" + UUID.randomUUID());
    config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    config.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, RecoverUnlessRegistryAway.class);
    config.put(RecoveringDeserializationExceptionHandler.KSTREAM_DESERIALIZATION_RECOVERER, recoverer);
    return config;
  }

  /** A door in front of the registry: every call passed through, or answered 503 while {@link #away}. */
  private HttpServer door(String registryBaseUrl) throws Exception {
    HttpClient client = HttpClient.newHttpClient();
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      try (exchange) {
        if (away.get()) {
          exchange.sendResponseHeaders(503, -1);
          return;
        }
        HttpRequest.Builder forward = HttpRequest.newBuilder(URI.create(registryBaseUrl + exchange.getRequestURI()))
            .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(exchange.getRequestBody().readAllBytes()));
        exchange.getRequestHeaders().forEach((name, values) -> {
          if (!List.of("host", "content-length", "connection").contains(name.toLowerCase())) {
            values.forEach(v -> forward.header(name, v));
          }
        });
        HttpResponse<byte[]> answer = client.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
        answer.headers().firstValue("Content-Type").ifPresent(type -> exchange.getResponseHeaders().add("Content-Type", type));
        exchange.sendResponseHeaders(answer.statusCode(), answer.body().length == 0 ? -1 : answer.body().length);
        exchange.getResponseBody().write(answer.body());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    server.start();
    return server;
  }

  /** One record, written with the registry in reach (its schema registered). */
  private void write(String bootstrap, AvroSerdes serdes) throws Exception {
    Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all");
    PersonKey key = new PersonKey("person-1", "k", ByteBuffer.allocate(12), ByteBuffer.allocate(48),
        Instant.now().truncatedTo(ChronoUnit.MILLIS));
    try (KafkaProducer<String, PersonKey> producer = new KafkaProducer<>(config, new StringSerializer(),
        serdes.forTopic(topic).serializer())) {
      producer.send(new ProducerRecord<>(topic.name(), "person-1", key)).get();
    }
  }
}
