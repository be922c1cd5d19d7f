package org.linkway.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.linkway.platform.testing.SelfDescribingAvro;

/**
 * An empty record with the readiness probe's header is read as a probe (no value) on a command topic alone, which
 * only the services write; on a GP system's requests topic, or any other that is not a table, it is unreadable like
 * any other empty record (dead-lettered), so that no one outside can send a value-less record into a topology.
 */
class ReadinessProbeSerdeTest {

  private final AvroSerdes serdes = SelfDescribingAvro.serdes();

  @Test
  void givenAnEmptyRecordWithTheProbeHeader_whenReadFromACommandTopic_thenItIsAProbe() {
    for (Topic<?> commands : new Topic<?>[] {Topics.REFERRAL_COMMANDS, Topics.PROVIDER_COMMANDS, Topics.DIRECTORY_COMMANDS,
        Topics.CONTRACT_COMMANDS}) {
      assertThat(Topics.isCommands(commands)).isTrue();
      assertThat(serdes.forTopic(commands).deserializer().deserialize(commands.name(), probe(), (byte[]) null)).isNull();
    }
  }

  @Test
  void givenAnEmptyRecordWithTheProbeHeader_whenReadFromAGpSystemsRequestsTopic_thenItIsUnreadable() {
    Topic<?> requests = Topics.referralRequests("gp-demo");
    assertThat(Topics.isCommands(requests)).isFalse();
    assertThatThrownBy(() -> serdes.forTopic(requests).deserializer().deserialize(requests.name(), probe(), (byte[]) null))
        .isInstanceOf(SerializationException.class).hasMessageContaining("a tombstone on " + requests.name());
    assertThatThrownBy(() -> serdes.forTopic(Topics.REFERRALS).deserializer().deserialize(Topics.REFERRALS.name(), probe(),
        (byte[]) null)).isInstanceOf(SerializationException.class);
  }

  private static RecordHeaders probe() {
    RecordHeaders headers = new RecordHeaders();
    headers.add(AvroSerdes.READINESS_PROBE, UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
    return headers;
  }
}
