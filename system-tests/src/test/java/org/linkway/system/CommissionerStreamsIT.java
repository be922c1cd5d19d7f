package org.linkway.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.linkway.platform.kafka.Topics;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.Disposable;

/**
 * What commissioners subscribe to: the outcome stream resumes after a disconnection with every
 * missed event exactly once, and the commissioner-outcomes topic can be read by any client that
 * speaks the Confluent wire format, with only a generic Avro reader and the registry. ICB QXW is
 * used only here.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@SuppressWarnings("unchecked")
class CommissionerStreamsIT {

  static final ParameterizedTypeReference<ServerSentEvent<Map<String, Object>>> SSE = new ParameterizedTypeReference<>() {};
  static final String PROVIDER = "streams-walking-football";
  static final ParameterizedTypeReference<Map<String, Object>> MAP = new ParameterizedTypeReference<>() {};

  RunningPlatform platform;

  @BeforeAll
  void providerAndContract() {
    platform = EmbeddedPlatform.get();
    platform.providerService().post().uri("/providers").bodyValue(Map.of("providerId", PROVIDER,
            "name", "Walking Football Norwich", "services", List.of(Map.of("serviceId", PROVIDER + "-svc",
                "name", "Walking football", "needs", List.of("PHYSICAL_ACTIVITY"), "commissioners", List.of("QXW"),
                "capacity", 20))))
        .exchange().expectStatus().isCreated();
    platform.outcomeService().put().uri("/commissioners/QXW/contracts/qxw-walking-football")
        .bodyValue(Map.of("providerId", PROVIDER, "validFrom", "2026-04-01", "validTo", "2027-03-31",
            "engagementFee", 20.00, "completionFee", 60.00))
        .exchange().expectStatus().isOk();
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> platform.providerService().get().uri("/providers")
        .exchange().expectBody().jsonPath("$[?(@.providerId == '" + PROVIDER + "')]").exists());
  }

  @Test
  void givenAClientThatDisconnects_whenItReconnectsWithLastEventId_thenItGetsEveryMissedOutcomeExactlyOnce() {
    List<ServerSentEvent<Map<String, Object>>> first = new CopyOnWriteArrayList<>();
    Disposable connection = outcomes(null).subscribe(first::add);
    String a = completeOne();
    ServerSentEvent<Map<String, Object>> eventA = await().atMost(Duration.ofSeconds(30))
        .until(() -> find(first, a), e -> e != null);
    connection.dispose();

    String b = completeOne();
    String c = completeOne();
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> platform.outcomeService().get()
        .uri("/commissioners/QXW/summary").exchange().expectBody()
        .jsonPath("$.referralsByStatus.COMPLETED").value(n -> assertThat(((Number) n).intValue()).isGreaterThanOrEqualTo(3)));

    List<ServerSentEvent<Map<String, Object>>> resumed = new CopyOnWriteArrayList<>();
    Disposable again = outcomes(eventA.id()).subscribe(resumed::add);
    try {
      await().atMost(Duration.ofSeconds(30)).until(() -> find(resumed, b) != null && find(resumed, c) != null);
      List<String> referrals = resumed.stream().filter(e -> e.data() != null)
          .map(e -> (String) e.data().get("referralId")).toList();
      assertThat(referrals).as("after %s", a).doesNotContain(a).containsSubsequence(b, c);
      assertThat(referrals).doesNotHaveDuplicates();
      assertThat(resumed.stream().filter(e -> e.id() != null).map(ServerSentEvent::id).toList()).doesNotHaveDuplicates();
    } finally {
      again.dispose();
    }
  }

  @Test
  void givenTheCommissionerOutcomesTopic_whenReadWithAGenericAvroReaderAndTheRegistrysConfluentApi_thenEveryRecordDecodes() throws Exception {
    completeOne();
    WebTestClient registry = WebTestClient.bindToServer()
        .baseUrl(platform.registryUrl().replace("/apis/registry/v3", "")).build();
    List<ConsumerRecord<byte[], byte[]>> records = await().atMost(Duration.ofSeconds(30))
        .until(() -> platform.records(Topics.COMMISSIONER_OUTCOMES), r -> !r.isEmpty());
    for (ConsumerRecord<byte[], byte[]> record : records) {
      ByteBuffer bytes = ByteBuffer.wrap(record.value());
      assertThat(bytes.get()).as("magic byte").isZero();
      int id = bytes.getInt();
      Map<String, Object> registered = registry.get().uri("/apis/ccompat/v7/schemas/ids/{id}", id).exchange()
          .expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody();
      // as a Confluent client does: the schema's references (shared types) are fetched and parsed first
      Schema.Parser parser = new Schema.Parser();
      parseReferences(registry, registered, parser);
      Schema schema = parser.parse((String) registered.get("schema"));
      GenericRecord outcome = new GenericDatumReader<GenericRecord>(schema).read(null,
          DecoderFactory.get().binaryDecoder(record.value(), 5, record.value().length - 5, null));
      assertThat(outcome.get("commissioner").toString()).isEqualTo(new String(record.key()));
      assertThat(outcome.get("personId").toString()).startsWith("p-");
      assertThat(schema.getField("nhsNumber")).isNull();
    }
  }

  @Test
  void givenAPersonGivesHoursBack_whenTheProviderRecordsThem_thenTheirWalletAndTheCommissionersTotalsShowTheCredits() {
    String referralId = completeOne();
    platform.providerService().post().uri("/providers/{p}/referrals/{r}/time-credits", PROVIDER, referralId)
        .bodyValue(Map.of("givenOn", java.time.LocalDate.now().toString(), "hours", 2.5, "activity", "coaching a team"))
        .exchange().expectStatus().isOk();
    platform.providerService().post().uri("/providers/{p}/referrals/{r}/time-credits", PROVIDER, referralId)
        .bodyValue(Map.of("givenOn", java.time.LocalDate.now().toString(), "hours", 30)).exchange().expectStatus().isBadRequest()
        .expectBody().jsonPath("$.errors[0].field").isEqualTo("hours");
    String month = java.time.YearMonth.now().toString();
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> platform.outcomeService().get()
        .uri("/commissioners/QXW/time-credits").exchange().expectStatus().isOk().expectBody()
        .jsonPath("$[?(@.providerId == '" + PROVIDER + "' && @.month == '" + month + "')].credits")
        .value(c -> assertThat((List<Number>) c).anySatisfy(n -> assertThat(n.doubleValue()).isGreaterThanOrEqualTo(2.5))));
    String personId = (String) outcomes(null).filter(e -> e.data() != null && referralId.equals(e.data().get("referralId")))
        .blockFirst(Duration.ofSeconds(30)).data().get("personId");
    platform.outcomeService().get().uri("/time-credits/wallets/{id}", personId).exchange().expectStatus().isOk()
        .expectBody().jsonPath("$.credits").value(c -> assertThat(((Number) c).doubleValue()).isGreaterThanOrEqualTo(2.5));
  }

  @SuppressWarnings("unchecked")
  private static void parseReferences(WebTestClient registry, Map<String, Object> registered, Schema.Parser parser) {
    List<Map<String, Object>> references = (List<Map<String, Object>>) registered.getOrDefault("references", List.of());
    for (Map<String, Object> reference : references) {
      Map<String, Object> referenced = registry.get()
          .uri("/apis/ccompat/v7/subjects/{subject}/versions/{version}", reference.get("subject"), reference.get("version"))
          .exchange().expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody();
      parseReferences(registry, referenced, parser);
      String name = (String) reference.get("name");
      if (!parser.getTypes().containsKey(name)) parser.parse((String) referenced.get("schema"));
    }
  }

  /** One referral through the whole journey to completion; returns its id. */
  private String completeOne() {
    String referralId = JourneyScenario.referAndAwaitOffer(platform, "QXW", List.of("PHYSICAL_ACTIVITY"), PROVIDER);
    platform.providerService().post().uri("/providers/{p}/referrals/{r}/accept", PROVIDER, referralId).exchange()
        .expectStatus().isOk();
    platform.providerService().post().uri("/providers/{p}/referrals/{r}/complete", PROVIDER, referralId)
        .bodyValue(Map.of("completion", "COMPLETED", "measures", List.of())).exchange().expectStatus().isOk();
    return referralId;
  }

  private reactor.core.publisher.Flux<ServerSentEvent<Map<String, Object>>> outcomes(String lastEventId) {
    var request = platform.outcomeServiceStreams().get().uri("/commissioners/QXW/outcomes/stream")
        .accept(MediaType.TEXT_EVENT_STREAM);
    if (lastEventId != null) request = request.header("Last-Event-ID", lastEventId);
    return request.retrieve().bodyToFlux(SSE);
  }

  private static ServerSentEvent<Map<String, Object>> find(List<ServerSentEvent<Map<String, Object>>> events, String referralId) {
    return events.stream().filter(e -> e.data() != null && referralId.equals(e.data().get("referralId"))).findFirst().orElse(null);
  }
}
