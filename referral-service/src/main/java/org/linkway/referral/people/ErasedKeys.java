package org.linkway.referral.people;

import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.linkway.events.PersonErased;
import org.linkway.events.PersonKey;
import org.linkway.platform.kafka.EventPublisher;
import org.linkway.platform.kafka.Topics;
import org.linkway.platform.people.Identities;
import org.linkway.platform.streams.GlobalTables;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Destroys the data keys of erased people as person-keys and person-erasures are read, on the global stream thread
 * that keeps both global tables ({@link GlobalTables.Applied}). A key may still be on its way when an erasure runs (a
 * referral of the person being submitted at that moment): whichever of the two this thread reads last, the key or the
 * erasure, finds the other already in its table and destroys the key then, as long as the key was made before the
 * erasure. A key made after it (a new referral, with new consent) is the person's new identity and is kept.
 *
 * <p>At a start, Kafka Streams reads the records written since its checkpoint again, person-erasures before
 * person-keys (its table is added first, see {@link PeopleTables}): a key that reached person-keys while no instance
 * ran is checked against every erasure then ({@code GlobalTablesRestoreOrderTest}). Every instance destroys what it
 * finds; a second tombstone of a key is harmless.
 */
@Component
class ErasedKeys {

  private static final Logger log = LoggerFactory.getLogger(ErasedKeys.class);

  private final EventPublisher publisher;

  ErasedKeys(EventPublisher publisher) {
    this.publisher = publisher;
  }

  /** A key has been read: destroyed if its person was erased after it was made. */
  void keyApplied(String recordKey, PersonKey key, ProcessorContext<?, ?> context) {
    if (key == null) return;
    GlobalTables.loaded(context, Topics.PERSON_ERASURES)
        .flatMap(erasures -> erasures.get(key.getPersonId()))
        .filter(erased -> madeBefore(key, erased))
        .ifPresent(erased -> destroy(recordKey));
  }

  /** An erasure has been read: each key of the person's made before it is destroyed (one key-prefix read). */
  void erasureApplied(String personId, PersonErased erased, ProcessorContext<?, ?> context) {
    if (erased == null) return;
    GlobalTables.loaded(context, Topics.PERSON_KEYS).ifPresent(keys ->
        keys.withPrefix(Identities.keysPrefixOf(personId)).stream().filter(key -> madeBefore(key, erased))
            .forEach(key -> destroy(Identities.keyOf(key.getPersonId(), key.getKeyId()))));
  }

  private static boolean madeBefore(PersonKey key, PersonErased erased) {
    return !key.getCreatedAt().isAfter(erased.getErasedAt());
  }

  /** A tombstone for the key, sent without waiting: the global thread must not block. */
  private void destroy(String recordKey) {
    publisher.publish(Topics.PERSON_KEYS, recordKey, (PersonKey) null).subscribe(null, e ->
        log.error("could not destroy an erased person's data key {}: erasing the person again destroys it", recordKey, e));
  }
}
