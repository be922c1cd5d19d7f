package org.linkway.platform.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.linkway.events.EventMetadata;

/** Builds the metadata every event carries. */
public final class Events {

  private Events() {}

  public static EventMetadata metadata(String producer, UUID referralId, String correlationId) {
    UUID eventId = UUID.randomUUID();
    return EventMetadata.newBuilder()
        .setEventId(eventId)
        .setOccurredAt(Instant.now().truncatedTo(ChronoUnit.MILLIS))
        .setReferralId(referralId)
        .setCorrelationId(correlationId != null ? correlationId : eventId.toString())
        .setProducer(producer)
        .build();
  }

  /**
   * Metadata for an event a stream processor writes on its own schedule (a reminder, an expiry):
   * its id is derived from the referral and what happened, so a retry writes the same id.
   */
  public static EventMetadata scheduled(String producer, UUID referralId, String what) {
    return scheduled(producer, referralId, what, Clock.systemUTC());
  }

  /** {@link #scheduled(String, UUID, String)}, occurring at the {@code clock}'s instant. */
  public static EventMetadata scheduled(String producer, UUID referralId, String what, Clock clock) {
    return EventMetadata.newBuilder()
        .setEventId(UUID.nameUUIDFromBytes((referralId + "/" + what).getBytes(StandardCharsets.UTF_8)))
        .setOccurredAt(clock.instant().truncatedTo(ChronoUnit.MILLIS))
        .setReferralId(referralId)
        .setCorrelationId(referralId.toString())
        .setProducer(producer)
        .build();
  }

  /**
   * Metadata for an event a stream processor writes because of another event. Its id is derived
   * from the cause's id and what the event is, so reprocessing the same input after a failure
   * writes an event with the same id, and consumers can recognise it.
   */
  public static EventMetadata causedBy(String producer, EventMetadata cause, String what) {
    return causedBy(producer, cause, what, Clock.systemUTC());
  }

  /** {@link #causedBy(String, EventMetadata, String)}, occurring at the {@code clock}'s instant. */
  public static EventMetadata causedBy(String producer, EventMetadata cause, String what, Clock clock) {
    UUID eventId = UUID.nameUUIDFromBytes((cause.getEventId() + "/" + what).getBytes(StandardCharsets.UTF_8));
    return EventMetadata.newBuilder()
        .setEventId(eventId)
        .setOccurredAt(clock.instant().truncatedTo(ChronoUnit.MILLIS))
        .setReferralId(cause.getReferralId())
        .setCorrelationId(cause.getCorrelationId())
        .setProducer(producer)
        .setActor(cause.getActor())
        .build();
  }
}
