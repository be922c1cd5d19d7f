package org.linkway.platform.streams;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * What a stream processor has just decided, handed to the SSE streams that are connected now. A
 * subscriber that is too slow misses events rather than holding the processor up; the streams
 * replay from the state store on connecting, so nothing recorded is lost to a client.
 */
public class Feed<T> {

  private final Sinks.Many<T> sink = Sinks.many().multicast().directBestEffort();

  public void publish(T event) {
    sink.tryEmitNext(event);
  }

  public Flux<T> events() {
    return sink.asFlux();
  }
}
