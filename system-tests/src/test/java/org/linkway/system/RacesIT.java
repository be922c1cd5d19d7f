package org.linkway.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.linkway.events.CancelRefused;
import org.linkway.events.EventMetadata;
import org.linkway.events.OfferCancelled;
import org.linkway.events.ProviderEvent;
import org.linkway.events.ReferralAccepted;
import org.linkway.events.ReferralCancelled;
import org.linkway.events.ReferralCompleted;
import org.linkway.events.ReferralEvent;
import org.linkway.events.ReferralSubmitted;
import org.linkway.platform.kafka.Topics;
import org.linkway.platform.testing.TestStack;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

/**
 * Issue 15, the pairs that two parties can set off at once on one referral, tried many times from outside on
 * two instances of each service: the GP's cancel against the provider's accept, and against its completion, each
 * pair sent concurrently, the GP's to one instance of referral-service and the provider's to the other instance
 * of provider-service. The cancel is decided by the offer's one decider in provider-service, in order with the
 * provider's commands, and the GP is answered with that decision once referral-service has applied it, so:
 * the GP's answer and the provider's agree, both equal the end every instance of both services shows, only one
 * end is ever written, nothing is paid for a referral cancelled before its acceptance, and the ledger reconciles
 * on every instance. An erasure of the person sent at the same time as both changes none of that. Decline against
 * expiry is decided by one task too (the offer's deadline punctuator and the provider's commands): OfferRacesTest.
 * Rounds per pair: {@code -Dlinkway.races.rounds} (20).
 */
class RacesIT extends TwoInstancesOfEachService {

  private static final int ROUNDS = Integer.getInteger("linkway.races.rounds", 20);
  private static final String PROVIDER = JourneyScenario.FIRST_PROVIDER;
  private static final ParameterizedTypeReference<Map<String, Object>> MAP = new ParameterizedTypeReference<>() {};
  private static final ParameterizedTypeReference<List<Map<String, Object>>> LIST = new ParameterizedTypeReference<>() {};

  private final ExecutorService pool = Executors.newFixedThreadPool(8);

  /** An HTTP answer: its status code and body (the state decided, or the problem). */
  record Answer(int status, Map<String, Object> body) {
    String state() {
      return String.valueOf(body.get("status"));
    }

    @Override
    public String toString() {
      return status + " " + body;
    }
  }

  /** One referral raced: what the GP was told and what the provider was told. */
  record Round(String referralId, Answer gp, Answer provider) {}

  /**
   * Before any race, a cancel through each instance of referral-service and an accept through each instance of
   * provider-service, each asked again until answered: the services have just started, and while their partitions
   * and standbys settle a command may be answered 503 (it may still be applied), which says nothing about a race.
   */
  @BeforeAll
  void warmUp() {
    List<String> referralIds = new ArrayList<>();
    for (int i = 0; i < 4; i++) referralIds.add(submitUntilTaken(1 + i % 2));
    offered(referralIds);
    for (int k = 1; k <= 2; k++) {
      String accepted = referralIds.get(k - 1);
      int instance = k;
      await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
          assertThat(accept(accepted, instance).status()).as("accept through provider-service %d", instance).isIn(200, 409));
      String cancelled = referralIds.get(k + 1);
      await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
          assertThat(cancel(cancelled, instance).status()).as("cancel through referral-service %d", instance).isIn(202, 409));
    }
  }

  /** A referral sent until it is taken (a 503 while the services settle is sent again); its id. */
  private String submitUntilTaken(int instance) {
    AtomicReference<String> referralId = new AtomicReference<>();
    await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() -> {
      EntityExchangeResult<Map<String, Object>> result = platform.instance("referral-service", instance).post().uri("/referrals")
          .bodyValue(JourneyScenario.referralBody(JourneyScenario.COMMISSIONER, List.of("LONELINESS"))).exchange()
          .expectBody(MAP).returnResult();
      if (result.getStatus().value() != 202) return false;
      referralId.set((String) result.getResponseBody().get("referralId"));
      return true;
    });
    return referralId.get();
  }

  @AfterAll
  void stopPool() {
    pool.shutdownNow();
  }

  @Test
  void givenOffers_whenTheGpCancelsAsTheProviderAccepts_thenBothAreToldTheEndEveryInstanceShowsAndNothingIsPaidForACancelBeforeTheAcceptance() {
    List<String> referralIds = offered(ROUNDS);

    List<Round> rounds = race(referralIds, this::cancel, this::accept);

    List<String> acceptedFirst = new ArrayList<>();
    for (Round round : rounds) {
      // a cancel wins against an open offer, whether it comes before, during or after the acceptance
      assertThat(round.gp().status()).as("the GP's cancel of %s: %s", round.referralId(), round.gp()).isEqualTo(202);
      assertThat(round.gp().state()).isEqualTo("CANCELLED");
      if (round.provider().status() == 200) {
        assertThat(round.provider().state()).as("the accept of %s", round.referralId()).isEqualTo("ACCEPTED");
        acceptedFirst.add(round.referralId());
      } else {
        assertThat(round.provider().status()).as("the accept of %s: %s", round.referralId(), round.provider()).isEqualTo(409);
        assertThat(String.valueOf(round.provider().body())).contains("cancelled by the referrer");
      }
    }
    everyInstanceShows(rounds.stream().collect(Collectors.toMap(Round::referralId, r -> "CANCELLED")));

    // one end written for each: one cancellation on each side; an acceptance only where the provider was told it
    Map<String, List<Object>> providerEvents = providerEventsOf(referralIds);
    Map<String, List<Object>> referralEvents = referralEventsOf(referralIds);
    for (String referralId : referralIds) {
      assertThat(providerEvents.get(referralId)).filteredOn(OfferCancelled.class::isInstance).hasSize(1);
      assertThat(referralEvents.get(referralId)).filteredOn(ReferralCancelled.class::isInstance).hasSize(1);
      assertThat(providerEvents.get(referralId)).filteredOn(ReferralAccepted.class::isInstance)
          .hasSize(acceptedFirst.contains(referralId) ? 1 : 0);
    }
    ledgerReconciles(referralIds, acceptedFirst);
    System.out.printf("RacesIT: cancel against accept, %d rounds: the accept came first in %d, the cancel in %d%n",
        rounds.size(), acceptedFirst.size(), rounds.size() - acceptedFirst.size());
  }

  @Test
  void givenAcceptedReferrals_whenTheGpCancelsAsTheProviderCompletes_thenOneWinsAndBothAreToldItsEndOnEveryInstance() {
    List<String> referralIds = offered(ROUNDS);
    for (int i = 0; i < referralIds.size(); i++) {
      Answer accepted = accept(referralIds.get(i), 1 + i % 2);
      assertThat(accepted.status()).as("the accept of %s: %s", referralIds.get(i), accepted).isEqualTo(200);
    }
    awaitEveryReferral(referralIds, "ACCEPTED");

    List<Round> rounds = race(referralIds, this::cancel, this::complete);

    Map<String, String> ends = new HashMap<>();
    for (Round round : rounds) {
      boolean cancelled = round.gp().status() == 202;
      boolean completed = round.provider().status() == 200;
      assertThat(cancelled ^ completed).as("exactly one of the GP's cancel (%s) and the completion (%s) of %s is applied",
          round.gp(), round.provider(), round.referralId()).isTrue();
      if (cancelled) {
        assertThat(round.gp().state()).isEqualTo("CANCELLED");
        assertThat(round.provider().status()).isEqualTo(409);
        assertThat(String.valueOf(round.provider().body())).contains("CANCELLED");
        ends.put(round.referralId(), "CANCELLED");
      } else {
        assertThat(round.provider().state()).isEqualTo("COMPLETED");
        assertThat(round.gp().status()).isEqualTo(409);
        assertThat(String.valueOf(round.gp().body())).contains("the referral is COMPLETED and can no longer be cancelled");
        ends.put(round.referralId(), "COMPLETED");
      }
    }
    everyInstanceShows(ends);

    Map<String, List<Object>> providerEvents = providerEventsOf(referralIds);
    for (String referralId : referralIds) {
      boolean cancelled = ends.get(referralId).equals("CANCELLED");
      assertThat(providerEvents.get(referralId)).filteredOn(OfferCancelled.class::isInstance).hasSize(cancelled ? 1 : 0);
      // a cancel that reaches referral-service after it read the completion is refused there, without asking
      assertThat(providerEvents.get(referralId)).filteredOn(CancelRefused.class::isInstance).hasSizeLessThanOrEqualTo(cancelled ? 0 : 1);
      assertThat(providerEvents.get(referralId)).filteredOn(ReferralCompleted.class::isInstance).hasSize(cancelled ? 0 : 1);
    }
    ledgerReconciles(referralIds, referralIds);
    long cancelledFirst = ends.values().stream().filter("CANCELLED"::equals).count();
    System.out.printf("RacesIT: cancel against complete, %d rounds: the cancel came first in %d, the completion in %d%n",
        rounds.size(), cancelledFirst, rounds.size() - cancelledFirst);
  }

  @Test
  void givenOffers_whenThePersonIsErasedAsTheGpCancelsAndTheProviderAccepts_thenTheErasureChangesNoEndAndNoMoney() {
    int rounds = Math.max(2, ROUNDS / 4);
    List<String> referralIds = new ArrayList<>();
    for (int i = 0; i < rounds; i++) referralIds.add(submitFor(nhsNumber(i), 1 + i % 2));
    List<String> offered = offered(referralIds);
    Map<String, String> people = peopleOf(offered);

    List<CompletableFuture<Answer>> erasures = new ArrayList<>();
    for (int i = 0; i < offered.size(); i++) {
      String personId = people.get(offered.get(i));
      int instance = 1 + (i + 1) % 2;
      erasures.add(CompletableFuture.supplyAsync(() -> erase(personId, instance), pool));
    }
    List<Round> races = race(offered, this::cancel, this::accept);

    List<String> acceptedFirst = new ArrayList<>();
    for (int i = 0; i < races.size(); i++) {
      Round round = races.get(i);
      Answer erased = erasures.get(i).join();
      assertThat(erased.status()).as("the erasure of %s's person: %s", round.referralId(), erased).isEqualTo(200);
      // the erasure decides nothing: the cancel and the accept are decided as they would be without it
      assertThat(round.gp().status()).as("the GP's cancel of %s: %s", round.referralId(), round.gp()).isEqualTo(202);
      assertThat(round.gp().state()).isEqualTo("CANCELLED");
      if (round.provider().status() == 200) {
        acceptedFirst.add(round.referralId());
      } else {
        assertThat(String.valueOf(round.provider().body())).as("the accept of %s", round.referralId())
            .contains("cancelled by the referrer");
      }
    }
    everyInstanceShows(offered.stream().collect(Collectors.toMap(id -> id, id -> "CANCELLED")));
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
      for (String referralId : offered) {
        platform.instance("referral-service", 1).get().uri("/referrals/{r}/summary", referralId).exchange()
            .expectStatus().isOk().expectBody().jsonPath("$.person.erased").isEqualTo(true);
      }
    });
    ledgerReconciles(offered, acceptedFirst);
  }

  // ---------------------------------------------------------------- the race

  /**
   * For each referral, the GP's command and the provider's sent at once, on other instances (the GP's to
   * instance 1 or 2 of referral-service, the provider's to the other instance of provider-service); several
   * referrals in flight together.
   */
  private List<Round> race(List<String> referralIds, BiFunction<String, Integer, Answer> gp,
      BiFunction<String, Integer, Answer> provider) {
    List<CompletableFuture<Round>> rounds = new ArrayList<>();
    for (int i = 0; i < referralIds.size(); i++) {
      String referralId = referralIds.get(i);
      int gpInstance = 1 + i % 2;
      int providerInstance = 1 + (i + 1) % 2;
      CompletableFuture<Answer> gpAnswer = CompletableFuture.supplyAsync(() -> gp.apply(referralId, gpInstance), pool);
      CompletableFuture<Answer> providerAnswer =
          CompletableFuture.supplyAsync(() -> provider.apply(referralId, providerInstance), pool);
      rounds.add(gpAnswer.thenCombine(providerAnswer, (g, p) -> new Round(referralId, g, p)));
    }
    return rounds.stream().map(CompletableFuture::join).toList();
  }

  private Answer cancel(String referralId, int instance) {
    return answer(platform.instance("referral-service", instance).post().uri("/referrals/{r}/cancel", referralId)
        .bodyValue(Map.of("reason", "moved away")).exchange().expectBody(MAP).returnResult());
  }

  private Answer accept(String referralId, int instance) {
    return answer(platform.instance("provider-service", instance).post()
        .uri("/providers/{p}/referrals/{r}/accept", PROVIDER, referralId).exchange().expectBody(MAP).returnResult());
  }

  private Answer complete(String referralId, int instance) {
    return answer(platform.instance("provider-service", instance).post()
        .uri("/providers/{p}/referrals/{r}/complete", PROVIDER, referralId)
        .bodyValue(Map.of("completion", "COMPLETED", "measures", List.of())).exchange().expectBody(MAP).returnResult());
  }

  private Answer erase(String personId, int instance) {
    return answer(platform.instance("referral-service", instance).delete().uri("/people/{id}", personId)
        .headers(h -> h.setBearerAuth(TestStack.issuer().admin())).exchange().expectBody(MAP).returnResult());
  }

  /** A referral for a person of their own (this NHS number), sent to an instance of referral-service; its id. */
  private String submitFor(String nhsNumber, int instance) {
    Map<String, Object> body = new HashMap<>(JourneyScenario.referralBody(JourneyScenario.COMMISSIONER, List.of("LONELINESS")));
    @SuppressWarnings("unchecked")
    Map<String, Object> patient = new HashMap<>((Map<String, Object>) body.get("patient"));
    patient.put("nhsNumber", nhsNumber);
    body.put("patient", patient);
    return (String) platform.instance("referral-service", instance).post().uri("/referrals").bodyValue(body).exchange()
        .expectStatus().isAccepted().expectBody(MAP).returnResult().getResponseBody().get("referralId");
  }

  /** A valid NHS number (modulus 11 check digit) in the 999 test range, one for each {@code i}. */
  private static String nhsNumber(int i) {
    for (int n = 100 * i; ; n++) {
      String digits = String.format("999%06d", 500_000 + n);
      int sum = 0;
      for (int d = 0; d < 9; d++) sum += (digits.charAt(d) - '0') * (10 - d);
      int check = 11 - sum % 11;
      if (check == 10) continue;
      return digits + (check == 11 ? 0 : check);
    }
  }

  /** The pseudonymous person id of each referral, from its submission. */
  private Map<String, String> peopleOf(List<String> referralIds) {
    Map<String, String> people = new HashMap<>();
    payloadsOf(referralIds, platform.events(Topics.REFERRALS), ReferralEvent::getMetadata, ReferralEvent::getPayload)
        .forEach((referralId, payloads) -> payloads.stream().filter(ReferralSubmitted.class::isInstance).findFirst()
            .ifPresent(submitted -> people.put(referralId, ((ReferralSubmitted) submitted).getPersonId())));
    return people;
  }

  private static Answer answer(EntityExchangeResult<Map<String, Object>> result) {
    return new Answer(result.getStatus().value(), result.getResponseBody() == null ? Map.of() : result.getResponseBody());
  }

  // ---------------------------------------------------------------- before and after

  /** So many new referrals, each offered to the first provider and in its queue on provider-service. */
  private List<String> offered(int count) {
    List<String> referralIds = new ArrayList<>();
    for (int i = 0; i < count; i++) referralIds.add(submit(platform.instance("referral-service", 1 + i % 2)));
    return offered(referralIds);
  }

  /** The referrals, once each is offered to the first provider and in its queue on provider-service. */
  private List<String> offered(List<String> referralIds) {
    awaitEveryReferral(referralIds, "OFFERED");
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
        assertThat(offerStatuses(1)).containsAllEntriesOf(referralIds.stream().collect(Collectors.toMap(id -> id, id -> "OFFERED"))));
    return referralIds;
  }

  private void awaitEveryReferral(List<String> referralIds, String status) {
    for (String referralId : referralIds) {
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
          assertThat(referral(1, referralId)).as("referral %s", referralId).containsEntry("status", status));
    }
  }

  /** Every instance of referral-service and of provider-service shows each referral ended as it should. */
  private void everyInstanceShows(Map<String, String> ends) {
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
      for (int k = 1; k <= 2; k++) {
        for (Map.Entry<String, String> end : ends.entrySet()) {
          assertThat(referral(k, end.getKey())).as("referral %s on referral-service %d", end.getKey(), k)
              .containsEntry("status", end.getValue());
        }
        assertThat(offerStatuses(k)).as("the provider's offers on provider-service %d", k).containsAllEntriesOf(ends);
      }
    });
  }

  private Map<String, Object> referral(int instance, String referralId) {
    return platform.instance("referral-service", instance).get().uri("/referrals/{r}", referralId).exchange()
        .expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody();
  }

  /** Each of the first provider's offers and its status, as an instance of provider-service lists them (every page). */
  private Map<String, String> offerStatuses(int instance) {
    Map<String, String> statuses = new HashMap<>();
    String page = "/providers/" + PROVIDER + "/referrals";
    while (page != null) {
      EntityExchangeResult<List<Map<String, Object>>> answer = platform.instance("provider-service", instance).get().uri(page)
          .exchange().expectStatus().isOk().expectBody(LIST).returnResult();
      answer.getResponseBody().forEach(offer -> statuses.put(String.valueOf(offer.get("referralId")), String.valueOf(offer.get("status"))));
      page = JourneyScenario.nextPage(answer.getResponseHeaders());
    }
    return statuses;
  }

  /**
   * The commissioner's ledger on each instance of outcome-service: each referral accepted has its commitment and
   * its engagement fee due once, and what was not earned released as it was cancelled or completed; one never
   * accepted has nothing; and the ledger reconciles.
   */
  private void ledgerReconciles(List<String> referralIds, List<String> accepted) {
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
      for (int k = 1; k <= 2; k++) {
        for (String referralId : referralIds) {
          List<String> entries = platform.instance("outcome-service", k).get()
              .uri("/commissioners/{c}/ledger?referralId={r}", JourneyScenario.COMMISSIONER, referralId).exchange()
              .expectStatus().isOk().expectBody(LIST).returnResult().getResponseBody().stream()
              .map(e -> e.get("type") + "/" + e.get("milestone")).toList();
          if (accepted.contains(referralId)) {
            assertThat(entries).as("ledger of %s on outcome-service %d", referralId, k)
                .containsOnlyOnce("COMMITTED/null", "PAYMENT_DUE/ENGAGEMENT").contains("RELEASED/null");
          } else {
            assertThat(entries).as("ledger of %s, cancelled before its acceptance, on outcome-service %d", referralId, k).isEmpty();
          }
        }
      }
    });
    // then a run of the reconciliation, over the ledger as it stands, answered the same by each instance
    Reconciliations.runNow(platform.instance("outcome-service", 1), JourneyScenario.COMMISSIONER);
    for (int k = 1; k <= 2; k++) {
      platform.instance("outcome-service", k).get()
          .uri("/commissioners/{c}/ledger/reconciliation", JourneyScenario.COMMISSIONER).exchange()
          .expectStatus().isOk().expectBody().jsonPath("$.clean").isEqualTo(true);
    }
  }

  private Map<String, List<Object>> providerEventsOf(List<String> referralIds) {
    return payloadsOf(referralIds, platform.events(Topics.PROVIDER_EVENTS), ProviderEvent::getMetadata, ProviderEvent::getPayload);
  }

  private Map<String, List<Object>> referralEventsOf(List<String> referralIds) {
    return payloadsOf(referralIds, platform.events(Topics.REFERRALS), ReferralEvent::getMetadata, ReferralEvent::getPayload);
  }

  /** The payloads of each referral's events on a topic, in the order written (read-committed). */
  private static <V> Map<String, List<Object>> payloadsOf(List<String> referralIds, List<V> events,
      Function<V, EventMetadata> metadata, Function<V, Object> payload) {
    Map<String, List<Object>> payloads = new HashMap<>();
    referralIds.forEach(id -> payloads.put(id, new ArrayList<>()));
    for (V event : events) {
      List<Object> of = payloads.get(String.valueOf(metadata.apply(event).getReferralId()));
      if (of != null) of.add(payload.apply(event));
    }
    return payloads;
  }
}
