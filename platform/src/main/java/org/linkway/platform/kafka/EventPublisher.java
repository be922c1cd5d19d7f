package org.linkway.platform.kafka;

import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.linkway.events.EventMetadata;
import org.linkway.platform.observability.EventLog;
import org.linkway.platform.observability.ObservedTrace;
import org.linkway.platform.security.Caller;
import org.linkway.platform.web.ProblemException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.util.context.ContextView;

/**
 * Writes one event to a typed topic; completes when the broker has acknowledged it (acks=all). The
 * record carries the trace context of the request it is written in ({@code traceparent}: the
 * request's own span, read from its Reactor context; not an observation per write, which cost 3 %
 * of provider-service's CPU on the benchmark), and the write is logged under that trace.
 */
public final class EventPublisher {

  /**
   * What the caller is told (503) when the broker did not take an event. Never the broker's own
   * words: they name hosts, topics, settings and the platform's state, which are no caller's
   * business; those go to the log ({@link #whyNotWritten}).
   */
  public static final String NOT_WRITTEN =
      "the service could not record this just now (its event log did not take it); try again shortly";

  private static final Logger log = LoggerFactory.getLogger(EventPublisher.class);

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
        .then(Mono.deferContextual(request -> Mono.fromFuture(() -> template.send(record(topic, key, value, request)))))
        // the acknowledgement arrives on the producer's network thread: what follows (another send,
        // which may wait for metadata that only that thread fetches) must not run there
        .publishOn(Schedulers.boundedElastic())
        .doOnNext(sent -> EventLog.written(topic.name(), value))
        .onErrorMap(e -> {
          log.warn("an event was not written to {}: {}", topic.name(), whyNotWritten(e));
          return new ProblemException.Unavailable(NOT_WRITTEN);
        })
        .then();
  }

  /** The record, carrying the trace of the request it is written in (if it is in one, and traced). */
  private static <V extends SpecificRecord> ProducerRecord<String, SpecificRecord> record(Topic<V> topic, String key, V value,
      ContextView request) {
    Headers headers = ObservedTrace.of(request).map(trace -> trace.onto(null)).orElse(null);
    return new ProducerRecord<>(topic.name(), null, key, value, headers);
  }

  /**
   * Each cause's type, with the message of those that are Kafka's own (the broker or the client:
   * a timeout, a record too large, a refused authorisation). Not the message of a serialisation
   * error or anything else: it may quote the value, a person's details.
   */
  static String whyNotWritten(Throwable e) {
    StringBuilder why = new StringBuilder();
    int depth = 0;
    for (Throwable t = e; t != null && depth++ < 10; t = t.getCause()) {
      if (!why.isEmpty()) why.append(" <- ");
      why.append(t.getClass().getName());
      boolean kafkas = t instanceof org.apache.kafka.common.KafkaException || t instanceof org.springframework.kafka.KafkaException;
      if (kafkas && !(t instanceof org.apache.kafka.common.errors.SerializationException) && t.getMessage() != null) {
        why.append(": ").append(t.getMessage());
      }
    }
    return why.toString();
  }

  private static void stampActor(SpecificRecord value, Caller caller) {
    if (value == null) return; // a tombstone
    Schema.Field field = value.getSchema().getField("metadata");
    if (field != null && value.get(field.pos()) instanceof EventMetadata metadata && metadata.getActor() == null) {
      value.put(field.pos(), EventMetadata.newBuilder(metadata).setActor(caller.auditName()).build());
    }
  }
}
