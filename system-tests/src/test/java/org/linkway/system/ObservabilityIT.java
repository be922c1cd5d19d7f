package org.linkway.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.AppenderBase;
import ch.qos.logback.core.OutputStreamAppender;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.linkway.platform.domain.Funding;
import org.linkway.platform.kafka.Topic;
import org.linkway.platform.kafka.Topics;
import org.linkway.platform.observability.Traceparent;
import org.linkway.platform.testing.TestStack;
import org.slf4j.LoggerFactory;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Issue 7, point 9: one referral followed across the services by its trace, and the figures
 * Prometheus scrapes. A GP refers with a W3C {@code traceparent} of its own; the provider accepts
 * (a request with a trace of its own); the commissioner's contract commits funding. Every event of
 * the referral on {@code referrals}, {@code provider-events}, {@code budget-decisions} and
 * {@code funding-ledger} carries the GP's trace id, and so do the log lines each service writes
 * about it, which are JSON. Each service's {@code /actuator/prometheus} (admin only) has the
 * business figures, its consumers' lag, and a dead-letter count that rises with a poison record.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ObservabilityIT {

  static final String COMMISSIONER = "QOB";
  static final String PROVIDER = "obs-befrienders";
  static final String SERVICE = "obs-befriending";
  static final String TRACE_ID = HexFormat.of().formatHex(randomBytes(16));
  static final String TRACEPARENT = "00-" + TRACE_ID + "-" + HexFormat.of().formatHex(randomBytes(8)) + "-01";
  static final List<String> SERVICES = List.of("referral-service", "provider-service", "outcome-service");
  static final ParameterizedTypeReference<Map<String, Object>> MAP = new ParameterizedTypeReference<>() {};

  RunningPlatform platform;
  final TraceLogs logs = new TraceLogs(TRACE_ID);
  String referralId;
  String acceptTraceparent;

  @BeforeAll
  void aReferralReferredWithATraceAndAccepted() {
    platform = EmbeddedPlatform.get();
    logs.attach(); // after the platform has started: Spring Boot resets Logback when a service starts
    String year = Funding.financialYear(Instant.now());
    LocalDate[] yearDates = Funding.financialYearDates(year).orElseThrow();
    platform.providerService().post().uri("/providers").bodyValue(Map.of("providerId", PROVIDER, "name", "Observed Befrienders",
            "services", List.of(Map.of("serviceId", SERVICE, "name", "Telephone befriending", "needs", List.of("LONELINESS"),
                "commissioners", List.of(COMMISSIONER), "postcodeDistricts", List.of("NR1"), "capacity", 10))))
        .exchange().expectStatus().isCreated();
    platform.outcomeService().put().uri("/commissioners/{c}/contracts/{id}", COMMISSIONER, "obs-tariff")
        .bodyValue(Map.of("providerId", PROVIDER, "validFrom", yearDates[0].toString(), "validTo", yearDates[1].toString(),
            "engagementFee", 40.00, "completionFee", 60.00, "completionMinSessions", 2))
        .exchange().expectStatus().isOk();
    platform.outcomeService().put().uri("/commissioners/{c}/budgets/{y}", COMMISSIONER, year)
        .bodyValue(Map.of("amount", 1000.00)).exchange().expectStatus().isOk();
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      platform.providerService().get().uri("/providers").exchange()
          .expectBody().jsonPath("$[?(@.providerId == '" + PROVIDER + "')]").exists();
      platform.outcomeService().get().uri("/commissioners/{c}/contracts", COMMISSIONER).exchange()
          .expectBody().jsonPath("$[?(@.contractId == 'obs-tariff')]").exists();
      platform.outcomeService().get().uri("/commissioners/{c}/budget", COMMISSIONER).exchange()
          .expectBody().jsonPath("$.budget").isEqualTo(1000.0);
    });

    // the GP system sends its own trace context; the answer names the same trace
    Map<String, Object> received = platform.referralService().post().uri("/referrals").header(Traceparent.HEADER, TRACEPARENT)
        .bodyValue(JourneyScenario.referralBody(COMMISSIONER, List.of("LONELINESS"))).exchange()
        .expectStatus().isAccepted()
        .expectHeader().value(Traceparent.HEADER, value -> assertThat(value).contains(TRACE_ID))
        .expectBody(MAP).returnResult().getResponseBody();
    referralId = (String) received.get("referralId");
    JourneyScenario.awaitReferral(platform, referralId, "OFFERED", PROVIDER);
    JourneyScenario.awaitOffer(platform, PROVIDER, referralId);

    // the provider's acceptance: a request of its own, with a trace of its own
    acceptTraceparent = platform.providerService().post().uri("/providers/{p}/referrals/{r}/accept", PROVIDER, referralId)
        .exchange().expectStatus().isOk().returnResult(Void.class).getResponseHeaders().getFirst(Traceparent.HEADER);
    JourneyScenario.awaitReferral(platform, referralId, "ACCEPTED", PROVIDER);
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        platform.outcomeService().get().uri("/commissioners/{c}/ledger?referralId={r}", COMMISSIONER, referralId).exchange()
            .expectBody().jsonPath("$[?(@.type == 'COMMITTED')].amount").isEqualTo(100.0));
  }

  @AfterAll
  void detach() {
    logs.detach();
  }

  @Test
  void givenAReferralSentWithATraceparent_whenItIsOfferedAcceptedAndFunded_thenEachOfItsEventsCarriesThatTrace() {
    assertThat(acceptTraceparent).as("the acceptance's own trace").isNotNull().doesNotContain(TRACE_ID);
    Map<String, List<String>> traceIds = new HashMap<>();
    for (Topic<?> topic : List.of(Topics.REFERRALS, Topics.PROVIDER_EVENTS, Topics.BUDGET_DECISIONS, Topics.FUNDING_LEDGER)) {
      List<String> ids = new ArrayList<>();
      for (ConsumerRecord<byte[], byte[]> record : platform.records(topic)) {
        if (record.key() != null && referralId.equals(new String(record.key(), StandardCharsets.UTF_8))) {
          Header header = record.headers().lastHeader(Traceparent.HEADER);
          ids.add(header == null ? "none" : new String(header.value(), StandardCharsets.UTF_8).split("-")[1]);
        }
      }
      traceIds.put(topic.name(), ids);
    }
    System.out.println("trace ids of referral " + referralId + "'s events (sent " + TRACE_ID + "): " + traceIds);
    // referrals: submitted, offered; provider-events: accepted; budget-decisions: funding reserved; funding-ledger: committed
    assertThat(traceIds.get("referrals")).hasSizeGreaterThanOrEqualTo(2).containsOnly(TRACE_ID);
    assertThat(traceIds.get("provider-events")).isNotEmpty().containsOnly(TRACE_ID);
    assertThat(traceIds.get("budget-decisions")).isNotEmpty().containsOnly(TRACE_ID);
    assertThat(traceIds.get("funding-ledger")).isNotEmpty().containsOnly(TRACE_ID);
  }

  @Test
  void givenTheReferral_whenTheServicesLogAboutIt_thenTheirLinesCarryItsTraceId_asJson() {
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      // the request's own lines (the event it wrote, logged once the broker had it), then each service's stream processing
      assertThat(logs.lines()).anySatisfy(line -> assertThat(line.getFormattedMessage())
          .startsWith("wrote ReferralSubmitted to referrals").contains(referralId));
      for (String service : SERVICES) {
        assertThat(logs.lines()).as("lines of %s's stream processing under the trace", service)
            .anySatisfy(line -> assertThat(line.getThreadName()).startsWith(service + "-"));
      }
      assertThat(logs.lines()).anySatisfy(line -> assertThat(line.getFormattedMessage())
          .startsWith("wrote ReferralAccepted to provider-events").contains(referralId));
      assertThat(logs.lines()).anySatisfy(line -> assertThat(line.getFormattedMessage())
          .startsWith("wrote FundingCommitted to funding-ledger").contains(referralId));
    });
    // the person's details are never logged: not in any line about the referral, as the console writes it
    List<ILoggingEvent> aboutTheReferral = new ArrayList<>(logs.lines());
    aboutTheReferral.addAll(logs.mentioning());
    assertThat(aboutTheReferral).isNotEmpty().noneSatisfy(l -> assertThat(logs.consoleLine(l))
        .containsAnyOf(JourneyScenario.NHS_NUMBER, JourneyScenario.FAMILY_NAME));

    // the acceptance's own trace leads to the referral's: a line under it names the referral's trace
    String acceptTrace = acceptTraceparent.split("-")[1];
    assertThat(logs.mentioning()).anySatisfy(line -> {
      assertThat(line.getMDCPropertyMap()).containsEntry("traceId", acceptTrace);
      assertThat(line.getFormattedMessage()).contains(referralId).contains(TRACE_ID);
    });

    // what the console writes of such a line is one JSON object, with the trace id in it
    ILoggingEvent line = logs.lines().stream().filter(l -> l.getFormattedMessage().startsWith("wrote ReferralAccepted"))
        .findFirst().orElseThrow();
    String json = logs.consoleLine(line);
    System.out.println("a log line as the console writes it: " + json.strip());
    JsonNode parsed = JsonMapper.builder().build().readTree(json);
    assertThat(parsed.isObject()).isTrue();
    assertThat(parsed.path("message").asString()).contains(referralId);
    assertThat(parsed.path("traceId").asString()).isEqualTo(TRACE_ID);
    assertThat(parsed.path("spanId").asString()).hasSize(16);
  }

  @Test
  void givenTheJourney_whenPrometheusScrapesEachService_thenItReadsTheBusinessFiguresAndTheConsumersLag() {
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      Scrape referrals = scrape("referral-service");
      // each series names its service (the dashboard groups by it)
      assertThat(referrals.value("linkway_referrals", Map.of("status", "ACCEPTED", "application", "referral-service")))
          .isGreaterThanOrEqualTo(1);
      assertThat(referrals.value("linkway_referrals", Map.of("status", "OFFERED"))).isGreaterThanOrEqualTo(0);
      Scrape providers = scrape("provider-service");
      assertThat(providers.value("linkway_offers_open", Map.of())).isGreaterThanOrEqualTo(0);
      assertThat(providers.value("linkway_offers_open_oldest_age_seconds", Map.of())).isGreaterThanOrEqualTo(0);
      Scrape outcomes = scrape("outcome-service");
      assertThat(outcomes.value("linkway_ledger_total_pounds", Map.of("kind", "committed"))).isGreaterThanOrEqualTo(100.0);
      assertThat(outcomes.value("linkway_ledger_total_pounds", Map.of("kind", "reserved"))).isGreaterThan(0);
      for (String service : SERVICES) {
        assertThat(scrape(service).names()).as("%s's metrics", service)
            .contains("kafka_consumer_fetch_manager_records_lag_max", "linkway_dead_letters_total")
            // log lines are not counted by level (UnusedAutoConfigurations.LOG_LINE_COUNTS)
            .doesNotContain("logback_events_total");
      }
    });
    // every metric the Grafana dashboard may query is one the services expose
    Set<String> exposed = new LinkedHashSet<>();
    for (String service : SERVICES) {
      Scrape scrape = scrape(service);
      exposed.addAll(scrape.names());
      scrape.samples().stream().filter(s -> s.name().startsWith("linkway_") && s.value() != 0)
          .forEach(s -> System.out.println(service + " " + s));
    }
    assertThat(exposed).containsAll(GrafanaDashboardTest.EXPOSED);
  }

  @Test
  void givenThePrometheusEndpoint_whenCalledWithoutTheAdminToken_thenItIsRefused() {
    WebTestClient client = WebTestClient.bindToServer().baseUrl(platform.baseUrl("referral-service")).build();
    client.get().uri("/actuator/prometheus").exchange().expectStatus().isUnauthorized();
    client.get().uri("/actuator/prometheus").headers(h -> h.setBearerAuth(TestStack.issuer().gp(OwnerTokens.PRACTICE)))
        .exchange().expectStatus().isForbidden();
  }

  @Test
  void givenAPoisonRecordOnReferrals_whenTheServicesReadIt_thenEachCountsADeadLetter() {
    Map<String, Double> before = new HashMap<>();
    SERVICES.forEach(service -> before.put(service,
        scrape(service).value("linkway_dead_letters_total", Map.of("topic", Topics.REFERRALS.name()))));
    platform.writeRaw(Topics.REFERRALS.name(), 0, "observability-poison",
        ("not avro " + System.nanoTime()).getBytes(StandardCharsets.UTF_8));
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      for (String service : SERVICES) {
        assertThat(scrape(service).value("linkway_dead_letters_total", Map.of("topic", Topics.REFERRALS.name())))
            .as("%s's dead letters from referrals", service).isGreaterThanOrEqualTo(before.get(service) + 1);
      }
    });
  }

  private Scrape scrape(String service) {
    // Kafka Streams' own metrics (per thread, task, processor and store) make the page larger than the default 256 KB
    String text = WebTestClient.bindToServer().baseUrl(platform.baseUrl(service))
        .codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(16 * 1024 * 1024)).build()
        .get().uri("/actuator/prometheus").accept(MediaType.TEXT_PLAIN)
        .headers(h -> h.setBearerAuth(TestStack.issuer().admin())).exchange()
        .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
    return Scrape.of(text);
  }

  private static byte[] randomBytes(int n) {
    byte[] bytes = new byte[n];
    ThreadLocalRandom.current().nextBytes(bytes);
    bytes[0] |= 1; // never all zero
    return bytes;
  }

  /** The samples of a Prometheus text exposition. */
  record Scrape(List<Sample> samples) {

    record Sample(String name, Map<String, String> labels, double value) {}

    private static final Pattern LINE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})?\\s+(\\S+)");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    static Scrape of(String text) {
      List<Sample> samples = new ArrayList<>();
      for (String line : text.split("\n")) {
        Matcher m = LINE.matcher(line);
        if (line.startsWith("#") || !m.find()) continue;
        Map<String, String> labels = new HashMap<>();
        if (m.group(2) != null) {
          Matcher l = LABEL.matcher(m.group(2));
          while (l.find()) labels.put(l.group(1), l.group(2));
        }
        samples.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(3))));
      }
      return new Scrape(samples);
    }

    Set<String> names() {
      Set<String> names = new LinkedHashSet<>();
      samples.forEach(s -> names.add(s.name()));
      return names;
    }

    /** The sum of the samples of {@code name} whose labels include {@code labels}; fails when there is none. */
    double value(String name, Map<String, String> labels) {
      List<Sample> matching = samples.stream()
          .filter(s -> s.name().equals(name) && s.labels().entrySet().containsAll(labels.entrySet())).toList();
      assertThat(matching).as("samples of %s%s", name, labels).isNotEmpty();
      return matching.stream().mapToDouble(Sample::value).sum();
    }
  }

  /** The log events of this JVM under one trace id (in the logging context), or naming it in their message. */
  static final class TraceLogs {
    private final String traceId;
    private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    private final ConcurrentLinkedQueue<ILoggingEvent> underTrace = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<ILoggingEvent> mentioning = new ConcurrentLinkedQueue<>();
    private final AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
      @Override
      protected void append(ILoggingEvent event) {
        if (traceId.equals(event.getMDCPropertyMap().get("traceId"))) {
          event.prepareForDeferredProcessing();
          underTrace.add(event);
        } else if (event.getFormattedMessage() != null && event.getFormattedMessage().contains(traceId)) {
          event.prepareForDeferredProcessing();
          mentioning.add(event);
        }
      }
    };

    TraceLogs(String traceId) {
      this.traceId = traceId;
    }

    void attach() {
      // the line per event written is at DEBUG (it costs throughput); an operator following referrals turns it on
      context.getLogger(org.linkway.platform.observability.EventLog.class).setLevel(ch.qos.logback.classic.Level.DEBUG);
      appender.setContext(context);
      appender.setName("observability-trace-logs");
      appender.start();
      context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(appender);
    }

    void detach() {
      context.getLogger(org.linkway.platform.observability.EventLog.class).setLevel(null);
      context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).detachAppender(appender);
      appender.stop();
    }

    List<ILoggingEvent> lines() {
      return List.copyOf(underTrace);
    }

    List<ILoggingEvent> mentioning() {
      return List.copyOf(mentioning);
    }

    /** The line as the services' console appender writes it. */
    @SuppressWarnings("unchecked")
    String consoleLine(ILoggingEvent event) {
      Appender<ILoggingEvent> console = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender("CONSOLE");
      assertThat(console).as("the console appender").isInstanceOf(OutputStreamAppender.class);
      return new String(((OutputStreamAppender<ILoggingEvent>) console).getEncoder().encode(event), StandardCharsets.UTF_8);
    }
  }
}
