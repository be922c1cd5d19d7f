package org.linkway.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.linkway.events.LedgerEvent;
import org.linkway.events.PaymentDue;
import org.linkway.events.ProviderEvent;
import org.linkway.events.ReferralAccepted;
import org.linkway.events.ReferralEvent;
import org.linkway.events.ReferralSubmitted;
import org.linkway.events.SessionAttended;
import org.linkway.platform.kafka.Topics;
import org.linkway.platform.testing.TestStack;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The platform at the size an ICB would run it: three brokers and two instances of each service.
 * Referrals go through their whole journey (referred, offered, accepted, two sessions, completed), each
 * call sent to a random instance and sent again, with the same {@code Idempotency-Key}, when it is not
 * answered (503, a refused connection, a lost answer), as a GP system and a provider would. A third of
 * the way in, one instance of each service and one broker are lost. Then: every referral reaches its
 * end, no event id is read twice, every session is recorded once, every payment falls due once, and the
 * commissioner's ledger reconciles on the instances left.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ScaleOutIT {

  private static final int BROKERS = 3;
  private static final int REFERRALS = 24;
  private static final int LOSE_AFTER = REFERRALS / 3;
  private static final Pattern REFERRAL_ID = Pattern.compile("\"referralId\"\\s*:\\s*\"([^\"]+)\"");
  private static final List<String> SERVICES = List.of("referral-service", "provider-service", "outcome-service");

  private KafkaClusterTestKit cluster;
  private RunningPlatform platform;
  /** The instances of each service still running. */
  private final Map<String, List<Integer>> alive = new ConcurrentHashMap<>();
  /** Each call sent again, by what it met the first time. */
  private final Map<String, AtomicInteger> sentAgain = new ConcurrentHashMap<>();

  @BeforeAll
  void threeBrokersAndTwoInstancesOfEachService() {
    cluster = TestStack.cluster(BROKERS);
    platform = new RunningPlatform(cluster.bootstrapServers(), TestStack.registry().apiUrl())
        .replicated(TestStack.clusterReplicationFactor(BROKERS), TestStack.clusterMinInsyncReplicas(BROKERS))
        .withInstances(2).start();
    SERVICES.forEach(service -> alive.put(service, new CopyOnWriteArrayList<>(List.of(1, 2))));
    JourneyScenario.providerWithTariffOnAColdStack(platform, "tariff-scale-out");
  }

  @AfterAll
  void stop() throws Exception {
    if (platform != null) platform.stop();
    if (cluster != null) cluster.close();
  }

  @Test
  void givenReferralsFlowing_whenAnInstanceOfEachServiceAndABrokerAreLost_thenEveryReferralEndsOnceAndTheMoneyReconciles()
      throws Exception {
    List<String> referralIds = Collections.synchronizedList(new ArrayList<>());
    ExecutorService flow = Executors.newSingleThreadExecutor();
    Future<?> journeys = flow.submit(() -> {
      for (int i = 0; i < REFERRALS; i++) referralIds.add(journey(i));
    });
    await().atMost(Duration.ofMinutes(3)).until(() -> referralIds.size() >= LOSE_AFTER || journeys.isDone());

    // lost while the rest flow: the second instance of each service, and a broker
    for (String service : SERVICES) {
      alive.get(service).remove(Integer.valueOf(2));
      platform.loseInstance(service, 2);
    }
    cluster.brokers().get(cluster.brokers().keySet().stream().max(Integer::compare).orElseThrow()).shutdown();

    journeys.get(10, TimeUnit.MINUTES);
    flow.shutdown();
    assertThat(referralIds).hasSize(REFERRALS).doesNotHaveDuplicates();

    // every referral at its end, read on the instance left
    for (String referralId : referralIds) {
      await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() ->
          answer("referral-service", c -> c.get().uri("/referrals/{id}", referralId), Set.of(200))
              .getResponseBody().contains("\"status\":\"COMPLETED\""));
    }

    // no event read twice; a session, an acceptance, a payment: each once
    List<ReferralEvent> referralEvents = platform.events(Topics.REFERRALS);
    List<ProviderEvent> providerEvents = platform.events(Topics.PROVIDER_EVENTS);
    List<LedgerEvent> ledger = platform.events(Topics.FUNDING_LEDGER);
    assertThat(duplicateIds(referralEvents, e -> e.getMetadata().getEventId())).isEmpty();
    assertThat(duplicateIds(providerEvents, e -> e.getMetadata().getEventId())).isEmpty();
    assertThat(duplicateIds(ledger, e -> e.getMetadata().getEventId())).isEmpty();
    assertThat(countsByReferral(referralEvents.stream().filter(e -> e.getPayload() instanceof ReferralSubmitted)
        .map(e -> e.getMetadata().getReferralId().toString()).toList(), referralIds)).as("submissions").containsOnly(1L);
    assertThat(countsByReferral(providerEvents.stream().filter(e -> e.getPayload() instanceof ReferralAccepted)
        .map(e -> e.getMetadata().getReferralId().toString()).toList(), referralIds)).as("acceptances").containsOnly(1L);
    assertThat(countsByReferral(providerEvents.stream().filter(e -> e.getPayload() instanceof SessionAttended)
        .map(e -> e.getMetadata().getReferralId().toString()).toList(), referralIds)).as("sessions").containsOnly(2L);
    Map<String, Long> paymentsDue = ledger.stream().filter(e -> e.getPayload() instanceof PaymentDue)
        .collect(Collectors.groupingBy(e -> e.getMetadata().getReferralId() + " " + ((PaymentDue) e.getPayload()).getMilestone(),
            Collectors.counting()));
    for (String referralId : referralIds) {
      // the engagement fee on acceptance, the completion fee after two sessions
      assertThat(paymentsDue).containsEntry(referralId + " ENGAGEMENT", 1L).containsEntry(referralId + " COMPLETION", 1L);
    }

    // the commissioner's ledger: every referral in it (the newest page, as large as a page is, holds up to 4 entries each
    // of these referrals), and the checks hold
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
      assertThat(answer("outcome-service", c -> c.get().uri("/commissioners/{code}/ledger?limit=500", JourneyScenario.COMMISSIONER),
          Set.of(200)).getResponseBody()).contains(referralIds));
    // a run of the reconciliation from then on, asked of either instance (the one holding the commissioner runs it)
    Reconciliations.runNow(platform.instance("outcome-service", 1), JourneyScenario.COMMISSIONER);
    assertThat(answer("outcome-service", c -> c.get().uri("/commissioners/{code}/ledger/reconciliation",
        JourneyScenario.COMMISSIONER), Set.of(200)).getResponseBody()).contains("\"clean\":true");
    System.out.printf("scale-out: %d referrals on 3 brokers and 2 instances of each service, one of each and a broker lost "
        + "after %d; calls sent again: %s%n", REFERRALS, LOSE_AFTER, sentAgain);
  }

  /** One referral's whole journey, each step sent until it is answered; its id. */
  private String journey(int i) {
    String run = UUID.randomUUID().toString().substring(0, 8);
    String referralId = referralIdIn(answer("referral-service", c -> c.post().uri("/referrals")
        .header("Idempotency-Key", "scale-out-" + run + "-" + i)
        .bodyValue(JourneyScenario.referralBody(JourneyScenario.COMMISSIONER, List.of("LONELINESS"))), Set.of(200, 202)));
    // 202 means taken, not yet read back: until referral-service has read it, the referral is not found
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() ->
        answer("referral-service", c -> c.get().uri("/referrals/{id}", referralId), Set.of(200, 404))
            .getResponseBody().contains("\"status\":\"OFFERED\""));
    // offered, as referral-service has it: provider-service reads the offer a moment later (longer while a broker is
    // lost), and says 404 until it has, so the first accept is sent again on a 404 too (a provider learns of an
    // offer from provider-service itself, never before it)
    command(referralId, "accept", Map.of(), run + "-accept", Set.of(503, 409, 404));
    command(referralId, "sessions", Map.of("attendedOn", LocalDate.now().toString()), run + "-session-1", Set.of(503, 409));
    command(referralId, "sessions", Map.of("attendedOn", LocalDate.now().toString()), run + "-session-2", Set.of(503, 409));
    command(referralId, "complete", Map.of("completion", "COMPLETED"), run + "-complete", Set.of(503, 409));
    return referralId;
  }

  /**
   * A provider's command, sent until it is answered 200. A 409 is sent again too: the same command still
   * being decided (its first try's answer lost) is a conflict until it is decided, and then the same key
   * gets the first try's answer. {@code again}: the answers on which it is sent again.
   */
  private void command(String referralId, String command, Map<String, Object> body, String key, Set<Integer> again) {
    answer("provider-service", c -> c.post().uri("/providers/{p}/referrals/{r}/" + command, JourneyScenario.FIRST_PROVIDER,
        referralId).header("Idempotency-Key", key).bodyValue(body), Set.of(200), again);
  }

  /**
   * The answer of a random running instance of {@code service} to a request, sent again (to a random instance)
   * until its status is one of {@code wanted}; one of {@code again} (503 unless said), a refused connection or no
   * answer in time is sent again, any other answer fails the test.
   */
  private EntityExchangeResult<String> answer(String service, Function<WebTestClient, WebTestClient.RequestHeadersSpec<?>> request,
      Set<Integer> wanted) {
    return answer(service, request, wanted, Set.of(503));
  }

  private EntityExchangeResult<String> answer(String service, Function<WebTestClient, WebTestClient.RequestHeadersSpec<?>> request,
      Set<Integer> wanted, Set<Integer> again) {
    List<EntityExchangeResult<String>> answered = new ArrayList<>();
    await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(() -> {
      List<Integer> instances = alive.get(service);
      int instance = instances.get(ThreadLocalRandom.current().nextInt(instances.size()));
      EntityExchangeResult<String> result;
      try {
        result = request.apply(platform.instance(service, instance)).exchange().expectBody(String.class).returnResult();
      } catch (RuntimeException | AssertionError unanswered) {
        sentAgain.computeIfAbsent(service + " " + unanswered.getClass().getSimpleName(), k -> new AtomicInteger()).incrementAndGet();
        return false;
      }
      int status = result.getStatus().value();
      if (wanted.contains(status)) {
        answered.add(result);
        return true;
      }
      assertThat(again).as("%s answered %s", service, result.getResponseBody()).contains(status);
      sentAgain.computeIfAbsent(service + " " + status, k -> new AtomicInteger()).incrementAndGet();
      return false;
    });
    return answered.get(0);
  }

  /** How many of {@code ids} each referral has, in the order of {@code referralIds}. */
  private static List<Long> countsByReferral(List<String> ids, List<String> referralIds) {
    Map<String, Long> counts = ids.stream().collect(Collectors.groupingBy(id -> id, Collectors.counting()));
    return referralIds.stream().map(id -> counts.getOrDefault(id, 0L)).toList();
  }

  private static String referralIdIn(EntityExchangeResult<String> submitted) {
    Matcher id = REFERRAL_ID.matcher(submitted.getResponseBody());
    assertThat(id.find()).as("a referral id in %s", submitted.getResponseBody()).isTrue();
    return id.group(1);
  }

  private static <E> Map<UUID, Long> duplicateIds(List<E> events, Function<E, UUID> id) {
    return events.stream().collect(Collectors.groupingBy(id, Collectors.counting())).entrySet().stream()
        .filter(e -> e.getValue() > 1).collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
  }
}
