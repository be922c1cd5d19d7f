package org.linkway.platform.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.linkway.events.PersonKey;
import org.linkway.platform.kafka.Topics;
import org.springframework.kafka.listener.MessageListenerContainer;
import reactor.core.scheduler.Schedulers;

class TableViewTest {

  private final TableView<PersonKey> view = new TableView<>(Topics.PERSON_KEYS, new TableView.Source<>() {
    @Override
    public Map<TopicPartition, Long> readToEnd(TableView<PersonKey> view) {
      return Map.of();
    }

    @Override
    public MessageListenerContainer follow(TableView<PersonKey> view, Map<TopicPartition, Long> from) {
      throw new UnsupportedOperationException("not started in this test");
    }
  });

  private static PersonKey key(String keyId) {
    return new PersonKey("p-1", keyId, ByteBuffer.wrap(new byte[12]), ByteBuffer.wrap(new byte[48]), Instant.EPOCH);
  }

  @Test
  void givenAValueThatArrivesAfterTheWaitBegan_whenAwaited_thenItIsAnsweredAsItArrivesNotAtTheBound() {
    PersonKey decided = key("k-1");
    var answer = view.awaitHolding("p-1/k-1", decided, Duration.ofMinutes(5)).toFuture();
    assertThat(answer).isNotDone();
    view.apply(new ConsumerRecord<>(Topics.PERSON_KEYS.name(), 0, 0, "p-1/k-1", key("k-0"))); // not what was decided
    Schedulers.boundedElastic().schedule(() ->
        view.apply(new ConsumerRecord<>(Topics.PERSON_KEYS.name(), 0, 1, "p-1/k-1", decided)), 50, java.util.concurrent.TimeUnit.MILLISECONDS);
    // the bound is 5 minutes: an answer within 10 s can only be the view seeing the value
    assertThat(answer).succeedsWithin(Duration.ofSeconds(10)).isEqualTo(decided);
  }

  @Test
  void givenAValueThatNeverArrives_whenTheBoundPasses_thenTheDecidedValueIsAnsweredAnyway() {
    PersonKey decided = key("k-1");
    assertThat(view.awaitHolding("p-1/k-1", decided, Duration.ofMillis(200)).block(Duration.ofSeconds(10))).isEqualTo(decided);
  }
}
