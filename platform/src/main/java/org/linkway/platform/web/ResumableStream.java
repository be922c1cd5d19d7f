package org.linkway.platform.web;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.linkway.events.EventMetadata;
import org.springframework.http.codec.ServerSentEvent;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * An SSE stream that a client can resume, on any instance: every event has an id that is the same
 * whichever instance sends it; on connecting, the events recorded that the client has not had come
 * first, in the order they happened (those after the one named by {@code Last-Event-ID}, if given),
 * then new ones as they happen. Live events are subscribed to before the recorded ones are read, and
 * held until those are sent; duplicates are dropped by id, so a reconnecting client gets every event
 * it missed exactly once. The recorded ones are read off the event loop (from a state store), and
 * before anything is sent: a store that cannot be read (a partition moving) fails the request (503),
 * never a stream that starts with part of what was missed.
 *
 * <p>Two kinds of event: those recorded for good, each with its own id (an outcome, a ledger entry),
 * found in what is recorded; and states sent as they are now (an offer, a referral), whose id carries
 * the time of the change ({@code {item}@{epoch millis}}, {@link Keys#ofStates}), so that the id alone
 * says where the client was. A state that changed more than once while the client was away is sent
 * once, as it is now. The order is the events' times (then their ids): events of different keys
 * committed close together may be sent live in another order, as with any stream of several partitions.
 */
public final class ResumableStream {

  /** How many live events are held while the recorded ones are read; beyond, a slow reader misses the rest. */
  private static final int LIVE_HELD = 1024;
  private static final Pattern STATE_ID = Pattern.compile(".+@(\\d{1,19})");

  /** How to read an event's id and time. */
  public record Keys<E>(Function<E, String> id, Function<E, Instant> at) {

    /** The id and time of an event that carries them in its metadata, as every Linkway event does. */
    public static <E> Keys<E> ofMetadata(Function<E, EventMetadata> metadata) {
      return new Keys<>(e -> metadata.apply(e).getEventId().toString(), e -> metadata.apply(e).getOccurredAt());
    }

    /**
     * States sent as they are now: the id is {@code {item}@{epoch millis of the change}}, the same on every
     * instance (both parts are read from the state), and a client resuming after it is sent the states
     * changed after that moment.
     */
    public static <E> Keys<E> ofStates(Function<E, String> item, Function<E, Instant> changedAt) {
      return new Keys<>(e -> item.apply(e) + "@" + changedAt.apply(e).toEpochMilli(), changedAt);
    }
  }

  private ResumableStream() {}

  /**
   * @param eventName the SSE event's name
   * @param live the events as they are committed (every instance's: a {@code TailedFeed}), already those of this stream
   * @param recorded given which events the client may have missed, those of them recorded (in any order)
   * @param lastEventId the {@code Last-Event-ID} the client sent, or null
   * @param view what the client is sent of an event
   */
  public static <E, V> Flux<ServerSentEvent<V>> of(Function<E, String> eventName, Flux<E> live,
      Function<Predicate<E>, List<E>> recorded, Keys<E> keys, String lastEventId, Function<E, V> view) {
    Comparator<E> order = Comparator.comparing(keys.at()).thenComparing(keys.id());
    Optional<Instant> stateAt = stateAt(lastEventId);
    Predicate<E> unseen = stateAt.<Predicate<E>>map(at -> e -> isAfter(keys, e, at, lastEventId)).orElse(e -> true);
    Flux<E> missed = Flux.defer(() -> {
      List<E> all = recorded.apply(unseen).stream().sorted(order).toList();
      int from = 0;
      if (lastEventId != null && stateAt.isEmpty()) {
        for (int i = 0; i < all.size(); i++) {
          if (keys.id().apply(all.get(i)).equals(lastEventId)) from = i + 1;
        }
      }
      return Flux.fromIterable(all.subList(from, all.size()));
    }).subscribeOn(Schedulers.boundedElastic());
    // both subscribed at once; the live ones wait until every missed one is sent
    Flux<ServerSentEvent<V>> events = Flux.mergeSequential(LIVE_HELD, missed, live.filter(unseen))
        .distinct(keys.id(), EventStreams::recentKeys)
        .map(e -> ServerSentEvent.builder(view.apply(e)).id(keys.id().apply(e)).event(eventName.apply(e)).build());
    return EventStreams.withKeepAlive(events);
  }

  /** The time a state's id ({@link Keys#ofStates}) carries; empty for any other id. */
  static Optional<Instant> stateAt(String eventId) {
    if (eventId == null) return Optional.empty();
    Matcher m = STATE_ID.matcher(eventId);
    if (!m.matches()) return Optional.empty();
    try {
      return Optional.of(Instant.ofEpochMilli(Long.parseLong(m.group(1))));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static <E> boolean isAfter(Keys<E> keys, E e, Instant at, String id) {
    int byTime = keys.at().apply(e).compareTo(at);
    return byTime > 0 || (byTime == 0 && keys.id().apply(e).compareTo(id) > 0);
  }
}
