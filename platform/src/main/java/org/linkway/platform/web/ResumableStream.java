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
import org.linkway.platform.streams.ResumableFeed;
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
 * with part of what was missed.
 *
 * <p>The events are the records of a topic every instance tails ({@link ResumableFeed}), those of one party (a
 * provider, a practice, a commissioner). Two kinds: <b>states</b> followed on a store's changelog (an offer, a
 * referral), each sent as it is at that change, whose id is {@code {item}@{epoch millis of the change}}
 * ({@link Keys#ofStates}); and <b>events recorded for good</b> (an outcome, a ledger entry), whose id is their own
 * ({@link Keys#ofMetadata}). The stream adds its position to each: {@code {id}~{position}} ({@link Position}), for
 * example {@code 7c9e…-2@1733450000000~0.41_1.-1_2.17}: for every partition of the topic, the offset of the last
 * record the stream had passed when it sent the event, this party's and every other's. The guarantee: a client that
 * resumes with such an id, on any instance, is sent exactly this party's records committed to the topic after that
 * position, each once, in the topic's order on each partition: those already committed when it resumes, read from
 * the topic itself, then the live ones (dropped, by position, if at or below what was read). That is what the
 * stream it left would have sent after that event, whatever the order of the events' moments; only a state
 * compacted away since, whose item changed again later (that later change is sent), is not. The same record has
 * different ids on different instances (each the position of its own reader); a resume from any of them continues
 * exactly after it. A client too slow for the live events (more than {@value #LIVE_HELD} waiting) is disconnected,
 * to resume from its last id, rather than sent a stream with a gap.
 *
 * <p>A client with no {@code Last-Event-ID} is sent what {@code recorded} holds (a provider's waiting offers, a
 * commissioner's newest page of outcomes), then the live events. So is one whose position cannot be read from: more than
 * {@link ResumableFeed#REPLAY_AT_MOST} records back (every party's), so that no request reads the topic from far
 * back, or with records after it deleted by the topic's retention; and one whose id carries no position (an older
 * client's, an event sent from the list, a position of another number of partitions than the topic has). That list
 * is sent from the id on: the states changed after a state id's moment, as they are now; the events recorded after
 * the one with that id, in the order of their moments (then ids). Live events are then sent, duplicates dropped by
 * id. Two events committed close together on different partitions can be read live in the other order than their
 * moments, so a resume from an id with no position can get one again or miss one; a resume from any later event's
 * id, which carries a position, cannot.
 */
public final class ResumableStream {

  /**
   * How many live events are held while the missed ones are read, and wait for a slow reader; beyond, the stream
   * ends (to be resumed).
   */
  private static final int LIVE_HELD = 1024;
  private static final Pattern STATE_ID = Pattern.compile(".+@(\\d{1,19})");
  /** What comes between an event's own id and the stream's position in the id it is sent with. */
  private static final char POSITION = '~';

  /** How to read an event's id and time. */
  public record Keys<E>(Function<E, String> id, Function<E, Instant> at) {

    /**
     * Events recorded for good, with the id and time they carry in their metadata, as every Linkway event does (to
     * which {@link ResumableStream#of} adds the stream's position).
     */
    public static <E> Keys<E> ofMetadata(Function<E, EventMetadata> metadata) {
      return new Keys<>(e -> metadata.apply(e).getEventId().toString(), e -> metadata.apply(e).getOccurredAt());
    }

    /**
     * States, each sent as it is at a change: the id is {@code {item}@{epoch millis of the change}} (the same on every
     * instance: both parts are read from the state), to which {@link ResumableStream#of} adds the stream's position.
     */
    public static <E> Keys<E> ofStates(Function<E, String> item, Function<E, Instant> changedAt) {
      return new Keys<>(e -> item.apply(e) + "@" + changedAt.apply(e).toEpochMilli(), changedAt);
    }
  }

  private ResumableStream() {}

  /**
   * The records of a topic every instance tails ({@link ResumableFeed}), those of one party (a provider, a practice,
   * a commissioner), resumable from exactly where a client was (see above).
   *
   * @param feed the topic, as every instance reads it, and what its events are
   * @param party whether a record is this stream's
   * @param eventName the SSE event's name
   * @param recorded given which events the client may have missed, those of the party recorded (in any order): read
   *     only for a client with no id, or one with no position or one that cannot be read from
   * @param lastEventId the {@code Last-Event-ID} the client sent, or null
   * @param view what the client is sent of an event
   */
  public static <S extends SpecificRecord, V> Flux<ServerSentEvent<V>> of(ResumableFeed<S> feed, Predicate<S> party,
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

  /** An event to send, with the id it is sent with. */
  private record Sent<S>(S state, String id) {}

  /** A live change held for the stream; one too many ends the stream, which the client resumes from its last id. */
  private static <S> void hold(Sinks.Many<Positioned<S>> held, Positioned<S> change) {
    if (held.tryEmitNext(change) == Sinks.EmitResult.FAIL_OVERFLOW) {
      held.tryEmitError(new ProblemException.Unavailable("the stream fell behind; resume it with Last-Event-ID"));
    }
  }

  /**
   * From a position: the party's records in the topic after it, up to its end now, each with the position once past
   * it; then the live ones after that end, each with the further of that end and its reader's position. A position
   * the topic cannot be read from ({@link ResumableFeed#replayAfter}: too far back, or records after it deleted)
   * resumes from the list.
   */
  private static <S extends SpecificRecord> Flux<Sent<S>> replayThenLive(ResumableFeed<S> feed, Predicate<S> party,
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
   * With no id, one with no position or one that cannot be read from: what {@code recorded} holds that the client has
   * not had (all of it with no id; for a state's id, the states changed after its moment; for an event's id, the
   * events after it), in the order of their moments (then ids), with ids that carry no position (read from a list,
   * they have none); then the live ones, with their reader's position. Duplicates dropped by id.
   */
  private static <S> Flux<Sent<S>> recordedThenLive(Keys<S> keys, Function<Predicate<S>, List<S>> recorded,
      String lastEventId, Flux<Positioned<S>> live) {
    String seen = withoutPosition(lastEventId);
    Optional<Instant> at = stateAt(seen);
    Predicate<S> unseen = at.<Predicate<S>>map(moment -> s -> isAfter(keys, s, moment, seen)).orElse(s -> true);
    Comparator<S> order = Comparator.comparing(keys.at()).thenComparing(keys.id());
    Flux<Sent<S>> missed = Flux.defer(() -> {
      List<S> all = recorded.apply(unseen).stream().sorted(order).toList();
      return Flux.fromIterable(seen == null || at.isPresent() ? all : after(keys, all, seen));
    }).subscribeOn(Schedulers.boundedElastic()).map(s -> new Sent<>(s, keys.id().apply(s)));
    return Flux.concat(missed, live.filter(r -> unseen.test(r.value()))
            .map(r -> new Sent<>(r.value(), idAt(keys, r.value(), r.after()))))
        .distinct(s -> withoutPosition(s.id()), EventStreams::recentKeys);
  }

  /** The events of {@code all} after the one whose id is {@code seen}; all of them if none is. */
  private static <S> List<S> after(Keys<S> keys, List<S> all, String seen) {
    for (int i = all.size() - 1; i >= 0; i--) {
      if (keys.id().apply(all.get(i)).equals(seen)) return all.subList(i + 1, all.size());
    }
    return all;
  }

  /** {@code {item}@{millis}~{position}}. */
  private static <S> String idAt(Keys<S> keys, S state, Position position) {
    return idAt(keys.id().apply(state), position);
  }

  /**
   * The id of an event ({@code id}) sent at {@code position}: a client resuming with it is sent the party's records
   * after that position, read from the topic (at most {@link ResumableFeed#REPLAY_AT_MOST} records), not the party's
   * list. For a page that shows a list read after its feed's reader was at {@code position}
   * ({@link ResumableFeed#position}) and has its stream go on from there; {@code id} may be empty (the list was).
   */
  public static String idAt(String id, Position position) {
    return id + POSITION + position;
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
