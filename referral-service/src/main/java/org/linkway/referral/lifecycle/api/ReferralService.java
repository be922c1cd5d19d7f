package org.linkway.referral.lifecycle.api;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.linkway.commands.CancelReferral;
import org.linkway.commands.ReferralCommand;
import org.linkway.platform.domain.FreeText;
import org.linkway.platform.kafka.EventPublisher;
import org.linkway.platform.kafka.Events;
import org.linkway.platform.kafka.Topics;
import org.linkway.platform.security.Caller;
import org.linkway.platform.security.Role;
import org.linkway.platform.streams.Decisions;
import org.linkway.platform.streams.PartyView;
import org.linkway.platform.streams.StoreQueries;
import org.linkway.platform.web.PageRequest;
import org.linkway.platform.web.ProblemException;
import org.linkway.referral.ReferralServiceApplication;
import org.linkway.referral.lifecycle.domain.ReferralLifecycle;
import org.linkway.referral.lifecycle.stream.PracticeReferrals;
import org.linkway.referral.lifecycle.stream.ReferralStores;
import org.linkway.referral.people.People;
import org.linkway.state.ReferralState;
import org.linkway.state.ReferralStatus;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * A referral as its caller may read it, with its summary, and cancelling it: what the API answers
 * ({@link ReferralController}) and the practice's pages show and do. A referral that is not the
 * caller's is not found, so that ids cannot be probed.
 */
@Component
public class ReferralService {

  /** What GET /referrals/{id} answers: Linkway's status, FHIR's, and the history. No patient identity. */
  public record ReferralView(
      UUID referralId, String status, String serviceRequestStatus, String taskStatus, String providerId,
      String serviceId, Instant respondBy, String commissioner, String referrer, List<String> needs, int attempts,
      int sessionsAttended, int sessionsMissed, List<HistoryView> history, String episodeId) {}

  record HistoryView(Instant at, String status, String event, String actor, String detail) {}

  public record CancelRequest(String reason, String requestedBy) {}

  private final StoreQueries stores;
  private final EventPublisher publisher;
  private final Decisions decisions;
  private final People identities;

  ReferralService(StoreQueries stores, EventPublisher publisher, Decisions decisions, People identities) {
    this.stores = stores;
    this.publisher = publisher;
    this.decisions = decisions;
    this.identities = identities;
  }

  /**
   * A page of the practice's referrals, newest first, from just after the cursor {@code after} (from the newest
   * when null): read from the practice's list ({@link PracticeReferrals}) on the instance that holds it.
   */
  public StoreQueries.Page<ReferralState> latestOf(String odsCode, PageRequest page) {
    return stores.page(PracticeReferrals.STORE, odsCode, PartyView.prefix(odsCode), page.after(), page.limit(), s -> true);
  }

  /**
   * The practice's {@code limit} most recently changed referrals, newest change first, as they are now: one bounded
   * range of the practice's referrals by last change ({@link PracticeReferrals#CHANGES}) on the instance that holds it
   * (what a practice's stream resumed from a moment sends, of those changed after it), never the whole list.
   */
  List<ReferralState> changedLatelyOf(String odsCode, int limit) {
    return stores.<ReferralState>page(PracticeReferrals.CHANGES.store(), odsCode, PartyView.prefix(odsCode), null, limit,
        s -> true).values();
  }

  /** When the referral was made: its first event. */
  public static Instant referredAt(ReferralState s) {
    return PracticeReferrals.referredAt(s);
  }

  public Mono<ReferralView> get(String referralId) {
    return readableBy(referralId).map(this::view);
  }

  /** The message back to the GP and the referrer (after the PRSB social prescribing standard). */
  public Mono<ReferralSummary.Summary> summary(String referralId) {
    return readableBy(referralId).map(state -> ReferralSummary.of(state, identities.identityOf(state.getSubmission()), identities::detailOf));
  }

  /** The referring practice cancels; its reason and who asked are checked as free text (400 naming each field). */
  public Mono<ReferralView> cancel(String referralId, CancelRequest body) {
    List<ProblemException.FieldProblem> problems = new java.util.ArrayList<>();
    if (body != null) {
      checkText(problems, "reason", body.reason(), 500);
      checkText(problems, "requestedBy", body.requestedBy(), 100);
    }
    if (!problems.isEmpty()) return Mono.error(new ProblemException.Invalid(problems));
    return Caller.current().flatMap(caller -> {
      ReferralState state = find(referralId, caller);
      if (!referredBy(caller, state)) throw notFound(referralId);
      return cancel(state, body);
    });
  }

  /** Free text kept in the referral's history. */
  private static void checkText(List<ProblemException.FieldProblem> problems, String field, String text, int max) {
    String problem = text == null ? null : FreeText.problem(text, max, true);
    if (problem != null) problems.add(new ProblemException.FieldProblem(field, problem));
  }

  private Mono<ReferralView> cancel(ReferralState state, CancelRequest body) {
    String referralId = state.getReferralId().toString();
    String requestedBy = body != null && body.requestedBy() != null
        ? body.requestedBy() : state.getSubmission().getReferrer().getOdsCode();
    ReferralCommand command = ReferralCommand.newBuilder()
        .setMetadata(Events.metadata(ReferralServiceApplication.NAME, state.getReferralId(), null))
        .setCommand(sealedReason(state, body == null ? null : body.reason(), requestedBy))
        .build();
    return decisions.send(publisher, Topics.REFERRAL_COMMANDS, referralId, command, command.getMetadata().getEventId(),
            ReferralState.class)
        .map(this::view);
  }

  /** The reason travels sealed with the person's data key (in clear only for a referral from before identities were sealed). */
  private CancelReferral sealedReason(ReferralState state, String reason, String requestedBy) {
    if (state.getSubmission().getSealedPatient() == null) return new CancelReferral(reason, requestedBy, null);
    return new CancelReferral(null, requestedBy, identities.sealText(state.getSubmission(), reason));
  }

  /**
   * The referral, if the caller may read it: the referring practice, or the provider holding it while
   * it is offered to it, and once it has accepted it. A provider whose offer ended without its
   * acceptance (declined, expired, the person declined, cancelled, unplaced after its decline) finds
   * nothing here any more: it keeps only its own offer's reference, dates and decision.
   */
  Mono<ReferralState> readableBy(String referralId) {
    return Caller.current().map(caller -> {
      ReferralState state = find(referralId, caller);
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

  /**
   * The referral's state; a referral of the caller's practice that ended and was archived is gone (410, saying when),
   * any other that is not here not found.
   */
  private ReferralState find(String referralId, Caller caller) {
    return stores.<ReferralState>get(ReferralStores.STATE, referralId).orElseThrow(() ->
        ReferralStores.archived(stores, referralId).filter(archived -> caller.is(Role.GP, archived.referrer()))
            .<ProblemException>map(archived -> new ProblemException.Gone(archived.explained(referralId)))
            .orElseGet(() -> notFound(referralId)));
  }

  /** Someone else's referral is answered as if it did not exist, so that ids cannot be probed. */
  private static ProblemException notFound(String referralId) {
    return new ProblemException.NotFound("no referral " + referralId);
  }

  ReferralView view(ReferralState s) {
    return new ReferralView(
        s.getReferralId(), s.getStatus().name(), ReferralLifecycle.serviceRequestStatus(s.getStatus()), s.getTaskStatus(),
        s.getProviderId(), s.getServiceId(), s.getRespondBy(), s.getSubmission().getCommissioner(),
        s.getSubmission().getReferrer().getOdsCode(),
        s.getSubmission().getNeeds().stream().map(Enum::name).toList(), s.getAttempts(),
        s.getSessionsAttended(), s.getSessionsMissed(),
        s.getHistory().stream()
            .map(h -> new HistoryView(h.getAt(), h.getStatus().name(), h.getEvent(), h.getActor(), identities.detailOf(h)))
            .toList(),
        s.getSubmission().getEpisodeId());
  }
}
