package org.linkway.outcome;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;
import org.linkway.events.EventMetadata;
import org.linkway.platform.web.EventStreams;
import org.springframework.http.codec.ServerSentEvent;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * An SSE stream that a client can resume: every event has a stable id; on connecting, the events
 * already recorded come first, in the order they happened (after the one named by
 * {@code Last-Event-ID}, if given), then new ones as they happen. Live events are subscribed to
 * before the recorded ones are read, and duplicates are dropped by id, so a reconnecting client
 * gets every event it missed exactly once. The recorded ones are read off the event loop (a scan of
 * a state store).
 */
public final class ResumableStream {

  /** How to read an event's id and time. */
  public record Keys<E>(Function<E, UUID> id, Function<E, Instant> at) {

    /** The id and time of an event that carries them in its metadata, as every Linkway event does. */
    public static <E> Keys<E> ofMetadata(Function<E, EventMetadata> metadata) {
      return new Keys<>(e -> metadata.apply(e).getEventId(), e -> metadata.apply(e).getOccurredAt());
    }
  }

  private ResumableStream() {}

  public static <E, V> Flux<ServerSentEvent<V>> of(String eventName, Flux<E> live, Supplier<List<E>> recorded,
      Keys<E> keys, String lastEventId, Function<E, V> view) {
    Comparator<E> order = Comparator.comparing(keys.at()).thenComparing(e -> keys.id().apply(e).toString());
    Flux<E> missed = Flux.defer(() -> {
      List<E> all = recorded.get().stream().sorted(order).toList();
      int from = 0;
      if (lastEventId != null) {
        for (int i = 0; i < all.size(); i++) {
          if (keys.id().apply(all.get(i)).toString().equals(lastEventId)) from = i + 1;
        }
      }
      return Flux.fromIterable(all.subList(from, all.size()));
    }).subscribeOn(Schedulers.boundedElastic());
    Flux<ServerSentEvent<V>> events = Flux.merge(live, missed)
        .distinct(keys.id(), EventStreams::recentKeys)
        .map(e -> ServerSentEvent.builder(view.apply(e)).id(keys.id().apply(e).toString()).event(eventName).build());
    return EventStreams.withKeepAlive(events);
  }
}
