package org.linkway.referral.lifecycle.domain;

import static org.linkway.platform.domain.SocialPrescribing.UK;
import static org.linkway.state.ReferralStatus.ACCEPTED;
import static org.linkway.state.ReferralStatus.CANCELLED;
import static org.linkway.state.ReferralStatus.COMPLETED;
import static org.linkway.state.ReferralStatus.DECLINED;
import static org.linkway.state.ReferralStatus.OFFERED;
import static org.linkway.state.ReferralStatus.SUBMITTED;
import static org.linkway.state.ReferralStatus.UNPLACED;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;
import org.linkway.commands.CancelReferral;
import org.linkway.commands.ReferralCommand;
import org.linkway.commands.SubmitReferral;
import org.linkway.events.CancelRefused;
import org.linkway.events.CancelRequested;
import org.linkway.events.DeclineReason;
import org.linkway.events.EventMetadata;
import org.linkway.events.NoPlace;
import org.linkway.events.OfferCancelled;
import org.linkway.events.OfferReminderDue;
import org.linkway.events.PlaceDecision;
import org.linkway.events.PlaceGranted;
import org.linkway.events.PlaceRequest;
import org.linkway.events.ProviderEvent;
import org.linkway.events.ReferralAccepted;
import org.linkway.events.ReferralCompleted;
import org.linkway.events.ReferralDeclined;
import org.linkway.events.ReferralEvent;
import org.linkway.events.ReferralOffered;
import org.linkway.events.ReferralSubmitted;
import org.linkway.events.ReferralUnplaced;
import org.linkway.events.SealedText;
import org.linkway.events.ServiceListed;
import org.linkway.events.SessionAttended;
import org.linkway.events.SessionMissed;
import org.linkway.platform.domain.SocialPrescribing;
import org.linkway.platform.kafka.Events;
import org.linkway.referral.ReferralServiceApplication;
import org.linkway.referral.places.Places;
import org.linkway.referral.routing.FundingRoom;
import org.linkway.referral.routing.Load;
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
 *                       |  ^ declined by the provider or expired: the next suitable service
 *                       |  |
 * SUBMITTED, OFFERED --nothing suitable left, or the maximum attempts reached--> UNPLACED
 * OFFERED, ACCEPTED --the person declined or could not be contacted--> DECLINED
 * SUBMITTED --cancelled by the referrer--> CANCELLED
 * OFFERED, ACCEPTED --the referrer's cancel, decided by provider-service in order with the provider's commands--> CANCELLED
 * </pre>
 *
 * <p>An offer takes a place at its service, and the service's place decider gives it
 * ({@link org.linkway.referral.places}): routing asks the suitable services for one, best first, and
 * the referral waits ({@code placing}) until the answer comes back ({@link #placeDecided}), then is
 * offered or unplaced. An acceptance fills the place; a decline, an expiry, a completion or a
 * cancellation gives it back.
 */
public final class ReferralLifecycle {

  private static final Map<ReferralStatus, Set<ReferralStatus>> NEXT = Map.of(
      SUBMITTED, Set.of(OFFERED, UNPLACED, CANCELLED),
      OFFERED, Set.of(OFFERED, ACCEPTED, UNPLACED, CANCELLED, DECLINED),
      ACCEPTED, Set.of(COMPLETED, CANCELLED, DECLINED),
      COMPLETED, Set.of(),
      UNPLACED, Set.of(),
      CANCELLED, Set.of(),
      DECLINED, Set.of());

  /**
   * How long a provider has to answer an offer (a commissioner may set its own), and how many
   * services are tried before giving up.
   */
  public record Settings(Duration respondWithin, java.util.Map<String, Duration> respondWithinFor, int maxAttempts) {
    public static Settings defaults() {
      return new Settings(Duration.ofDays(14), java.util.Map.of(), 3);
    }

    public Duration respondWithin(String commissioner) {
      return respondWithinFor.getOrDefault(commissioner, respondWithin);
    }
  }

  /**
   * The outcome of one input. {@code refusal} is null when the input was applied. {@code answers}: the commands
   * answered by this step (a cancel is answered when the provider-service's decision on it is read back).
   * {@code places}: what the services' place deciders are asked to do (take a place, fill it, give it back),
   * each keyed by its service.
   */
  public record Step(ReferralState state, List<ReferralEvent> events, String refusal, List<Answer> answers,
      List<PlaceRequest> places) {
    public Step(ReferralState state, List<ReferralEvent> events, String refusal) {
      this(state, events, refusal, List.of(), List.of());
    }

    static Step refused(ReferralState state, String reason) {
      return new Step(state, List.of(), reason);
    }

    static Step ignored(ReferralState state) {
      return new Step(state, List.of(), null);
    }

    /** The same step, the place decider also asked {@code request}. */
    Step asking(PlaceRequest request) {
      List<PlaceRequest> asked = new ArrayList<>(places);
      asked.add(request);
      return new Step(state, events, refusal, answers, asked);
    }
  }

  /** The answer to a command: applied (the caller is told the state after the step), or refused with the reason. */
  public record Answer(UUID commandId, String refusal) {}

  private static final String SELF = ReferralServiceApplication.NAME;


  private final Supplier<Collection<ServiceListed>> directory;
  private final ReferrerCancels cancels = new ReferrerCancels(Clock.systemUTC());
  private final Function<String, Load> load;
  private final FundingRoom funding;
  private final Settings settings;

  public ReferralLifecycle(Supplier<Collection<ServiceListed>> directory, Function<String, Load> load, Settings settings) {
    this(directory, load, FundingRoom.UNKNOWN, settings);
  }

  /** {@code load}: each service's places taken, as routing ranks by it ({@code service-load}). */
  public ReferralLifecycle(Supplier<Collection<ServiceListed>> directory, Function<String, Load> load, FundingRoom funding,
      Settings settings) {
    this.funding = funding;
    this.directory = directory;
    this.load = load;
    this.settings = settings;
  }

  /** A lifecycle with the default settings and nothing offered yet: for tests. */
  public ReferralLifecycle(Supplier<Collection<ServiceListed>> directory) {
    this(directory, serviceId -> Load.NONE, Settings.defaults());
  }

  public static boolean allows(ReferralStatus from, ReferralStatus to) {
    return NEXT.getOrDefault(from, Set.of()).contains(to);
  }

  /** A status the referral never leaves: completed, unplaced, cancelled, declined by the person. */
  public static boolean ended(ReferralStatus status) {
    return NEXT.containsKey(status) && NEXT.get(status).isEmpty();
  }

  /** FHIR R4 ServiceRequest.status for a Linkway status. */
  public static String serviceRequestStatus(ReferralStatus status) {
    return switch (status) {
      case SUBMITTED, OFFERED, ACCEPTED -> "active";
      case COMPLETED -> "completed";
      case CANCELLED, DECLINED -> "revoked";
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
            "ReferralSubmitted", actor(event.getMetadata(), submission.getReferrer().getOdsCode()),
            "needs " + submission.getNeeds()))))
        .build();
    return route(state, event.getMetadata(), List.of());
  }

  /**
   * A GP system's request to refer, sent to the referral's one decider: the first is written as
   * {@link ReferralSubmitted} and routed; a resend (the referral exists, even if its first attempt was still on its
   * way when the resend was sent) writes nothing and leaves the referral as the first made it.
   */
  public Step submit(ReferralState state, ReferralCommand command, SubmitReferral submit) {
    if (state != null) return Step.ignored(state);
    ReferralEvent submitted = event(command.getMetadata(), "submitted", submit.getSubmission());
    Step routed = submitted(submitted);
    List<ReferralEvent> events = new ArrayList<>(List.of(submitted));
    events.addAll(routed.events());
    return new Step(routed.state(), events, null, routed.answers(), routed.places());
  }

  public Step providerEvent(ReferralState state, ProviderEvent event) {
    Object payload = event.getPayload();
    EventMetadata meta = event.getMetadata();
    if (payload instanceof OfferCancelled cancelled) {
      return cancelStep(new ReferrerCancels.Decided(cancelled.getCancelId(), null), state);
    }
    if (payload instanceof CancelRefused refused) {
      return cancelStep(new ReferrerCancels.Decided(refused.getCancelId(), refused.getReason()), state);
    }
    // a place is being asked for: the offer the referral held (if any) was declined, nothing of it applies
    if (state.getPlacing() != null) return Step.ignored(state);
    if (payload instanceof ReferralAccepted accepted) {
      if (!holdsOffer(state, accepted.getProviderId(), accepted.getServiceId()) || !allows(state.getStatus(), ACCEPTED)) {
        return Step.ignored(state);
      }
      ReferralState after = move(state, ACCEPTED, meta.getOccurredAt(), "ReferralAccepted", actor(meta, accepted.getProviderId()),
          "service " + accepted.getServiceId() + "; record SNOMED " + SocialPrescribing.SNOMED_REFERRED + " |Referral to social prescribing service|");
      return new Step(ReferralState.newBuilder(after).setTaskStatus("accepted").setRespondBy(null).build(), List.of(), null)
          .asking(Places.fill(meta, state.getAttempts(), state.getServiceId()));
    }
    if (payload instanceof ReferralDeclined declined) {
      if (!holdsOffer(state, declined.getProviderId(), declined.getServiceId())) {
        return Step.ignored(state);
      }
      // the note, in the provider's words, stays sealed in the history (in clear only in old declines)
      String detail = "reason " + declined.getReason() + (declined.getNote() == null ? "" : ": " + declined.getNote());
      if (SocialPrescribing.declinedByThePerson(declined.getReason())) {
        if (!allows(state.getStatus(), DECLINED)) return Step.ignored(state);
        ReferralState after = move(state, DECLINED, meta.getOccurredAt(), "ReferralDeclined", actor(meta, declined.getProviderId()),
            "the person declined: " + detail + "; record SNOMED " + SocialPrescribing.SNOMED_DECLINED + " |Social prescribing declined|",
            declined.getSealedNote());
        return new Step(ReferralState.newBuilder(after).setTaskStatus("rejected").setLastDecline(declined)
            .setRespondBy(null).build(), List.of(), null).asking(release(meta, state, "the person declined"));
      }
      if (state.getStatus() != OFFERED) return Step.ignored(state);
      ReferralState after = ReferralState.newBuilder(state).setLastDecline(declined).setTaskStatus("rejected").build();
      after.getHistory().add(history(meta.getOccurredAt(), OFFERED, "ReferralDeclined",
          declined.getReason() == DeclineReason.EXPIRED ? SELF : actor(meta, declined.getProviderId()), detail,
          declined.getSealedNote()));
      PlaceRequest givenBack = release(meta, state, "declined: " + declined.getReason());
      // the referrer's cancel is being decided: provider-service cancels a declined offer, so it is not offered again
      if (after.getPendingCancel() != null) return Step.ignored(after).asking(givenBack);
      return route(after, meta, List.of()).asking(givenBack);
    }
    if (payload instanceof OfferReminderDue reminder) {
      if (state.getStatus() != OFFERED || !holdsOffer(state, reminder.getProviderId(), reminder.getServiceId())) {
        return Step.ignored(state);
      }
      ReferralState after = ReferralState.newBuilder(state).build();
      after.getHistory().add(history(meta.getOccurredAt(), OFFERED, "OfferReminderDue", SELF,
          "half the time to answer has passed; answer by " + reminder.getRespondBy()));
      return Step.ignored(after);
    }
    if (payload instanceof SessionMissed missed) {
      if (state.getStatus() != ACCEPTED) return Step.ignored(state);
      ReferralState after = ReferralState.newBuilder(state).setSessionsMissed(state.getSessionsMissed() + 1).build();
      after.getHistory().add(history(meta.getOccurredAt(), ACCEPTED, "SessionMissed", actor(meta, missed.getProviderId()),
          "did not attend on " + missed.getMissedOn() + (missed.getMissedInARow() >= MISSED_IN_A_ROW_FLAG
              ? "; FLAG for the referrer: " + missed.getMissedInARow() + " sessions missed in a row" : "")));
      return Step.ignored(after);
    }
    if (payload instanceof SessionAttended session) {
      if (state.getStatus() != ACCEPTED) return Step.ignored(state);
      ReferralState after = ReferralState.newBuilder(state)
          .setSessionsAttended(session.getSessionsAttended()).setTaskStatus("in-progress").build();
      after.getHistory().add(history(meta.getOccurredAt(), ACCEPTED, "SessionAttended", actor(meta, session.getProviderId()),
          "session " + session.getSessionsAttended() + " on " + session.getAttendedOn()));
      return Step.ignored(after);
    }
    if (payload instanceof ReferralCompleted completed) {
      if (!holdsOffer(state, completed.getProviderId(), completed.getServiceId()) || !allows(state.getStatus(), COMPLETED)) {
        return Step.ignored(state);
      }
      ReferralState after = move(state, COMPLETED, meta.getOccurredAt(), "ReferralCompleted", actor(meta, completed.getProviderId()),
          completed.getCompletion() + " after " + completed.getSessionsAttended() + " sessions");
      return new Step(ReferralState.newBuilder(after).setCompletion(completed)
          .setSessionsAttended(completed.getSessionsAttended())
          .setTaskStatus(completed.getCompletion() == org.linkway.events.Completion.COMPLETED ? "completed" : "failed")
          .build(), List.of(), null).asking(release(meta, state, "completed"));
    }
    return Step.ignored(state);
  }

  /**
   * The referrer cancels ({@link ReferrerCancels}). Refused once the referral has ended. While the referral is with
   * a provider (offered or accepted) the provider may be deciding at the same moment (accepting, completing,
   * declining), and that is decided by provider-service: the cancel is asked of it ({@link CancelRequested}) and
   * answered when its decision comes back ({@link #providerEvent}: {@link OfferCancelled} or {@link CancelRefused}),
   * so the referrer and the provider are told the same end. A second cancel while one is asked waits for the same
   * answer.
   */
  public Step command(ReferralState state, ReferralCommand command) {
    if (command.getCommand() instanceof CancelReferral) return cancelStep(new ReferrerCancels.Cancel(command), state);
    return new Step(state, List.of(), "unknown command",
        List.of(new Answer(command.getMetadata().getEventId(), "unknown command")), List.of());
  }

  /**
   * One step of the referrer's cancel: the events it writes, the state after them, the commands it answers. A
   * referral cancelled gives back the place it held; one asked for and not yet answered is given back when its grant
   * arrives ({@link #placeDecided}).
   */
  private Step cancelStep(ReferrerCancels.Command command, ReferralState state) {
    List<ReferrerCancels.Event> decided = cancels.decide(command, state);
    if (decided.isEmpty()) return Step.ignored(state);
    List<ReferralEvent> events = decided.stream().map(ReferrerCancels::written).flatMap(Optional::stream).toList();
    String refusal = decided.stream().filter(ReferrerCancels.Refused.class::isInstance)
        .map(e -> ((ReferrerCancels.Refused) e).reason()).findFirst().orElse(null);
    ReferralState after = cancels.evolve(state, decided);
    boolean cancelled = after.getStatus() == CANCELLED && state.getStatus() != CANCELLED;
    if (cancelled) after = ReferralState.newBuilder(after).setPlacing(null).build();
    Step step = new Step(after, events, refusal, ReferrerCancels.answers(command, state, decided), List.of());
    // the place goes back with the cancellation written (ReferralCancelled), as its cause
    return cancelled && holdsPlace(state) && !events.isEmpty()
        ? step.asking(release(events.get(events.size() - 1).getMetadata(), state, "cancelled")) : step;
  }

  /**
   * The service's place decider answers the request for a place: a place granted is offered (or, if the referral no
   * longer waits for it, given back); none left it unplaced.
   */
  public Step placeDecided(ReferralState state, PlaceDecision decision) {
    EventMetadata meta = decision.getMetadata();
    int attempt = decision.getAttempt();
    boolean awaited = state.getPlacing() != null && state.getPlacing() == attempt && allows(state.getStatus(), OFFERED);
    if (decision.getPayload() instanceof PlaceGranted granted) {
      if (!awaited) {
        // the same grant again keeps the place it gave; one the referral no longer waits for (it was cancelled
        // meanwhile, or another service granted this attempt first) is given back
        boolean holding = state.getPlacing() == null && state.getAttempts() == attempt
            && granted.getServiceId().equals(state.getServiceId()) && holdsPlace(state);
        return holding ? Step.ignored(state)
            : Step.ignored(state).asking(Places.release(meta, attempt, granted.getServiceId(), "not needed"));
      }
      Optional<ServiceListed> service = directory.get().stream()
          .filter(listed -> listed.getServiceId().equals(granted.getServiceId())).findFirst();
      if (service.isEmpty()) {
        // no longer listed: give the place back and ask the others
        List<String> tried = new ArrayList<>(state.getServicesTried());
        tried.add(granted.getServiceId());
        return route(ReferralState.newBuilder(state).setServicesTried(tried).setPlacing(null).build(), meta, List.of())
            .asking(Places.release(meta, attempt, granted.getServiceId(), "not listed"));
      }
      Instant now = Instant.now();
      Router.Choice choice = Router.granted(state.getSubmission(), service.get(),
          new Load(granted.getOpenOffers(), granted.getAccepted()), funding, LocalDate.ofInstant(now, UK));
      return offer(state, meta, attempt, choice, now);
    }
    if (!awaited || !(decision.getPayload() instanceof NoPlace none)) return Step.ignored(state);
    return unplaced(ReferralState.newBuilder(state).setPlacing(null).build(), meta, List.of(),
        "no suitable service has a free place: " + none.getFull() + " are full"
            + (state.getServicesTried().isEmpty() ? "" : "; tried before: " + state.getServicesTried()));
  }

  /** Asks the best suitable services for a place, in order; unplaced if there are none or the attempts are used up. */
  private Step route(ReferralState state, EventMetadata cause, List<ReferralEvent> before) {
    int attempt = state.getAttempts() + 1;
    List<Router.Choice> ranked = attempt > settings.maxAttempts() ? List.of()
        : Router.ranked(state.getSubmission(), directory.get(), state.getServicesTried(), load, funding,
            LocalDate.ofInstant(Instant.now(), UK));
    if (ranked.isEmpty()) {
      return unplaced(state, cause, before, attempt > settings.maxAttempts()
          ? "offered " + state.getAttempts() + " times (the most allowed) and not accepted: " + state.getServicesTried()
          : state.getServicesTried().isEmpty()
              ? "no active service with an open place meets the needs for this person's age and area"
              : "every suitable service has been tried: " + state.getServicesTried());
    }
    List<String> candidates = ranked.stream().map(choice -> choice.service().getServiceId()).toList();
    return new Step(ReferralState.newBuilder(state).setPlacing(attempt).build(), before, null, List.of(),
        List.of(Places.take(cause, attempt, candidates)));
  }

  private Step unplaced(ReferralState state, EventMetadata cause, List<ReferralEvent> before, String reason) {
    ReferralState after = ReferralState.newBuilder(move(state, UNPLACED, Instant.now(), "ReferralUnplaced", SELF, reason))
        .setRespondBy(null).build();
    List<ReferralEvent> events = new ArrayList<>(before);
    events.add(event(cause, "unplaced", new ReferralUnplaced(reason, List.copyOf(state.getServicesTried()))));
    return new Step(after, events, null);
  }

  /** The referral is offered to the service whose place was taken for this attempt. */
  private Step offer(ReferralState state, EventMetadata cause, int attempt, Router.Choice choice, Instant now) {
    ServiceListed service = choice.service();
    ReferralSubmitted submission = state.getSubmission();
    ReferralOffered offered = ReferralOffered.newBuilder()
        .setProviderId(service.getProviderId())
        .setServiceId(service.getServiceId())
        .setAttempt(attempt)
        .setNeedsMet(choice.needsMet())
        .setCommissioner(submission.getCommissioner())
        .setPersonId(submission.getPersonId())
        .setNeeds(submission.getNeeds())
        .setPatient(submission.getPatient())
        .setSealedPatient(submission.getSealedPatient())
        .setNotes(submission.getNotes())
        .setSealedNotes(submission.getSealedNotes())
        .setReason(choice.reason())
        .setRespondBy(now.plus(settings.respondWithin(submission.getCommissioner())).truncatedTo(java.time.temporal.ChronoUnit.MILLIS))
        .build();
    List<String> tried = new ArrayList<>(state.getServicesTried());
    tried.add(service.getServiceId());
    ReferralState after = ReferralState.newBuilder(move(state, OFFERED, now, "ReferralOffered",
            SELF, "offered to " + service.getServiceName() + " (" + service.getServiceId() + ") of "
                + service.getProviderName() + ": " + choice.reason() + "; answer by " + offered.getRespondBy()))
        .setProviderId(service.getProviderId())
        .setServiceId(service.getServiceId())
        .setAttempts(attempt)
        .setServicesTried(tried)
        .setTaskStatus("requested")
        .setRespondBy(offered.getRespondBy())
        .setPlacing(null)
        .build();
    return new Step(after, List.of(event(cause, "offered-" + attempt, offered)), null);
  }

  /** Whether the referral holds a place at its service: an offer waiting for an answer, or an acceptance. */
  private static boolean holdsPlace(ReferralState state) {
    return state.getPlacing() == null && state.getServiceId() != null
        && (state.getStatus() == OFFERED || state.getStatus() == ACCEPTED);
  }

  /** The place the referral holds at its service, given back. */
  private static PlaceRequest release(EventMetadata cause, ReferralState state, String reason) {
    return Places.release(cause, state.getAttempts(), state.getServiceId(), reason);
  }

  /** Missed sessions in a row from which the referrer is told. */
  public static final int MISSED_IN_A_ROW_FLAG = 2;

  private static boolean holdsOffer(ReferralState state, String providerId, String serviceId) {
    return providerId.equals(state.getProviderId()) && serviceId.equals(state.getServiceId());
  }

  private static ReferralState move(ReferralState state, ReferralStatus to, Instant at, String event, String actor, String detail) {
    return move(state, to, at, event, actor, detail, null);
  }

  static ReferralState move(ReferralState state, ReferralStatus to, Instant at, String event, String actor, String detail,
      SealedText note) {
    if (!allows(state.getStatus(), to)) {
      throw new IllegalStateException(state.getStatus() + " -> " + to + " is not a transition of a referral");
    }
    List<HistoryEntry> history = new ArrayList<>(state.getHistory());
    history.add(history(at, to, event, actor, detail, note));
    return ReferralState.newBuilder(state).setStatus(to).setHistory(history).build();
  }

  /** Who caused an event: the caller its metadata names (from their token), else what the event itself says. */
  static String actor(EventMetadata metadata, String otherwise) {
    return metadata.getActor() != null ? metadata.getActor() : otherwise;
  }

  private static HistoryEntry history(Instant at, ReferralStatus status, String event, String actor, String detail) {
    return history(at, status, event, actor, detail, null);
  }

  /** An entry of the history; free text in someone's words (a note, a reason) is kept sealed beside the detail. */
  private static HistoryEntry history(Instant at, ReferralStatus status, String event, String actor, String detail,
      SealedText note) {
    return new HistoryEntry(at, status, event, actor, detail, note);
  }

  private static ReferralEvent event(EventMetadata cause, String what, Object payload) {
    return new ReferralEvent(Events.causedBy(SELF, cause, what), payload);
  }
}
