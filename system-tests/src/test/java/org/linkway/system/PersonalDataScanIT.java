package org.linkway.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.AppenderBase;
import ch.qos.logback.core.spi.FilterReply;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.linkway.events.EventMetadata;
import org.linkway.events.Patient;
import org.linkway.events.ReferralRequested;
import org.linkway.events.Referrer;
import org.linkway.platform.domain.Funding;
import org.linkway.platform.kafka.AvroSerdes;
import org.linkway.platform.kafka.Events;
import org.linkway.platform.kafka.LinkwayKafkaProperties;
import org.linkway.platform.kafka.Topic;
import org.linkway.platform.kafka.Topics;
import org.linkway.platform.people.NhsNumber;
import org.linkway.platform.testing.TestStack;
import org.linkway.referral.intake.ReferralIntake;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;
import org.slf4j.helpers.MessageFormatter;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.Disposable;

/**
 * Issue point 6: after journeys of its own, a scanner reads every commissioner-facing topic, SSE
 * stream, export and the services' logs, and finds no NHS number, name, phone number, email address,
 * full postcode or birth date of the people referred.
 *
 * <p>Self-contained: commissioner {@value #COMMISSIONER} (used only here) with its own provider,
 * contract and budget; three people with recognisable identities, each through another intake (JSON,
 * FHIR, Kafka) and another ending (completed with an outcome payment and Time Credits, dropped out
 * after a missed session, cancelled after acceptance), plus refused referrals carrying the same
 * identities (HTTP 400 and a Kafka rejection). The commissioner's SSE streams are subscribed before
 * the journeys; every Logback event of the JVM is captured while they run.
 *
 * <p>The {@link Detectors} are tested in {@link DetectorsTest} against positives and negatives, and the scan has
 * positive controls: the same detectors must find every identity in the provider's queue and the
 * provider's SSE stream (where identity belongs) and in a canary log line, so a scanner that detects
 * nothing fails.
 *
 * <p>The figures (items, bytes and findings per source) are printed to standard output (failsafe keeps it in
 * target/failsafe-reports/org.linkway.system.PersonalDataScanIT-output.txt and the TEST-...xml report).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PersonalDataScanIT {

  static final String COMMISSIONER = "QSC";
  static final String PROVIDER = "qsc-scan-friends";
  static final String SERVICE = "qsc-scan-friendship-cafe";
  static final String CONTRACT = "qsc-scan-tariff";
  static final String CANARY_LOGGER = "org.linkway.system.PersonalDataScanIT.canary";
  static final String TEST_CLIENT_LOGGER = "org.springframework.test.web.reactive.server.ExchangeResult";
  static final ZoneId UK = ZoneId.of("Europe/London");

  /** The people referred: identities that appear nowhere else in the repository. */
  static final Person WILHELMINA = new Person("A", "4857773120", List.of("Wilhelmina"), "Featherstonehaugh",
      "1947-08-21", "NR2 4QZ", "07700 900461", "wilhelmina.featherstonehaugh@example.org");
  static final Person EZEKIEL = new Person("B", "4010238739", List.of("Ezekiel", "Barnabas"), "Throckmorton",
      "1961-02-03", "NR3 1AU", "01603 555019", "e.throckmorton@example.net");
  static final Person PERPETUA = new Person("C", "6402953016", List.of("Perpetua"), "Quiggleworth",
      "1953-11-30", "NR1 2DH", "+44 7700 900872", "perpetua.q@example.co.uk");
  static final List<Person> PEOPLE = List.of(WILHELMINA, EZEKIEL, PERPETUA);

  /**
   * The commissioner-facing topics, from DESIGN.md's event catalogue and {@link Topics}:
   * <ul>
   *   <li>{@code commissioner-outcomes}: the commissioner's outcome feed ("commissioners subscribe to outcome
   *       streams", pseudonymous by design);</li>
   *   <li>{@code funding-ledger}: "... and the funding ledger": every commitment, payment due and release;</li>
   *   <li>{@code funding-contracts}: the commissioner's contracts, read back by {@code GET .../contracts};</li>
   *   <li>{@code commissioner-budgets}, {@code budget-use}: the commissioner's budget per financial year and
   *       its use, keyed by commissioner;</li>
   *   <li>{@code budget-requests}, {@code budget-decisions}: each acceptance's conversation with the
   *       commissioner's budget (keyed by commissioner, answered by the budget); money and ids only, read and
   *       written by outcome-service, the commissioner-facing service.</li>
   * </ul>
   * Also scanned and asserted: each one's {@code -dlt} twin (what a consumer could not read is kept byte for
   * byte, so it must be as clean as its topic) and outcome-service's own internal topics (the changelogs and
   * repartitions behind its stores), because every commissioner endpoint and SSE replay is served from those
   * stores: identity there would be one query away from the commissioner.
   *
   * <p>Not commissioner-facing, so scanned and printed but not asserted: {@code referral-requests},
   * {@code referrals} (the offered provider's copy, with the person's details by design),
   * {@code referral-rejections} (answers to the GP system), the command topics, {@code provider-events}
   * (between the services, personId only by design), {@code provider-directory}, and the internal topics of
   * referral-service and provider-service (the referral's state and the provider's queue).
   */
  static final List<Topic<?>> COMMISSIONER_TOPICS = List.of(Topics.COMMISSIONER_OUTCOMES, Topics.FUNDING_LEDGER,
      Topics.FUNDING_CONTRACTS, Topics.COMMISSIONER_BUDGETS, Topics.BUDGET_USE, Topics.BUDGET_REQUESTS,
      Topics.BUDGET_DECISIONS);
  static final String OUTCOME_SERVICE_INTERNAL_PREFIX = Topics.OUTCOME_SERVICE + "-";

  static final ParameterizedTypeReference<ServerSentEvent<String>> SSE_TEXT = new ParameterizedTypeReference<>() {};
  static final ParameterizedTypeReference<Map<String, Object>> MAP = new ParameterizedTypeReference<>() {};

  RunningPlatform platform;
  final LogCapture logs = new LogCapture();
  final Detectors detectors = new Detectors(PEOPLE);
  final Map<String, Source> sources = new LinkedHashMap<>();

  @BeforeAll
  void platformAndLogCapture() {
    platform = EmbeddedPlatform.get();
    // after the platform has started: Spring Boot resets Logback when the first service starts
    logs.attach();
  }

  @AfterAll
  void detach() {
    logs.detach();
  }

  @Test
  void givenJourneysOfRecognisablePeople_whenEveryCommissionerFacingOutputAndTheLogsAreScanned_thenNoPersonalDataIsFound()
      throws Exception {
    long started = System.nanoTime();
    String year = Funding.financialYear(Instant.now());
    LocalDate[] yearDates = Funding.financialYearDates(year).orElseThrow();

    // --- the commissioner's set-up: a provider, a contract paying for engagement, completion and outcome, a budget
    Map<String, EntityExchangeResult<String>> setUp = new LinkedHashMap<>();
    platform.providerService().post().uri("/providers").bodyValue(Map.of("providerId", PROVIDER,
            "name", "QSC Scan Friends CIC", "services", List.of(Map.of("serviceId", SERVICE, "name", "Friendship cafe",
                "needs", List.of("LONELINESS"), "commissioners", List.of(COMMISSIONER),
                "postcodeDistricts", List.of("NR1", "NR2", "NR3"), "capacity", 20, "status", "ACTIVE"))))
        .exchange().expectStatus().isCreated();
    setUp.put("PUT /commissioners/QSC/contracts/" + CONTRACT, platform.outcomeService().put()
        .uri("/commissioners/{c}/contracts/{id}", COMMISSIONER, CONTRACT)
        .bodyValue(Map.of("providerId", PROVIDER, "validFrom", yearDates[0].toString(), "validTo", yearDates[1].toString(),
            "engagementFee", 40.00, "completionFee", 120.00, "completionMinSessions", 2, "outcomePayment", 80.00,
            "outcomeInstrument", "SWEMWBS", "outcomeScore", "metric", "outcomeThreshold", 2.0))
        .exchange().expectStatus().isOk().expectBody(String.class).returnResult());
    setUp.put("PUT /commissioners/QSC/budgets/" + year, platform.outcomeService().put()
        .uri("/commissioners/{c}/budgets/{y}", COMMISSIONER, year).bodyValue(Map.of("amount", 10000.00))
        .exchange().expectStatus().isOk().expectBody(String.class).returnResult());
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      platform.providerService().get().uri("/providers").exchange().expectStatus().isOk()
          .expectBody().jsonPath("$[?(@.providerId == '" + PROVIDER + "')]").exists();
      platform.outcomeService().get().uri("/commissioners/{c}/contracts", COMMISSIONER).exchange()
          .expectBody().jsonPath("$[?(@.contractId == '" + CONTRACT + "')]").exists();
      platform.outcomeService().get().uri("/commissioners/{c}/budget", COMMISSIONER).exchange()
          .expectBody().jsonPath("$.budget").isEqualTo(10000.0);
    });

    // --- the commissioner's live streams (and, as a positive control, the provider's), before any referral
    List<ServerSentEvent<String>> outcomesLive = new CopyOnWriteArrayList<>();
    List<ServerSentEvent<String>> ledgerLive = new CopyOnWriteArrayList<>();
    List<ServerSentEvent<String>> providerLive = new CopyOnWriteArrayList<>();
    List<Throwable> streamErrors = new CopyOnWriteArrayList<>();
    List<Disposable> streams = new ArrayList<>();
    streams.add(subscribe(platform.outcomeServiceStreams(), "/commissioners/" + COMMISSIONER + "/outcomes/stream", null,
        outcomesLive, streamErrors));
    streams.add(subscribe(platform.outcomeServiceStreams(), "/commissioners/" + COMMISSIONER + "/ledger/stream", null,
        ledgerLive, streamErrors));
    streams.add(subscribe(platform.providerServiceStreams(), "/providers/" + PROVIDER + "/referrals/stream", null,
        providerLive, streamErrors));

    // --- the journeys
    try {
      // refused referrals carrying the same identities: HTTP 400 (no consent) and a Kafka rejection
      platform.referralService().post().uri("/referrals").bodyValue(referralBody(WILHELMINA, false))
          .exchange().expectStatus().isBadRequest();
      String refusedRequestId = "qsc-scan-refused-" + UUID.randomUUID();
      platform.send(OwnerTokens.REQUESTS, refusedRequestId, kafkaRequest(PERPETUA, refusedRequestId, false));

      // A: JSON intake; accepted with a baseline, two sessions, completed with a follow-up; Time Credits
      // (intake may answer 503 while a stream thread rejoins: sent again with the same idempotency key, it is one referral)
      String idempotencyKey = "qsc-scan-a-" + UUID.randomUUID();
      String a = await().atMost(Duration.ofSeconds(60)).until(() -> {
        EntityExchangeResult<Map<String, Object>> answer = platform.referralService().post().uri("/referrals")
            .header("Idempotency-Key", idempotencyKey).bodyValue(referralBody(WILHELMINA, true))
            .exchange().expectBody(MAP).returnResult();
        return answer.getStatus().is2xxSuccessful() ? (String) answer.getResponseBody().get("referralId") : null;
      }, id -> id != null);
      // B: FHIR intake; a baseline at the first session, a missed session, dropped out
      String fhirBody = fhirServiceRequest(EZEKIEL);
      String b = await().atMost(Duration.ofSeconds(60)).until(() -> {
        EntityExchangeResult<String> answer = platform.referralService().post().uri("/fhir/ServiceRequest")
            .contentType(MediaType.parseMediaType("application/fhir+json")).bodyValue(fhirBody)
            .exchange().expectBody(String.class).returnResult();
        return answer.getStatus().is2xxSuccessful()
            ? answer.getResponseHeaders().getLocation().getPath().replace("/referrals/", "") : null;
      }, id -> id != null);
      // C: Kafka intake; accepted with a baseline, then cancelled by the referrer
      String requestId = "qsc-scan-" + UUID.randomUUID();
      platform.send(OwnerTokens.REQUESTS, requestId, kafkaRequest(PERPETUA, requestId, true));
      String c = OwnerTokens.kafkaReferralId(requestId);
      List<String> referrals = List.of(a, b, c);
      for (String referralId : referrals) {
        JourneyScenario.awaitReferral(platform, referralId, "OFFERED", PROVIDER);
        JourneyScenario.awaitOffer(platform, PROVIDER, referralId);
      }
      String today = LocalDate.now(UK).toString();

      provider("/accept", a, Map.of("note", "first call went well", "measures", List.of(swemwbs("BASELINE", 2, 2, 3, 2, 2, 3, 2))));
      provider("/sessions", a, Map.of("attendedOn", LocalDate.now(UK).minusDays(2).toString()));
      provider("/sessions", a, Map.of("attendedOn", LocalDate.now(UK).minusDays(1).toString()));
      provider("/complete", a, Map.of("completion", "COMPLETED", "measures", List.of(swemwbs("FOLLOW_UP", 3, 4, 3, 4, 3, 4, 3))));
      provider("/time-credits", a, Map.of("givenOn", today, "hours", 3, "activity", "tending the community allotment"));

      provider("/accept", b, null);
      provider("/sessions", b, Map.of("attendedOn", LocalDate.now(UK).minusDays(3).toString(),
          "measures", List.of(swemwbs("BASELINE", 3, 3, 3, 2, 3, 3, 3))));
      provider("/sessions", b, Map.of("attendedOn", LocalDate.now(UK).minusDays(2).toString(), "attended", false));
      provider("/complete", b, Map.of("completion", "DROPPED_OUT", "measures", List.of(swemwbs("FOLLOW_UP", 3, 3, 3, 3, 3, 3, 3))));

      provider("/accept", c, Map.of("measures", List.of(swemwbs("BASELINE", 2, 3, 2, 2, 3, 2, 2))));
      int cancelled = platform.referralService().post().uri("/referrals/{id}/cancel", c)
          .bodyValue(Map.of("reason", "moved out of the area")).exchange().returnResult(Void.class).getStatus().value();
      assertThat(cancelled).as("cancel answered").isIn(202, 503);

      // --- everything has reached the commissioner: 10 ledger entries (A: committed, engagement, completion,
      // outcome; B and C: committed, engagement, released), two outcomes, A's Time Credits
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
        assertThat(dataCount(ledgerLive, referrals)).as("ledger entries on the live stream").isEqualTo(10);
        assertThat(dataCount(outcomesLive, List.of(a, b))).as("outcomes on the live stream").isEqualTo(2);
        platform.outcomeService().get().uri("/commissioners/{c}/time-credits", COMMISSIONER).exchange()
            .expectStatus().isOk().expectBody().jsonPath("$[?(@.providerId == '" + PROVIDER + "')].credits").exists();
        platform.outcomeService().get().uri("/commissioners/{c}/ledger?referralId={r}", COMMISSIONER, a).exchange()
            .expectBody().jsonPath("$[?(@.milestone == 'OUTCOME')]").exists();
      });
      String personA = personId(outcomesLive, a);
      assertThat(personA).startsWith("p-");

      // --- the streams again: replayed from the store on connecting, and resumed with Last-Event-ID
      List<ServerSentEvent<String>> outcomesReplay = new CopyOnWriteArrayList<>();
      List<ServerSentEvent<String>> ledgerReplay = new CopyOnWriteArrayList<>();
      List<ServerSentEvent<String>> ledgerResumed = new CopyOnWriteArrayList<>();
      streams.add(subscribe(platform.outcomeServiceStreams(), "/commissioners/" + COMMISSIONER + "/outcomes/stream", null,
          outcomesReplay, streamErrors));
      streams.add(subscribe(platform.outcomeServiceStreams(), "/commissioners/" + COMMISSIONER + "/ledger/stream", null,
          ledgerReplay, streamErrors));
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        assertThat(dataCount(outcomesReplay, List.of(a, b))).isEqualTo(2);
        assertThat(dataCount(ledgerReplay, referrals)).isEqualTo(10);
      });
      // resumed after the first entry replayed (the replay's order is the store's: by time, then id)
      String firstReplayed = ledgerReplay.stream().filter(e -> e.id() != null).findFirst().orElseThrow().id();
      streams.add(subscribe(platform.outcomeServiceStreams(), "/commissioners/" + COMMISSIONER + "/ledger/stream",
          firstReplayed, ledgerResumed, streamErrors));
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
          assertThat(dataCount(ledgerResumed, referrals)).isEqualTo(9));
      assertThat(dataCount(providerLive, referrals)).as("offers on the provider's stream").isPositive();
      streams.forEach(Disposable::dispose);
      assertThat(streamErrors).as("stream errors").isEmpty();

      // --- the positive controls for the logs: a canary line at INFO (emitted) and at DEBUG (not emitted,
      // seen only by the turbo filter that records every Linkway log call)
      org.slf4j.Logger canary = LoggerFactory.getLogger(CANARY_LOGGER);
      canary.info("canary: {} {} {} {} {} {}", WILHELMINA.nhsNumber(), WILHELMINA.familyName(), WILHELMINA.phone(),
          WILHELMINA.email(), WILHELMINA.postcode(), WILHELMINA.birthDate());
      canary.debug("canary at debug: {} {}", EZEKIEL.nhsNumber(), EZEKIEL.email());

      // ================================ the scan ================================
      // Kafka: every topic, read from the start
      scanTopics();

      // HTTP: every commissioner-facing answer of outcome-service, and the open data
      String month = YearMonth.now(UK).toString();
      Reconciliations.runNow(platform.outcomeService(), "QSC");
      setUp.forEach((what, result) -> http("HTTP " + what, what, result));
      List<String> paths = new ArrayList<>(List.of(
          "/commissioners/QSC/ledger",
          "/commissioners/QSC/ledger?referralId=" + a,
          "/commissioners/QSC/ledger?referralId=" + b,
          "/commissioners/QSC/ledger?referralId=" + c,
          "/commissioners/QSC/ledger/reconciliation",
          "/commissioners/QSC/summary",
          "/commissioners/QSC/summary/breakdown",
          "/commissioners/QSC/summary/breakdown?by=provider",
          "/commissioners/QSC/summary/breakdown?by=service",
          "/commissioners/QSC/summary/breakdown?by=practice",
          "/commissioners/QSC/summary/breakdown?by=month",
          "/commissioners/QSC/statements?month=" + month,
          "/commissioners/QSC/statements?month=" + month + "&providerId=" + PROVIDER,
          "/commissioners/QSC/budget",
          "/commissioners/QSC/budget?year=" + year,
          "/commissioners/QSC/budgets",
          "/commissioners/QSC/contracts",
          "/commissioners/QSC/time-credits",
          "/time-credits/wallets/" + personA,
          "/open-data/outcomes",
          "/open-data/outcomes?commissioner=QSC",
          "/open-data/outcomes/columns"));
      for (String path : paths) {
        http("HTTP GET " + path.replaceAll("[?].*", "").replace(personA, "{personId}"), "GET " + path,
            platform.outcomeService().get().uri(path).accept(MediaType.APPLICATION_JSON)
                .exchange().expectStatus().isOk().expectBody(String.class).returnResult());
      }
      for (String path : List.of("/commissioners/QSC/statements?month=" + month,
          "/commissioners/QSC/statements?month=" + month + "&providerId=" + PROVIDER,
          "/open-data/outcomes.csv", "/open-data/outcomes.csv?commissioner=QSC")) {
        http("HTTP GET " + path.replaceAll("[?].*", "") + " (CSV)", "GET " + path + " (text/csv)",
            platform.outcomeService().get().uri(path).accept(MediaType.parseMediaType("text/csv"))
                .exchange().expectStatus().isOk().expectBody(String.class).returnResult());
      }

      // SSE: what the commissioner's streams emitted
      sse("SSE outcomes/stream (live, before the journeys)", outcomesLive);
      sse("SSE outcomes/stream (replayed on connecting)", outcomesReplay);
      sse("SSE ledger/stream (live, before the journeys)", ledgerLive);
      sse("SSE ledger/stream (replayed on connecting)", ledgerReplay);
      sse("SSE ledger/stream (resumed with Last-Event-ID)", ledgerResumed);

      // positive controls where identity belongs: the provider's queue and its live stream
      control("CONTROL provider stream (SSE)", providerLive.stream().map(PersonalDataScanIT::sseText).toList());
      EntityExchangeResult<String> queue = platform.providerService().get().uri("/providers/{p}/referrals", PROVIDER)
          .exchange().expectStatus().isOk().expectBody(String.class).returnResult();
      control("CONTROL provider queue (HTTP)", List.of(queue.getResponseBody()));

      // logs: every Logback event of this JVM since the services started, Linkway's own log calls at every
      // level, and the schema registry process's log file
      scanLogs();
      scanRegistryLog();
    } finally {
      streams.forEach(Disposable::dispose);
    }

    // ================================ the figures and the verdict ================================
    long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
    print(seconds);

    // positive controls: each detector, and each identity of each person, is found where identity belongs
    // (the referrals topic carries identities sealed since crypto-shredding, so it is no control: ErasureIT checks it holds none in clear)
    for (String control : List.of("CONTROL provider queue (HTTP)", "CONTROL provider stream (SSE)")) {
      Source source = sources.get(control);
      assertThat(source).as(control).isNotNull();
      assertThat(source.detectorsHit()).as("detectors firing in %s", control).containsAll(Detectors.NAMES);
      for (Person person : PEOPLE) {
        assertThat(source.findings).as("%s finds person %s's %s", control, person.key(), "identity")
            .extracting(Finding::match).map(Detectors::normalise)
            .containsAll(person.normalisedIdentity());
      }
    }
    Source requests = sources.get("CONTROL topic " + OwnerTokens.REQUESTS.name());
    assertThat(requests.detectorsHit()).containsAll(Detectors.NAMES);
    assertThat(requests.findings).extracting(Finding::match).map(Detectors::normalise)
        .containsAll(PERPETUA.normalisedIdentity());
    Source canary = sources.get("CONTROL canary log lines");
    assertThat(canary.findings).extracting(Finding::detector)
        .contains("known-nhs-number", "nhs-number", "known-name", "uk-phone", "email", "full-postcode", "known-birth-date");
    assertThat(canary.findings).extracting(Finding::match).map(Detectors::normalise)
        .contains(Detectors.normalise(EZEKIEL.nhsNumber()), Detectors.normalise(EZEKIEL.email()));

    // the verdict: nothing personal in anything commissioner-facing, nor in the logs
    List<Source> asserted = sources.values().stream().filter(s -> s.asserted).toList();
    assertThat(asserted.stream().filter(s -> s.kind.equals("topic")).mapToLong(s -> s.items).sum())
        .as("records scanned on commissioner-facing topics").isPositive();
    assertThat(asserted.stream().filter(s -> s.name.startsWith("LOG")).mapToLong(s -> s.items).sum())
        .as("log events scanned").isPositive();
    List<Finding> leaks = asserted.stream().flatMap(s -> s.findings.stream()).toList();
    assertThat(leaks).as("personal data found in commissioner-facing outputs or logs:%n%s",
        leaks.stream().map(Finding::toString).collect(Collectors.joining("\n"))).isEmpty();
  }

  // ------------------------------------------------------------------ journeys

  /**
   * A provider's command. 503 ("the decision on this request was not ready within 10 s; it may still be
   * applied") is accepted: the command is on the log and the referral's stream task applies the commands
   * of one referral in order. An acceptance waits on the budget's answer, so it is awaited as ACCEPTED
   * before the next command.
   */
  private void provider(String action, String referralId, Map<String, Object> body) {
    var request = platform.providerService().post().uri("/providers/{p}/referrals/{r}" + action, PROVIDER, referralId);
    int status = (body == null ? request : request.bodyValue(body)).exchange().returnResult(Void.class).getStatus().value();
    assertThat(status).as("%s %s answered", action, referralId).isIn(200, 503);
    if (action.equals("/accept")) {
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
          platform.providerService().get().uri("/providers/{p}/referrals?status=ACCEPTED", PROVIDER).exchange()
              .expectStatus().isOk().expectBody().jsonPath("$[?(@.referralId == '" + referralId + "')]").exists());
    }
  }

  private static Map<String, Object> swemwbs(String stage, Integer... answers) {
    return Map.of("instrument", "SWEMWBS", "stage", stage, "answers", List.of(answers));
  }

  private static Map<String, Object> referralBody(Person person, boolean consent) {
    return Map.of(
        "patient", Map.of("nhsNumber", person.nhsNumber(), "givenName", String.join(" ", person.givenNames()),
            "familyName", person.familyName(), "birthDate", person.birthDate(), "postcode", person.postcode(),
            "phone", person.phone(), "email", person.email()),
        "consent", consent, "referrer", Map.of("odsCode", OwnerTokens.PRACTICE, "clinician", "Dr Okonkwo"),
        "commissioner", COMMISSIONER, "needs", List.of("LONELINESS"), "notes", "widowed last year; keen on gardening");
  }

  private static ReferralRequested kafkaRequest(Person person, String requestId, boolean consent) {
    EventMetadata metadata = Events.metadata("gp-system-qsc-scan", null, requestId);
    return ReferralRequested.newBuilder()
        .setMetadata(metadata)
        .setRequestId(requestId)
        .setPatient(new Patient(person.nhsNumber(), String.join(" ", person.givenNames()), person.familyName(),
            LocalDate.parse(person.birthDate()), person.postcode(), person.phone(), person.email()))
        .setConsent(consent)
        .setReferrer(new Referrer(OwnerTokens.PRACTICE, "Dr Okonkwo"))
        .setCommissioner(COMMISSIONER)
        .setNeeds(List.of("LONELINESS"))
        .setNotes("lives alone; would like a weekly group")
        .build();
  }

  private static String fhirServiceRequest(Person person) {
    return """
        {"resourceType": "ServiceRequest",
         "contained": [
          {"resourceType": "Patient", "id": "patient",
           "identifier": [{"system": "https://fhir.nhs.uk/Id/nhs-number", "value": "%s"}],
           "name": [{"use": "official", "family": "%s", "given": ["%s", "%s"]}],
           "telecom": [{"system": "phone", "value": "%s", "use": "home"}, {"system": "email", "value": "%s"}],
           "gender": "male", "birthDate": "%s",
           "address": [{"use": "home", "line": ["3 Wensum Yard"], "city": "Norwich", "postalCode": "%s"}]},
          {"resourceType": "Consent", "id": "consent", "status": "active",
           "scope": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/consentscope", "code": "patient-privacy"}]},
           "category": [{"coding": [{"system": "http://loinc.org", "code": "59284-0", "display": "Patient Consent"}]}],
           "patient": {"reference": "#patient"}, "dateTime": "2026-11-20T10:05:00+00:00"}],
         "identifier": [{"system": "https://fhir.d82044.example.nhs.uk/referral-request", "value": "QSC-SCAN-%s"}],
         "status": "active", "intent": "order",
         "code": {"coding": [{"system": "http://snomed.info/sct", "code": "871731000000106"}]},
         "subject": {"reference": "#patient"},
         "authoredOn": "2026-11-20T10:15:00+00:00",
         "requester": {"type": "Organization", "identifier": {"system": "https://fhir.nhs.uk/Id/ods-organization-code", "value": "%s"}},
         "performer": [{"type": "Organization", "identifier": {"system": "https://fhir.nhs.uk/Id/ods-organization-code", "value": "%s"}}],
         "reasonCode": [{"coding": [{"system": "https://linkway.org/fhir/CodeSystem/need", "code": "LONELINESS"}]}],
         "supportingInfo": [{"reference": "#consent"}],
         "note": [{"text": "Retired lorry driver; would like company in the mornings."}]}
        """.formatted(person.nhsNumber(), person.familyName(), person.givenNames().get(0), person.givenNames().get(1),
        person.phone(), person.email(), person.birthDate(), person.postcode(), UUID.randomUUID(),
        OwnerTokens.PRACTICE, COMMISSIONER);
  }

  private static Disposable subscribe(WebClient client, String path, String lastEventId,
      List<ServerSentEvent<String>> into, List<Throwable> errors) {
    var request = client.get().uri(path).accept(MediaType.TEXT_EVENT_STREAM);
    if (lastEventId != null) request = request.header("Last-Event-ID", lastEventId);
    return request.retrieve().bodyToFlux(SSE_TEXT).subscribe(into::add, errors::add);
  }

  /** Data events of a stream that name one of the referrals. */
  private static long dataCount(List<ServerSentEvent<String>> events, Collection<String> referrals) {
    return events.stream().filter(e -> e.data() != null && referrals.stream().anyMatch(e.data()::contains)).count();
  }

  private static String personId(List<ServerSentEvent<String>> outcomes, String referralId) {
    String data = outcomes.stream().filter(e -> e.data() != null && e.data().contains(referralId)).findFirst()
        .orElseThrow().data();
    Matcher m = Pattern.compile("\"personId\"\\s*:\\s*\"([^\"]+)\"").matcher(data);
    assertThat(m.find()).as("personId in %s", data).isTrue();
    return m.group(1);
  }

  // ------------------------------------------------------------------ scanning

  private Source source(String name, String kind, boolean asserted) {
    return sources.computeIfAbsent(name, n -> new Source(n, kind, asserted));
  }

  private void scanTopics() throws Exception {
    Map<String, Integer> topics = new TreeMap<>();
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers()))) {
      Set<String> names = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      Map<String, TopicDescription> described = admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS);
      described.forEach((name, d) -> topics.put(name, d.partitions().size()));
    }
    Set<String> commissionerFacing = new LinkedHashSet<>();
    for (Topic<?> topic : COMMISSIONER_TOPICS) {
      commissionerFacing.add(topic.name());
      commissionerFacing.add(topic.deadLetterName());
    }
    AvroSerdes serdes = new AvroSerdes(new LinkwayKafkaProperties(platform.registryUrl(), null, null, null, 0, null));
    try (var serde = serdes.forValues(SpecificRecord.class)) {
      Deserializer<SpecificRecord> avro = serde.deserializer();
      // commissioner-facing first, then the rest
      List<String> order = new ArrayList<>();
      commissionerFacing.stream().filter(topics::containsKey).forEach(order::add);
      topics.keySet().stream().filter(t -> t.startsWith(OUTCOME_SERVICE_INTERNAL_PREFIX)).forEach(order::add);
      topics.keySet().stream().filter(t -> !order.contains(t)).forEach(order::add);
      for (String topic : order) {
        boolean asserted = commissionerFacing.contains(topic) || topic.startsWith(OUTCOME_SERVICE_INTERNAL_PREFIX);
        boolean control = topic.equals(OwnerTokens.REQUESTS.name());
        String name = (asserted ? "TOPIC " : control ? "CONTROL topic " : "other topic ") + topic;
        Source source = source(name, "topic", asserted);
        for (ConsumerRecord<byte[], byte[]> record : platform.records(topic, topics.get(topic))) {
          List<String> texts = new ArrayList<>();
          long bytes = 0;
          if (record.key() != null) {
            texts.add(printable(record.key()));
            bytes += record.key().length;
          }
          if (record.value() != null) {
            texts.add(printable(record.value()));
            bytes += record.value().length;
            String decoded = decode(avro, topic, record);
            if (decoded != null) texts.add(decoded);
          }
          for (Header header : record.headers()) {
            texts.add(header.key() + "=" + (header.value() == null ? "" : printable(header.value())));
            bytes += header.key().length() + (header.value() == null ? 0 : header.value().length);
          }
          source.scan(detectors, record.topic() + "-" + record.partition() + "@" + record.offset(), bytes, texts);
        }
      }
    }
    assertThat(topics).as("topics on the broker").containsKeys(
        COMMISSIONER_TOPICS.stream().map(Topic::name).toArray(String[]::new));
  }

  private static String decode(Deserializer<SpecificRecord> avro, String topic, ConsumerRecord<byte[], byte[]> record) {
    byte[] value = record.value();
    if (value.length < 5 || value[0] != 0) return null; // not in the Confluent wire format (a dead letter, a test's garbage)
    try {
      SpecificRecord decoded = avro.deserialize(topic, record.headers(), value);
      return decoded == null ? null : decoded.toString();
    } catch (RuntimeException unreadable) {
      return null;
    }
  }

  private void http(String name, String where, EntityExchangeResult<String> result) {
    Source source = source(name, "http", true);
    String body = result.getResponseBody() == null ? "" : result.getResponseBody();
    String headers = result.getResponseHeaders().toString();
    source.scan(detectors, where, body.getBytes(StandardCharsets.UTF_8).length + headers.length(), List.of(body, headers));
  }

  private void sse(String name, List<ServerSentEvent<String>> events) {
    Source source = source(name, "sse", true);
    int i = 0;
    for (ServerSentEvent<String> event : events) {
      String text = sseText(event);
      source.scan(detectors, name + " #" + i++, text.getBytes(StandardCharsets.UTF_8).length, List.of(text));
    }
  }

  private static String sseText(ServerSentEvent<String> event) {
    return "id:" + event.id() + "\nevent:" + event.event() + "\ndata:" + event.data() + "\ncomment:" + event.comment();
  }

  private void control(String name, List<String> texts) {
    Source source = source(name, "control", false);
    int i = 0;
    for (String text : texts) {
      source.scan(detectors, name + " #" + i++, text.getBytes(StandardCharsets.UTF_8).length, List.of(text));
    }
  }

  private void scanLogs() {
    assertThat(logs.attached()).as("the capturing appender is still on the root logger").isTrue();
    Source events = source("LOG JVM Logback events (root appender, as emitted)", "log", true);
    Source calls = source("LOG org.linkway log calls at every level (turbo filter)", "log", true);
    Source canary = source("CONTROL canary log lines", "control", false);
    // the test's own HTTP client: WebTestClient logs a failed assertion's whole exchange at ERROR, and
    // Awaitility retries assertions, so a retried look at the provider's queue is logged with the person in
    // it. That is the caller's log, not a service's: kept apart, not asserted.
    Source client = source("other log: the test's WebTestClient (" + TEST_CLIENT_LOGGER + ")", "log", false);
    int i = 0;
    for (LogLine line : logs.emitted) {
      Source into = line.logger().equals(CANARY_LOGGER) ? canary : line.logger().equals(TEST_CLIENT_LOGGER) ? client : events;
      into.scan(detectors, "event #" + i++ + " " + line.logger(), line.text().getBytes(StandardCharsets.UTF_8).length,
          List.of(line.text()));
    }
    i = 0;
    for (LogLine line : logs.linkwayCalls) {
      Source into = line.logger().equals(CANARY_LOGGER) ? canary : calls;
      into.scan(detectors, "call #" + i++ + " " + line.logger(), line.text().getBytes(StandardCharsets.UTF_8).length,
          List.of(line.text()));
    }
  }

  private void scanRegistryLog() throws IOException {
    int port = URI.create(TestStack.registry().baseUrl()).getPort();
    Path file = Path.of("target", "schema-registry-" + port + ".log").toAbsolutePath();
    Source source = source("LOG schema registry process (" + file.getFileName() + ")", "log", true);
    if (!Files.exists(file)) {
      System.out.println("personal data scan: no registry log at " + file);
      return;
    }
    List<String> lines = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
    for (int i = 0; i < lines.size(); i++) {
      source.scan(detectors, file.getFileName() + ":" + (i + 1), lines.get(i).length() + 1, List.of(lines.get(i)));
    }
  }

  /** Raw bytes as text: printable ASCII kept, everything else (Avro lengths, binary numbers) a separator. */
  static String printable(byte[] bytes) {
    char[] chars = new char[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      int b = bytes[i] & 0xff;
      chars[i] = (b >= 0x20 && b < 0x7f) || b == '\n' || b == '\t' ? (char) b : '\u0000';
    }
    return new String(chars);
  }

  private void print(long seconds) {
    StringBuilder out = new StringBuilder();
    out.append(String.format("%n===== personal data scan: commissioner %s, %d people, %d s =====%n", COMMISSIONER,
        PEOPLE.size(), seconds));
    out.append(String.format("%-78s %-8s %-9s %9s %12s %9s%n", "source", "kind", "asserted", "items", "bytes", "findings"));
    long items = 0;
    long bytes = 0;
    long findings = 0;
    for (Source s : sources.values()) {
      out.append(String.format("%-78s %-8s %-9s %9d %12d %9d%n", s.name, s.kind, s.asserted ? "yes" : "no",
          s.items, s.bytes, s.findings.size()));
      if (s.asserted) {
        items += s.items;
        bytes += s.bytes;
        findings += s.findings.size();
      }
    }
    out.append(String.format("%-78s %-8s %-9s %9d %12d %9d%n", "TOTAL commissioner-facing + logs (asserted)", "", "",
        items, bytes, findings));
    for (String group : List.of("topic", "http", "sse", "log")) {
      List<Source> of = sources.values().stream().filter(s -> s.asserted && s.kind.equals(group)).toList();
      out.append(String.format("  asserted %-5s: %3d sources, %8d items, %11d bytes, %d findings%n", group, of.size(),
          of.stream().mapToLong(s -> s.items).sum(), of.stream().mapToLong(s -> s.bytes).sum(),
          of.stream().mapToLong(s -> s.findings.size()).sum()));
    }
    out.append("detectors: ").append(Detectors.NAMES).append('\n');
    for (Source s : sources.values()) {
      if (!s.asserted && !s.findings.isEmpty()) {
        out.append(String.format("  %s: %d findings (expected there), detectors %s%n", s.name, s.findings.size(),
            s.detectorsHit()));
      }
    }
    for (Source s : sources.values()) {
      if (s.asserted) s.findings.stream().limit(50).forEach(f -> out.append("  FINDING ").append(f).append('\n'));
    }
    System.out.print(out);
  }

  // ------------------------------------------------------------------ model

  record Person(String key, String nhsNumber, List<String> givenNames, String familyName, String birthDate,
      String postcode, String phone, String email) {

    List<String> names() {
      List<String> names = new ArrayList<>(givenNames);
      names.add(familyName);
      return names;
    }

    /**
     * Every identifying value that travels with the referral, normalised as {@link Detectors#normalise}
     * normalises a match (only the first given name travels: the FHIR intake keeps given[0]).
     */
    List<String> normalisedIdentity() {
      return List.of(nhsNumber, givenNames.get(0), familyName, postcode, phone, email, birthDate).stream()
          .map(Detectors::normalise).toList();
    }
  }

  record Hit(String detector, String match, int start, int end) {}

  record Finding(String source, String where, String detector, String match, String context) {
    @Override
    public String toString() {
      return source + " | " + where + " | " + detector + " | '" + match + "' in ..." + context + "...";
    }
  }

  static final class Source {
    final String name;
    final String kind;
    final boolean asserted;
    long items;
    long bytes;
    final Set<Finding> findings = new LinkedHashSet<>();

    Source(String name, String kind, boolean asserted) {
      this.name = name;
      this.kind = kind;
      this.asserted = asserted;
    }

    void scan(Detectors detectors, String where, long size, List<String> texts) {
      items++;
      bytes += size;
      for (String text : texts) {
        for (Hit hit : detectors.find(text)) {
          String context = text.substring(Math.max(0, hit.start() - 40), Math.min(text.length(), hit.end() + 40))
              .replace('\u0000', '.').replace('\n', ' ');
          findings.add(new Finding(name, where, hit.detector(), hit.match(), context));
        }
      }
    }

    Set<String> detectorsHit() {
      return findings.stream().map(Finding::detector).collect(Collectors.toCollection(java.util.TreeSet::new));
    }
  }

  /**
   * The detectors. Generic ones find any NHS number (modulus 11), UK phone number, email address or full
   * postcode; known ones find the identities of this test's people however they are spaced or cased.
   */
  static final class Detectors {

    static final List<String> NAMES = List.of("nhs-number", "known-nhs-number", "known-name", "uk-phone",
        "known-phone", "email", "known-email", "full-postcode", "known-postcode", "known-birth-date");

    /** 10 digits, optionally spaced or hyphenated 3-3-4, not part of a longer word or number (see {@link #nhsNumber}). */
    static final Pattern NHS_NUMBER = Pattern.compile("(?<!\\w)(\\d{3})[ -]?(\\d{3})[ -]?(\\d{4})(?!\\w)");
    /** 0 or +44 (optionally (0)), then 9 or 10 digits of a geographic (01, 02, 03) or mobile (07) number. */
    static final Pattern UK_PHONE = Pattern.compile(
        "(?<![\\w+])(?:\\+44[ -]?(?:\\(0\\)[ -]?)?|\\(?0)([1237](?:[ )-]{0,2}\\d){8,9})(?!\\w)");
    static final Pattern EMAIL = Pattern.compile(
        "(?<![\\w.%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\\.[A-Za-z]{2,}(?![\\w-])");
    /** A full UK postcode (outward and inward code), upper case as written; a district ("NR1") alone is not one. */
    static final Pattern FULL_POSTCODE = Pattern.compile("(?<![A-Za-z0-9])(?:GIR ?0AA|[A-PR-UWYZ](?:[0-9]{1,2}|[A-HK-Y][0-9]{1,2}"
        + "|[0-9][A-HJKPSTUW]|[A-HK-Y][0-9][ABEHMNPRVWXY]) ?[0-9][ABD-HJLNP-UW-Z]{2})(?![A-Za-z0-9])");

    private final Map<String, List<Pattern>> known = new LinkedHashMap<>();

    Detectors(List<Person> people) {
      for (Person p : people) {
        String nhs = p.nhsNumber();
        add("known-nhs-number", "(?<!\\d)" + nhs.substring(0, 3) + "[ -]?" + nhs.substring(3, 6) + "[ -]?" + nhs.substring(6)
            + "(?!\\d)", 0);
        for (String name : p.names()) add("known-name", "\\b" + Pattern.quote(name) + "\\b", Pattern.CASE_INSENSITIVE);
        String national = normalise(p.phone()).substring(1);
        add("known-phone", "(?<!\\d)(?:\\+\\s?44[\\s-]?(?:\\(0\\)[\\s-]?)?|\\(?0)?"
            + national.chars().mapToObj(ch -> String.valueOf((char) ch)).collect(Collectors.joining("[\\s()-]{0,2}"))
            + "(?!\\d)", 0);
        add("known-email", Pattern.quote(p.email()), Pattern.CASE_INSENSITIVE);
        String[] postcode = p.postcode().split(" ");
        add("known-postcode", "(?<![A-Za-z0-9])" + postcode[0] + "\\s?" + postcode[1] + "(?![A-Za-z0-9])",
            Pattern.CASE_INSENSITIVE);
        LocalDate born = LocalDate.parse(p.birthDate());
        String dd = "%02d".formatted(born.getDayOfMonth());
        String mm = "%02d".formatted(born.getMonthValue());
        String yyyy = String.valueOf(born.getYear());
        add("known-birth-date", "(?<!\\d)(?:" + yyyy + "-" + mm + "-" + dd + "|" + dd + "/" + mm + "/" + yyyy + "|"
            + dd + "-" + mm + "-" + yyyy + "|" + yyyy + mm + dd + ")(?!\\d)", 0);
      }
    }

    private void add(String detector, String regex, int flags) {
      known.computeIfAbsent(detector, d -> new ArrayList<>()).add(Pattern.compile(regex, flags));
    }

    List<Hit> find(String text) {
      List<Hit> hits = new ArrayList<>();
      Matcher m = NHS_NUMBER.matcher(text);
      while (m.find()) {
        if (nhsNumber(m.group(1) + m.group(2) + m.group(3))) hits.add(new Hit("nhs-number", m.group(), m.start(), m.end()));
      }
      m = UK_PHONE.matcher(text);
      while (m.find()) {
        String national = m.group(1).replaceAll("\\D", "");
        if (national.length() == 10 || (national.length() == 9 && national.startsWith("1"))) {
          hits.add(new Hit("uk-phone", m.group(), m.start(), m.end()));
        }
      }
      m = EMAIL.matcher(text);
      while (m.find()) hits.add(new Hit("email", m.group(), m.start(), m.end()));
      m = FULL_POSTCODE.matcher(text);
      while (m.find()) hits.add(new Hit("full-postcode", m.group(), m.start(), m.end()));
      known.forEach((detector, patterns) -> {
        for (Pattern pattern : patterns) {
          Matcher k = pattern.matcher(text);
          while (k.find()) hits.add(new Hit(detector, k.group(), k.start(), k.end()));
        }
      });
      return hits;
    }

    /**
     * Could be an NHS number: in the ranges issued in England, Wales and Northern Ireland (320 000 0000 and
     * above: 320-399 Northern Ireland, 400-499 and 600-799 England and Wales, 9xx test numbers) and passing
     * the check digit. Below 320 are Scotland's CHI numbers (010-311) and the machine's own numbers: a Java
     * int or an epoch second has 10 digits and starts with 1 or 2 (Kafka's controller logs
     * "createTopics(2010380576)", which passes the modulus-11 check).
     */
    static boolean nhsNumber(String digits) {
      return validNhsNumber(digits) && Integer.parseInt(digits.substring(0, 3)) >= 320;
    }

    /** Ten digits, not all the same, whose last is the NHS number's check digit ({@link NhsNumber}). */
    static boolean validNhsNumber(String digits) {
      if (digits.length() != 10 || digits.chars().distinct().count() == 1) return false;
      return NhsNumber.isValid(digits);
    }

    /** A match or an identity as comparable text: lower case letters and digits; +44 becomes 0; dates as digits. */
    static String normalise(String value) {
      String plain = value.toLowerCase().replaceAll("[^a-z0-9@.]", "");
      if (value.trim().startsWith("+44")) plain = "0" + plain.substring(2).replaceFirst("^0", "");
      return plain;
    }
  }

  // ------------------------------------------------------------------ logs

  record LogLine(String logger, String text) {}

  /**
   * Captures every Logback event of this JVM (an appender on the root logger: what the services' logs
   * would hold) and every log call made by Linkway's own code at any level, including DEBUG calls the
   * configuration does not emit (a turbo filter sees each call before the level is checked).
   */
  static final class LogCapture {
    final ConcurrentLinkedQueue<LogLine> emitted = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<LogLine> linkwayCalls = new ConcurrentLinkedQueue<>();
    private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    private final AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
      @Override
      protected void append(ILoggingEvent event) {
        StringBuilder text = new StringBuilder()
            .append(event.getLevel()).append(' ').append(event.getLoggerName()).append(" [").append(event.getThreadName())
            .append("] ").append(event.getFormattedMessage());
        if (event.getMDCPropertyMap() != null && !event.getMDCPropertyMap().isEmpty()) {
          text.append(" mdc=").append(event.getMDCPropertyMap());
        }
        if (event.getKeyValuePairs() != null && !event.getKeyValuePairs().isEmpty()) {
          text.append(" kv=").append(event.getKeyValuePairs());
        }
        if (event.getThrowableProxy() != null) text.append('\n').append(ThrowableProxyUtil.asString(event.getThrowableProxy()));
        emitted.add(new LogLine(event.getLoggerName(), text.toString()));
      }
    };
    private final TurboFilter calls = new TurboFilter() {
      @Override
      public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        if (format != null && logger.getName().startsWith("org.linkway")) {
          String text;
          try {
            text = level + " " + logger.getName() + " " + MessageFormatter.arrayFormat(format, params, t).getMessage()
                + (t == null ? "" : "\n" + t);
          } catch (RuntimeException e) {
            text = level + " " + logger.getName() + " " + format + " (arguments could not be formatted: " + e + ")";
          }
          linkwayCalls.add(new LogLine(logger.getName(), text));
        }
        return FilterReply.NEUTRAL;
      }
    };

    void attach() {
      appender.setContext(context);
      appender.setName("personal-data-scan");
      appender.start();
      context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(appender);
      calls.setContext(context);
      calls.setName("personal-data-scan-calls");
      calls.start();
      context.addTurboFilter(calls);
    }

    boolean attached() {
      return context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).isAttached(appender)
          && context.getTurboFilterList().contains(calls);
    }

    void detach() {
      context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).detachAppender(appender);
      context.getTurboFilterList().remove(calls);
      appender.stop();
      calls.stop();
    }
  }

  // ------------------------------------------------------------------ the detectors' own tests

  /** Each detector against positives and negatives, so that the scan cannot pass by detecting nothing. */
  @Nested
  class DetectorsTest {

    final Detectors d = new Detectors(PEOPLE);

    private Set<String> detected(String text) {
      return d.find(text).stream().map(Hit::detector).collect(Collectors.toSet());
    }

    @Test
    void nhsNumbers_withAValidCheckDigit_plainSpacedOrHyphenated_areFound() {
      assertThat(detected("nhs 9434765919 here")).contains("nhs-number");
      assertThat(detected("NHS No: 943 476 5919.")).contains("nhs-number");
      assertThat(detected("\"nhsNumber\":\"943-476-5919\"")).contains("nhs-number");
      assertThat(detected("patient 485 777 3120")).contains("nhs-number", "known-nhs-number");
      assertThat(Detectors.validNhsNumber("4010238739")).isTrue();
      assertThat(Detectors.validNhsNumber("6402953016")).isTrue();
    }

    @Test
    void nhsNumbers_notTenDigitsOrFailingTheCheck_areNot() {
      assertThat(detected("9434765918")).doesNotContain("nhs-number"); // wrong check digit
      assertThat(detected("94347659190")).doesNotContain("nhs-number"); // 11 digits
      assertThat(detected("1795430400123 offset 00000000000000001234")).doesNotContain("nhs-number");
      assertThat(detected("p-a9434765919f and 123e4567-e89b-12d3-a456-426614174000")).doesNotContain("nhs-number");
      assertThat(detected("1111111111 0000000000")).doesNotContain("nhs-number"); // never issued
      // a Kafka controller event id: passes the check digit, but no NHS number starts below 320
      assertThat(Detectors.validNhsNumber("2010380576")).isTrue();
      assertThat(detected("The slowest event was createTopics(2010380576), which took 1011.96 ms"))
          .doesNotContain("nhs-number");
      assertThat(Detectors.validNhsNumber("4505213659")).isFalse();
    }

    @Test
    void names_areFoundWholeAndInAnyCase_butNotInsideOtherWords() {
      assertThat(detected("dear Mr THROCKMORTON,")).contains("known-name");
      assertThat(detected("wilhelmina.featherstonehaugh@example.org")).contains("known-name", "email", "known-email");
      assertThat(detected("{\"givenName\":\"Ezekiel Barnabas\"}")).contains("known-name");
      assertThat(detected("Wilhelminas Throckmortonshire Perpetual")).doesNotContain("known-name");
    }

    @Test
    void ukPhoneNumbers_mobileLandlineAndInternational_areFound() {
      assertThat(detected("call 07700 900461")).contains("uk-phone", "known-phone");
      assertThat(detected("tel 01603 555019")).contains("uk-phone", "known-phone");
      assertThat(detected("tel (01603) 555019")).contains("uk-phone", "known-phone");
      assertThat(detected("+44 7700 900872")).contains("uk-phone", "known-phone");
      assertThat(detected("+44 (0)1603 555019")).contains("uk-phone", "known-phone");
      assertThat(detected("07700900123")).contains("uk-phone").doesNotContain("known-phone");
      assertThat(detected("020 7946 0018")).contains("uk-phone");
      assertThat(detected("7700 900461")).contains("known-phone"); // without its trunk prefix
    }

    @Test
    void ukPhoneNumbers_notPhoneNumbers_areNot() {
      assertThat(detected("2026-07-01T10:15:30.123Z offset 0 epoch 1795430400 amount 0.40"))
          .doesNotContain("uk-phone", "known-phone");
      assertThat(detected("07700 9004")).doesNotContain("uk-phone"); // too short
      assertThat(detected("id 0a77009004610 and 123e4567-0770-0900-4610-426614174000")).doesNotContain("uk-phone");
      assertThat(detected("partition 0 at 07700900461123")).doesNotContain("uk-phone", "known-phone");
    }

    @Test
    void emails_areFound_butObjectIdsAndVersionsAreNot() {
      assertThat(detected("mail perpetua.q@example.co.uk now")).contains("email", "known-email");
      assertThat(detected("<Someone.Else+tag@nhs.net>")).contains("email").doesNotContain("known-email");
      assertThat(detected("org.linkway.Foo@5e9f23b4 java.base@17.0.9 user@localhost")).doesNotContain("email");
    }

    @Test
    void fullPostcodes_areFound_butDistrictsAndOtherCodesAreNot() {
      assertThat(detected("lives at NR2 4QZ")).contains("full-postcode", "known-postcode");
      assertThat(detected("NR31AU")).contains("full-postcode", "known-postcode");
      assertThat(detected("ec1a 1bb, SW1A 1AA, W1A 0AX, M1 1AE")).contains("full-postcode");
      assertThat(detected("nr1 2dh")).contains("known-postcode").doesNotContain("full-postcode");
      assertThat(detected("district NR1, areas [NR1, NR2, NR3], ICB QSC, practice D82044, SNOMED 871731000000106"))
          .doesNotContain("full-postcode", "known-postcode");
      assertThat(detected("SWEMWBS ONS4 UCLA3 GBP 2026-27 H2 DB")).doesNotContain("full-postcode");
    }

    @Test
    void birthDates_ofThePeople_areFoundInTheUsualForms_butOtherDatesAreNot() {
      assertThat(detected("\"birthDate\": \"1947-08-21\"")).contains("known-birth-date");
      assertThat(detected("born 03/02/1961")).contains("known-birth-date");
      assertThat(detected("19531130")).contains("known-birth-date");
      assertThat(detected("attended 2026-11-20, submitted 1947-08-22")).doesNotContain("known-birth-date");
    }

    @Test
    void pseudonymousOutput_isClean() {
      String outcome = "{\"referralId\":\"3f0c2a9e-5b1d-4c1e-9a77-0b9d1c2e3f40\",\"personId\":\"p-4f3c2b1a0918273645aabbccddeeff00112233445566778899\","
          + "\"commissioner\":\"QSC\",\"providerId\":\"qsc-scan-friends\",\"measures\":[{\"metricScore\":16.36}],"
          + "\"amount\":240.00,\"occurredAt\":\"2026-11-22T16:49:20.123Z\",\"practice\":\"D82044\"}";
      assertThat(d.find(outcome)).isEmpty();
    }

    @Test
    void rawAvroBytes_areReadAsTextWithTheirBinaryPartsAsSeparators() {
      byte[] avro = new byte[] {0, 0, 0, 0, 7, 20, '4', '8', '5', '7', '7', '7', '3', '1', '2', '0', 14,
          'N', 'R', '2', ' ', '4', 'Q', 'Z', (byte) 0x93};
      assertThat(new PersonalDataScanIT.Detectors(PEOPLE).find(printable(avro)).stream().map(Hit::detector))
          .contains("nhs-number", "known-nhs-number", "full-postcode", "known-postcode");
    }
  }
}
