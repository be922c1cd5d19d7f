package org.linkway.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.linkway.platform.streams.CommandReadiness;
import org.linkway.platform.streams.StoreQueries;
import org.linkway.platform.testing.TestStack;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Readiness on the embedded broker: provider-service says ready ({@code /actuator/health/readiness}) only once it can
 * decide commands, a probe answered through each command partition it owns ({@link CommandReadiness}), not as soon as
 * its stream processor runs; alive ({@code /actuator/health/liveness}) all the while; and a command sent the moment it
 * says ready is decided at once, not told 503. A health call here does not wait for the probes
 * ({@code linkway.readiness.wait=PT0S}), so that the time between "streams running" and "commands answered" is seen.
 */
@SpringBootTest(classes = ProviderServiceApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
    properties = {"spring.config.name=provider-service", "linkway.readiness.wait=PT0S"})
class CommandReadinessIT {

  @DynamicPropertySource
  static void stack(DynamicPropertyRegistry registry) {
    TestStack.register(registry);
  }

  @LocalServerPort int port;
  @Autowired CommandReadiness commands;
  @Autowired StoreQueries streams;

  @Test
  void givenAServiceStarting_whenItSaysReady_thenItHadSaidNotReadyWhileItsStreamsRanAndACommandSentAtOnceIsDecided() {
    WebTestClient http = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port)
        .responseTimeout(Duration.ofSeconds(30)).build();
    List<String> notReadyWhileRunning = new ArrayList<>();
    long started = System.nanoTime();
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(20)).until(() -> {
      boolean streamsRunning = streams.health().getStatus().equals(Status.UP);
      Health ours = commands.health();
      int ready = http.get().uri("/actuator/health/readiness").exchange().returnResult(String.class).getStatus().value();
      if (ready != 200 && streamsRunning) {
        notReadyWhileRunning.add(String.valueOf(ours.getDetails()));
        // busy getting ready, but alive: a liveness probe must not restart it
        http.get().uri("/actuator/health/liveness").exchange().expectStatus().isOk();
      }
      return ready == 200;
    });
    System.out.printf("ready %.1f s after the test began; not ready while streams ran: %d polls, first %s%n",
        (System.nanoTime() - started) / 1e9, notReadyWhileRunning.size(),
        notReadyWhileRunning.isEmpty() ? "-" : notReadyWhileRunning.get(0));

    // sent the moment it said ready, once, not again after a 503: decided within the reply timeout
    String providerId = "ready-" + UUID.randomUUID().toString().substring(0, 8);
    http.post().uri("/providers").headers(h -> h.setBearerAuth(TestStack.issuer().admin()))
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue("{\"providerId\":\"" + providerId + "\",\"name\":\"Ready walks\",\"services\":[{\"serviceId\":\""
            + providerId + "-walks\",\"name\":\"Walks\",\"needs\":[\"LONELINESS\"],\"commissioners\":[\"QRV\"],"
            + "\"capacity\":10,\"status\":\"ACTIVE\"}]}")
        .exchange().expectStatus().is2xxSuccessful();

    // the stream processor ran before the commands could be decided: readiness said no meanwhile, probing them
    assertThat(notReadyWhileRunning).isNotEmpty().anySatisfy(details -> assertThat(details).contains("probing"));
    assertThat(commands.health().getStatus()).isEqualTo(Status.UP);
    assertThat(commands.health().getDetails()).containsKey("commandPartitions");
  }
}
