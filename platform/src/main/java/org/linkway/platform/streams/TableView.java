package org.linkway.platform.streams;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.linkway.platform.kafka.Topic;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.listener.MessageListenerContainer;

/**
 * The latest value per key of a compacted topic, held in memory and rebuilt from the start of the
 * topic whenever the service starts. Every instance reads every partition: the directory and the
 * contracts are small, and each instance needs all of them.
 */
public final class TableView<V extends SpecificRecord> implements SmartLifecycle {

  /** Before Kafka Streams (phase Integer.MAX_VALUE - 1000): the tables are loaded before any referral is routed or funded. */
  static final int PHASE = Integer.MAX_VALUE - 2000;

  /** How a view reads its topic: to the end once, then on from there. */
  interface Source<V extends SpecificRecord> {
    /** Reads every partition from the start to its end offset now; returns the positions reached. */
    Map<TopicPartition, Long> readToEnd(TableView<V> view);

    /** A container that goes on from those positions. */
    MessageListenerContainer follow(TableView<V> view, Map<TopicPartition, Long> from);
  }

  private final Topic<V> topic;
  private final Source<V> source;
  private final Map<String, V> values = new ConcurrentHashMap<>();
  private volatile MessageListenerContainer container;
  private final List<BiConsumer<String, V>> listeners = new CopyOnWriteArrayList<>();
  /** Whether the view follows the topic live: listeners hear of changes from then on, not of the first load. */
  private volatile boolean live;

  TableView(Topic<V> topic, Source<V> source) {
    this.topic = topic;
    this.source = source;
  }

  void apply(ConsumerRecord<String, V> record) {
    if (record.value() == null) {
      values.remove(record.key());
    } else {
      values.put(record.key(), record.value());
    }
    if (live) listeners.forEach(listener -> listener.accept(record.key(), record.value()));
  }

  /**
   * Hears of each change the view follows live, once it has loaded (a value, or null when the key was
   * deleted), on the thread that reads the topic: the listener must not block.
   */
  public void onChange(BiConsumer<String, V> listener) {
    listeners.add(listener);
  }

  public Optional<V> get(String key) {
    return Optional.ofNullable(values.get(key));
  }

  public Collection<V> values() {
    return List.copyOf(values.values());
  }

  public Topic<V> topic() {
    return topic;
  }

  /** Reads the topic to its end first, so that nothing is decided on a half-loaded table; then follows it. */
  @Override
  public void start() {
    container = source.follow(this, source.readToEnd(this));
    live = true;
    container.start();
  }

  @Override
  public int getPhase() {
    return PHASE;
  }

  @Override
  public void stop() {
    if (container != null) container.stop();
  }

  @Override
  public boolean isRunning() {
    return container != null && container.isRunning();
  }
}
