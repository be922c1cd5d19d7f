package org.linkway.platform;

import org.apache.avro.specific.SpecificRecord;
import org.springframework.kafka.core.KafkaTemplate;
import reactor.core.publisher.Mono;

/** Writes one event to a typed topic; completes when the broker has acknowledged it (acks=all). */
public final class EventPublisher {

  private final KafkaTemplate<String, SpecificRecord> template;

  public EventPublisher(KafkaTemplate<String, SpecificRecord> template) {
    this.template = template;
  }

  public <V extends SpecificRecord> Mono<Void> publish(Topic<V> topic, String key, V value) {
    return Mono.fromFuture(() -> template.send(topic.name(), key, value))
        .onErrorMap(e -> new ProblemException.Unavailable("the event could not be written to " + topic.name() + ": " + e.getMessage()))
        .then();
  }
}
