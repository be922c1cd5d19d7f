package org.linkway.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;
import org.linkway.events.ReferralEvent;

/**
 * A record whose schema the registry could not be asked for is told from a bad record by what the real registry client
 * threw: a connection refused, or the registry's 5xx, is an outage; the registry saying it has no such schema (404) is
 * not. Reading through an outage tries again and then gives up with a {@link RegistryOutage}; any other failure is
 * thrown at once.
 */
class RegistryOutageTest {

  /** A record in the wire format whose schema (id 7) the registry has to be asked for. */
  private static final byte[] RECORD = {0, 0, 0, 0, 7, 2, 4, 6};

  @Test
  void givenNoRegistryListening_whenARecordIsRead_thenTheFailureIsAnOutage() throws IOException {
    int port;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    }
    RuntimeException failure = readFailure("http://127.0.0.1:" + port + "/apis/registry/v3");
    assertThat(RegistryOutage.isOutage(failure)).as("%s", failure).isTrue();
  }

  @Test
  void givenTheRegistryAnswering500_whenARecordIsRead_thenTheFailureIsAnOutage() throws IOException {
    assertThat(RegistryOutage.isOutage(readFailureAnswered(500))).isTrue();
    assertThat(RegistryOutage.isOutage(readFailureAnswered(503))).isTrue();
  }

  @Test
  void givenTheRegistryKnowingNoSuchSchema_whenARecordIsRead_thenTheFailureIsNotAnOutage() throws IOException {
    RuntimeException failure = readFailureAnswered(404);
    assertThat(RegistryOutage.isOutage(failure)).as("%s", failure).isFalse();
  }

  @Test
  void givenBytesThatAreNotAvro_thenTheFailureIsNotAnOutage() {
    assertThat(RegistryOutage.isOutage(new SerializationException("no value could be read",
        new java.io.EOFException()))).isFalse();
    assertThat(RegistryOutage.isOutage(new org.apache.avro.AvroRuntimeException("Malformed data. Length is negative: -3")))
        .isFalse();
  }

  @Test
  void givenAnOutageThatEnds_whenReadThrough_thenTheRecordIsReadAfterThePauses() {
    RuntimeException outage = new RuntimeException(new java.net.ConnectException("refused"));
    AtomicInteger tries = new AtomicInteger();
    List<Duration> pauses = new ArrayList<>();
    String read = RegistryOutage.readThrough("referrals", () -> {
      if (tries.incrementAndGet() <= 2) throw outage;
      return "the record";
    }, Duration.ofSeconds(60), pauses::add);
    assertThat(read).isEqualTo("the record");
    assertThat(pauses).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
  }

  @Test
  void givenAnOutageThatLasts_whenReadThrough_thenItGivesUpWithARegistryOutageAfterTheBound() {
    RuntimeException outage = new RuntimeException(new java.net.ConnectException("refused"));
    List<Duration> pauses = new ArrayList<>();
    assertThatThrownBy(() -> RegistryOutage.readThrough("referrals", () -> {
      throw outage;
    }, Duration.ofSeconds(20), pauses::add))
        .isInstanceOf(RegistryOutage.class).hasMessageContaining("referrals").hasCause(outage);
    assertThat(pauses).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4),
        Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(5));
    assertThat(RegistryOutage.isOutage(new RuntimeException(new RegistryOutage("referrals", Duration.ZERO, outage))))
        .isTrue();
  }

  @Test
  void givenAFailureThatIsNotAnOutage_whenReadThrough_thenItIsThrownAtOnce() {
    SerializationException bad = new SerializationException("a tombstone on referrals, which is not a table");
    List<Duration> pauses = new ArrayList<>();
    assertThatThrownBy(() -> RegistryOutage.readThrough("referrals", () -> {
      throw bad;
    }, Duration.ofSeconds(60), pauses::add)).isSameAs(bad);
    assertThat(pauses).isEmpty();
  }

  /** What the real registry client throws reading {@link #RECORD} through a registry that answers every call {@code status}. */
  private static RuntimeException readFailureAnswered(int status) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      byte[] body = ("{\"status\":" + status + ",\"title\":\"answered " + status + "\"}").getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/problem+json");
      exchange.sendResponseHeaders(status, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    try {
      return readFailure("http://127.0.0.1:" + server.getAddress().getPort() + "/apis/registry/v3");
    } finally {
      server.stop(0);
    }
  }

  /** The real deserializer (not the topic's, which would wait the outage out) reading {@link #RECORD}; what it threw. */
  private static RuntimeException readFailure(String registryUrl) {
    AvroSerdes serdes = new AvroSerdes(new LinkwayKafkaProperties(registryUrl, null, null, null, 0, null));
    try {
      serdes.forValues(ReferralEvent.class).deserializer().deserialize(Topics.REFERRALS.name(), RECORD);
    } catch (RuntimeException e) {
      return e;
    }
    throw new AssertionError("a record was read with no registry to ask");
  }
}
