package org.linkway.referral.intake;

import java.net.URI;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.linkway.events.NeedCode;
import org.linkway.events.Patient;
import org.linkway.events.ReferralEvent;
import org.linkway.events.ReferralSubmitted;
import org.linkway.events.Referrer;
import org.linkway.platform.EventPublisher;
import org.linkway.platform.Events;
import org.linkway.platform.ProblemException;
import org.linkway.platform.Topics;
import org.linkway.referral.ReferralServiceApplication;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** POST /referrals: a GP system refers a person. Valid referrals become ReferralSubmitted; invalid ones emit nothing. */
@RestController
class ReferralIntakeController {

  private final EventPublisher publisher;
  private final PersonIds personIds;

  ReferralIntakeController(EventPublisher publisher, PersonIds personIds) {
    this.publisher = publisher;
    this.personIds = personIds;
  }

  @PostMapping("/referrals")
  Mono<ResponseEntity<Map<String, Object>>> submit(
      @RequestBody ReferralRequest request,
      @RequestHeader(name = "X-Correlation-Id", required = false) String correlationId) {
    List<ProblemException.FieldProblem> problems = ReferralValidator.validate(request);
    if (!problems.isEmpty()) {
      return Mono.error(new ProblemException.Invalid(problems));
    }
    UUID referralId = UUID.randomUUID();
    ReferralEvent event = ReferralEvent.newBuilder()
        .setMetadata(Events.metadata(ReferralServiceApplication.NAME, referralId, correlationId))
        .setPayload(submission(request))
        .build();
    return publisher.publish(Topics.REFERRALS, referralId.toString(), event)
        .thenReturn(ResponseEntity.accepted()
            .location(URI.create("/referrals/" + referralId))
            .body(Map.of("referralId", referralId, "status", "SUBMITTED")));
  }

  private ReferralSubmitted submission(ReferralRequest request) {
    ReferralRequest.Patient p = request.patient();
    return ReferralSubmitted.newBuilder()
        .setPersonId(personIds.of(p.nhsNumber()))
        .setPatient(Patient.newBuilder()
            .setNhsNumber(NhsNumber.normalise(p.nhsNumber()))
            .setGivenName(p.givenName().trim())
            .setFamilyName(p.familyName().trim())
            .setBirthDate(LocalDate.parse(p.birthDate()))
            .setPostcode(ReferralValidator.formatPostcode(p.postcode()))
            .setPhone(p.phone())
            .setEmail(p.email())
            .build())
        .setConsent(true)
        .setReferrer(new Referrer(request.referrer().odsCode(), request.referrer().clinician()))
        .setCommissioner(request.commissioner())
        .setNeeds(request.needs().stream().distinct().map(NeedCode::valueOf).toList())
        .setNotes(request.notes())
        .setPreferredServiceId(request.preferredServiceId())
        .build();
  }
}
