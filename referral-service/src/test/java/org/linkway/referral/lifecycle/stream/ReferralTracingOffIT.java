package org.linkway.referral.lifecycle.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.linkway.platform.kafka.Topics;
import org.linkway.platform.observability.Traceparent;
import org.linkway.platform.testing.TestStack;
import org.linkway.referral.PracticeClients;
import org.linkway.referral.ReferralServiceApplication;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * referral-service with {@code linkway.tracing.enabled=false} on the embedded broker: no tracer, yet a GP's referral is
 * taken over HTTP and decided by the stream as ever (unplaced: no service for its commissioner), and neither the answer
 * nor the referral's events carry a trace, whether the GP's request brought one or not (with tracing on,
 * {@code ObservabilityIT} follows a referral by its trace; a trace a record brings to a stream processor is kept on
 * what it writes: {@code ReferralTracingSwitchTest}).
 */
@SpringBootTest(classes = ReferralServiceApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
    properties = {"spring.config.name=referral-service", "linkway.tracing.enabled=false"})
class ReferralTracingOffIT {

  private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

  @DynamicPropertySource
  static void stack(DynamicPropertyRegistry registry) {
    TestStack.register(registry);
  }

  @LocalServerPort int port;
  @Autowired ApplicationContext context;

  @Test
  void givenTracingOff_whenTheServiceRuns_thenItHasNoTracer() {
    assertThat(context.getBeanNamesForType(io.micrometer.tracing.handler.TracingObservationHandler.class)).isEmpty();
    context.getBeanProvider(io.micrometer.tracing.Tracer.class)
        .ifAvailable(tracer -> assertThat(tracer).isSameAs(io.micrometer.tracing.Tracer.NOOP));
  }

  @Test
  void givenTracingOff_whenTheServiceRuns_thenLogLinesAreStillNotCountedByLevel() {
    // the exclusion on the application class is added to the tracing switch's own, not replaced by it
    assertThat(context.getBeanNamesForType(io.micrometer.core.instrument.binder.logging.LogbackMetrics.class)).isEmpty();
  }

  @Test
  void givenTracingOff_whenAGpRefersWithoutATrace_thenTheReferralIsDecidedAndItsEventsCarryNoTrace() {
    WebTestClient http = PracticeClients.practice(port);

    String referralId = refer(http, null);

    List<ConsumerRecord<String, byte[]>> events = awaitUnplaced(http, referralId);
    assertThat(events).allSatisfy(event -> assertThat(event.headers().lastHeader(Traceparent.HEADER)).isNull());
  }

  /** Off, a request's trace goes no further than the request: no tracer reads it, so its events and its answer carry none. */
  @Test
  void givenTracingOff_whenAGpRefersWithATrace_thenNeitherTheAnswerNorTheEventsCarryATrace() {
    WebTestClient http = PracticeClients.practice(port);

    String referralId = refer(http, TRACEPARENT);

    List<ConsumerRecord<String, byte[]>> events = awaitUnplaced(http, referralId);
    assertThat(events).allSatisfy(event -> assertThat(event.headers().lastHeader(Traceparent.HEADER)).isNull());
  }

  /** The GP refers to QRV, whose directory has no service; the referral's id. */
  private static String refer(WebTestClient http, String traceparent) {
    Map<?, ?> body = http.post().uri("/referrals")
        .headers(headers -> {
          if (traceparent != null) headers.set(Traceparent.HEADER, traceparent);
        })
        .bodyValue(Map.of(
            "patient", Map.of("nhsNumber", "9434765919", "givenName", "Ada", "familyName", "Lovelace",
                "birthDate", "1950-12-10", "postcode", "NR1 3SR"),
            "consent", true, "referrer", Map.of("odsCode", "D82044"), "commissioner", "QRV",
            "needs", List.of("LONELINESS")))
        .exchange().expectStatus().isAccepted()
        .expectHeader().doesNotExist(Traceparent.HEADER)
        .expectBody(Map.class).returnResult().getResponseBody();
    return (String) body.get("referralId");
  }

  /** Once the referral is read as unplaced, its events on {@code referrals} (submitted, unplaced). */
  private static List<ConsumerRecord<String, byte[]>> awaitUnplaced(WebTestClient http, String referralId) {
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> http.get().uri("/referrals/{id}", referralId).exchange()
        .expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("UNPLACED"));
    List<ConsumerRecord<String, byte[]>> events = new ArrayList<>();
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      events.clear();
      events.addAll(eventsOf(referralId));
      assertThat(events).hasSizeGreaterThanOrEqualTo(2);
    });
    return events;
  }

  /** The committed records on {@code referrals} keyed by the referral, read whole from the broker. */
  private static List<ConsumerRecord<String, byte[]>> eventsOf(String referralId) {
    String topic = Topics.REFERRALS.name();
    Properties config = new Properties();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestStack.bootstrapServers());
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          if (referralId.equals(record.key())) records.add(record);
        }
      }
    }
    return records;
  }
}
