package org.linkway.referral.intake;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;
import org.linkway.commands.ReferralCommand;
import org.linkway.commands.SubmitReferral;
import org.linkway.events.NeedCode;
import org.linkway.events.Patient;
import org.linkway.events.ReferralSubmitted;
import org.linkway.events.Referrer;
import org.linkway.platform.domain.Postcodes;
import org.linkway.platform.domain.SocialPrescribing;
import org.linkway.platform.kafka.EventPublisher;
import org.linkway.platform.kafka.Events;
import org.linkway.platform.kafka.Topics;
import org.linkway.platform.people.Identities;
import org.linkway.platform.people.NhsNumber;
import org.linkway.platform.security.Caller;
import org.linkway.platform.security.Role;
import org.linkway.platform.streams.Decisions;
import org.linkway.platform.streams.StoreQueries;
import org.linkway.platform.web.ProblemException;
import org.linkway.referral.ReferralServiceApplication;
import org.linkway.referral.lifecycle.stream.ReferralStores;
import org.linkway.state.ReferralState;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Turns a referral request, from whichever door it came in (JSON, FHIR, Kafka), into a
 * ReferralSubmitted on {@code referrals}. A request with the GP system's own request id gets a
 * referralId derived from the practice and that id, so the same request sent twice is the same
 * referral: the second time nothing is written and the first referral's id is returned.
 *
 * <p>Over HTTP the request goes as a {@link SubmitReferral} command to the referral's one decider, which writes
 * ReferralSubmitted for the first and answers a resend with the referral the first became, even when the resend
 * comes while the first is still on its way to the broker, or to another instance. The person's data key is
 * written first, so that whoever reads the referral can open the identity; a resend's own key opens nothing (the
 * referral is sealed with the first one's) and is deleted (a tombstone on {@code person-keys}).
 */
@Component
public class ReferralIntake {

  /** The referral a request became, its status, and whether the request had been received before. */
  public record Received(UUID referralId, String status, boolean repeated) {}

  private final EventPublisher publisher;
  private final PersonIds personIds;
  private final StoreQueries stores;
  private final Identities identities;
  private final Decisions decisions;

  ReferralIntake(EventPublisher publisher, PersonIds personIds, StoreQueries stores, Identities identities,
      Decisions decisions) {
    this.identities = identities;
    this.decisions = decisions;
    this.publisher = publisher;
    this.personIds = personIds;
    this.stores = stores;
  }

  /**
   * Validates and submits for a GP system; an invalid request fails with every problem and writes
   * nothing, and a practice can refer only as itself.
   */
  public Mono<Received> submit(ReferralRequest request, String requestId, String correlationId, Caller caller) {
    List<ProblemException.FieldProblem> problems = ReferralValidator.validate(request);
    if (!problems.isEmpty()) {
      return Mono.error(new ProblemException.Invalid(problems));
    }
    if (!caller.is(Role.GP, request.referrer().odsCode())) {
      return Mono.error(new ProblemException.Forbidden("a GP system refers for its own practice: this token is for "
          + caller.actor() + ", and referrer.odsCode is " + request.referrer().odsCode()));
    }
    UUID referralId = referralId(request.referrer().odsCode(), requestId);
    if (requestId != null) {
      // a resend of a referral this instance already holds: answered at once, no data key made for nothing
      var existing = stores.<ReferralState>get(ReferralStores.STATE, referralId.toString());
      if (existing.isPresent()) {
        return Mono.just(new Received(referralId, existing.get().getStatus().name(), true));
      }
      // a resend of one that ended and was archived: it is not made again (the lifecycle refuses it too, with a 409)
      var archived = ReferralStores.archived(stores, referralId.toString());
      if (archived.isPresent()) {
        return Mono.error(new ProblemException.Gone(archived.get().explained(referralId.toString())));
      }
    }
    Submission sealed = submission(request, requestId);
    ReferralCommand command = new ReferralCommand(
        Events.metadata(ReferralServiceApplication.NAME, referralId, correlationId), new SubmitReferral(sealed.submission()));
    String keyId = sealed.identity().key().getKeyId();
    // the person's data key first: whoever reads the referral can then open the identity
    return publisher.publish(Topics.PERSON_KEYS, sealed.identity().recordKey(), sealed.identity().key())
        .then(decisions.send(publisher, Topics.REFERRAL_COMMANDS, referralId.toString(), command,
            command.getMetadata().getEventId(), ReferralState.class))
        .flatMap(referral -> sealedWith(referral, keyId)
            ? Mono.just(new Received(referralId, "SUBMITTED", false))
            : publisher.publish(Topics.PERSON_KEYS, sealed.identity().recordKey(), null)
                .thenReturn(new Received(referralId, referral.getStatus().name(), true)));
  }

  /** Whether the referral is the one this request made: its identity is sealed with the key this request wrote. */
  private static boolean sealedWith(ReferralState referral, String keyId) {
    var sealed = referral.getSubmission().getSealedPatient();
    return sealed != null && keyId.equals(sealed.getKeyId());
  }

  /** The same practice and request id always give the same referralId; without a request id, a new one. */
  public static UUID referralId(String practiceOdsCode, String requestId) {
    if (requestId == null || requestId.isBlank()) return UUID.randomUUID();
    return UUID.nameUUIDFromBytes(("referral-request/" + practiceOdsCode + "/" + requestId).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The referral a GP system's Kafka request becomes: request ids are the system's own, so the same id
   * from another system (or over HTTP) is another referral, and no system can take another's id first.
   */
  public static UUID kafkaReferralId(String gpSystem, String practiceOdsCode, String requestId) {
    return UUID.nameUUIDFromBytes(("referral-request/kafka/" + gpSystem + "/" + practiceOdsCode + "/" + requestId)
        .getBytes(StandardCharsets.UTF_8));
  }

  /** A new referral, the person's identity sealed in it, and the data key that opens it (for person-keys). */
  public record Submission(ReferralSubmitted submission, Identities.Sealed identity) {}

  /** The referral a valid request becomes: the identity, and the notes, sealed with a new data key of the person. */
  public Submission submission(ReferralRequest request, String requestId) {
    ReferralRequest.Patient p = request.patient();
    String personId = personIds.of(p.nhsNumber());
    LocalDate birthDate = LocalDate.parse(p.birthDate());
    Identities.Sealed identity = identities.seal(personId, Patient.newBuilder()
            .setNhsNumber(NhsNumber.normalise(p.nhsNumber()))
            .setGivenName(p.givenName().trim())
            .setFamilyName(p.familyName().trim())
            .setBirthDate(birthDate)
            .setPostcode(Postcodes.format(p.postcode()))
            .setPhone(p.phone())
            .setEmail(p.email())
            .build(), request.notes());
    ReferralSubmitted submission = ReferralSubmitted.newBuilder()
        .setPersonId(personId)
        .setSealedPatient(identity.sealed())
        .setPostcodeDistrict(Postcodes.district(p.postcode()))
        .setAgeWhenReferred(java.time.Period.between(birthDate, LocalDate.now(SocialPrescribing.UK)).getYears())
        .setConsent(true)
        .setReferrer(new Referrer(request.referrer().odsCode(), request.referrer().clinician()))
        .setCommissioner(request.commissioner())
        .setNeeds(request.needs().stream().distinct().map(NeedCode::valueOf).toList())
        .setSealedNotes(identity.notes())
        .setPreferredServiceId(request.preferredServiceId())
        .setDirectPrescription(request.asksDirectPrescription())
        .setRequestId(requestId)
        .build();
    return new Submission(submission, identity);
  }
}
