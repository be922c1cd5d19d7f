package org.linkway.referral.people;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import org.linkway.events.Patient;
import org.linkway.events.PersonErased;
import org.linkway.events.PersonKey;
import org.linkway.events.ReferralSubmitted;
import org.linkway.events.SealedText;
import org.linkway.platform.kafka.EventPublisher;
import org.linkway.platform.kafka.Topics;
import org.linkway.platform.people.Identities;
import org.linkway.platform.streams.TableView;
import org.linkway.state.HistoryEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The people referral-service refers: their identities on the log, and erasing them.
 *
 * <p>An erasure is recorded first ({@code person-erasures}: the person and when), then every data key
 * of theirs known is destroyed. A key may still be on its way when the erasure runs (a referral of
 * theirs being submitted at that moment): whichever of the two this service reads last, the key or
 * the erasure, it destroys that key then, as long as the key was made before the erasure. A key
 * made after it (a new referral, with new consent) is the person's new identity and is kept. At
 * start-up, once both are loaded, every key is checked once against the erasures.
 */
@Component
public class People implements SmartLifecycle {

  /** The erasures, read by every instance: a key may reach any of them. */
  @org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
  static class Erasures {
    @org.springframework.context.annotation.Bean
    TableView<PersonErased> personErasures(org.linkway.platform.streams.TableViews views) {
      return views.of(Topics.PERSON_ERASURES);
    }
  }

  private static final Logger log = LoggerFactory.getLogger(People.class);

  private final Identities identities;
  private final EventPublisher publisher;
  private final TableView<PersonKey> keys;
  private final TableView<PersonErased> erasures;
  private volatile boolean running;

  People(Identities identities, EventPublisher publisher, TableView<PersonKey> keys, TableView<PersonErased> erasures) {
    this.identities = identities;
    this.publisher = publisher;
    this.keys = keys;
    this.erasures = erasures;
    // each side checks the other after its own change is in its view, so that a key and an erasure
    // arriving at once are never both missed
    keys.onChange((recordKey, key) -> {
      if (key != null && erasedBefore(key)) destroy(recordKey);
    });
    erasures.onChange((personId, erased) -> {
      if (erased != null) destroyKeysMadeBefore(erased);
    });
  }

  /** Who a referral is for, unless their identity has been erased (older referrals carry it in clear). */
  public Optional<Patient> identityOf(ReferralSubmitted submission) {
    return submission.getPatient() != null ? Optional.of(submission.getPatient())
        : identities.open(submission.getSealedPatient());
  }

  /** Free text about the person a referral is for, sealed with that referral's data key (null: no text, or erased). */
  public SealedText sealText(ReferralSubmitted submission, String text) {
    return identities.sealText(submission.getSealedPatient(), text);
  }

  /**
   * What a history entry says, with its sealed note opened when the person's key is still there: after
   * an erasure the entry says what happened and no longer what anyone wrote about the person.
   */
  public String detailOf(HistoryEntry entry) {
    String note = identities.openText(entry.getSealedNote()).orElse(null);
    if (note == null) return entry.getDetail();
    return entry.getDetail() == null ? note : entry.getDetail() + ": " + note;
  }

  /**
   * Erases a person: the erasure on person-erasures, then a tombstone for each of their data keys on
   * person-keys. Their referrals, the ledger and the outcomes stay, keyed by the pseudonymous id;
   * their identity cannot be opened again. Completes with the number of keys destroyed now (a key
   * still on its way is destroyed when it arrives).
   */
  public Mono<Integer> erase(String personId) {
    List<String> known = identities.keysOf(personId);
    if (known.isEmpty()) return Mono.just(0);
    PersonErased erased = new PersonErased(personId, Instant.now().truncatedTo(ChronoUnit.MILLIS));
    return publisher.publish(Topics.PERSON_ERASURES, personId, erased)
        .thenMany(Flux.fromIterable(known))
        .concatMap(key -> publisher.publish(Topics.PERSON_KEYS, key, (PersonKey) null))
        .then(Mono.just(known.size()));
  }

  private boolean erasedBefore(PersonKey key) {
    return erasures.get(key.getPersonId()).filter(e -> !key.getCreatedAt().isAfter(e.getErasedAt())).isPresent();
  }

  private void destroyKeysMadeBefore(PersonErased erased) {
    for (String recordKey : identities.keysOf(erased.getPersonId())) {
      keys.get(recordKey).filter(key -> !key.getCreatedAt().isAfter(erased.getErasedAt())).ifPresent(key -> destroy(recordKey));
    }
  }

  private void destroy(String recordKey) {
    publisher.publish(Topics.PERSON_KEYS, recordKey, (PersonKey) null).subscribe(null, e ->
        log.error("could not destroy an erased person's data key {}: it is destroyed at the next start", recordKey, e));
  }

  /** Once both views are loaded: a key of an erased person that reached person-keys while no instance ran. */
  @Override
  public void start() {
    keys.values().stream().filter(this::erasedBefore)
        .forEach(key -> destroy(Identities.keyOf(key.getPersonId(), key.getKeyId())));
    running = true;
  }

  @Override
  public void stop() {
    running = false;
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  /** After the views (TableView's phase) and before Kafka Streams. */
  @Override
  public int getPhase() {
    return Integer.MAX_VALUE - 1500;
  }
}
