package org.linkway.platform;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.listener.KafkaMessageListenerContainer;

/**
 * The latest value per key of a compacted topic, held in memory and rebuilt from the start of the
 * topic whenever the service starts. Every instance reads every partition: the directory and the
 * contracts are small, and each instance needs all of them.
 */
public final class TableView<V extends SpecificRecord> implements SmartLifecycle {

  /** Before Kafka Streams (phase Integer.MAX_VALUE - 1000): the tables are loaded before any referral is routed or funded. */
  static final int PHASE = Integer.MAX_VALUE - 2000;

  private final Topic<V> topic;
  private final KafkaMessageListenerContainer<String, V> container;
  private final java.util.function.Consumer<TableView<V>> preload;
  private final Map<String, V> values = new ConcurrentHashMap<>();
  private final List<Consumer<V>> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

  TableView(Topic<V> topic, KafkaMessageListenerContainer<String, V> container, java.util.function.Consumer<TableView<V>> preload) {
    this.topic = topic;
    this.container = container;
    this.preload = preload;
  }

  void apply(ConsumerRecord<String, V> record) {
    if (record.value() == null) {
      values.remove(record.key());
    } else {
      values.put(record.key(), record.value());
      listeners.forEach(listener -> listener.accept(record.value()));
    }
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

  /** Called for each new or updated value as it is read. */
  public void onUpdate(Consumer<V> listener) {
    listeners.add(listener);
  }

  /** Reads the topic to its end first, so that nothing is decided on a half-loaded table; then follows it. */
  @Override
  public void start() {
    preload.accept(this);
    container.start();
  }

  @Override
  public int getPhase() {
    return PHASE;
  }

  @Override
  public void stop() {
    container.stop();
  }

  @Override
  public boolean isRunning() {
    return container.isRunning();
  }
}
