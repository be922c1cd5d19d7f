package org.linkway.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.linkway.events.NeedCode;
import org.linkway.platform.testing.TestStack;
import org.springframework.core.ParameterizedTypeReference;

/**
 * Which ICBs' referrals a service may get is each commissioner's decision, never the provider's:
 * a provider that lists a service for every need, everywhere, with a million places, naming an ICB
 * that never listed it, is refused, and its self-listed service gets none of that ICB's referrals
 * until the ICB lists it. Commissioners QSL and QSR are used only here.
 */
class ServiceCommissionersIT {

  static final ParameterizedTypeReference<Map<String, Object>> MAP = new ParameterizedTypeReference<>() {};

  static final String ICB = "QSL";
  static final String OTHER_ICB = "QSR";
  static final String HONEST = "self-listing-honest";
  static final String ROGUE = "self-listing-rogue";
  static final String GRAB = ROGUE + "-everything";
  static final List<String> EVERY_NEED =
      Arrays.stream(NeedCode.values()).filter(n -> n != NeedCode.UNKNOWN).map(Enum::name).toList();

  @Test
  void givenAProviderThatListsAServiceForAnIcbThatNeverListedIt_whenThatIcbRefers_thenTheServiceGetsNoneUntilTheIcbListsIt() {
    RunningPlatform platform = EmbeddedPlatform.get();
    // the admin registers both providers on their commissioners' behalf: the honest one for QSL, the rogue for QSR
    for (String provider : List.of(HONEST, ROGUE)) {
      platform.providerService().post().uri("/providers").bodyValue(Map.of("providerId", provider, "name", provider,
              "services", List.of(Map.of("serviceId", provider + "-group", "name", "Group", "needs", List.of("LONELINESS"),
                  "commissioners", List.of(provider.equals(HONEST) ? ICB : OTHER_ICB), "capacity", 5))))
          .exchange().expectStatus().isCreated();
    }
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> platform.providerService().get().uri("/providers")
        .exchange().expectBody().jsonPath("$[?(@.providerId == '" + ROGUE + "')]").exists());

    // the attack: a service naming QSL, for every need, no area, a million places; refused, naming the field
    String rogueToken = TestStack.issuer().provider(ROGUE);
    Map<String, Object> grab = Map.of("name", "Everything for everyone", "needs", EVERY_NEED,
        "commissioners", List.of(ICB), "capacity", 1_000_000);
    platform.providerService().put().uri("/providers/{p}/services/{s}", ROGUE, GRAB)
        .header("Authorization", "Bearer " + rogueToken).bodyValue(grab)
        .exchange().expectStatus().isForbidden()
        .expectHeader().contentType("application/problem+json")
        .expectBody().jsonPath("$.errors[0].field").isEqualTo("commissioners")
        .jsonPath("$.detail").value(d -> assertThat((String) d).contains(ICB));
    // nor may it list itself for QSL through the commissioners' own endpoint
    platform.providerService().put().uri("/providers/{p}/services/{s}/commissioners/{icb}", ROGUE, ROGUE + "-group", ICB)
        .header("Authorization", "Bearer " + rogueToken)
        .exchange().expectStatus().isForbidden().expectHeader().contentType("application/problem+json");
    // it may describe its service all the same: listed, but for no commissioner
    Map<String, Object> described = new HashMap<>(grab);
    described.remove("commissioners");
    platform.providerService().put().uri("/providers/{p}/services/{s}", ROGUE, GRAB)
        .header("Authorization", "Bearer " + rogueToken).bodyValue(described)
        .exchange().expectStatus().isOk()
        .expectBody().jsonPath("$.commissioners").isEmpty().jsonPath("$.capacity").isEqualTo(1_000_000);
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> platform.providerService().get().uri("/providers")
        .exchange().expectBody().jsonPath("$[?(@.providerId == '" + ROGUE + "')].services[?(@.serviceId == '" + GRAB + "')]")
        .exists());

    // QSL's referrals: every one goes to the honest service, though the self-listed one is emptier and meets more needs
    for (int i = 0; i < 3; i++) {
      String referralId = JourneyScenario.refer(platform, ICB, List.of("LONELINESS", "NATURE"));
      JourneyScenario.awaitReferral(platform, referralId, "OFFERED", HONEST);
    }
    platform.providerService().get().uri("/providers/{p}/referrals", ROGUE).exchange().expectStatus().isOk()
        .expectBody().jsonPath("$").isEmpty();

    // QSL itself lists the service: from then on routing may offer it QSL's referrals
    platform.providerService().put().uri("/providers/{p}/services/{s}/commissioners/{icb}", ROGUE, GRAB, ICB)
        .header("Authorization", "Bearer " + TestStack.issuer().commissioner(OTHER_ICB))
        .exchange().expectStatus().isForbidden();
    platform.providerService().put().uri("/providers/{p}/services/{s}/commissioners/{icb}", ROGUE, GRAB, ICB)
        .header("Authorization", "Bearer " + TestStack.issuer().commissioner(ICB))
        .exchange().expectStatus().isOk().expectBody().jsonPath("$.commissioners[0]").isEqualTo(ICB);
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      String next = JourneyScenario.refer(platform, ICB, List.of("LONELINESS", "NATURE"));
      Map<String, Object> offered = await().atMost(Duration.ofSeconds(30)).until(() -> platform.referralService().get()
              .uri("/referrals/{id}", next).exchange().expectBody(MAP).returnResult().getResponseBody(),
          r -> r != null && "OFFERED".equals(r.get("status")));
      assertThat(offered.get("serviceId")).isEqualTo(GRAB);
    });

    // the provider's next change of its description keeps QSL's listing; QSL unlisting it ends it
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> platform.providerService().get().uri("/providers")
        .exchange().expectBody().jsonPath("$[?(@.providerId == '" + ROGUE + "')].services[?(@.serviceId == '" + GRAB
            + "')].commissioners[0]").value(c -> assertThat(c.toString()).contains(ICB)));
    platform.providerService().put().uri("/providers/{p}/services/{s}", ROGUE, GRAB)
        .header("Authorization", "Bearer " + rogueToken).bodyValue(described)
        .exchange().expectStatus().isOk().expectBody().jsonPath("$.commissioners[0]").isEqualTo(ICB);
    platform.providerService().delete().uri("/providers/{p}/services/{s}/commissioners/{icb}", ROGUE, GRAB, ICB)
        .header("Authorization", "Bearer " + TestStack.issuer().commissioner(ICB))
        .exchange().expectStatus().isOk().expectBody().jsonPath("$.commissioners").isEmpty();
  }

}
