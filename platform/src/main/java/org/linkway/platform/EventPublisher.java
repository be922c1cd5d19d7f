package org.linkway.platform;

import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.linkway.events.EventMetadata;
import org.linkway.platform.observability.EventLog;
import org.linkway.platform.security.Caller;
import org.springframework.kafka.core.KafkaTemplate;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Writes one event to a typed topic; completes when the broker has acknowledged it (acks=all). The
 * record carries the trace context of the request it is written in ({@code traceparent}), and the
 * write is logged under that trace.
 */
public final class EventPublisher {

  private final KafkaTemplate<String, SpecificRecord> template;

  public EventPublisher(KafkaTemplate<String, SpecificRecord> template) {
    this.template = template;
  }

  /**
   * Writes the event; during a request its metadata names the caller as the actor (the audit trail:
   * who asked, from their token), unless it already names one.
   */
  public <V extends SpecificRecord> Mono<Void> publish(Topic<V> topic, String key, V value) {
    return Caller.ofCurrentRequest()
        .doOnNext(caller -> stampActor(value, caller))
        .then(Mono.fromFuture(() -> template.send(topic.name(), key, value)))
        // the acknowledgement arrives on the producer's network thread: what follows (another send,
        // which may wait for metadata that only that thread fetches) must not run there
        .publishOn(Schedulers.boundedElastic())
        .doOnNext(sent -> EventLog.written(topic.name(), value))
        .onErrorMap(e -> new ProblemException.Unavailable("the event could not be written to " + topic.name() + ": " + e.getMessage()))
        .then();
  }

  private static void stampActor(SpecificRecord value, Caller caller) {
    if (value == null) return; // a tombstone
    Schema.Field field = value.getSchema().getField("metadata");
    if (field != null && value.get(field.pos()) instanceof EventMetadata metadata && metadata.getActor() == null) {
      value.put(field.pos(), EventMetadata.newBuilder(metadata).setActor(caller.auditName()).build());
    }
  }
}
