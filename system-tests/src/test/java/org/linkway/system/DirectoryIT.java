package org.linkway.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.linkway.platform.kafka.Topics;
import org.springframework.core.ParameterizedTypeReference;

/**
 * The directory drives routing: services imported from an Open Referral UK (HSDS 3.0) file are
 * offered referrals; a service for other ages or with intake paused is passed over; a bad file is
 * refused whole. Commissioner QXV is used only here.
 */
@SuppressWarnings("unchecked")
class DirectoryIT {

  static final ParameterizedTypeReference<Map<String, Object>> MAP = new ParameterizedTypeReference<>() {};

  static final String HSDS = """
      {"linkway": {"commissioners": ["QXV"]},
       "organizations": [
         {"id": "dir-it-young-carers", "name": "Young Carers Network"},
         {"id": "dir-it-knit-and-natter", "name": "Knit and Natter, Aylsham"},
         {"id": "dir-it-garden-club", "name": "Aylsham Community Garden"}],
       "services": [
         {"id": "dir-it-a-young-carers", "organization_id": "dir-it-young-carers", "name": "Young carers' group",
          "status": "active", "maximum_age": 25, "linkway": {"capacity": 10}},
         {"id": "dir-it-b-knitting", "organization_id": "dir-it-knit-and-natter", "name": "Knit and natter",
          "status": "active", "linkway": {"capacity": 2}},
         {"id": "dir-it-c-garden", "organization_id": "dir-it-garden-club", "name": "Garden mornings",
          "status": "active", "linkway": {"capacity": 6}}],
       "service_areas": [
         {"id": "area-1", "service_id": "dir-it-a-young-carers", "extent_type": "text", "extent": "NR1, NR11"},
         {"id": "area-2", "service_id": "dir-it-b-knitting", "extent_type": "text", "extent": "NR1, NR11"},
         {"id": "area-3", "service_id": "dir-it-c-garden", "extent_type": "text", "extent": "NR1, NR11"}],
       "taxonomy_terms": [
         {"id": "t-lonely", "code": "esdNeed:loneliness"},
         {"id": "t-bees", "code": "esdNeed:bee-keeping"}],
       "attributes": [
         {"link_id": "dir-it-a-young-carers", "taxonomy_term_id": "t-lonely"},
         {"link_id": "dir-it-b-knitting", "taxonomy_term_id": "t-lonely"},
         {"link_id": "dir-it-c-garden", "taxonomy_term_id": "t-lonely"},
         {"link_id": "dir-it-c-garden", "taxonomy_term_id": "t-bees"}]}
      """;

  @Test
  void givenAnImportedDirectory_whenPeopleAreReferred_thenOnlyServicesForTheirAgeThatTakeReferralsAreOfferedThem() {
    RunningPlatform platform = EmbeddedPlatform.get();
    // a file with one bad element is refused whole, the element named, and nothing of it is written
    long listingsBefore = platform.endOffsets(Topics.PROVIDER_DIRECTORY);
    platform.providerService().post().uri("/providers/import").header("content-type", "application/json")
        .bodyValue(HSDS.replace("\"status\": \"active\", \"linkway\": {\"capacity\": 6}",
            "\"status\": \"gone fishing\", \"linkway\": {\"capacity\": 6}"))
        .exchange().expectStatus().isBadRequest()
        .expectBody().jsonPath("$.errors[*].field").value(f -> assertThat((List<Object>) f).contains("services[2].status"));
    assertThat(platform.endOffsets(Topics.PROVIDER_DIRECTORY)).isEqualTo(listingsBefore);
    platform.providerService().post().uri("/providers/import").header("content-type", "application/json").bodyValue(HSDS)
        .exchange().expectStatus().isOk();
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> platform.providerService().get().uri("/providers")
        .exchange().expectBody()
        .jsonPath("$[?(@.providerId == 'dir-it-garden-club')].services[0].taxonomy[*]").value(t ->
            assertThat(t.toString()).contains("esdNeed:bee-keeping")));

    // the person is 75: the young carers' group (up to 25) is passed over, then the least loaded of the others
    String first = JourneyScenario.refer(platform, "QXV", List.of("LONELINESS"));
    Map<String, Object> offered = awaitOffered(platform, first);
    assertThat(offered.get("serviceId")).isIn("dir-it-b-knitting", "dir-it-c-garden");
    List<Map<String, Object>> history = (List<Map<String, Object>>) offered.get("history");
    assertThat((String) history.get(history.size() - 1).get("detail")).contains("meets [LONELINESS]").contains("load 0 of");

    // pause the garden's intake: the next referral can only go to the knitting group
    platform.providerService().post().uri("/providers/dir-it-garden-club/services/dir-it-c-garden/pause").exchange()
        .expectStatus().isOk().expectBody().jsonPath("$.intakePaused").isEqualTo(true);
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      String next = JourneyScenario.refer(platform, "QXV", List.of("LONELINESS"));
      assertThat(awaitOffered(platform, next).get("serviceId")).isEqualTo("dir-it-b-knitting");
    });
    platform.providerService().post().uri("/providers/dir-it-garden-club/services/dir-it-c-garden/resume").exchange()
        .expectStatus().isOk().expectBody().jsonPath("$.intakePaused").isEqualTo(false);
  }

  private static Map<String, Object> awaitOffered(RunningPlatform platform, String referralId) {
    return await().atMost(Duration.ofSeconds(30)).until(() -> platform.referralService().get()
            .uri("/referrals/{id}", referralId).exchange().expectBody(MAP).returnResult().getResponseBody(),
        r -> r != null && "OFFERED".equals(r.get("status")));
  }
}
