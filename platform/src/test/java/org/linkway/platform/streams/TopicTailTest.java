package org.linkway.platform.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.linkway.events.EventMetadata;
import org.linkway.platform.kafka.Topic;

class TopicTailTest {

  private static final Topic<EventMetadata> TOPIC = new Topic<>("provider-service-things-changelog", EventMetadata.class,
      1, "provider-service", true);
  private static final TopicPartition PARTITION = new TopicPartition(TOPIC.name(), 0);

  private final MockConsumer<String, EventMetadata> consumer = new MockConsumer<>("earliest");
  private final List<Positioned<EventMetadata>> read = new CopyOnWriteArrayList<>();
  private final TopicTail<EventMetadata> tail = new TopicTail<>(TOPIC, () -> consumer, read::add);

  @AfterEach
  void stop() {
    tail.stop();
  }

  @Test
  void givenATopicWithRecords_whenTailed_thenOnlyTheValuesWrittenAfterTheStartAreReadAndTombstonesPassedOverButCounted() {
    consumer.updatePartitions(TOPIC.name(), List.of(new PartitionInfo(TOPIC.name(), 0, null, null, null)));
    consumer.updateEndOffsets(Map.of(PARTITION, 5L));
    tail.start();
    EventMetadata value = metadata();

    consumer.addRecord(new ConsumerRecord<>(TOPIC.name(), 0, 5, "a", null));
    consumer.addRecord(new ConsumerRecord<>(TOPIC.name(), 0, 6, "b", value));

    await().atMost(Duration.ofSeconds(5)).until(() -> !read.isEmpty());
    assertThat(read).containsExactly(new Positioned<>(value, 0, 6, Position.of(6)));
  }

  @Test
  void givenATopicNotMadeYet_whenItIsMadeAfterTheStart_thenItIsReadFromItsBeginning() {
    tail.start();
    assertThat(tail.isReading()).isTrue();
    EventMetadata first = metadata();

    consumer.updateBeginningOffsets(Map.of(PARTITION, 0L));
    consumer.updatePartitions(TOPIC.name(), List.of(new PartitionInfo(TOPIC.name(), 0, null, null, null)));
    await().atMost(Duration.ofSeconds(10)).until(() -> !consumer.assignment().isEmpty());
    consumer.addRecord(new ConsumerRecord<>(TOPIC.name(), 0, 0, "a", first));

    await().atMost(Duration.ofSeconds(5)).until(() -> !read.isEmpty());
    assertThat(read).containsExactly(new Positioned<>(first, 0, 0, Position.of(0)));
  }

  private static EventMetadata metadata() {
    return EventMetadata.newBuilder().setEventId(UUID.randomUUID()).setOccurredAt(Instant.now())
        .setCorrelationId("c").setProducer("test").build();
  }
}
