package org.linkway.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.linkway.replies.CommandReply;

/**
 * The build's schema-evolution check. Every released version of each topic's value schema is kept
 * in {@code schemas/src/main/resources/schema-history/<topic>/v<N>.avsc}; the current schema must
 * read data written with every one of them (BACKWARD_TRANSITIVE, the rule the registry enforces),
 * and a changed schema must be recorded as the next version. To record it, run this test with
 * {@code -Dlinkway.schemas.record=true}.
 */
class SchemaCompatibilityTest {

  static List<Topic<?>> topics() {
    List<Topic<?>> topics = new ArrayList<>(Topics.all());
    topics.addAll(Topics.of("gp-any")); // every GP system's pair of topics has the same schemas
    topics.addAll(Topics.ofCommissioner("QXX")); // and every commissioner's pair those of the shared topics
    return topics;
  }

  /**
   * The history of a GP system's or a commissioner's topic is its kind's ({@code referral-requests.gp-x}:
   * {@code referral-requests}; {@code funding-ledger.QMM}: {@code funding-ledger}); the services' replies topics,
   * which carry one type, share {@code replies}.
   */
  static String historyName(Topic<?> topic) {
    if (topic.valueType() == CommandReply.class) return "replies";
    int dot = topic.name().indexOf('.');
    return dot < 0 ? topic.name() : topic.name().substring(0, dot);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("topics")
  void givenEveryRecordedVersion_whenReadWithTheCurrentSchema_thenItIsBackwardTransitiveCompatible(Topic<?> topic)
      throws Exception {
    Schema current = (Schema) topic.valueType().getField("SCHEMA$").get(null);
    List<Schema> history = history(topic);

    if (Boolean.getBoolean("linkway.schemas.record")
        && (history.isEmpty() || !history.get(history.size() - 1).equals(current))) {
      record(topic, current, history.size() + 1);
      history = history(topic);
    }

    assertThat(history).as("recorded versions of %s (run with -Dlinkway.schemas.record=true to record v1)", topic.name())
        .isNotEmpty();
    for (int i = 0; i < history.size(); i++) {
      SchemaCompatibility.SchemaPairCompatibility result =
          SchemaCompatibility.checkReaderWriterCompatibility(current, history.get(i));
      assertThat(result.getType())
          .as("%s: the current schema cannot read data written with v%d: %s", topic.name(), i + 1,
              result.getResult().getIncompatibilities())
          .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
    }
    assertThat(history.get(history.size() - 1))
        .as("%s changed since v%d: record the new version (-Dlinkway.schemas.record=true)", topic.name(), history.size())
        .isEqualTo(current);
  }

  private static List<Schema> history(Topic<?> topic) throws IOException {
    List<Schema> versions = new ArrayList<>();
    for (int v = 1; ; v++) {
      try (InputStream in = SchemaCompatibilityTest.class.getResourceAsStream(
          "/schema-history/" + historyName(topic) + "/v" + v + ".avsc")) {
        if (in == null) {
          Path recorded = historyDir().resolve(historyName(topic)).resolve("v" + v + ".avsc");
          if (!Files.exists(recorded)) return versions;
          versions.add(new Schema.Parser().parse(Files.readString(recorded)));
        } else {
          versions.add(new Schema.Parser().parse(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
        }
      }
    }
  }

  private static void record(Topic<?> topic, Schema schema, int version) throws IOException {
    Path file = historyDir().resolve(historyName(topic)).resolve("v" + version + ".avsc");
    Files.createDirectories(file.getParent());
    Files.writeString(file, schema.toString(true) + "\n");
  }

  private static Path historyDir() {
    return Path.of("..", "schemas", "src", "main", "resources", "schema-history").toAbsolutePath().normalize();
  }
}
