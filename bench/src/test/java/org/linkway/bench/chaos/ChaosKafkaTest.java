package org.linkway.bench.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The harness's Kafka settings for a plaintext broker and for one that authenticates its clients (how the
 * services log in and are granted access: {@code org.linkway.stack.LaunchTest}).
 */
class ChaosKafkaTest {

  @Test
  void aPlaintextBrokerNeedsNoLogin(@TempDir Path kafkaDir) {
    ChaosKafka kafka = new ChaosKafka("127.0.0.1:1234", kafkaDir);

    assertThat(kafka.secured()).isFalse();
    assertThat(kafka.harnessClient()).containsOnlyKeys("bootstrap.servers");
  }

  @Test
  void onABrokerThatAuthenticatesTheHarnessReadsAsTheAdministrator(@TempDir Path kafkaDir)
      throws Exception {
    Files.writeString(kafkaDir.resolve("admin.password"), "admin-secret\n");
    ChaosKafka kafka = new ChaosKafka("127.0.0.1:1234", kafkaDir);

    assertThat(kafka.secured()).isTrue();
    assertThat(kafka.harnessClient()).containsEntry("security.protocol", "SASL_PLAINTEXT").containsEntry("sasl.mechanism", "PLAIN");
    assertThat((String) kafka.harnessClient().get("sasl.jaas.config")).contains("username=\"admin\" password=\"admin-secret\"");
  }
}
