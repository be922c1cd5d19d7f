package org.linkway.platform.streams;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * How long what has ended stays in a processor's stores: each thing that ends (a referral completed, cancelled,
 * unplaced) is noted in a per-task index under {@code {ended at, epoch millis, 19 digits}|{id}}, and a wall-clock
 * punctuation ranges the index from its start up to {@code now - after}, handing each entry it passes to the
 * processor ({@link Expired}: delete the state, take it out of its views, erase what must go) and removing it. So
 * the stores hold what is live plus what ended within {@code after}, and the index holds one short entry per thing
 * ended within it: a replacement instance restores that, not every referral there ever was. The sweep reads the
 * index by range, never a store whole, and at most {@link #BATCH} entries a punctuation, so a backlog (the first
 * sweep after the setting is shortened) is worked off a batch a sweep without holding up the task.
 *
 * <p>The index is keyed by when the thing ended, not by when it expires, so that a new setting applies to
 * everything already ended at the next sweep. Things ended before the index existed enter it once per task
 * ({@link #fillOnce}, after {@link ViewFill}). A state that can leave its end (none today) is taken out with
 * {@link #reopened}.
 *
 * @param store the index: {@code {ended at}|{id}} to a text the sweep hands back (what else belongs to the id)
 * @param after how long after the end the sweep hands the entry to the processor
 */
public record Retention(String store, Duration after) {

  /** How often each task sweeps, at most: a retention shorter than this (a test's) is swept every retention. */
  public static final Duration EVERY = Duration.ofMinutes(1);
  /** The most entries one sweep hands over: the rest wait for the next. */
  public static final int BATCH = 1_000;

  public Retention {
    if (after == null || after.isNegative() || after.isZero()) {
      throw new IllegalArgumentException(store + ": a retention must be a positive duration, not " + after);
    }
  }

  /** What the processor does with an entry whose time has come, in the punctuation's transaction. */
  @FunctionalInterface
  public interface Expired {
    void expired(String id, Instant endedAt, String value);
  }

  /** How often this retention is swept: every {@link #EVERY}, or every {@link #after} if that is shorter. */
  public Duration every() {
    return after.compareTo(EVERY) < 0 ? after : EVERY;
  }

  /** The index's store: text to text, changelog-backed like the states it indexes. */
  public void addStore(StreamsBuilder builder) {
    builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(store), Serdes.String(), Serdes.String()));
  }

  /** The index key of a thing ended at {@code endedAt}. */
  public static String keyOf(Instant endedAt, String id) {
    return FixedWidth.digits(Math.max(0, endedAt.toEpochMilli()), 19) + "|" + id;
  }

  /** Notes that {@code id} ended at {@code endedAt}, with what its sweep needs ({@code value}, may be empty). */
  public void ended(KeyValueStore<String, String> index, Instant endedAt, String id, String value) {
    index.put(keyOf(endedAt, id), value == null ? "" : value);
  }

  /** Takes back the note that {@code id} ended at {@code endedAt}: it is live again. */
  public void reopened(KeyValueStore<String, String> index, Instant endedAt, String id) {
    index.delete(keyOf(endedAt, id));
  }

  /**
   * Sweeps the task's index {@link #every}, by the wall clock; call from the processor's {@code init}, with the
   * index connected to it.
   */
  public void schedule(ProcessorContext<?, ?> context, Expired expired) {
    KeyValueStore<String, String> index = context.getStateStore(store);
    context.schedule(every(), PunctuationType.WALL_CLOCK_TIME, now -> sweep(index, Instant.ofEpochMilli(now), expired));
  }

  /** Hands over and removes each entry that ended {@link #after} or longer before {@code now} (at most {@link #BATCH}); how many. */
  public int sweep(KeyValueStore<String, String> index, Instant now, Expired expired) {
    long upTo = now.minus(after).toEpochMilli();
    if (upTo < 0) return 0;
    List<KeyValue<String, String>> due = new ArrayList<>();
    // '|' sorts after every digit, so every key ended at upTo or before is below this one
    try (KeyValueIterator<String, String> it = index.range(null, FixedWidth.digits(upTo, 19) + "|\uffff")) {
      while (it.hasNext() && due.size() < BATCH) due.add(it.next());
    }
    for (KeyValue<String, String> entry : due) {
      int bar = entry.key.indexOf('|');
      expired.expired(entry.key.substring(bar + 1), Instant.ofEpochMilli(Long.parseLong(entry.key.substring(0, bar))),
          entry.value);
      index.delete(entry.key);
    }
    return due.size();
  }

  /**
   * Once per task (remembered in {@code filledStore}, a {@link ViewFill} store), notes every state of {@code source}
   * that has already ended: {@code ended} gives when, or empty for one that is live, and {@code value} what the sweep
   * needs. Call from the processor's {@code init}, with the stores connected to it.
   */
  public <V> void fillOnce(ProcessorContext<?, ?> context, String filledStore, String source,
      Function<V, Optional<Instant>> ended, Function<V, String> value) {
    KeyValueStore<String, String> index = context.getStateStore(store);
    ViewFill.<V>once(context, filledStore, store, source, (id, state) ->
        ended.apply(state).ifPresent(at -> ended(index, at, id, value.apply(state))));
  }
}
