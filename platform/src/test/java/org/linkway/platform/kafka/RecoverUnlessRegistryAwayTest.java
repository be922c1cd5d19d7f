package org.linkway.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler.DeserializationHandlerResponse;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.listener.ConsumerRecordRecoverer;
import org.springframework.kafka.streams.RecoveringDeserializationExceptionHandler;

/**
 * Kafka Streams' handler of unreadable records: a bad record is handed to the recoverer (dead-lettered) and the stream
 * goes on; a record unread for the registry's outage is not handed over, and the stream thread stops to read it again.
 */
class RecoverUnlessRegistryAwayTest {

  /** The handler reads nothing of the context. */
  private static final org.apache.kafka.streams.errors.ErrorHandlerContext NO_CONTEXT = null;

  private final List<ConsumerRecord<?, ?>> recovered = new ArrayList<>();
  private final RecoverUnlessRegistryAway handler = handler((record, exception) -> recovered.add(record));
  private final ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("referrals", 3, 42L, new byte[0], new byte[] {1});

  @Test
  void givenABadRecord_thenItIsDeadLetteredAndTheStreamGoesOn() {
    DeserializationHandlerResponse response = handler.handle(NO_CONTEXT, record,
        new SerializationException("a tombstone on referrals, which is not a table"));
    assertThat(response).isEqualTo(DeserializationHandlerResponse.CONTINUE);
    assertThat(recovered).containsExactly(record);
  }

  @Test
  void givenARecordUnreadForTheRegistrysOutage_thenItIsNotDeadLetteredAndTheThreadStops() {
    RegistryOutage outage = new RegistryOutage("referrals", Duration.ofSeconds(60),
        new RuntimeException(new java.net.ConnectException("refused")));
    assertThat(handler.handle(NO_CONTEXT, record, outage)).isEqualTo(DeserializationHandlerResponse.FAIL);
    assertThat(handler.handle(NO_CONTEXT, record, new org.apache.kafka.common.errors.RecordDeserializationException(
        org.apache.kafka.common.errors.RecordDeserializationException.DeserializationExceptionOrigin.VALUE,
        new org.apache.kafka.common.TopicPartition("referrals", 3), 42L, 0L, null, null, null, null, "unread", outage)))
        .isEqualTo(DeserializationHandlerResponse.FAIL);
    assertThat(recovered).isEmpty();
  }

  /** The handler as Kafka Streams makes it: constructed empty, then configured with the recoverer. */
  private static RecoverUnlessRegistryAway handler(ConsumerRecordRecoverer recoverer) {
    RecoverUnlessRegistryAway handler = new RecoverUnlessRegistryAway();
    handler.configure(Map.of(RecoveringDeserializationExceptionHandler.KSTREAM_DESERIALIZATION_RECOVERER, recoverer));
    return handler;
  }
}
