package org.linkway.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;
import org.linkway.events.ServiceLoad;
import org.linkway.platform.testing.TestStack;

/**
 * Every serde a service makes reads and writes through one registry client. Apicurio's serdes each make their own
 * unless given one, and each client holds a JDK HTTP client: a thread and two file descriptors that stay until a full
 * GC finds the client unreachable. A service makes a serde for every topic, store and reader, so it held some two
 * hundred, one more for every request that opened a reader.
 */
class AvroSerdesRegistryClientTest {

  /** The thread each JDK HTTP client runs (its name is the JDK's: {@code HttpClient-<n>-SelectorManager}). */
  private static long httpClientThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(thread -> thread.getName().startsWith("HttpClient-") && thread.getName().endsWith("-SelectorManager"))
        .count();
  }

  @Test
  void givenManySerdesOfOneService_whenEachWritesAndReadsThroughTheRegistry_thenTheyShareOneHttpClient() {
    AvroSerdes serdes = new AvroSerdes(new LinkwayKafkaProperties(TestStack.registry().apiUrl(), null, null, null, 0, null));
    long before = httpClientThreads();

    List<Serde<ServiceLoad>> made = new ArrayList<>(); // held, so that no GC can take a client away mid-count
    for (int i = 0; i < 20; i++) {
      made.add(serdes.forTopic(Topics.SERVICE_LOAD));
      made.add(serdes.forValues(ServiceLoad.class));
    }
    made.add(serdes.selfContained(ServiceLoad.class));
    ServiceLoad load = new ServiceLoad("svc-shared-client", 2, 1, 5, Instant.now().truncatedTo(ChronoUnit.MILLIS));
    for (Serde<ServiceLoad> serde : made) {
      byte[] written = serde.serializer().serialize(Topics.SERVICE_LOAD.name(), load);
      assertThat(serde.deserializer().deserialize(Topics.SERVICE_LOAD.name(), written)).isEqualTo(load);
    }

    assertThat(httpClientThreads() - before).as("HTTP clients made for %d serdes", made.size()).isLessThanOrEqualTo(1);
  }
}
