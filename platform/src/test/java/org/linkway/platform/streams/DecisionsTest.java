package org.linkway.platform.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.linkway.commands.DirectoryCommand;
import org.linkway.events.EventMetadata;
import org.linkway.events.ServiceListed;
import org.linkway.events.ServiceStatus;
import org.linkway.platform.kafka.EventPublisher;
import org.linkway.platform.kafka.Events;
import org.linkway.platform.kafka.Topics;
import org.linkway.platform.web.ProblemException;
import org.linkway.replies.CommandReply;
import reactor.core.publisher.Mono;

/**
 * {@link Decisions} on a consumer that stands in for the broker: a request is answered by the reply with its
 * command's id, whichever instance's decider wrote it, and by nothing else.
 */
class DecisionsTest {

  private static final String SERVICE = "walks";
  /** Where each partition of the replies topic ends when the instance starts. */  private static final Map<TopicPartition, Long> ENDS = ends(7);

  private final MockConsumer<String, CommandReply> consumer = new MockConsumer<>("none");
  private final EventPublisher publisher = mock(EventPublisher.class);
  private final Decisions decisions = new Decisions(Duration.ofSeconds(30), Topics.PROVIDER_REPLIES, () -> consumer);
  private long offset = ENDS.values().iterator().next();
  /** The command this test sends. */
  private final UUID id = UUID.randomUUID();

  DecisionsTest() {
    // the replies topic is there, with its partitions, as the set-up makes it before any instance starts
    consumer.updatePartitions(Topics.PROVIDER_REPLIES.name(), ENDS.keySet().stream()
        .map(p -> new PartitionInfo(p.topic(), p.partition(), null, null, null)).toList());
    consumer.updateEndOffsets(ENDS);
    when(publisher.publish(any(), anyString(), any())).thenReturn(Mono.empty());
  }

  @AfterEach
  void stop() {
    decisions.stop();
  }

  private static Map<TopicPartition, Long> ends(long end) {
    Map<TopicPartition, Long> ends = new HashMap<>();
    for (int p = 0; p < Topics.PROVIDER_REPLIES.partitions(); p++) ends.put(new TopicPartition(Topics.PROVIDER_REPLIES.name(), p), end);
    return ends;
  }

  private static DirectoryCommand command(UUID id) {
    return DirectoryCommand.newBuilder()
        .setMetadata(EventMetadata.newBuilder(Events.metadata(SERVICE, null, null)).setEventId(id).build())
        .setProviderId(SERVICE).build();
  }

  private static ServiceListed listing() {
    return ServiceListed.newBuilder().setMetadata(Events.metadata(SERVICE, null, null))
        .setServiceId("walks-1").setProviderId(SERVICE).setProviderName("Walks").setServiceName("Walks")
        .setNeeds(List.of()).setCommissioners(List.of("QMM")).setCapacity(5).setStatus(ServiceStatus.ACTIVE).build();
  }

  private CompletableFuture<ServiceListed> send() {
    return decisions.send(publisher, Topics.DIRECTORY_COMMANDS, "walks-1", command(id), id, ServiceListed.class).toFuture();
  }

  /** This instance, started, sends the test's command. */
  private CompletableFuture<ServiceListed> startedAndSent() {
    decisions.start();
    return send();
  }

  /** A reply as the decider of some instance writes it, on partition 0. */
  private void replied(CommandReply reply) {
    consumer.addRecord(new ConsumerRecord<>(Topics.PROVIDER_REPLIES.name(), 0, offset++, reply.getCommandId().toString(), reply));
  }

  /** The decider accepts the command: the request is answered with the listing decided. */
  private void assertAnsweredOnceAccepted(CompletableFuture<ServiceListed> answer) {
    ServiceListed decided = listing();
    replied(Decisions.accepted(id, decided));
    assertThat(answer).succeedsWithin(Duration.ofSeconds(10)).isEqualTo(decided);
  }

  @Test
  void givenACommandSent_whenItsAcceptedReplyIsRead_thenTheRequestIsAnsweredWithTheRecordDecided() {
    CompletableFuture<ServiceListed> answer = startedAndSent();

    assertAnsweredOnceAccepted(answer);
  }

  @Test
  void givenACommandSent_whenItsRefusalIsRead_thenTheRequestIsAnswered409WithTheReason() {
    CompletableFuture<ServiceListed> answer = startedAndSent();
    replied(Decisions.refused(id, "service walks-1 belongs to another provider"));

    assertThat(answer).failsWithin(Duration.ofSeconds(10)).withThrowableThat().havingRootCause()
        .isInstanceOf(ProblemException.Conflict.class).withMessageContaining("belongs to another provider");
  }

  @Test
  void givenRepliesToOtherInstancesCommands_whenRead_thenTheyArePassedOverAndThisRequestWaitsForItsOwn() {
    CompletableFuture<ServiceListed> answer = startedAndSent();

    replied(Decisions.refused(UUID.randomUUID(), "another instance's command"));
    replied(Decisions.accepted(UUID.randomUUID(), listing()));
    assertAnsweredOnceAccepted(answer);
  }

  @Test
  void givenRepliesWrittenBeforeTheInstanceStarted_whenStarted_thenItReadsFromTheEndOfEachPartition() {
    decisions.start();
    ENDS.forEach((partition, end) -> assertThat(consumer.position(partition)).isEqualTo(end));
    CompletableFuture<ServiceListed> answer = send();

    long end = offset;
    offset = 0; // before the instance started
    replied(Decisions.refused(id, "an old reply"));
    offset = end;

    assertAnsweredOnceAccepted(answer);
  }

  @Test
  void givenAnUnreadableReply_whenRead_thenItIsSkippedAndTheNextIsRead() {
    CompletableFuture<ServiceListed> answer = startedAndSent();

    TopicPartition partition = new TopicPartition(Topics.PROVIDER_REPLIES.name(), 0);
    consumer.setPollException(new RecordDeserializationException(partition, offset++, "not a reply", null));

    assertAnsweredOnceAccepted(answer);
  }

  @Test
  void givenNoReplyWithinTheTimeout_whenWaiting_thenTheRequestIsAnswered503() {
    Decisions impatient = new Decisions(Duration.ofMillis(100), Topics.PROVIDER_REPLIES, () -> consumer);
    impatient.start();
    try {
      assertThat(impatient.send(publisher, Topics.DIRECTORY_COMMANDS, "walks-1", command(id), id, ServiceListed.class).toFuture())
          .failsWithin(Duration.ofSeconds(10)).withThrowableThat().havingRootCause()
          .isInstanceOf(ProblemException.Unavailable.class).withMessageContaining("may still be applied");
    } finally {
      impatient.stop();
    }
  }

  @Test
  void givenTheReaderNotStarted_whenACommandIsSent_thenItIsAnswered503AndNotWritten() {
    assertThat(send()).failsWithin(Duration.ofSeconds(10)).withThrowableThat().havingRootCause()
        .isInstanceOf(ProblemException.Unavailable.class);
    verify(publisher, never()).publish(any(), anyString(), any());
  }

  @Test
  void givenADecidedRecord_whenReplied_thenTheReplyIsKeyedByTheCommandIdWithTheDecidedRecordsTimeAndTrace() {
    RecordHeaders headers = new RecordHeaders();
    headers.add("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01".getBytes());
    Record<String, SpecificRecord> decided = new Record<>("walks-1", command(id), 42L, headers);

    Record<String, SpecificRecord> reply = Decisions.reply(decided, Decisions.accepted(id, listing()));

    assertThat(reply.key()).isEqualTo(id.toString());
    assertThat(reply.timestamp()).isEqualTo(42L);
    assertThat(reply.headers().lastHeader("traceparent")).isNotNull();
    assertThat(((CommandReply) reply.value()).getRefusal()).isNull();
  }
}
