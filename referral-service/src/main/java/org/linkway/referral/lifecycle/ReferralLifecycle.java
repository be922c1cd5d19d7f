package org.linkway.referral.lifecycle;

import static org.linkway.state.ReferralStatus.ACCEPTED;
import static org.linkway.state.ReferralStatus.CANCELLED;
import static org.linkway.state.ReferralStatus.COMPLETED;
import static org.linkway.state.ReferralStatus.OFFERED;
import static org.linkway.state.ReferralStatus.SUBMITTED;
import static org.linkway.state.ReferralStatus.UNPLACED;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.linkway.commands.CancelReferral;
import org.linkway.commands.ReferralCommand;
import org.linkway.events.EventMetadata;
import org.linkway.events.ProviderEvent;
import org.linkway.events.ReferralAccepted;
import org.linkway.events.ReferralCancelled;
import org.linkway.events.ReferralCompleted;
import org.linkway.events.ReferralDeclined;
import org.linkway.events.ReferralEvent;
import org.linkway.events.ReferralOffered;
import org.linkway.events.ReferralSubmitted;
import org.linkway.events.ReferralUnplaced;
import org.linkway.events.ServiceListed;
import org.linkway.events.SessionAttended;
import org.linkway.platform.Events;
import org.linkway.referral.ReferralServiceApplication;
import org.linkway.referral.routing.Router;
import org.linkway.state.HistoryEntry;
import org.linkway.state.ReferralState;
import org.linkway.state.ReferralStatus;

/**
 * The state machine of one referral, as referral-service owns it. Every transition goes through
 * {@link #allows}; each input gives a {@link Step}: the new state, the events to write to
 * {@code referrals}, and, for a refused command, the reason.
 *
 * <pre>
 * SUBMITTED --offer--> OFFERED --accepted--> ACCEPTED --completed--> COMPLETED
 *     |                 |  ^ declined, next service                    
 *     |                 |  |                                          
 *     +--nothing suitable / all declined--> UNPLACED                 
 * SUBMITTED, OFFERED, ACCEPTED --cancelled by the referrer--> CANCELLED
 * </pre>
 */
public final class ReferralLifecycle {

  private static final Map<ReferralStatus, Set<ReferralStatus>> NEXT = Map.of(
      SUBMITTED, Set.of(OFFERED, UNPLACED, CANCELLED),
      OFFERED, Set.of(OFFERED, ACCEPTED, UNPLACED, CANCELLED),
      ACCEPTED, Set.of(COMPLETED, CANCELLED),
      COMPLETED, Set.of(),
      UNPLACED, Set.of(),
      CANCELLED, Set.of());

  /** The outcome of one input. {@code refusal} is null when the input was applied. */
  public record Step(ReferralState state, List<ReferralEvent> events, String refusal) {
    static Step refused(ReferralState state, String reason) {
      return new Step(state, List.of(), reason);
    }

    static Step ignored(ReferralState state) {
      return new Step(state, List.of(), null);
    }
  }

  private static final String SELF = ReferralServiceApplication.NAME;

  private final Supplier<Collection<ServiceListed>> directory;

  public ReferralLifecycle(Supplier<Collection<ServiceListed>> directory) {
    this.directory = directory;
  }

  public static boolean allows(ReferralStatus from, ReferralStatus to) {
    return NEXT.getOrDefault(from, Set.of()).contains(to);
  }

  /** FHIR R4 ServiceRequest.status for a Linkway status. */
  public static String serviceRequestStatus(ReferralStatus status) {
    return switch (status) {
      case SUBMITTED, OFFERED, ACCEPTED -> "active";
      case COMPLETED -> "completed";
      case CANCELLED -> "revoked";
      case UNPLACED -> "on-hold";
      default -> "unknown";
    };
  }

  /** A new referral: record it and offer it to the first suitable service. */
  public Step submitted(ReferralEvent event) {
    ReferralSubmitted submission = (ReferralSubmitted) event.getPayload();
    ReferralState state = ReferralState.newBuilder()
        .setReferralId(event.getMetadata().getReferralId())
        .setStatus(SUBMITTED)
        .setSubmission(submission)
        .setHistory(new ArrayList<>(List.of(history(event.getMetadata().getOccurredAt(), SUBMITTED,
            "ReferralSubmitted", submission.getReferrer().getOdsCode(), "needs " + submission.getNeeds()))))
        .build();
    return route(state, event.getMetadata(), List.of());
  }

  public Step providerEvent(ReferralState state, ProviderEvent event) {
    Object payload = event.getPayload();
    EventMetadata meta = event.getMetadata();
    if (payload instanceof ReferralAccepted accepted) {
      if (!holdsOffer(state, accepted.getProviderId(), accepted.getServiceId()) || !allows(state.getStatus(), ACCEPTED)) {
        return Step.ignored(state);
      }
      return new Step(move(state, ACCEPTED, meta.getOccurredAt(), "ReferralAccepted", accepted.getProviderId(),
          "service " + accepted.getServiceId()), List.of(), null);
    }
    if (payload instanceof ReferralDeclined declined) {
      if (!holdsOffer(state, declined.getProviderId(), declined.getServiceId()) || state.getStatus() != OFFERED) {
        return Step.ignored(state);
      }
      ReferralState after = ReferralState.newBuilder(state).build();
      after.getHistory().add(history(meta.getOccurredAt(), OFFERED, "ReferralDeclined", declined.getProviderId(),
          "reason " + declined.getReason() + (declined.getNote() == null ? "" : ": " + declined.getNote())));
      return route(after, meta, List.of());
    }
    if (payload instanceof SessionAttended session) {
      if (state.getStatus() != ACCEPTED) return Step.ignored(state);
      ReferralState after = ReferralState.newBuilder(state).build();
      after.getHistory().add(history(meta.getOccurredAt(), ACCEPTED, "SessionAttended", session.getProviderId(),
          "session " + session.getSessionsAttended() + " on " + session.getAttendedOn()));
      return Step.ignored(after);
    }
    if (payload instanceof ReferralCompleted completed) {
      if (!holdsOffer(state, completed.getProviderId(), completed.getServiceId()) || !allows(state.getStatus(), COMPLETED)) {
        return Step.ignored(state);
      }
      return new Step(move(state, COMPLETED, meta.getOccurredAt(), "ReferralCompleted", completed.getProviderId(),
          completed.getCompletion() + " after " + completed.getSessionsAttended() + " sessions"), List.of(), null);
    }
    return Step.ignored(state);
  }

  /** The referrer cancels. Refused once the referral has ended. */
  public Step command(ReferralState state, ReferralCommand command) {
    if (command.getCommand() instanceof CancelReferral cancel) {
      if (!allows(state.getStatus(), CANCELLED)) {
        return Step.refused(state, "the referral is " + state.getStatus() + " and can no longer be cancelled");
      }
      ReferralState after = move(state, CANCELLED, command.getMetadata().getOccurredAt(), "ReferralCancelled",
          cancel.getRequestedBy(), cancel.getReason());
      ReferralEvent cancelled = event(command.getMetadata(), "cancelled",
          new ReferralCancelled(cancel.getReason(), cancel.getRequestedBy()));
      return new Step(after, List.of(cancelled), null);
    }
    return Step.refused(state, "unknown command");
  }

  private Step route(ReferralState state, EventMetadata cause, List<ReferralEvent> before) {
    Optional<Router.Choice> choice = Router.choose(state.getSubmission(), directory.get(), state.getServicesTried());
    List<ReferralEvent> events = new ArrayList<>(before);
    int attempt = state.getAttempts() + 1;
    if (choice.isEmpty()) {
      String reason = state.getServicesTried().isEmpty()
          ? "no active service with open places meets the needs in this area"
          : "every suitable service has been tried";
      ReferralState after = move(state, UNPLACED, Instant.now(), "ReferralUnplaced", SELF, reason);
      events.add(event(cause, "unplaced", new ReferralUnplaced(reason, List.copyOf(state.getServicesTried()))));
      return new Step(after, events, null);
    }
    ServiceListed service = choice.get().service();
    ReferralSubmitted submission = state.getSubmission();
    ReferralOffered offered = ReferralOffered.newBuilder()
        .setProviderId(service.getProviderId())
        .setServiceId(service.getServiceId())
        .setAttempt(attempt)
        .setNeedsMet(choice.get().needsMet())
        .setCommissioner(submission.getCommissioner())
        .setPersonId(submission.getPersonId())
        .setNeeds(submission.getNeeds())
        .setPatient(submission.getPatient())
        .setNotes(submission.getNotes())
        .build();
    List<String> tried = new ArrayList<>(state.getServicesTried());
    tried.add(service.getServiceId());
    ReferralState after = ReferralState.newBuilder(move(state, OFFERED, Instant.now(), "ReferralOffered",
            SELF, "offered to " + service.getServiceName() + " (" + service.getServiceId() + ") of "
                + service.getProviderName() + ", meets " + choice.get().needsMet()))
        .setProviderId(service.getProviderId())
        .setServiceId(service.getServiceId())
        .setAttempts(attempt)
        .setServicesTried(tried)
        .build();
    events.add(event(cause, "offered-" + attempt, offered));
    return new Step(after, events, null);
  }

  private static boolean holdsOffer(ReferralState state, String providerId, String serviceId) {
    return providerId.equals(state.getProviderId()) && serviceId.equals(state.getServiceId());
  }

  private static ReferralState move(ReferralState state, ReferralStatus to, Instant at, String event, String actor, String detail) {
    if (!allows(state.getStatus(), to)) {
      throw new IllegalStateException(state.getStatus() + " -> " + to + " is not a transition of a referral");
    }
    List<HistoryEntry> history = new ArrayList<>(state.getHistory());
    history.add(history(at, to, event, actor, detail));
    return ReferralState.newBuilder(state).setStatus(to).setHistory(history).build();
  }

  private static HistoryEntry history(Instant at, ReferralStatus status, String event, String actor, String detail) {
    return new HistoryEntry(at, status, event, actor, detail);
  }

  private static ReferralEvent event(EventMetadata cause, String what, Object payload) {
    return new ReferralEvent(Events.causedBy(SELF, cause, what), payload);
  }
}
