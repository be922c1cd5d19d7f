package org.linkway.referral.people;

import java.util.List;
import java.util.Optional;
import org.linkway.events.Patient;
import org.linkway.events.PersonKey;
import org.linkway.events.ReferralSubmitted;
import org.linkway.platform.EventPublisher;
import org.linkway.platform.Topics;
import org.linkway.platform.people.Identities;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The people referral-service refers: their identities on the log, and erasing them. */
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

  /**
   * Erases a person: a tombstone for each of their data keys on person-keys. Their referrals, the
   * ledger and the outcomes stay, keyed by the pseudonymous id; their identity cannot be opened again.
   * Completes with the number of keys destroyed.
   */
  public Mono<Integer> erase(String personId) {
    List<String> keys = identities.keysOf(personId);
    return Flux.fromIterable(keys)
        .concatMap(key -> publisher.publish(Topics.PERSON_KEYS, key, (PersonKey) null))
        .then(Mono.just(keys.size()));
  }
}
