package org.linkway.platform.web;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.springframework.http.codec.ServerSentEvent;
import reactor.core.publisher.Flux;

/** What every SSE endpoint needs: a keep-alive comment, and de-duplication that does not grow for ever. */
public final class EventStreams {

  private static final Duration KEEP_ALIVE = Duration.ofSeconds(15);
  private static final int REMEMBERED_KEYS = 10_000;

  private EventStreams() {}

  /** The events, with a comment every 15 s so that proxies keep an idle connection open. */
  public static <V> Flux<ServerSentEvent<V>> withKeepAlive(Flux<ServerSentEvent<V>> events) {
    Flux<ServerSentEvent<V>> keepAlive = Flux.interval(KEEP_ALIVE)
        .map(i -> ServerSentEvent.<V>builder().comment("keep-alive").build());
    return Flux.merge(events, keepAlive);
  }

  /**
   * The keys seen lately, for {@code Flux.distinct}: duplicates only come from the overlap of what
   * is replayed on connecting and what arrives live, so the recent keys are enough.
   */
  public static <K> Set<K> recentKeys() {
    return Collections.newSetFromMap(recent());
  }

  /**
   * What was last sent for each of the keys seen lately, for a stream that sends a thing again only
   * when it has changed (an offer taken back, then offered again).
   */
  public static <K, V> Map<K, V> recent() {
    return new LinkedHashMap<>() {
      @Override
      protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        return size() > REMEMBERED_KEYS;
      }
    };
  }
}
