package org.linkway.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.LocalDate;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.linkway.events.Patient;
import org.linkway.platform.testing.TestStack;
import org.linkway.platform.web.ProblemHandler;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.MediaType;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * Issue 13 point 11: when the broker does not take an event, the caller's 503 says so in general
 * words, never the broker's (which name topics, hosts and settings); the broker's words go to the
 * log, without the event's content (Spring Kafka's own listener would log the start of the value:
 * the template is the services' own). The broker is the real embedded one; the event is written
 * to a topic it does not have, as a misconfigured or half-created platform would.
 */
@ExtendWith(OutputCaptureExtension.class)
class EventPublisherTest {

  private static final Topic<Patient> MISSING =
      new Topic<>("linkway-no-such-topic", Patient.class, 1, "test", false);
  private static final Patient GRACE =
      new Patient("9434765919", "Grace", "Hopper", LocalDate.of(1946, 12, 9), "NR2 4AB", null, null);

  private static DefaultKafkaProducerFactory<String, SpecificRecord> producers;
  private static WebTestClient http;

  @RestController
  static class Writes {
    private final EventPublisher publisher;

    Writes(EventPublisher publisher) {
      this.publisher = publisher;
    }

    @PostMapping("/write")
    Mono<Void> write() {
      return publisher.publish(MISSING, "referral-1", GRACE);
    }
  }

  @BeforeAll
  static void publisherOnTheBroker() {
    // the bytes do not matter: the record never gets past the missing topic
    Serializer<SpecificRecord> anyBytes = (topic, value) -> new byte[] {0};
    producers = new DefaultKafkaProducerFactory<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestStack.bootstrapServers(),
        ProducerConfig.MAX_BLOCK_MS_CONFIG, 1500), new StringSerializer(), anyBytes);
    http = WebTestClient.bindToController(new Writes(new EventPublisher(KafkaPlatformConfiguration.eventTemplateOn(producers))))
        .controllerAdvice(new ProblemHandler())
        .configureClient().responseTimeout(Duration.ofSeconds(30))
        .build();
  }

  @AfterAll
  static void close() {
    producers.destroy();
  }

  @Test
  void givenTheBrokerDoesNotTakeTheEvent_whenWritten_thenA503InGeneralWordsAndTheBrokersWordsOnlyInTheLog(
      CapturedOutput log) {
    String body = http.post().uri("/write").exchange()
        .expectStatus().isEqualTo(503)
        .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody(String.class).returnResult().getResponseBody();

    assertThat(body).contains(EventPublisher.NOT_WRITTEN)
        .doesNotContain("linkway-no-such-topic", "metadata", "Timeout", "1500 ms", "Exception", "kafka", "9092");
    // the operator still learns what the broker said, but not who the event was about
    assertThat(log.getOut()).contains("an event was not written to linkway-no-such-topic",
        "org.apache.kafka.common.errors.TimeoutException", "not present in metadata");
    assertThat(log.getOut()).doesNotContain("9434765919", "Hopper", "NR2 4AB");
  }

  @Test
  void givenASerialisationErrorQuotingTheValue_whenLogged_thenOnlyItsTypeIsWritten() {
    var quoting = new org.springframework.kafka.KafkaException("Failed to send",
        new SerializationException("Error serializing value 9434765919 for field nhsNumber"));

    assertThat(EventPublisher.whyNotWritten(quoting))
        .isEqualTo("org.springframework.kafka.KafkaException: Failed to send"
            + " <- org.apache.kafka.common.errors.SerializationException");
  }
}
