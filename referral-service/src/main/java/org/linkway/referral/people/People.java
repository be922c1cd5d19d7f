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
import org.linkway.state.HistoryEntry;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The people referral-service refers: their identities on the log, and erasing them.
 *
 * <p>An erasure is recorded first ({@code person-erasures}: the person and when), then every data key
 * of theirs known is destroyed. A key still on its way when the erasure runs is destroyed when it
 * arrives ({@link ErasedKeys}).
 */
@Component
public class People {

  private final Identities identities;
  private final EventPublisher publisher;

  People(Identities identities, EventPublisher publisher) {
    this.identities = identities;
    this.publisher = publisher;
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
}
