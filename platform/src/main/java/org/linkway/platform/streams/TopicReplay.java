package org.linkway.platform.streams;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.linkway.platform.web.ProblemException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a topic holds after a {@link Position}, up to its end as it is when asked: read with a consumer of its own
 * (assigned, no group, read_committed, as the tails read), closed once every partition is read to that end.
 * All of it, or nothing: a topic that cannot be read in time (the broker away) is a 503, never part of it.
 */
public final class TopicReplay {

  /** How long one poll waits. */
  private static final Duration POLL = Duration.ofMillis(200);

  private static final Logger log = LoggerFactory.getLogger(TopicReplay.class);

  /**
   * The values kept, in offset order on each partition (in the order read across them), each with the reader's
   * position once past it; and {@code end}, where the reader stopped: the last offset before each partition's end,
   * so that a live record at or below it has been read here.
   */
  public record Replay<V>(List<Positioned<V>> kept, Position end) {}

  private TopicReplay() {}

  /**
   * @param from where the reader that asks has been: every partition of the topic, each from the next offset
   * @param keep which values are kept (tombstones never are; the rest still move the position)
   * @param within how long the whole read may take
   * @param atMost the most records the read may pass (every party's): a position further back is not read
   *     (empty), so that no request reads the topic from far back; nor is one after which records have been deleted
   *     (a topic's retention); the caller resumes another way
   */
  static <V> Optional<Replay<V>> after(String topic, Supplier<Consumer<String, V>> consumers, Position from,
      Predicate<V> keep, Duration within, long atMost) {
    long deadline = System.nanoTime() + within.toNanos();
    try (Consumer<String, V> reader = consumers.get()) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (int p = 0; p < from.partitions(); p++) partitions.add(new TopicPartition(topic, p));
      Map<TopicPartition, Long> ends = reader.endOffsets(partitions, within); // read_committed: the last stable offsets
      Map<TopicPartition, Long> starts = reader.beginningOffsets(partitions, within);
      Position end = from;
      Map<TopicPartition, Long> toRead = new HashMap<>();
      for (TopicPartition partition : partitions) {
        long next = from.last(partition.partition()) + 1;
        if (next < starts.get(partition)) return Optional.empty(); // records after it deleted: it cannot be read on
        long stop = ends.get(partition);
        end = end.after(partition.partition(), stop - 1);
        if (next < stop) toRead.put(partition, next);
      }
      long behind = toRead.entrySet().stream().mapToLong(e -> ends.get(e.getKey()) - e.getValue()).sum();
      if (behind > atMost) return Optional.empty();
      List<Positioned<V>> kept = new ArrayList<>();
      Position at = from;
      reader.assign(toRead.keySet());
      toRead.forEach(reader::seek);
      while (!toRead.isEmpty()) {
        if (System.nanoTime() > deadline) throw new TimeoutException("not read to its end within " + within);
        try {
          for (ConsumerRecord<String, V> record : reader.poll(POLL)) {
            TopicPartition partition = new TopicPartition(record.topic(), record.partition());
            if (record.offset() >= ends.get(partition)) continue; // after the end taken: the live stream's
            at = at.after(record.partition(), record.offset());
            if (record.value() != null && keep.test(record.value())) {
              kept.add(new Positioned<>(record.value(), record.partition(), record.offset(), at));
            }
          }
        } catch (RecordDeserializationException e) {
          at = at.after(e.topicPartition().partition(), e.offset()); // passed over, as the tails do
          reader.seek(e.topicPartition(), e.offset() + 1);
        }
        List<TopicPartition> done = toRead.keySet().stream()
            .filter(partition -> reader.position(partition, within) >= ends.get(partition)).toList();
        done.forEach(toRead::remove);
        reader.pause(done);
      }
      return Optional.of(new Replay<>(kept, end));
    } catch (KafkaException e) {
      log.warn("{} could not be read after {}", topic, from, e);
      throw new ProblemException.Unavailable("the stream's changes cannot be read now");
    }
  }
}
