package org.linkway.platform.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.support.SendResult;

class CountedDeadLettersTest {

  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  @SuppressWarnings("unchecked")
  final KafkaOperations<Object, Object> template = mock(KafkaOperations.class);
  final CountedDeadLetters deadLetters = new CountedDeadLetters(template,
      (record, e) -> new TopicPartition(record.topic() + "-dlt", record.partition()), registry, List.of("referrals", "provider-events"));

  @Test
  void theTopicsReadStartAtZero() {
    assertThat(count("referrals")).isZero();
    assertThat(count("provider-events")).isZero();
  }

  @Test
  void aRecordWrittenToTheDeadLetterTopic_isCountedUnderTheTopicItCameFrom() {
    when(template.send(any(ProducerRecord.class))).thenAnswer(call -> {
      ProducerRecord<Object, Object> sent = call.getArgument(0);
      return CompletableFuture.completedFuture(new SendResult<>(sent,
          new RecordMetadata(new TopicPartition(sent.topic(), 0), 0, 0, 0, 0, 0)));
    });

    deadLetters.accept(new ConsumerRecord<>("referrals", 2, 7L, "k", "not avro".getBytes()), new SerializationException("bad"));
    deadLetters.accept(new ConsumerRecord<>("budget-use", 0, 1L, "k", "not avro".getBytes()), new SerializationException("bad"));

    assertThat(count("referrals")).isEqualTo(1);
    assertThat(count("budget-use")).isEqualTo(1);
    assertThat(count("provider-events")).isZero();
  }

  @Test
  void aDeadLetterThatCouldNotBeWritten_isNotCounted() {
    when(template.send(any(ProducerRecord.class))).thenReturn(CompletableFuture.failedFuture(new IllegalStateException("broker gone")));

    assertThatThrownBy(() -> deadLetters.accept(new ConsumerRecord<>("referrals", 0, 1L, "k", new byte[] {1}),
        new SerializationException("bad"))).isNotNull();

    assertThat(count("referrals")).isZero();
  }

  private double count(String topic) {
    return registry.get(CountedDeadLetters.METER).tag("topic", topic).counter().count();
  }
}
