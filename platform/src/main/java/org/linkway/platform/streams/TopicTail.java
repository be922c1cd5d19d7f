package org.linkway.platform.streams;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.linkway.platform.kafka.Topic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows one topic from its end: every partition, committed records only, on a thread of its own, each
 * value handed to {@code onRecord} as it is read, with its partition, its offset and the reader's {@link Position}
 * once past it (what a live stream's ids carry, so that a client can resume from exactly there). With no consumer group there is nothing to commit and no
 * rebalance, so every instance of a service that tails a topic sees all of it, and sees a record only once
 * the transaction that wrote it has committed. What {@link Decisions} and the live streams read. A topic may
 * be a Kafka Streams changelog, made by Kafka Streams only once it first runs: until it is there, the reader
 * waits for it and then reads it from its beginning (all of it was written after the start). A record with no
 * value (a tombstone, a state store's delete) is passed over: not handed, though the position moves past it.
 */
public final class TopicTail<V extends SpecificRecord> {

  /** How long one poll waits before the reader looks again whether it should stop. */
  private static final Duration POLL = Duration.ofSeconds(1);
  /** How long the start waits for the broker to say which partitions the topic has (none: not made yet). */
  private static final Duration FIND_AT_START = Duration.ofSeconds(60);

  private static final Logger log = LoggerFactory.getLogger(TopicTail.class);

  private final Topic<V> topic;
  private final Supplier<Consumer<String, V>> consumers;
  private final java.util.function.Consumer<Positioned<V>> onRecord;
  private volatile Consumer<String, V> consumer;
  /** Where the reader is: written by the start, then by the reader's thread only. */
  private volatile Position passed = Position.of();
  private volatile Thread reader;
  private volatile boolean reading;

  /**
   * @param consumers makes the reader's consumer: no group, read-committed, values read as {@code V}
   * @param onRecord what is done with each value read, on the reader's thread (quickly: the next waits for it)
   */
  public TopicTail(Topic<V> topic, Supplier<Consumer<String, V>> consumers,
      java.util.function.Consumer<Positioned<V>> onRecord) {
    this.topic = topic;
    this.consumers = consumers;
    this.onRecord = onRecord;
  }

  /**
   * Takes every partition of the topic from its end now, before returning, so that any record written from
   * then on is read; then reads on, on a thread of its own. A topic not made yet is taken from its beginning
   * once it is there.
   */
  public void start() {
    Consumer<String, V> tailing = consumers.get();
    List<TopicPartition> partitions = partitionsOf(tailing, FIND_AT_START);
    if (!partitions.isEmpty()) {
      tailing.assign(partitions);
      tailing.seekToEnd(partitions);
      passed = positionOf(tailing, partitions); // the seek is lazy: done here, not at the first poll
    }
    consumer = tailing;
    reading = true;
    reader = new Thread(this::read, "tail-" + topic.name());
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Where the reader is now: the offset of the last record it has passed on each partition (none before it has
   * taken the topic's partitions). Any record committed later than the reader passed this position is read after it.
   */
  public Position position() {
    return passed;
  }

  /** Whether records are being read: false before the start, after the stop, and once reading has failed. */
  public boolean isReading() {
    return reading;
  }

  /** Whether the reader was started and not stopped (it may have failed since: {@link #isReading()}). */
  public boolean isStarted() {
    return reader != null;
  }

  /** The topic's partitions as the broker has them now; none while the topic is not there. */
  private List<TopicPartition> partitionsOf(Consumer<String, V> tailing, Duration within) {
    List<PartitionInfo> found = tailing.partitionsFor(topic.name(), within);
    return found == null ? List.of()
        : found.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
  }

  /** Once the topic is there (made after the start), every partition from its beginning; false while it is not. */
  private boolean assignedOnceMade() {
    if (!consumer.assignment().isEmpty()) return true;
    List<TopicPartition> partitions;
    try {
      partitions = partitionsOf(consumer, POLL);
    } catch (TimeoutException e) {
      return false; // the broker did not say in time: asked again
    }
    if (partitions.isEmpty()) return false;
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    passed = positionOf(consumer, partitions);
    return true;
  }

  /** Where the reader is before its first poll: just before the offset it will read next on each partition. */
  private static Position positionOf(Consumer<String, ?> reader, List<TopicPartition> partitions) {
    long[] last = new long[partitions.size()];
    for (TopicPartition partition : partitions) last[partition.partition()] = reader.position(partition) - 1;
    return Position.of(last);
  }

  /** A pause before asking again whether the topic is there. */
  private static void waitForTopic() {
    try {
      Thread.sleep(POLL.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WakeupException();
    }
  }

  private void read() {
    try {
      while (reading) {
        if (!assignedOnceMade()) {
          waitForTopic();
          continue;
        }
        try {
          for (ConsumerRecord<String, V> record : consumer.poll(POLL)) {
            passed = passed.after(record.partition(), record.offset());
            if (record.value() != null) {
              onRecord.accept(new Positioned<>(record.value(), record.partition(), record.offset(), passed));
            }
          }
        } catch (RecordDeserializationException e) {
          log.warn("skipping an unreadable record at {}@{}", e.topicPartition(), e.offset());
          passed = passed.after(e.topicPartition().partition(), e.offset());
          consumer.seek(e.topicPartition(), e.offset() + 1);
        }
      }
    } catch (WakeupException e) {
      // stopping
    } catch (RuntimeException e) {
      log.error("{} is no longer read", topic.name(), e);
      reading = false;
    } finally {
      consumer.close();
    }
  }

  /** Stops reading, waiting a while for the reader to finish. */
  public void stop() {
    reading = false;
    Thread stopping = reader;
    if (stopping == null) return;
    if (stopping.isAlive()) consumer.wakeup();
    try {
      stopping.join(POLL.multipliedBy(10).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    reader = null;
  }
}
