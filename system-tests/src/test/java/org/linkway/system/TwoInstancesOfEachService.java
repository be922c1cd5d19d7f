package org.linkway.system;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.linkway.platform.testing.TestStack;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Two instances of each service on a broker of their own (so that losing or moving one disturbs no other
 * test), with the first provider listed and a contract that funds its referrals.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class TwoInstancesOfEachService {

  private EmbeddedKafkaKraftBroker broker;
  RunningPlatform platform;

  @BeforeAll
  void twoInstancesOfEachService() {
    broker = TestStack.newBroker();
    platform = new RunningPlatform(broker.getBrokersAsString(), TestStack.registry().apiUrl(), Map.of(), this::serviceArgs)
        .withInstances(2).start();
    JourneyScenario.providerWithTariff(platform, "tariff-" + getClass().getSimpleName());
  }

  /** What each instance of {@code service} is started with beyond the platform's settings: nothing, unless a test says. */
  List<String> serviceArgs(String service) {
    return List.of();
  }

  @AfterAll
  void stop() {
    if (platform != null) platform.stop();
    if (broker != null) broker.destroy();
  }

  /** A GP's referral for loneliness, sent to the instance of referral-service given; its id. */
  static String submit(WebTestClient referralService) {
    Map<String, Object> body = referralService.post().uri("/referrals")
        .bodyValue(JourneyScenario.referralBody(JourneyScenario.COMMISSIONER, List.of("LONELINESS")))
        .exchange().expectStatus().isAccepted().expectBody(new ParameterizedTypeReference<Map<String, Object>>() {})
        .returnResult().getResponseBody();
    return (String) body.get("referralId");
  }
}
