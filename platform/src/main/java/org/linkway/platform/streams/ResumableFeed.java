package org.linkway.platform.streams;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.Consumer;
import org.linkway.platform.kafka.Topic;
import org.linkway.platform.web.ResumableStream;

/**
 * A topic tailed by every instance ({@link TailedFeed}) for the parties' live streams, which a client can resume
 * from a position in it ({@link ResumableStream#of}): the changelog of a store, whose records are the states it
 * keeps (a provider's offers, a practice's referrals: {@link ResumableStream.Keys#ofStates}), or a topic of events
 * (a commissioner's outcomes and ledger entries: {@link ResumableStream.Keys#ofMetadata}). Made of the topic and what
 * an event of it is; a resume from a position reads the topic again from there ({@link #replayAfter}).
 */
public class ResumableFeed<T extends SpecificRecord> extends TailedFeed<T> {

  /** How long a resume may take to read the topic from its position to the end. */
  private static final Duration REPLAY_WITHIN = Duration.ofSeconds(10);
  /**
   * The most records (every party's) a resume reads from its position; a client further behind is resumed from
   * its party's own list ({@link ResumableStream#of}).
   */
  public static final long REPLAY_AT_MOST = 20_000;

  private final Supplier<Consumer<String, T>> consumers;
  private final ResumableStream.Keys<T> keys;
  private final Duration replayWithin;
  private final long replayAtMost;

  public ResumableFeed(Topic<T> topic, Readers readers, ResumableStream.Keys<T> keys) {
    this(topic, readers.of(topic), keys, REPLAY_WITHIN, REPLAY_AT_MOST);
  }

  /**
   * @param consumers makes the readers' consumers (the tail's and each resume's): no group, read-committed
   * @param replayWithin how long a resume may take to read the topic from its position (then 503)
   * @param replayAtMost the most records a resume reads from its position (further back, it resumes from the list)
   */
  public ResumableFeed(Topic<T> topic, Supplier<Consumer<String, T>> consumers, ResumableStream.Keys<T> keys,
      Duration replayWithin, long replayAtMost) {
    super(topic, consumers);
    this.consumers = consumers;
    this.keys = keys;
    this.replayWithin = replayWithin;
    this.replayAtMost = replayAtMost;
  }

  /** What an event of the feed is: its id and when it happened. */
  public ResumableStream.Keys<T> keys() {
    return keys;
  }

  /**
   * The records of the topic after {@code from}, up to its end now, those {@code kept}; blocking (off the event
   * loop). Empty when {@code from} is more than {@link #REPLAY_AT_MOST} records back, or when records after it have
   * left the topic (its retention). A 503 ({@link org.linkway.platform.web.ProblemException.Unavailable}) when it
   * cannot be read whole.
   */
  public Optional<TopicReplay.Replay<T>> replayAfter(Position from, Predicate<T> kept) {
    return TopicReplay.after(topic().name(), consumers, from, kept, replayWithin, replayAtMost);
  }
}
