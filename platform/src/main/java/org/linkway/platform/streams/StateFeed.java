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
 * The states a service keeps in a store, as they change, once committed: the store's changelog, tailed by every
 * instance ({@link TailedFeed}), for the parties' live streams ({@link ResumableStream#ofStates}). Made of the
 * changelog and what an event of it is ({@link ResumableStream.Keys#ofStates}: the item a state is of and when it
 * last changed); a resume from a position in the changelog reads it again from there ({@link #replayAfter}).
 */
public class StateFeed<S extends SpecificRecord> extends TailedFeed<S> {

  /** How long a resume may take to read the changelog from its position to the end. */
  private static final Duration REPLAY_WITHIN = Duration.ofSeconds(10);
  /**
   * The most changelog records (every party's) a resume reads from its position; a client further behind is
   * resumed by the moment its id carries, from its party's own list ({@link ResumableStream#ofStates}).
   */
  public static final long REPLAY_AT_MOST = 20_000;

  private final Supplier<Consumer<String, S>> consumers;
  private final ResumableStream.Keys<S> keys;
  private final Duration replayWithin;
  private final long replayAtMost;

  public StateFeed(Topic<S> changelog, Readers readers, ResumableStream.Keys<S> keys) {
    this(changelog, readers.of(changelog), keys, REPLAY_WITHIN, REPLAY_AT_MOST);
  }

  /**
   * @param consumers makes the readers' consumers (the tail's and each resume's): no group, read-committed
   * @param replayWithin how long a resume may take to read the changelog from its position (then 503)
   * @param replayAtMost the most records a resume reads from its position (further back, it resumes by moment)
   */
  public StateFeed(Topic<S> changelog, Supplier<Consumer<String, S>> consumers, ResumableStream.Keys<S> keys,
      Duration replayWithin, long replayAtMost) {
    super(changelog, consumers);
    this.consumers = consumers;
    this.keys = keys;
    this.replayWithin = replayWithin;
    this.replayAtMost = replayAtMost;
  }

  /** What an event of the feed is: its item and when it changed. */
  public ResumableStream.Keys<S> keys() {
    return keys;
  }

  /**
   * The states of the changelog after {@code from}, up to its end now, those {@code kept}; blocking (off the event
   * loop). Empty when {@code from} is more than {@link #REPLAY_AT_MOST} records back. A 503
   * ({@link org.linkway.platform.web.ProblemException.Unavailable}) when it cannot be read whole.
   */
  public Optional<TopicReplay.Replay<S>> replayAfter(Position from, Predicate<S> kept) {
    return TopicReplay.after(topic().name(), consumers, from, kept, replayWithin, replayAtMost);
  }
}
