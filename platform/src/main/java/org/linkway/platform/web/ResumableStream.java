package org.linkway.platform.web;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.specific.SpecificRecord;
import org.linkway.events.EventMetadata;
import org.linkway.platform.streams.Position;
import org.linkway.platform.streams.Positioned;
import org.linkway.platform.streams.StateFeed;
import org.springframework.http.codec.ServerSentEvent;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.util.concurrent.Queues;

/**
 * An SSE stream that a client can resume, on any instance, with the id of the last event it had
 * ({@code Last-Event-ID}): what it missed comes first, then what happens from then on. The live events are
 * subscribed to before what was missed is read, and held until it is sent, so nothing falls between the two.
 * What was missed is read off the event loop, and whole before anything is sent: if it cannot be read (a store's
 * partition moving, the broker away) the request fails (503, {@code Retry-After}), never a stream that starts
 * with part of what was missed. Two kinds of stream:
 *
 * <p><b>Events recorded for good</b> ({@link #of}: an outcome, a ledger entry), each with its own id, the same on
 * every instance. A client resuming after one is sent those recorded after it, in the order of their times (then
 * their ids), then the live ones, duplicates dropped by id. Events of different keys committed close together may
 * be sent live in another order than their times, as with any stream of several partitions.
 *
 * <p><b>States followed on a store's changelog</b> ({@link #ofStates}: an offer, a referral), each sent as it is at
 * that change. An event's id is {@code {item}@{epoch millis of the change}~{position}} ({@link Keys#ofStates},
 * {@link Position}), for example {@code 7c9e…-2@1733450000000~0.41_1.-1_2.17}: the position is, for every
 * partition of the changelog, the offset of the last record the stream had passed when it sent the event, this
 * party's and every other's. The guarantee: a client that resumes with such an id, on any instance, is sent
 * exactly this party's changes committed to the changelog after that position, each once, in the changelog's
 * order on each partition: those already committed when it resumes, read from the changelog itself, then the live
 * ones (dropped, by position, if at or below what was read). That is what the stream it left would have sent after
 * that event, whatever the order of the changes' moments; only a change compacted away since, whose item changed
 * again later (that later change is sent), is not. The same change has different ids on different instances (each
 * the position of its own reader); a resume from any of them continues exactly after it. A client too slow for the
 * live changes (more than {@value #LIVE_HELD} waiting) is disconnected, to resume from its last id, rather than
 * sent a stream with a gap. A position more than {@link StateFeed#REPLAY_AT_MOST} records
 * back (every party's) is not read from the changelog, so that no request reads it from far back: such a client
 * resumes by its id's moment, as below.
 *
 * <p>A client with no {@code Last-Event-ID} is sent what {@code recorded} holds (a provider's waiting offers), then
 * the live changes. An id that carries no position (an older client's {@code {item}@{millis}}, a state sent from
 * that list, a position of another number of partitions than the changelog has) resumes by its moment, as before
 * positions: the states changed after it, once each, as they are now, read from the store, then the live ones,
 * duplicates dropped by state. Two changes committed close together on different partitions can be read live in
 * the other order than their moments, so a resume by a moment can get one again or miss one; a resume from any
 * later event's id, which carries a position, cannot.
 */
public final class ResumableStream {

  /**
   * How many live events are held while the recorded ones are read, and wait for a slow reader; beyond, a stream of
   * recorded events misses the rest, a stream of states ends (to be resumed).
   */
  private static final int LIVE_HELD = 1024;
  private static final Pattern STATE_ID = Pattern.compile(".+@(\\d{1,19})");
  /** What comes between a state's id and the position in a state stream's event id. */
  private static final char POSITION = '~';

  /** How to read an event's id and time. */
  public record Keys<E>(Function<E, String> id, Function<E, Instant> at) {

    /** The id and time of an event that carries them in its metadata, as every Linkway event does. */
    public static <E> Keys<E> ofMetadata(Function<E, EventMetadata> metadata) {
      return new Keys<>(e -> metadata.apply(e).getEventId().toString(), e -> metadata.apply(e).getOccurredAt());
    }

    /**
     * States, each sent as it is at a change: the id is {@code {item}@{epoch millis of the change}} (the same on every
     * instance: both parts are read from the state), to which {@link #ofStates} adds the stream's position.
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

  /**
   * The states a store keeps, followed on its changelog ({@link StateFeed}): those of one party (a provider, a
   * practice), resumable from exactly where a client was (see above).
   *
   * @param feed the store's changelog, as every instance reads it, and what its events are
   * @param party whether a state is this stream's
   * @param eventName the SSE event's name
   * @param recorded given which states the client may have missed, those of the party the store holds (in any
   *     order): read only for a client with no id or an id with no position
   * @param lastEventId the {@code Last-Event-ID} the client sent, or null
   * @param view what the client is sent of a state
   */
  public static <S extends SpecificRecord, V> Flux<ServerSentEvent<V>> ofStates(StateFeed<S> feed, Predicate<S> party,
      Function<S, String> eventName, Function<Predicate<S>, List<S>> recorded, String lastEventId,
      Function<S, V> view) {
    Optional<Position> from = positionIn(lastEventId).filter(p -> p.partitions() == feed.topic().partitions());
    Flux<Sent<S>> sent = Flux.defer(() -> {
      // the party's live changes, subscribed to now, before anything is read, and held until what was missed is sent
      Sinks.Many<Positioned<S>> held = Sinks.many().unicast()
          .onBackpressureBuffer(Queues.<Positioned<S>>get(LIVE_HELD).get());
      Disposable following = feed.records().filter(r -> party.test(r.value())).subscribe(r -> hold(held, r));
      Flux<Sent<S>> events = from.isPresent()
          ? replayThenLive(feed, party, from.get(), held.asFlux(), recorded, lastEventId)
          : recordedThenLive(feed.keys(), recorded, lastEventId, held.asFlux());
      return events.doFinally(signal -> following.dispose());
    });
    return EventStreams.withKeepAlive(sent.map(s ->
        ServerSentEvent.builder(view.apply(s.state())).id(s.id()).event(eventName.apply(s.state())).build()));
  }

  /** A state to send, with its event id. */
  private record Sent<S>(S state, String id) {}

  /** A live change held for the stream; one too many ends the stream, which the client resumes from its last id. */
  private static <S> void hold(Sinks.Many<Positioned<S>> held, Positioned<S> change) {
    if (held.tryEmitNext(change) == Sinks.EmitResult.FAIL_OVERFLOW) {
      held.tryEmitError(new ProblemException.Unavailable("the stream fell behind; resume it with Last-Event-ID"));
    }
  }

  /**
   * From a position: the party's changes in the changelog after it, up to its end now, each with the position once
   * past it; then the live ones after that end, each with the further of that end and its reader's position. A
   * position too far back to read the changelog from ({@link StateFeed#REPLAY_AT_MOST}) resumes by its moment.
   */
  private static <S extends SpecificRecord> Flux<Sent<S>> replayThenLive(StateFeed<S> feed, Predicate<S> party,
      Position from, Flux<Positioned<S>> live, Function<Predicate<S>, List<S>> recorded, String lastEventId) {
    Keys<S> keys = feed.keys();
    return Mono.fromCallable(() -> feed.replayAfter(from, party)).subscribeOn(Schedulers.boundedElastic())
        .flatMapMany(found -> found.map(replay -> Flux.concat(
            Flux.fromIterable(replay.kept()).map(r -> new Sent<>(r.value(), idAt(keys, r.value(), r.after()))),
            live.filter(r -> !replay.end().covers(r.partition(), r.offset()))
                .map(r -> new Sent<>(r.value(), idAt(keys, r.value(), replay.end().max(r.after()))))))
            .orElseGet(() -> recordedThenLive(keys, recorded, lastEventId, live)));
  }

  /**
   * With no id, or one with no position: what the store holds that the client has not had (all of it with no id,
   * the states changed after the id's moment), in the order of their moments, with ids that carry no position (read
   * from the store, they have none); then the live ones, with their reader's position. Duplicates dropped by state.
   */
  private static <S> Flux<Sent<S>> recordedThenLive(Keys<S> keys, Function<Predicate<S>, List<S>> recorded,
      String lastEventId, Flux<Positioned<S>> live) {
    String seen = withoutPosition(lastEventId);
    Optional<Instant> at = stateAt(seen);
    Predicate<S> unseen = at.<Predicate<S>>map(moment -> s -> isAfter(keys, s, moment, seen)).orElse(s -> true);
    Comparator<S> order = Comparator.comparing(keys.at()).thenComparing(keys.id());
    Flux<Sent<S>> missed = Flux.defer(() -> Flux.fromIterable(recorded.apply(unseen).stream().sorted(order).toList()))
        .subscribeOn(Schedulers.boundedElastic())
        .map(s -> new Sent<>(s, keys.id().apply(s)));
    return Flux.concat(missed, live.filter(r -> unseen.test(r.value()))
            .map(r -> new Sent<>(r.value(), idAt(keys, r.value(), r.after()))))
        .distinct(s -> withoutPosition(s.id()), EventStreams::recentKeys);
  }

  /** {@code {item}@{millis}~{position}}. */
  private static <S> String idAt(Keys<S> keys, S state, Position position) {
    return keys.id().apply(state) + POSITION + position;
  }

  /** The position a state's id carries after {@code ~}; empty for an id with none. */
  static Optional<Position> positionIn(String eventId) {
    if (eventId == null) return Optional.empty();
    int at = eventId.lastIndexOf(POSITION);
    return at < 0 ? Optional.empty() : Position.parse(eventId.substring(at + 1));
  }

  /** The id without the position it carries, if any: {@code {item}@{millis}}. */
  static String withoutPosition(String eventId) {
    if (eventId == null) return null;
    int at = eventId.lastIndexOf(POSITION);
    return at < 0 ? eventId : eventId.substring(0, at);
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
