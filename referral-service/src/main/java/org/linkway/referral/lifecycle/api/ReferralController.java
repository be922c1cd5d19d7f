package org.linkway.referral.lifecycle.api;

import org.linkway.referral.lifecycle.domain.ReferralLifecycle;
import org.linkway.referral.lifecycle.stream.ReferralFeed;
import org.linkway.referral.lifecycle.stream.ReferralStores;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.linkway.commands.CancelReferral;
import org.linkway.commands.ReferralCommand;
import org.linkway.platform.streams.Decisions;
import org.linkway.platform.kafka.EventPublisher;
import org.linkway.platform.web.EventStreams;
import org.linkway.platform.kafka.Events;
import org.linkway.platform.domain.FreeText;
import org.linkway.platform.web.ProblemException;
import org.linkway.platform.streams.StoreQueries;
import org.linkway.platform.kafka.Topics;
import org.linkway.platform.security.Caller;
import org.linkway.platform.security.LiveStreams;
import org.linkway.referral.people.People;
import org.linkway.platform.security.Role;
import org.linkway.referral.ReferralServiceApplication;
import org.linkway.state.ReferralState;
import org.linkway.state.ReferralStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** GET /referrals/{id} (with its summary and audit trail) and POST /referrals/{id}/cancel. */
@RestController
public class ReferralController {

  /** What GET /referrals/{id} answers: Linkway's status, FHIR's, and the history. No patient identity. */
  public record ReferralView(
      UUID referralId, String status, String serviceRequestStatus, String taskStatus, String providerId,
      String serviceId, Instant respondBy, String commissioner, String referrer, List<String> needs, int attempts,
      int sessionsAttended, int sessionsMissed, List<HistoryView> history) {}

  record HistoryView(Instant at, String status, String event, String actor, String detail) {}

  public record CancelRequest(String reason, String requestedBy) {}

  /** One change to a referral: when, who (from their token, or the platform itself), what happened, the status it moved between. */
  record AuditEntry(Instant at, String actor, String event, String statusBefore, String statusAfter, String detail) {}

  private final StoreQueries stores;
  private final EventPublisher publisher;
  private final Decisions decisions;
  private final ReferralFeed feed;
  private final People identities;
  private final LiveStreams liveStreams;

  ReferralController(StoreQueries stores, EventPublisher publisher, Decisions decisions, ReferralFeed feed, People identities,
      LiveStreams liveStreams) {
    this.identities = identities;
    this.liveStreams = liveStreams;
    this.stores = stores;
    this.publisher = publisher;
    this.decisions = decisions;
    this.feed = feed;
  }

  @GetMapping("/referrals/{referralId}")
  public Mono<ReferralView> get(@PathVariable String referralId) {
    return readableBy(referralId).map(this::view);
  }

  @PostMapping("/referrals/{referralId}/cancel")
  public Mono<ResponseEntity<ReferralView>> cancel(@PathVariable String referralId, @RequestBody(required = false) CancelRequest body) {
    List<ProblemException.FieldProblem> problems = new java.util.ArrayList<>();
    if (body != null) {
      checkText(problems, "reason", body.reason(), 500);
      checkText(problems, "requestedBy", body.requestedBy(), 100);
    }
    if (!problems.isEmpty()) return Mono.error(new ProblemException.Invalid(problems));
    return Caller.current().flatMap(caller -> {
      ReferralState state = find(referralId);
      if (!referredBy(caller, state)) throw notFound(referralId);
      return cancel(state, body);
    });
  }

  /** Free text kept in the referral's history. */
  private static void checkText(List<ProblemException.FieldProblem> problems, String field, String text, int max) {
    String problem = text == null ? null : FreeText.problem(text, max, true);
    if (problem != null) problems.add(new ProblemException.FieldProblem(field, problem));
  }

  private Mono<ResponseEntity<ReferralView>> cancel(ReferralState state, CancelRequest body) {
    String referralId = state.getReferralId().toString();
    String requestedBy = body != null && body.requestedBy() != null
        ? body.requestedBy() : state.getSubmission().getReferrer().getOdsCode();
    ReferralCommand command = ReferralCommand.newBuilder()
        .setMetadata(Events.metadata(ReferralServiceApplication.NAME, state.getReferralId(), null))
        .setCommand(sealedReason(state, body == null ? null : body.reason(), requestedBy))
        .build();
    return decisions.send(publisher, Topics.REFERRAL_COMMANDS, referralId, command, command.getMetadata().getEventId(),
            ReferralState.class)
        .map(after -> ResponseEntity.accepted().body(view(after)));
  }

  /** The reason travels sealed with the person's data key (in clear only for a referral from before identities were sealed). */
  private CancelReferral sealedReason(ReferralState state, String reason, String requestedBy) {
    if (state.getSubmission().getSealedPatient() == null) return new CancelReferral(reason, requestedBy, null);
    return new CancelReferral(null, requestedBy, identities.sealText(state.getSubmission(), reason));
  }

  /** The message back to the GP and the referrer (after the PRSB social prescribing standard). */
  @GetMapping("/referrals/{referralId}/summary")
  public Mono<ReferralSummary.Summary> summary(@PathVariable String referralId) {
    return readableBy(referralId).map(state -> ReferralSummary.of(state, identities.identityOf(state.getSubmission()), identities::detailOf));
  }

  /** The referral's audit trail, for the referring practice and the provider holding it. */
  @GetMapping("/referrals/{referralId}/audit")
  Mono<List<AuditEntry>> audit(@PathVariable String referralId) {
    return readableBy(referralId).map(state -> {
      List<AuditEntry> entries = new java.util.ArrayList<>();
      String before = null;
      for (var h : state.getHistory()) {
        entries.add(new AuditEntry(h.getAt(), h.getActor(), h.getEvent(), before, h.getStatus().name(), identities.detailOf(h)));
        before = h.getStatus().name();
      }
      return entries;
    });
  }

  /** A GP system follows its practice's referrals live: every change, as it happens, until its token expires. */
  @GetMapping(path = "/referrers/{odsCode}/referrals/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  Flux<ServerSentEvent<ReferralView>> referrerStream(@PathVariable String odsCode) {
    Flux<ServerSentEvent<ReferralView>> changes = feed.events()
        .filter(s -> s.getSubmission().getReferrer().getOdsCode().equals(odsCode))
        .map(s -> ServerSentEvent.builder(view(s)).id(s.getReferralId() + "-" + s.getHistory().size())
            .event(s.getStatus().name().toLowerCase()).build());
    return liveStreams.ofCaller(EventStreams.withKeepAlive(changes));
  }

  /**
   * The referral, if the caller may read it: the referring practice, or the provider holding it while
   * it is offered to it, and once it has accepted it. A provider whose offer ended without its
   * acceptance (declined, expired, the person declined, cancelled, unplaced after its decline) finds
   * nothing here any more: it keeps only its own offer's reference, dates and decision.
   */
  private Mono<ReferralState> readableBy(String referralId) {
    return Caller.current().map(caller -> {
      ReferralState state = find(referralId);
      boolean involved = state.getStatus() == ReferralStatus.OFFERED
          || state.getHistory().stream().anyMatch(h -> h.getEvent().equals("ReferralAccepted"));
      boolean holdsIt = caller.is(Role.PROVIDER, state.getProviderId()) && involved;
      if (!referredBy(caller, state) && !holdsIt) throw notFound(referralId);
      return state;
    });
  }

  private static boolean referredBy(Caller caller, ReferralState state) {
    return caller.is(Role.GP, state.getSubmission().getReferrer().getOdsCode());
  }

  private ReferralState find(String referralId) {
    return stores.<ReferralState>get(ReferralStores.STATE, referralId).orElseThrow(() -> notFound(referralId));
  }

  /** Someone else's referral is answered as if it did not exist, so that ids cannot be probed. */
  private static ProblemException notFound(String referralId) {
    return new ProblemException.NotFound("no referral " + referralId);
  }

  private ReferralView view(ReferralState s) {
    return new ReferralView(
        s.getReferralId(), s.getStatus().name(), ReferralLifecycle.serviceRequestStatus(s.getStatus()), s.getTaskStatus(),
        s.getProviderId(), s.getServiceId(), s.getRespondBy(), s.getSubmission().getCommissioner(),
        s.getSubmission().getReferrer().getOdsCode(),
        s.getSubmission().getNeeds().stream().map(Enum::name).toList(), s.getAttempts(),
        s.getSessionsAttended(), s.getSessionsMissed(),
        s.getHistory().stream()
            .map(h -> new HistoryView(h.getAt(), h.getStatus().name(), h.getEvent(), h.getActor(), identities.detailOf(h)))
            .toList());
  }
}
