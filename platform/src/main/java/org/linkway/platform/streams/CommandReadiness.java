package org.linkway.platform.streams;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.ThreadMetadata;
import org.apache.kafka.streams.processor.api.ContextualFixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.linkway.platform.kafka.AvroSerdes;
import org.linkway.platform.kafka.Topic;
import org.linkway.platform.kafka.Topics;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;
import org.springframework.kafka.core.KafkaTemplate;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The health indicator "commands", in the readiness group: UP once a command sent to this instance now would be
 * decided and answered, not merely once Kafka Streams says RUNNING. After a start (or a rebalance) the stream tasks
 * are assigned and RUNNING some while before they decide at speed (the transactions' producer set up, stores opened,
 * the first records fetched, code cold), and a command sent then waits out the reply timeout and is told 503.
 *
 * <p>So it checks by a real round trip: for every partition of the service's command topics that this instance's
 * tasks own, a probe (an empty record with a {@link AvroSerdes#READINESS_PROBE} header naming the probe) is written
 * to that partition; the task that decides the partition's commands answers it on the service's replies topic, in
 * its transaction, in order with the commands before it ({@link Topologies#commands}); and {@link Decisions} reads
 * the answer, as it would a command's. Once every probe of the partitions owned now is answered, UP, until the
 * partitions owned change (a rebalance) or Kafka Streams leaves RUNNING: then the partitions are probed again. A
 * health call waits a little for a round (at most {@code wait}); one not answered yet is DOWN ("probing"), and a
 * probe not answered within the reply timeout is sent again at the next call.
 *
 * <p>Not in the liveness group: an instance still restoring or rebalancing is alive, not ready.
 */
public final class CommandReadiness implements HealthIndicator {

  private final StreamsBuilderFactoryBean factory;
  private final Decisions decisions;
  private final KafkaTemplate<String, SpecificRecord> template;
  private final Set<String> commandTopics = new HashSet<>();
  private final Duration wait;
  private volatile Owned answered;
  private Round round;

  /** What this instance's stream threads are, and the command partitions their tasks own. */
  private record Owned(Set<String> threads, Set<TopicPartition> partitions) {}

  /** One round of probes, of the partitions owned when it started. */
  private record Round(Owned owned, CompletableFuture<Void> answered) {}

  /**
   * @param commandTopics the service's command topics ({@code Topics.commandsOf})
   * @param wait how long a health call waits for a round of probes before it says DOWN (probing)
   */
  public CommandReadiness(StreamsBuilderFactoryBean factory, Decisions decisions, KafkaTemplate<String, SpecificRecord> template,
      List<Topic<?>> commandTopics, Duration wait) {
    this.factory = factory;
    this.decisions = decisions;
    this.template = template;
    commandTopics.forEach(topic -> this.commandTopics.add(topic.name()));
    this.wait = wait;
  }

  @Override
  public Health health() {
    KafkaStreams streams = factory.getKafkaStreams();
    KafkaStreams.State state = streams == null ? null : streams.state();
    if (state != KafkaStreams.State.RUNNING) {
      forget(); // back in RUNNING, the partitions are probed again, even the same ones
      return Health.down().withDetail("streams", String.valueOf(state)).build();
    }
    Set<String> threads = new HashSet<>();
    Set<TopicPartition> partitions = new HashSet<>();
    for (ThreadMetadata thread : streams.metadataForLocalThreads()) {
      if (!"RUNNING".equals(thread.threadState())) {
        forget();
        return Health.down().withDetail("streams", thread.threadName() + " " + thread.threadState()).build();
      }
      threads.add(String.valueOf(thread.threadName()));
      thread.activeTasks().forEach(task -> task.topicPartitions().stream()
          .filter(partition -> commandTopics.contains(partition.topic())).forEach(partitions::add));
    }
    // a stream thread replaced after a failure has a new name and a new producer: probed again
    Owned owned = new Owned(Set.copyOf(threads), Set.copyOf(partitions));
    if (owned.equals(answered)) return Health.up().withDetail("commandPartitions", partitions.size()).build();
    CompletableFuture<Void> probes = probes(owned);
    try {
      probes.get(wait.toMillis(), TimeUnit.MILLISECONDS);
      answered = owned;
      return Health.up().withDetail("commandPartitions", partitions.size()).build();
    } catch (TimeoutException e) {
      return Health.down().withDetail("commands", "probing " + partitions.size() + " command partitions").build();
    } catch (ExecutionException e) {
      return Health.down().withDetail("commands", "a probe was not answered: " + e.getCause().getMessage()).build();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Health.down().build();
    }
  }

  /** Nothing answered any more: the next call in RUNNING starts a new round. */
  private synchronized void forget() {
    answered = null;
    round = null;
  }

  /** The round of probes of these partitions under way, or a new one when there is none or the last failed. */
  private synchronized CompletableFuture<Void> probes(Owned owned) {
    if (round == null || !round.owned().equals(owned) || round.answered().isCompletedExceptionally()) {
      round = new Round(owned, Flux.fromIterable(owned.partitions()).flatMap(this::probe).then().toFuture());
    }
    return round.answered();
  }

  private Mono<Void> probe(TopicPartition partition) {
    UUID id = UUID.randomUUID();
    RecordHeaders headers = new RecordHeaders();
    headers.add(AvroSerdes.READINESS_PROBE, id.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    ProducerRecord<String, SpecificRecord> record =
        new ProducerRecord<>(partition.topic(), partition.partition(), id.toString(), null, headers);
    return decisions.probe(id, Mono.fromFuture(() -> template.send(record)));
  }

  /** The indicator of a service: its command topics, answered through its {@link Decisions}. */
  @org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
  public static class Configuration {
    /** The health indicator "commands" (in the readiness group: linkway-defaults.properties). */
    @org.springframework.context.annotation.Bean("commandsHealthIndicator")
    CommandReadiness commandReadiness(StreamsBuilderFactoryBean streams, Decisions decisions,
        KafkaTemplate<String, SpecificRecord> eventTemplate,
        @org.springframework.beans.factory.annotation.Value("${spring.application.name}") String service,
        @org.springframework.beans.factory.annotation.Value("${linkway.readiness.wait:PT0S}") Duration wait) {
      return new CommandReadiness(streams, decisions, eventTemplate, org.linkway.platform.kafka.Topics.commandsOf(service), wait);
    }
  }

  /**
   * In a decider's inputs ({@link Topologies#commands}): a readiness probe becomes its answer, for the replies
   * topic; every other record passes as it is.
   */
  static final class Answer extends ContextualFixedKeyProcessor<String, SpecificRecord, SpecificRecord> {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Answer.class);

    @Override
    public void process(FixedKeyRecord<String, SpecificRecord> record) {
      Header probe = record.headers().lastHeader(AvroSerdes.READINESS_PROBE);
      if (probe == null || record.value() != null) {
        context().forward(record);
        return;
      }
      // only a command topic's deserializer lets an empty probe through (AvroSerdes); whatever else is not a probe
      String topic = context().recordMetadata().map(RecordMetadata::topic).orElse(null);
      UUID id = probeId(probe);
      if (id == null || !Topics.isCommands(topic)) {
        log.warn("an empty record with a readiness probe header on {} that is not a probe was passed over", topic);
        return;
      }
      context().forward(record.withValue(Decisions.accepted(id, null)));
    }

    private static UUID probeId(Header probe) {
      try {
        return probe.value() == null ? null
            : UUID.fromString(new String(probe.value(), java.nio.charset.StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        return null;
      }
    }
  }
}
