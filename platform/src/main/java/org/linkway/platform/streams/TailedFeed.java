package org.linkway.platform.streams;

import java.util.Map;
import java.util.function.Supplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.Consumer;
import org.linkway.platform.kafka.AvroSerdes;
import org.linkway.platform.kafka.KafkaPlatformConfiguration;
import org.linkway.platform.kafka.Topic;
import org.springframework.context.SmartLifecycle;

/**
 * A {@link Feed} of what is committed to a topic, read by every instance whole ({@link TopicTail}): a live
 * stream served by any instance carries every event of every partition, and only once it is committed (an
 * aborted transaction's events never reach a client). Started before the web server, so a stream opened
 * from then on misses nothing written after it opened.
 */
public class TailedFeed<T extends SpecificRecord> extends Feed<T> implements SmartLifecycle {

  /** How the feeds' consumers are made: the service's client settings, its registry, and a short fetch wait. */
  public record Readers(Map<String, Object> client, AvroSerdes serdes, int fetchMaxWaitMs) {
    public <V extends SpecificRecord> Supplier<Consumer<String, V>> of(Topic<V> topic) {
      return KafkaPlatformConfiguration.tailReaders(client, serdes, topic, fetchMaxWaitMs);
    }
  }

  private final TopicTail<T> tail;

  public TailedFeed(Topic<T> topic, Readers readers) {
    this.tail = new TopicTail<>(topic, readers.of(topic), this::publish);
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
