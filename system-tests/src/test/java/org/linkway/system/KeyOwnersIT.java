package org.linkway.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Two instances of each service, on a broker of their own: a request about one referral (reading
 * it, its offer, its ledger; a provider's command on it) is answered the same whichever instance it
 * is sent to, because the instance that does not hold the referral's partition sends the request to
 * the one that does; and a commissioner's ledger, summary and reconciliation are complete on both,
 * read from the view of the commissioner's funding that one instance holds whole. Without that, half
 * of the reads by key would be 404, half of the commands 503, and the money totals short.
 */
class KeyOwnersIT extends TwoInstancesOfEachService {

  private static final int REFERRALS = 8;
  private static final Pattern FORWARDED = Pattern.compile("(?m)^linkway_requests_forwarded_total\\{[^}]*} ([0-9.E]+)$");

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

    // the commissioner's whole ledger, summary and statements: complete, and the same, whichever instance is asked
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
      String ledger = commissioner(1, "/ledger");
      assertThat(ledger).contains(referralIds);
      assertThat(commissioner(2, "/ledger")).isEqualTo(ledger);
      assertThat(commissioner(2, "/summary")).isEqualTo(commissioner(1, "/summary"));
      assertThat(commissioner(2, "/ledger/reconciliation")).isEqualTo(commissioner(1, "/ledger/reconciliation"));
    });

    // the requests were answered by both instances in turn, some sent on: each service's partitions are shared
    for (String service : List.of("referral-service", "provider-service", "outcome-service")) {
      assertThat(forwarded(service, 1) + forwarded(service, 2)).as(service + " sent requests to the other instance")
          .isPositive();
    }
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
    // every metric of the service: more than a client buffers by default
    String metrics = platform.instance(service, instance).mutate()
        .codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(16 * 1024 * 1024)).build()
        .get().uri("/actuator/prometheus").exchange()
        .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
    double total = 0;
    Matcher m = FORWARDED.matcher(metrics);
    while (m.find()) total += Double.parseDouble(m.group(1));
    return total;
  }
}
