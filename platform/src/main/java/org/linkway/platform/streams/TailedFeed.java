package org.linkway.platform.streams;

import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.Consumer;
import org.linkway.platform.kafka.AvroSerdes;
import org.linkway.platform.kafka.KafkaPlatformConfiguration;
import org.linkway.platform.kafka.Topic;
import org.springframework.context.SmartLifecycle;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * What is committed to a topic, read by every instance whole ({@link TopicTail}) and handed to the live
 * streams connected now: a live stream served by any instance carries every event of every partition, and
 * only once it is committed (an aborted transaction's events never reach a client). The topic may be the
 * changelog of a state store ({@link org.linkway.platform.kafka.Topics#changelog}), written in the same
 * transaction as the store, to follow the states a service keeps ({@link ResumableFeed}). Started before the web
 * server, so a stream opened from then on misses nothing written after it opened. A subscriber that is too slow
 * misses events rather than holding the others up; the streams replay on connecting
 * ({@link org.linkway.platform.web.ResumableStream}), so nothing recorded is lost to a client.
 */
public class TailedFeed<T extends SpecificRecord> implements SmartLifecycle {

  /** How the feeds' consumers are made: the service's client settings, its registry, and a short fetch wait. */
  public record Readers(Map<String, Object> client, AvroSerdes serdes, int fetchMaxWaitMs) {
    public <V extends SpecificRecord> Supplier<Consumer<String, V>> of(Topic<V> topic) {
      return KafkaPlatformConfiguration.tailReaders(client, serdes, topic, fetchMaxWaitMs);
    }
  }

  private final Sinks.Many<Positioned<T>> sink = Sinks.many().multicast().directBestEffort();
  private final Topic<T> topic;
  private final TopicTail<T> tail;

  public TailedFeed(Topic<T> topic, Readers readers) {
    this(topic, readers.of(topic));
  }

  /** @param consumers makes the readers' consumers: no group, read-committed, values read as {@code T} */
  public TailedFeed(Topic<T> topic, Supplier<Consumer<String, T>> consumers) {
    this.topic = topic;
    this.tail = new TopicTail<>(topic, consumers, sink::tryEmitNext);
  }

  public Topic<T> topic() {
    return topic;
  }

  /** What is committed from now on, as it is read. */
  public Flux<T> events() {
    return records().map(Positioned::value);
  }

  /** What is committed from now on, as it is read, each with its place in the topic and the reader's position. */
  public Flux<Positioned<T>> records() {
    return sink.asFlux();
  }

  /**
   * Where the reader is now: the offset of the last record it has passed on each partition of the topic. Empty until
   * it has a place in each (before the start, or while the topic is not made yet).
   */
  public Optional<Position> position() {
    Position now = tail.position();
    return now.partitions() == topic.partitions() ? Optional.of(now) : Optional.empty();
  }

  @Override
  public void start() {
    tail.start();
  }

  @Override
  public void stop() {
    tail.stop();
  }

  @Override
  public boolean isRunning() {
    return tail.isStarted();
  }

  @Override
  public int getPhase() {
    return Decisions.PHASE;
  }
}
