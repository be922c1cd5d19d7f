package org.linkway.referral.lifecycle.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.linkway.events.NeedCode;
import org.linkway.events.ServiceListed;
import org.linkway.events.ServiceStatus;
import org.linkway.platform.kafka.Events;
import org.linkway.platform.kafka.Topics;
import org.linkway.platform.testing.TestStack;
import org.linkway.referral.ReferralServiceApplication;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

@SpringBootTest(classes = ReferralServiceApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
    properties = "spring.config.name=referral-service")
class ReferralLifecycleIT {

  @DynamicPropertySource
  static void stack(DynamicPropertyRegistry registry) {
    TestStack.register(registry);
  }

  @LocalServerPort int port;
  @Autowired KafkaTemplate<String, SpecificRecord> kafka;

  @Test
  void givenAListedService_whenAGpRefers_thenTheReferralIsOfferedToIt() throws Exception {
    // the practice D82044's GP system, with a token from the test issuer the service trusts
    WebTestClient http = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port)
        .defaultHeaders(h -> h.setBearerAuth(TestStack.issuer().gp("D82044")))
        .responseTimeout(Duration.ofSeconds(20)).build();
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
        http.get().uri("/actuator/health").exchange().expectStatus().isOk());

    kafka.send(Topics.PROVIDER_DIRECTORY.name(), "svc-it-1", ServiceListed.newBuilder()
        .setMetadata(Events.metadata("test", null, null))
        .setServiceId("svc-it-1").setProviderId("prov-it").setProviderName("Test Befriending")
        .setServiceName("Befriending").setNeeds(List.of(NeedCode.LONELINESS))
        .setCommissioners(List.of("QMM")).setCapacity(5).setStatus(ServiceStatus.ACTIVE).build()).get();

    Map<?, ?> body = http.post().uri("/referrals").bodyValue(Map.of(
            "patient", Map.of("nhsNumber", "9434765919", "givenName", "Ada", "familyName", "Lovelace",
                "birthDate", "1950-12-10", "postcode", "NR1 3SR"),
            "consent", true, "referrer", Map.of("odsCode", "D82044"), "commissioner", "QMM",
            "needs", List.of("LONELINESS")))
        .exchange().expectStatus().isAccepted().expectBody(Map.class).returnResult().getResponseBody();
    String referralId = (String) body.get("referralId");

    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        http.get().uri("/referrals/{id}", referralId).exchange().expectStatus().isOk()
            .expectBody().jsonPath("$.status").isEqualTo("OFFERED")
            .jsonPath("$.serviceId").isEqualTo("svc-it-1")
            .jsonPath("$.providerId").isEqualTo("prov-it"));
    assertThat(referralId).isNotBlank();
  }
}
