package org.linkway.platform.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.TaskMetadata;
import org.apache.kafka.streams.ThreadMetadata;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.linkway.platform.kafka.AvroSerdes;
import org.linkway.platform.kafka.Topics;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.SendResult;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * When {@link CommandReadiness} says ready: only once a probe of every command partition the instance owns is
 * answered, whatever Kafka Streams says; again after the partitions owned change; never while Kafka Streams is not
 * RUNNING. The probes' answers are the test's to give.
 */
class CommandReadinessTest {

  private final StreamsBuilderFactoryBean factory = mock(StreamsBuilderFactoryBean.class);
  private final KafkaStreams streams = mock(KafkaStreams.class);
  private final Decisions decisions = mock(Decisions.class);
  @SuppressWarnings("unchecked")
  private final KafkaTemplate<String, SpecificRecord> template = mock(KafkaTemplate.class);
  /** Each probe's answer, to give, in the order they were sent. */
  private final List<Sinks.Empty<Void>> probes = new ArrayList<>();
  /** Where each probe was written. */
  private final List<TopicPartition> written = new ArrayList<>();
  private final CommandReadiness readiness = new CommandReadiness(factory, decisions, template,
      List.of(Topics.PROVIDER_COMMANDS, Topics.DIRECTORY_COMMANDS), Duration.ZERO);

  @BeforeEach
  @SuppressWarnings("unchecked")
  void setUp() {
    when(factory.getKafkaStreams()).thenReturn(streams);
    when(template.send(any(ProducerRecord.class))).thenAnswer(call -> {
      ProducerRecord<String, SpecificRecord> record = call.getArgument(0);
      assertThat(record.value()).isNull();
      assertThat(new String(record.headers().lastHeader(AvroSerdes.READINESS_PROBE).value())).isEqualTo(record.key());
      written.add(new TopicPartition(record.topic(), record.partition()));
      return java.util.concurrent.CompletableFuture.completedFuture(mock(SendResult.class));
    });
    when(decisions.probe(any(UUID.class), any())).thenAnswer(call -> {
      Mono<?> write = call.getArgument(1);
      Sinks.Empty<Void> answer = Sinks.empty();
      probes.add(answer);
      return write.then(answer.asMono());
    });
  }

  @Test
  void givenStreamsNotRunning_thenNotReadyAndNothingProbed() {
    when(streams.state()).thenReturn(KafkaStreams.State.REBALANCING);

    assertThat(readiness.health().getStatus()).isEqualTo(Status.DOWN);
    assertThat(probes).isEmpty();
  }

  @Test
  void givenStreamsRunning_thenNotReadyUntilEveryOwnedCommandPartitionsProbeIsAnswered() {
    running(tasks(new TopicPartition("provider-commands", 0), new TopicPartition("referrals", 0)),
        tasks(new TopicPartition("directory-commands", 3)));

    Health first = readiness.health();
    assertThat(first.getStatus()).isEqualTo(Status.DOWN);
    assertThat(first.getDetails()).containsEntry("commands", "probing 2 command partitions");
    assertThat(written).containsExactlyInAnyOrder(new TopicPartition("provider-commands", 0),
        new TopicPartition("directory-commands", 3));

    probes.get(0).tryEmitEmpty();
    assertThat(readiness.health().getStatus()).as("one of two answered").isEqualTo(Status.DOWN);
    assertThat(probes).as("the round under way is awaited, not sent again").hasSize(2);

    probes.get(1).tryEmitEmpty();
    assertThat(readiness.health().getStatus()).isEqualTo(Status.UP);
    assertThat(readiness.health().getStatus()).as("and stays so, probing no more").isEqualTo(Status.UP);
    assertThat(probes).hasSize(2);
  }

  @Test
  void givenReady_whenThePartitionsOwnedChange_thenNotReadyUntilTheyAreProbedAgain() {
    running(tasks(new TopicPartition("provider-commands", 0)));
    readiness.health();
    probes.get(0).tryEmitEmpty();
    assertThat(readiness.health().getStatus()).isEqualTo(Status.UP);

    running(tasks(new TopicPartition("provider-commands", 0)), tasks(new TopicPartition("provider-commands", 5)));
    assertThat(readiness.health().getStatus()).isEqualTo(Status.DOWN);
    assertThat(probes).hasSize(3);
    assertThat(written.subList(1, 3)).containsExactlyInAnyOrder(new TopicPartition("provider-commands", 0),
        new TopicPartition("provider-commands", 5));
    probes.subList(1, 3).forEach(Sinks.Empty::tryEmitEmpty);
    assertThat(readiness.health().getStatus()).isEqualTo(Status.UP);
  }

  @Test
  void givenAProbeNotAnswered_whenTheNextCallComes_thenTheyAreSentAgain() {
    running(tasks(new TopicPartition("provider-commands", 0)));
    readiness.health();
    probes.get(0).tryEmitError(new IllegalStateException("the decision on this request was not ready within 10 s"));

    Health after = readiness.health();
    assertThat(after.getStatus()).isEqualTo(Status.DOWN);
    assertThat(probes).hasSize(2);
    probes.get(1).tryEmitEmpty();
    assertThat(readiness.health().getStatus()).isEqualTo(Status.UP);
  }

  @Test
  void givenAStreamThreadNotRunning_thenNotReady() {
    running(tasks(new TopicPartition("provider-commands", 0)));
    ThreadMetadata starting = mock(ThreadMetadata.class);
    when(starting.threadState()).thenReturn("PARTITIONS_ASSIGNED");
    when(starting.threadName()).thenReturn("StreamThread-2");
    when(streams.metadataForLocalThreads()).thenReturn(Set.of(starting));

    assertThat(readiness.health().getStatus()).isEqualTo(Status.DOWN);
    assertThat(probes).isEmpty();
  }

  @Test
  void givenReady_whenStreamsLeaveRunningAndComeBackWithTheSamePartitions_thenNotReadyUntilProbedAgain() {
    running(tasks(new TopicPartition("provider-commands", 0)));
    readiness.health();
    probes.get(0).tryEmitEmpty();
    assertThat(readiness.health().getStatus()).isEqualTo(Status.UP);

    when(streams.state()).thenReturn(KafkaStreams.State.REBALANCING);
    assertThat(readiness.health().getStatus()).isEqualTo(Status.DOWN);
    running(tasks(new TopicPartition("provider-commands", 0)));
    assertThat(readiness.health().getStatus()).isEqualTo(Status.DOWN);
    assertThat(probes).hasSize(2);
    probes.get(1).tryEmitEmpty();
    assertThat(readiness.health().getStatus()).isEqualTo(Status.UP);
  }

  @Test
  void givenReady_whenAStreamThreadIsReplacedWithTheSamePartitions_thenNotReadyUntilProbedAgain() {
    running(tasks("StreamThread-1", new TopicPartition("provider-commands", 0)));
    readiness.health();
    probes.get(0).tryEmitEmpty();
    assertThat(readiness.health().getStatus()).isEqualTo(Status.UP);

    // a thread that failed is replaced by one with a new name (and a new producer)
    running(tasks("StreamThread-2", new TopicPartition("provider-commands", 0)));
    assertThat(readiness.health().getStatus()).isEqualTo(Status.DOWN);
    assertThat(probes).hasSize(2);
    probes.get(1).tryEmitEmpty();
    assertThat(readiness.health().getStatus()).isEqualTo(Status.UP);
  }

  private void running(ThreadMetadata... threads) {
    when(streams.state()).thenReturn(KafkaStreams.State.RUNNING);
    when(streams.metadataForLocalThreads()).thenReturn(Set.of(threads));
  }

  private static ThreadMetadata tasks(TopicPartition... partitions) {
    return tasks("StreamThread-1", partitions);
  }

  private static ThreadMetadata tasks(String threadName, TopicPartition... partitions) {
    TaskMetadata task = mock(TaskMetadata.class);
    when(task.topicPartitions()).thenReturn(Set.of(partitions));
    ThreadMetadata thread = mock(ThreadMetadata.class);
    when(thread.threadState()).thenReturn("RUNNING");
    when(thread.threadName()).thenReturn(threadName);
    when(thread.activeTasks()).thenReturn(Set.of(task));
    return thread;
  }
}
