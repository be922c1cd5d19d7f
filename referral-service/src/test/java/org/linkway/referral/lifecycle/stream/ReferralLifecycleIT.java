package org.linkway.referral.lifecycle.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
import org.linkway.referral.PracticeClients;
import org.linkway.referral.ReferralServiceApplication;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
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
    WebTestClient http = PracticeClients.practice(port);
    list("svc-it-1", "prov-it", "Test Befriending", "Befriending", NeedCode.LONELINESS);

    String referralId = refer(http, NeedCode.LONELINESS);

    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        http.get().uri("/referrals/{id}", referralId).exchange().expectStatus().isOk()
            .expectBody().jsonPath("$.status").isEqualTo("OFFERED")
            .jsonPath("$.serviceId").isEqualTo("svc-it-1")
            .jsonPath("$.providerId").isEqualTo("prov-it"));
    assertThat(referralId).isNotBlank();
  }

  /**
   * A practice's stream resumed from a moment (an id with no position: an older client's, or one made up): the
   * practice's referrals changed after it come first, as they are now, read from its referrals by last change.
   */
  @Test
  void givenThreeReferralsOffered_whenThePracticesStreamResumesFromAMomentWithNoPosition_thenThoseChangedAfterItComeFirst()
      throws Exception {
    WebTestClient http = PracticeClients.practice(port);
    list("svc-it-2", "prov-it-2", "Test Gardening", "Gardening", NeedCode.NATURE);

    String before = "start@" + Instant.now().minusMillis(1).toEpochMilli();
    List<String> referrals = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String referralId = refer(http, NeedCode.NATURE);
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> http.get().uri("/referrals/{id}", referralId).exchange()
          .expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("OFFERED"));
      referrals.add(referralId);
    }

    // the practice's lists follow the referrals a commit behind: once they have caught up, all three as offered
    List<List<ServerSentEvent<Map<String, Object>>>> read = new ArrayList<>();
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      List<ServerSentEvent<Map<String, Object>>> events = resumed(http, before, referrals, 3);
      read.add(0, events);
      assertThat(events).extracting(e -> e.data().get("referralId")).containsExactlyElementsOf(referrals);
      assertThat(events).allSatisfy(e -> {
        assertThat(e.data().get("status")).isEqualTo("OFFERED");
        assertThat(e.id()).as("read from the list: no position").doesNotContain("~");
      });
    });
    List<ServerSentEvent<Map<String, Object>>> fromBefore = read.get(0);

    // from the first one's last change: the two changed after it alone
    List<ServerSentEvent<Map<String, Object>>> fromFirst = resumed(http, fromBefore.get(0).id(), referrals, 2);
    assertThat(fromFirst).extracting(e -> e.data().get("referralId")).containsExactlyElementsOf(referrals.subList(1, 3));
  }


  /** A service of QMM's for {@code need}, listed in the directory as provider-service would. */
  private void list(String serviceId, String providerId, String providerName, String name, NeedCode need) throws Exception {
    kafka.send(Topics.PROVIDER_DIRECTORY.name(), serviceId, ServiceListed.newBuilder()
        .setMetadata(Events.metadata("test", null, null))
        .setServiceId(serviceId).setProviderId(providerId).setProviderName(providerName)
        .setServiceName(name).setNeeds(List.of(need))
        .setCommissioners(List.of("QMM")).setCapacity(5).setStatus(ServiceStatus.ACTIVE).build()).get();
  }

  /** The practice refers Ada Lovelace to QMM for {@code need}; the referral's id. */
  private static String refer(WebTestClient http, NeedCode need) {
    Map<?, ?> body = http.post().uri("/referrals").bodyValue(Map.of(
            "patient", Map.of("nhsNumber", "9434765919", "givenName", "Ada", "familyName", "Lovelace",
                "birthDate", "1950-12-10", "postcode", "NR1 3SR"),
            "consent", true, "referrer", Map.of("odsCode", "D82044"), "commissioner", "QMM",
            "needs", List.of(need.name())))
        .exchange().expectStatus().isAccepted().expectBody(Map.class).returnResult().getResponseBody();
    return (String) body.get("referralId");
  }

  /** The first {@code count} events about {@code referrals} that the practice's stream sends, resumed from {@code lastEventId}. */
  private static List<ServerSentEvent<Map<String, Object>>> resumed(WebTestClient http, String lastEventId,
      List<String> referrals, int count) {
    return http.get().uri("/referrers/{ods}/referrals/stream", "D82044").header("Last-Event-ID", lastEventId)
        .accept(MediaType.TEXT_EVENT_STREAM).exchange().expectStatus().isOk()
        .returnResult(new ParameterizedTypeReference<ServerSentEvent<Map<String, Object>>>() {}).getResponseBody()
        .filter(e -> e.data() != null && referrals.contains(e.data().get("referralId")))
        .take(count).collectList().block(Duration.ofSeconds(30));
  }
}
