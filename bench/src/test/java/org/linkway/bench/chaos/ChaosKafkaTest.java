package org.linkway.bench.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The harness's Kafka settings for a plaintext broker and for one that authenticates its clients. */
class ChaosKafkaTest {

  @Test
  void aPlaintextBrokerNeedsNoLogin(@TempDir Path kafkaDir) {
    ChaosKafka kafka = new ChaosKafka("127.0.0.1:1234", kafkaDir);

    assertThat(kafka.secured()).isFalse();
    assertThat(kafka.harnessClient()).containsOnlyKeys("bootstrap.servers");
    assertThat(kafka.serviceArguments()).containsExactly("--spring.kafka.bootstrap-servers=127.0.0.1:1234");
    assertThat(kafka.serviceEnvironment("referral-service")).isEmpty();
    assertThat(kafka.grantCommand("java", Path.of("referral-service.jar"), Path.of("gp-systems.properties"))).isEmpty();
  }

  @Test
  void onABrokerThatAuthenticatesTheHarnessReadsAsTheAdministratorAndEachServiceLogsInAsItself(@TempDir Path kafkaDir)
      throws Exception {
    Files.writeString(kafkaDir.resolve("admin.password"), "admin-secret\n");
    ChaosKafka kafka = new ChaosKafka("127.0.0.1:1234", kafkaDir);

    assertThat(kafka.secured()).isTrue();
    assertThat(kafka.harnessClient()).containsEntry("security.protocol", "SASL_PLAINTEXT").containsEntry("sasl.mechanism", "PLAIN");
    assertThat((String) kafka.harnessClient().get("sasl.jaas.config")).contains("username=\"admin\" password=\"admin-secret\"");
    Path gpSystems = Files.writeString(kafkaDir.resolve("gp-systems.properties"), "linkway.intake.gp-systems.gp-demo=D82044\n");
    assertThat(kafka.grantCommand("java", Path.of("referral-service.jar"), gpSystems))
        .contains("-Dloader.main=org.linkway.platform.kafka.KafkaAccess", "127.0.0.1:1234", kafkaDir.toString(), gpSystems.toString());
    for (String principal : java.util.List.of("referral-service", "provider-service", "outcome-service", "gp-demo")) {
      Path password = kafkaDir.resolve("credentials").resolve(principal + ".password");
      assertThat(password).exists();
      assertThat(Files.getPosixFilePermissions(password)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }
    String login = kafka.serviceEnvironment("provider-service").get("SPRING_APPLICATION_JSON");
    assertThat(login).contains("\"spring.kafka.security.protocol\":\"SASL_PLAINTEXT\"", "SCRAM-SHA-256",
        "username=\\\"provider-service\\\" password=\\\""
            + Files.readString(kafkaDir.resolve("credentials/provider-service.password")).trim() + "\\\"");
  }
}
