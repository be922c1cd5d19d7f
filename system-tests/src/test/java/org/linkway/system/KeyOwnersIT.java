package org.linkway.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.YearMonth;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.linkway.platform.domain.SocialPrescribing;
import org.linkway.platform.testing.TestStack;
import org.springframework.core.ParameterizedTypeReference;

/**
 * Two instances of each service, on a broker of their own: a request about one referral (reading
 * it, its offer, its ledger; a provider's command on it) is answered the same whichever instance it
 * is sent to, because the instance that does not hold the referral's partition sends the request to
 * the one that does; and a commissioner's ledger, summary and reconciliation are complete on both,
 * read from the view of the commissioner's funding that one instance holds whole; and so are a
 * provider's queue and inbox and a practice's list of its referrals, read from the provider's and the
 * practice's lists. Without that, half of the reads by key would be 404, half of the commands 503, the
 * money totals short and the lists partial.
 */
class KeyOwnersIT extends TwoInstancesOfEachService {

  private static final int REFERRALS = 8;
  /** Enough that each instance holds some of a practice's referrals whatever the partitions' owners. */
  private static final int LISTED = 12;
  /** A provider and a practice of the lists' test only, so that what the other test makes is not in their lists. */
  private static final String LIST_PROVIDER = "wymondham-walks";
  private static final String LIST_PRACTICE = OwnerTokens.OTHER_GP_PRACTICE;
  private static final Pattern INBOX_CARD = Pattern.compile("/app/inbox/referrals/([0-9a-f-]{36})");
  private static final Pattern PRACTICE_ROW = Pattern.compile("/app/referrals/([0-9a-f-]{36})");
  private static final ParameterizedTypeReference<Map<String, Object>> MAP = new ParameterizedTypeReference<>() {};
  private static final ParameterizedTypeReference<List<Map<String, Object>>> LIST = new ParameterizedTypeReference<>() {};
  private static final Pattern FORWARDED = Pattern.compile("(?m)^linkway_requests_forwarded_total\\{([^}]*)} ([0-9.E]+)$");

  @Test
  void givenReferralsSpreadOverBothInstances_whenEachIsAskedOfEitherInstance_thenBothAnswerTheSame() {
    List<String> referralIds = new ArrayList<>();
    for (int i = 0; i < REFERRALS; i++) {
      // each referral submitted to one instance or the other
      referralIds.add(submit(platform.instance("referral-service", 1 + i % 2)));
    }

    for (String referralId : referralIds) {
      // both instances answer for every referral, whichever holds it
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
        String first = referral(1, referralId);
        assertThat(first).contains("\"status\":\"OFFERED\"");
        assertThat(referral(2, referralId)).isEqualTo(first);
      });
    }

    for (int i = 0; i < referralIds.size(); i++) {
      // a provider's command, sent to either instance, is taken by the one holding the offer
      platform.instance("provider-service", 1 + i % 2).post()
          .uri("/providers/{p}/referrals/{r}/accept", JourneyScenario.FIRST_PROVIDER, referralIds.get(i))
          .exchange().expectStatus().isOk();
    }

    for (String referralId : referralIds) {
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
        assertThat(referral(1, referralId)).contains("\"status\":\"ACCEPTED\"");
        String ledger = ledger(1, referralId);
        assertThat(ledger).contains("COMMITTED");
        assertThat(ledger(2, referralId)).isEqualTo(ledger);
      });
    }

    // the commissioner's whole ledger, summary and statements: complete, and the same, whichever instance is asked;
    // the reconciliation, run once (on the instance holding the commissioner), answered the same by both
    Reconciliations.runNow(platform.instance("outcome-service", 2), JourneyScenario.COMMISSIONER);
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
      String ledger = commissioner(1, "/ledger");
      assertThat(ledger).contains(referralIds);
      assertThat(commissioner(2, "/ledger")).isEqualTo(ledger);
      assertThat(commissioner(2, "/summary")).isEqualTo(commissioner(1, "/summary"));
      assertThat(commissioner(2, "/ledger/reconciliation")).isEqualTo(commissioner(1, "/ledger/reconciliation"));
    });

    // open data: this month's release (see serviceArgs), built once from every referral, the same from both
    // instances; counted from one instance's part of the referrals, each would show its own (or none)
    String release = "/open-data/releases/" + YearMonth.now(SocialPrescribing.UK) + "/outcomes.csv";
    String csv = get("outcome-service", 1, release, null);
    assertThat(get("outcome-service", 2, release, null)).isEqualTo(csv);
    assertThat(csv).as("the row of the %d referrals accepted, rounded to 10", REFERRALS)
        .containsPattern("(?m)^" + JourneyScenario.COMMISSIONER + "," + JourneyScenario.FIRST_PROVIDER + ",LONELINESS,[0-9-]{7},10,10,");
    // the month's cells are read on the instance holding the month, the list of months on the one holding it: the
    // latest release (this month, here) and the list are the same from both
    assertThat(get("outcome-service", 1, "/open-data/outcomes.csv", null)).isEqualTo(csv);
    assertThat(get("outcome-service", 2, "/open-data/outcomes.csv", null)).isEqualTo(csv);
    assertThat(get("outcome-service", 2, "/open-data/releases", null)).isEqualTo(get("outcome-service", 1, "/open-data/releases", null))
        .contains("/open-data/releases/" + YearMonth.now(SocialPrescribing.UK) + "/outcomes.csv");

    // the provider's queue asked of both instances: one of them does not hold the provider's list and sends it on
    // (the accepts above went to the instances in turn, but which instance holds each referral is chance)
    for (int instance = 1; instance <= 2; instance++) {
      platform.instance("provider-service", instance).get()
          .uri("/providers/{p}/referrals", JourneyScenario.FIRST_PROVIDER).exchange().expectStatus().isOk();
    }
    // the requests were answered by both instances in turn, some sent on: each service's partitions are shared
    for (String service : List.of("referral-service", "provider-service", "outcome-service")) {
      assertThat(forwarded(service, 1) + forwarded(service, 2)).as(service + " sent requests to the other instance")
          .isPositive();
    }
  }

  @Test
  void givenReferralsOfOnePracticeToOneProviderSpreadOverBothInstances_whenTheirListsAreAskedOfEither_thenBothAreCompleteAndTheSame() {
    JourneyScenario.providerWithTariff(platform, LIST_PROVIDER, "Wymondham Health Walks", "walks-wymondham", "Health walks",
        "NATURE", "tariff-lists");
    String gp = TestStack.issuer().gp(LIST_PRACTICE);
    Set<String> created = new HashSet<>();
    for (int i = 0; i < LISTED; i++) {
      Map<String, Object> body = new HashMap<>(JourneyScenario.referralBody(JourneyScenario.COMMISSIONER, List.of("NATURE")));
      body.put("referrer", Map.of("odsCode", LIST_PRACTICE));
      created.add((String) platform.instance("referral-service", 1 + i % 2).post().uri("/referrals")
          .headers(h -> h.setBearerAuth(gp)).bodyValue(body)
          .exchange().expectStatus().isAccepted().expectBody(MAP).returnResult().getResponseBody().get("referralId"));
    }
    for (String referralId : created) {
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
          platform.instance("referral-service", 1).get().uri("/referrals/{id}", referralId).headers(h -> h.setBearerAuth(gp))
              .exchange().expectStatus().isOk().expectBody().jsonPath("$.providerId").isEqualTo(LIST_PROVIDER));
    }

    // the provider's queue through the API: every offer, the same from both instances, and page by page too
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
      String queue = get("provider-service", 1, "/providers/" + LIST_PROVIDER + "/referrals", null);
      assertThat(ids(Pattern.compile("\"referralId\":\"([0-9a-f-]{36})\""), queue)).isEqualTo(created);
      assertThat(get("provider-service", 2, "/providers/" + LIST_PROVIDER + "/referrals", null)).isEqualTo(queue);
    });
    List<String> paged = new ArrayList<>();
    String page = "/providers/" + LIST_PROVIDER + "/referrals?limit=5";
    for (int instance = 2; page != null; instance = 3 - instance) {
      var answer = platform.instance("provider-service", instance).get().uri(page).exchange().expectStatus().isOk()
          .expectBody(LIST).returnResult();
      answer.getResponseBody().forEach(offer -> paged.add((String) offer.get("referralId")));
      page = JourneyScenario.nextPage(answer.getResponseHeaders());
    }
    assertThat(paged).hasSize(LISTED).containsExactlyInAnyOrderElementsOf(created);

    // the provider's inbox and the practice's page: every referral, on both instances
    String provider = TestStack.issuer().provider(LIST_PROVIDER);
    for (int instance = 1; instance <= 2; instance++) {
      assertThat(ids(INBOX_CARD, get("provider-service", instance, "/app/inbox", provider))).as("inbox on " + instance)
          .isEqualTo(created);
      assertThat(ids(PRACTICE_ROW, get("referral-service", instance, "/app/referrals", gp))).as("practice page on " + instance)
          .isEqualTo(created);
    }
    // each list was read on the instance holding it: the other one sent the requests on
    assertThat(forwarded("provider-service", 1, "provider-offers") + forwarded("provider-service", 2, "provider-offers"))
        .isPositive();
    assertThat(forwarded("referral-service", 1, "practice-referrals") + forwarded("referral-service", 2, "practice-referrals"))
        .isPositive();
  }

  /**
   * outcome-service releases the open data of the month under way (its grace ends in the middle of the next
   * month, before this month does), so that the referrals made here are in a release.
   */
  @Override
  List<String> serviceArgs(String service) {
    ZonedDateTime now = ZonedDateTime.now(SocialPrescribing.UK);
    ZonedDateTime midNextMonth = YearMonth.from(now).plusMonths(1).atDay(15).atStartOfDay(SocialPrescribing.UK);
    return service.equals("outcome-service")
        ? List.of("--linkway.open-data.grace=" + Duration.between(midNextMonth, now))
        : List.of();
  }

  /** A page or a list, as its owner sees it: with {@code token} when given, else with the owner's of the path. */
  private String get(String service, int instance, String path, String token) {
    return platform.instance(service, instance).get().uri(path).headers(h -> {
      if (token != null) h.setBearerAuth(token);
    }).exchange().expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
  }

  private static Set<String> ids(Pattern pattern, String text) {
    Set<String> ids = new HashSet<>();
    Matcher m = pattern.matcher(text);
    while (m.find()) ids.add(m.group(1));
    return ids;
  }

  private String referral(int instance, String referralId) {
    return platform.instance("referral-service", instance).get().uri("/referrals/{id}", referralId).exchange()
        .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
  }

  private String ledger(int instance, String referralId) {
    return platform.instance("outcome-service", instance).get()
        .uri("/commissioners/{code}/ledger?referralId={r}", JourneyScenario.COMMISSIONER, referralId).exchange()
        .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
  }

  private String commissioner(int instance, String path) {
    return platform.instance("outcome-service", instance).get().uri("/commissioners/{code}" + path, JourneyScenario.COMMISSIONER)
        .exchange().expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
  }

  /** How many requests an instance sent on to the other (its metric, as an operator reads it). */
  private double forwarded(String service, int instance) {
    return forwarded(service, instance, "");
  }

  /** How many requests an instance sent on to the other about one store (any, when empty). */
  private double forwarded(String service, int instance, String store) {
    // every metric of the service: more than a client buffers by default
    String metrics = platform.instance(service, instance).mutate()
        .codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(16 * 1024 * 1024)).build()
        .get().uri("/actuator/prometheus").exchange()
        .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
    double total = 0;
    Matcher m = FORWARDED.matcher(metrics);
    while (m.find()) {
      if (store.isEmpty() || m.group(1).contains("store=\"" + store + "\"")) total += Double.parseDouble(m.group(2));
    }
    return total;
  }
}
