package org.linkway.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.mock.env.MockEnvironment;

class GpSystemsTest {

  @Test
  void givenTheSettings_eachSystemServesItsOwnPracticesOnly() {
    GpSystems systems = GpSystems.from(new MockEnvironment()
        .withProperty("linkway.intake.gp-systems.gp-north", "D82044, D82045")
        .withProperty("linkway.intake.gp-systems.gp-south", "A81001"));
    assertThat(systems.names()).containsExactly("gp-north", "gp-south");
    assertThat(systems.serves("gp-north", "D82045")).isTrue();
    assertThat(systems.serves("gp-north", "A81001")).isFalse();
    assertThat(systems.serves("gp-unknown", "A81001")).isFalse();
    assertThat(systems.serves("gp-north", null)).isFalse();
    assertThat(systems.systemFor("A81001")).contains("gp-south");
    assertThat(systems.systemFor("B00000")).isEmpty();
  }

  @Test
  void givenAFile_theToolsReadTheSameSettings(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("gp.properties"), "# two systems\nlinkway.intake.gp-systems.gp-a=D82044\n"
        + "linkway.other=x\nlinkway.intake.gp-systems.gp-b=A81001,A81002\n");
    assertThat(GpSystems.from(file).practicesBySystem())
        .isEqualTo(Map.of("gp-a", Set.of("D82044"), "gp-b", Set.of("A81001", "A81002")));
  }

  @Test
  void aNameThatCouldPassForAServiceOrAnotherTopic_isRefused() {
    for (String name : new String[] {"referral-service", "gp-", "gp-x-dlt", "GP-X", "gp-a.b", "gp-" + "x".repeat(40), "gp-a/b"}) {
      assertThatThrownBy(() -> new GpSystems(Map.of(name, Set.of("D82044")))).as(name)
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot name a GP system");
    }
    assertThatThrownBy(() -> new GpSystems(Map.of("gp-a", Set.of("*")))).hasMessageContaining("is not a practice's ODS code");
  }

  @Test
  void eachSystemHasItsOwnPairOfTopics_andTheBrokerGrantsItThoseAlone() {
    GpSystems systems = new GpSystems(Map.of("gp-a", Set.of("D82044"), "gp-b", Set.of("A81001")));
    assertThat(Topics.referralRequests("gp-a").name()).isEqualTo("referral-requests.gp-a");
    assertThat(Topics.referralRejections("gp-a").name()).isEqualTo("referral-rejections.gp-a");
    var acls = KafkaAccess.bindings(systems).stream().filter(b -> b.entry().principal().equals("User:gp-a")).toList();
    assertThat(acls).allSatisfy(b -> assertThat(b.pattern().name())
        .isIn("referral-requests.gp-a", "referral-rejections.gp-a", "gp-a.", "kafka-cluster"));
    assertThat(acls).anySatisfy(b -> {
      assertThat(b.pattern().name()).isEqualTo("referral-requests.gp-a");
      assertThat(b.entry().operation()).isEqualTo(org.apache.kafka.common.acl.AclOperation.WRITE);
    });
    assertThat(acls).noneSatisfy(b -> {
      assertThat(b.pattern().name()).isEqualTo("referral-rejections.gp-a");
      assertThat(b.entry().operation()).isEqualTo(org.apache.kafka.common.acl.AclOperation.WRITE);
    });
  }

  @Test
  void theClientSettingsOfAPractice_nameTheSystemThatServesIt(@TempDir Path kafkaDir) throws Exception {
    Files.createDirectories(kafkaDir.resolve("credentials"));
    Files.writeString(kafkaDir.resolve("credentials/gp-b.password"), "pw-b\n");
    GpSystems systems = new GpSystems(Map.of("gp-a", Set.of("D82044"), "gp-b", Set.of("A81001")));
    Map<String, String> settings = KafkaClientSettings.forPractice("127.0.0.1:9092", "http://127.0.0.1:8085/apis/ccompat/v7",
        kafkaDir, systems, "A81001");
    assertThat(settings).containsEntry("bootstrap.servers", "127.0.0.1:9092")
        .containsEntry("security.protocol", "SASL_PLAINTEXT").containsEntry("sasl.mechanism", "SCRAM-SHA-256")
        .containsEntry("schema.registry.url", "http://127.0.0.1:8085/apis/ccompat/v7")
        .containsEntry("topic", "referral-requests.gp-b").containsEntry("rejections.topic", "referral-rejections.gp-b");
    assertThat(settings.get("sasl.jaas.config")).contains("username=\"gp-b\" password=\"pw-b\"");
    assertThatThrownBy(() -> KafkaClientSettings.forPractice("b", "r", kafkaDir, systems, "Z99999"))
        .hasMessageContaining("no GP system refers for practice Z99999");
  }
}
