package org.linkway.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.apicurio.registry.rest.client.models.RuleViolationProblemDetails;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.linkway.events.EventMetadata;
import org.linkway.events.NeedCode;
import org.linkway.events.Patient;
import org.linkway.events.ReferralEvent;
import org.linkway.events.ReferralRequested;
import org.linkway.events.ReferralSubmitted;
import org.linkway.events.Referrer;
import org.linkway.platform.kafka.AvroSerdes;
import org.linkway.platform.kafka.Events;
import org.linkway.platform.kafka.LinkwayKafkaProperties;
import org.linkway.platform.kafka.Topics;
import org.linkway.platform.testing.TestStack;
import org.linkway.referral.intake.ReferralIntake;

/**
 * Schema evolution on {@code referral-requests}, the topic GP systems write to with schemas of their
 * own, checked through Kafka and the schema registry only:
 * <ol>
 *   <li>a newer GP system whose schema adds an optional field writes a request through the same
 *       Apicurio serializer the services use: the registry stores that schema as the next version of
 *       {@code referral-requests-value}, and referral-service, still on today's compiled schema, reads
 *       the request: it becomes a referral on {@code referrals} with the request's data, and nothing
 *       goes to {@code referral-requests-dlt};</li>
 *   <li>an incompatible schema (consent turned from a boolean into a string), registered as the
 *       serializer registers schemas (nested records by reference to artifacts of their own), is
 *       refused by the registry's BACKWARD_TRANSITIVE rule with HTTP 409 on both its APIs, the latest
 *       version stays as it was, and a producer using that schema gets an exception and writes nothing;</li>
 *   <li>Avro's SchemaCompatibility, the check {@code SchemaCompatibilityTest} runs on {@code schemas/}
 *       against the recorded history, flags the same change, so a change like it fails the build.</li>
 * </ol>
 */
class SchemaEvolutionIT {

  static final String SUBJECT = OwnerTokens.REQUESTS.name() + "-value";
  static final String PRACTICE = "D82044";
  static final String ADDED_FIELD = "referrerSystemVersion";

  // ---- 1. a newer producer, today's consumer ----

  @Test
  void givenAGpSystemWhoseSchemaAddsAnOptionalField_whenItWritesARequest_thenTheRegistryStoresANewVersionAndReferralServiceReadsIt() {
    RunningPlatform platform = EmbeddedPlatform.get();
    Registry registry = new Registry();
    String todaysRequestId = "schema-today-" + UUID.randomUUID();
    platform.send(OwnerTokens.REQUESTS, todaysRequestId, request(todaysRequestId)); // today's GP systems
    JsonNode before = registry.latest();

    Schema newer = newerSchema();
    String requestId = "schema-newer-" + UUID.randomUUID();
    GenericRecord written = copy(generic(request(requestId)), newer);
    written.put(ADDED_FIELD, "EMIS Web 9.12");
    send(platform, written, requestId);

    JsonNode after = registry.latest();
    assertThat(after.get("version").asInt()).as("the newer schema is the next version of %s", SUBJECT)
        .isEqualTo(before.get("version").asInt() + 1);
    assertThat(registry.latestSchema()).as("the latest version, references resolved").isEqualTo(newer);
    ConsumerRecord<byte[], byte[]> onTopic = platform.records(OwnerTokens.REQUESTS).stream()
        .filter(r -> requestId.equals(key(r))).findFirst().orElseThrow();
    assertThat(onTopic.value()[0]).as("Confluent magic byte").isZero();
    assertThat(ByteBuffer.wrap(onTopic.value(), 1, 4).getInt()).as("schema id in the record")
        .isEqualTo(after.get("id").asInt());

    String referralId = OwnerTokens.kafkaReferralId(requestId);
    ReferralEvent event = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
        .until(() -> submitted(platform, referralId), found -> found != null);
    assertThat(event.getMetadata().getCorrelationId()).isEqualTo(requestId);
    ReferralSubmitted submitted = (ReferralSubmitted) event.getPayload();
    assertThat(submitted.getRequestId()).isEqualTo(requestId);
    // the person's identity is sealed on the log (ErasureIT opens and erases it); routing's clear fields are the request's
    assertThat(submitted.getPatient()).isNull();
    assertThat(submitted.getSealedPatient().getPersonId()).isEqualTo(submitted.getPersonId());
    assertThat(submitted.getPostcodeDistrict())
        .isEqualTo(request(requestId).getPatient().getPostcode().trim().split("\\s+")[0].toUpperCase());
    assertThat(submitted.getConsent()).isTrue();
    assertThat(submitted.getReferrer().getOdsCode()).isEqualTo(PRACTICE);
    assertThat(submitted.getCommissioner()).isEqualTo("QMM");
    assertThat(submitted.getNeeds()).containsExactlyInAnyOrder(NeedCode.NATURE, NeedCode.LONELINESS);
    // the notes are sealed with the same data key as the identity (ErasureIT shows the provider reading them)
    assertThat(submitted.getNotes()).isNull();
    assertThat(submitted.getSealedNotes().getKeyId()).isEqualTo(submitted.getSealedPatient().getKeyId());
    assertThat(new String(submitted.getSealedNotes().getCiphertext().array(), java.nio.charset.StandardCharsets.ISO_8859_1))
        .doesNotContain("Sundays");
    assertThat(platform.records(OwnerTokens.REQUESTS.deadLetterName(), OwnerTokens.REQUESTS.partitions()))
        .as("dead letters for %s", requestId).noneMatch(r -> requestId.equals(key(r)));
  }

  // ---- 2. an incompatible change is refused ----

  @Test
  void givenASchemaThatChangesAFieldsType_whenItIsRegistered_thenTheRegistryRefusesItAndTheProducerWritesNothing() {
    RunningPlatform platform = EmbeddedPlatform.get();
    Registry registry = new Registry();
    String todaysRequestId = "schema-today-" + UUID.randomUUID();
    platform.send(OwnerTokens.REQUESTS, todaysRequestId, request(todaysRequestId)); // there is a version to be compatible with
    JsonNode before = registry.latest();
    Schema incompatible = consentAsText();
    // registered as the services' serializer registers a schema: its nested records by reference to their own artifacts.
    // (Registry 3.0.9 answers a self-contained copy, nested records inline, with 422 "Could not execute compatibility
    // rule on invalid Avro schema" once the subject's versions use references, whether it is compatible or not.)
    String byReference = incompatible.toString(List.of(EventMetadata.SCHEMA$, Patient.SCHEMA$, Referrer.SCHEMA$), false);

    HttpResponse<String> confluentApi = registry.post("/apis/ccompat/v7/subjects/" + SUBJECT + "/versions",
        "application/vnd.schemaregistry.v1+json", Map.of("schema", byReference, "references", before.get("references")));
    assertThat(confluentApi.statusCode()).as(confluentApi.body()).isEqualTo(409);
    assertThat(registry.json(confluentApi.body()).get("message").asText())
        .contains("RuleViolationException", "Incompatible artifact: " + SUBJECT,
            "reader type: STRING not compatible with writer type: BOOLEAN at /fields/3/type");

    HttpResponse<String> registryApi = registry.post("/apis/registry/v3/groups/default/artifacts/" + SUBJECT + "/versions",
        "application/json", Map.of("content", Map.of("content", byReference, "contentType", "application/json",
            "references", registry.references(before.get("version").asInt()))));
    assertThat(registryApi.statusCode()).as(registryApi.body()).isEqualTo(409);
    assertThat(registry.json(registryApi.body()).get("name").asText()).isEqualTo("RuleViolationException");

    String requestId = "schema-incompatible-" + UUID.randomUUID();
    GenericRecord written = copy(generic(request(requestId)), incompatible);
    written.put("consent", "yes");
    assertThatThrownBy(() -> send(platform, written, requestId))
        .as("the serializer cannot register the incompatible schema")
        .rootCause().isInstanceOfSatisfying(RuleViolationProblemDetails.class, refused -> {
          assertThat(refused.getStatus()).isEqualTo(409);
          assertThat(refused.getDetail()).contains("reader type: STRING not compatible with writer type: BOOLEAN");
        });

    assertThat(registry.latest()).as("latest version of %s", SUBJECT).isEqualTo(before);
    assertThat(platform.records(OwnerTokens.REQUESTS)).noneMatch(r -> requestId.equals(key(r)));
  }

  // ---- 3. the build's own check ----

  @Test
  void givenTheSameChanges_whenCheckedAsSchemaCompatibilityTestDoes_thenTheTypeChangeFailsAndTheAddedOptionalFieldPasses() {
    List<Schema> history = recordedHistory();
    assertThat(history).isNotEmpty();
    for (Schema recorded : history) {
      var typeChanged = SchemaCompatibility.checkReaderWriterCompatibility(consentAsText(), recorded);
      assertThat(typeChanged.getType()).isEqualTo(SchemaCompatibilityType.INCOMPATIBLE);
      assertThat(typeChanged.getResult().getIncompatibilities())
          .anySatisfy(i -> assertThat(i.getLocation()).isEqualTo("/fields/3/type"));
      assertThat(SchemaCompatibility.checkReaderWriterCompatibility(newerSchema(), recorded).getType())
          .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
    }
    // and the other way round, which is what lets today's consumers read the newer producer
    assertThat(SchemaCompatibility.checkReaderWriterCompatibility(ReferralRequested.SCHEMA$, newerSchema()).getType())
        .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
  }

  // ---- schemas and records ----

  /** Today's schema and one more field, optional: what a newer GP system might send. */
  static Schema newerSchema() {
    List<Schema.Field> fields = copyFields(ReferralRequested.SCHEMA$);
    fields.add(new Schema.Field(ADDED_FIELD,
        Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.STRING)),
        "The GP system's software and version.", Schema.Field.NULL_DEFAULT_VALUE));
    return withFields(ReferralRequested.SCHEMA$, fields);
  }

  /** Today's schema with consent as text ("yes") instead of a boolean: an incompatible change. */
  static Schema consentAsText() {
    List<Schema.Field> fields = new ArrayList<>();
    for (Schema.Field field : ReferralRequested.SCHEMA$.getFields()) {
      fields.add(field.name().equals("consent") ? new Schema.Field(field.name(), Schema.create(Schema.Type.STRING))
          : new Schema.Field(field, field.schema()));
    }
    return withFields(ReferralRequested.SCHEMA$, fields);
  }

  private static List<Schema.Field> copyFields(Schema schema) {
    List<Schema.Field> fields = new ArrayList<>();
    schema.getFields().forEach(field -> fields.add(new Schema.Field(field, field.schema())));
    return fields;
  }

  private static Schema withFields(Schema schema, List<Schema.Field> fields) {
    return Schema.createRecord(schema.getName(), schema.getDoc(), schema.getNamespace(), false, fields);
  }

  /** A valid request, as today's GP systems write it. */
  static ReferralRequested request(String requestId) {
    return ReferralRequested.newBuilder()
        .setMetadata(Events.metadata("gp-system-test", null, requestId))
        .setRequestId(requestId)
        .setPatient(new Patient("9434765919", "Mary", "Seacole", LocalDate.of(1948, 11, 23), "NR2 4AB", null, null))
        .setConsent(true)
        .setReferrer(new Referrer(PRACTICE, null))
        .setCommissioner("QMM")
        .setNeeds(List.of("NATURE", "LONELINESS"))
        .setNotes("Walks with a friend on Sundays")
        .build();
  }

  /** The same request as a generic record: written with its class, read back without it. */
  static GenericRecord generic(ReferralRequested request) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
      new SpecificDatumWriter<>(ReferralRequested.class).write(request, encoder);
      encoder.flush();
      return new GenericDatumReader<GenericRecord>(ReferralRequested.SCHEMA$)
          .read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A record of another schema with every field the two schemas share; the others are left for the caller. */
  static GenericRecord copy(GenericRecord source, Schema schema) {
    GenericRecord copy = new GenericData.Record(schema);
    for (Schema.Field field : schema.getFields()) {
      if (source.hasField(field.name())) copy.put(field.name(), source.get(field.name()));
    }
    return copy;
  }

  /** Writes a generic record to referral-requests through the Apicurio serializer, configured as the services configure theirs. */
  static void send(RunningPlatform platform, GenericRecord value, String key) {
    Map<String, Object> serdeConfig =
        new AvroSerdes(new LinkwayKafkaProperties(platform.registryUrl(), null, null, null, 0, null)).registryConfig();
    AvroKafkaSerializer<GenericRecord> serializer = new AvroKafkaSerializer<>();
    serializer.configure(serdeConfig, false);
    Properties config = new Properties();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers());
    try (KafkaProducer<String, GenericRecord> producer = new KafkaProducer<>(config, new StringSerializer(), serializer)) {
      producer.send(new ProducerRecord<>(OwnerTokens.REQUESTS.name(), key, value)).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
  }

  private static ReferralEvent submitted(RunningPlatform platform, String referralId) {
    return platform.events(Topics.REFERRALS).stream()
        .filter(e -> e.getPayload() instanceof ReferralSubmitted
            && referralId.equals(String.valueOf(e.getMetadata().getReferralId())))
        .findFirst().orElse(null);
  }

  private static String key(ConsumerRecord<byte[], byte[]> record) {
    return record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
  }

  /** The recorded versions of referral-requests, as SchemaCompatibilityTest reads them. */
  private static List<Schema> recordedHistory() {
    List<Schema> versions = new ArrayList<>();
    for (int v = 1; ; v++) {
      try (InputStream in = SchemaEvolutionIT.class.getResourceAsStream(
          "/schema-history/referral-requests/v" + v + ".avsc")) {
        if (in == null) return versions;
        versions.add(new Schema.Parser().parse(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** The registry's own HTTP API: the Confluent-compatible one to read the subject, both to register. */
  static final class Registry {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final String baseUrl = TestStack.registry().baseUrl();

    /** {subject, version, id, schema, references} of the subject's latest version (Confluent-compatible API). */
    JsonNode latest() {
      HttpResponse<String> response = send(HttpRequest.newBuilder(
          URI.create(baseUrl + "/apis/ccompat/v7/subjects/" + SUBJECT + "/versions/latest")).GET().build());
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      return json(response.body());
    }

    /** The latest version's schema with the records it references resolved, as a consumer sees it. */
    Schema latestSchema() {
      HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(baseUrl + "/apis/registry/v3/groups/default/artifacts/"
          + SUBJECT + "/versions/branch=latest/content?references=DEREFERENCE")).GET().build());
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      return new Schema.Parser().parse(response.body());
    }

    /** The artifacts a version refers to, in the registry's own form. */
    JsonNode references(int version) {
      HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(baseUrl + "/apis/registry/v3/groups/default/artifacts/"
          + SUBJECT + "/versions/" + version + "/references")).GET().build());
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      return json(response.body());
    }

    HttpResponse<String> post(String path, String contentType, Object body) {
      try {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path))
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    JsonNode json(String body) {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private HttpResponse<String> send(HttpRequest request) {
      try {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }
}
