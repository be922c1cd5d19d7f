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
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
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
import org.linkway.events.ServicePrescribed;
import org.linkway.events.ServiceListed;
import org.linkway.events.SessionAttended;
import org.linkway.events.SessionMissed;
import org.linkway.platform.domain.Decider;
import org.linkway.platform.domain.SocialPrescribing;
import org.linkway.platform.kafka.Events;
import org.linkway.platform.streams.ReferenceTable;
import org.linkway.platform.streams.TableIndex;
import org.linkway.referral.ReferralServiceApplication;
import org.linkway.referral.places.Places;
import org.linkway.referral.routing.FundingRoom;
import org.linkway.referral.routing.Load;
import org.linkway.referral.routing.Router;
import org.linkway.state.HistoryEntry;
import org.linkway.state.ReferralState;
import org.linkway.state.ReferralStatus;

/**
 * The state machine of one referral, as referral-service owns it: a {@link Decider} of the referral's {@link Input}s
 * (a submission, the referrer's commands, the provider's decisions, the services' answers to its requests for a
 * place), deciding the {@link Event}s that happen to it. Every move between statuses goes through {@link #allows};
 * what each event writes to {@code referrals}, asks of the place deciders and answers is {@link #written},
 * {@link #asked} and {@link #answers}.
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
 * <p>A referral a link worker service accepted is the person's episode with it: each community service its link worker
 * prescribes ({@link Prescription}) is a new referral, made here ({@link Prescribed}) as a submission of its own,
 * keyed by its own id, with the person, the practice and the commissioner of the episode.
 *
 * <p>An offer takes a place at its service, and the service's place decider gives it
 * ({@link org.linkway.referral.places}): routing asks the suitable services for one, best first ({@link Placing}), and
 * the referral waits ({@code placing}) until the answer comes back ({@link Grant}, {@link NoneFree}), then is offered
 * or unplaced. An acceptance fills the place; a decline, an expiry, a completion or a cancellation gives it back
 * ({@link Released}). Events occur at the injected clock's instant; what the provider did, at the instant it says.
 */
public final class ReferralLifecycle
    implements Decider<ReferralLifecycle.Input, ReferralState, ReferralLifecycle.Event> {

  private static final Map<ReferralStatus, Set<ReferralStatus>> NEXT = Map.of(
      SUBMITTED, Set.of(OFFERED, UNPLACED, CANCELLED),
      OFFERED, Set.of(OFFERED, ACCEPTED, UNPLACED, CANCELLED, DECLINED),
      ACCEPTED, Set.of(COMPLETED, CANCELLED, DECLINED),
      COMPLETED, Set.of(),
      UNPLACED, Set.of(),
      CANCELLED, Set.of(),
      DECLINED, Set.of());

  /** Missed sessions in a row from which the referrer is told. */
  public static final int MISSED_IN_A_ROW_FLAG = 2;

  private static final String SELF = ReferralServiceApplication.NAME;

  /**
   * How long a provider has to answer an offer (a commissioner may set its own), and how many
   * services are tried before giving up.
   */
  public record Settings(Duration respondWithin, Map<String, Duration> respondWithinFor, int maxAttempts) {
    public static Settings defaults() {
      return new Settings(Duration.ofDays(14), Map.of(), 3);
    }

    public Duration respondWithin(String commissioner) {
      return respondWithinFor.getOrDefault(commissioner, respondWithin);
    }
  }

  /** The answer to a command: applied (the caller is told the state after the step), or refused with the reason. */
  public record Answer(UUID commandId, String refusal) {}

  /** A record read that the referral's decider takes: from {@code referrals}, {@code referral-commands}, ... */
  public sealed interface Input permits Submission, Submit, Cancel, CancelAnswer, Acceptance, Decline, Reminder,
      MissedSession, Session, Completion, Grant, NoneFree, Prescription {
    Kind kind();

    enum Kind {
      SUBMISSION, SUBMIT, CANCEL, CANCEL_ANSWER, ACCEPTANCE, DECLINE, REMINDER, MISSED_SESSION, SESSION, COMPLETION,
      GRANT, NONE_FREE, PRESCRIPTION
    }

    /**
     * The input a record read is; empty for one the lifecycle does not take: its own events coming back on
     * {@code referrals} (all but a submission from a GP system's Kafka topic), and the provider's Time Credits.
     */
    static Optional<Input> of(SpecificRecord read) {
      if (read instanceof ReferralEvent event) {
        return event.getPayload() instanceof ReferralSubmitted submitted
            ? Optional.of(new Submission(event, submitted)) : Optional.empty();
      }
      if (read instanceof ReferralCommand command) return Optional.of(of(command));
      if (read instanceof ProviderEvent event) return of(event);
      if (read instanceof PlaceDecision decision) return Optional.of(of(decision));
      return Optional.empty();
    }

    /** The referrer's command; its schema allows no other than these. */
    static Input of(ReferralCommand command) {
      Object asked = command.getCommand();
      if (asked instanceof SubmitReferral submit) return new Submit(command, submit);
      if (asked instanceof CancelReferral) return new Cancel(command);
      throw new IllegalArgumentException("not a referral command: " + asked);
    }

    static Optional<Input> of(ProviderEvent event) {
      EventMetadata meta = event.getMetadata();
      Object payload = event.getPayload();
      if (payload instanceof OfferCancelled cancelled) {
        return Optional.of(new CancelAnswer(new ReferrerCancels.Decided(cancelled.getCancelId(), null)));
      }
      if (payload instanceof CancelRefused refused) {
        return Optional.of(new CancelAnswer(new ReferrerCancels.Decided(refused.getCancelId(), refused.getReason())));
      }
      if (payload instanceof ReferralAccepted accepted) return Optional.of(new Acceptance(meta, accepted));
      if (payload instanceof ReferralDeclined declined) return Optional.of(new Decline(meta, declined));
      if (payload instanceof OfferReminderDue reminder) return Optional.of(new Reminder(meta, reminder));
      if (payload instanceof SessionMissed missed) return Optional.of(new MissedSession(meta, missed));
      if (payload instanceof SessionAttended session) return Optional.of(new Session(meta, session));
      if (payload instanceof ReferralCompleted completed) return Optional.of(new Completion(meta, completed));
      if (payload instanceof ServicePrescribed prescribed) return Optional.of(new Prescription(meta, prescribed));
      return Optional.empty();
    }

    /** The place decider's answer; its schema allows no other than these. */
    static Input of(PlaceDecision decision) {
      Object payload = decision.getPayload();
      if (payload instanceof PlaceGranted granted) return new Grant(decision, granted);
      if (payload instanceof NoPlace none) return new NoneFree(decision, none);
      throw new IllegalArgumentException("not a place decision: " + payload);
    }
  }

  /** A new referral read from {@code referrals}, written there by the Kafka intake. */
  public record Submission(ReferralEvent event, ReferralSubmitted submitted) implements Input {
    @Override
    public Kind kind() {
      return Kind.SUBMISSION;
    }
  }

  /** A GP system's request to refer, sent over HTTP; a resend is the same referral. */
  public record Submit(ReferralCommand command, SubmitReferral submit) implements Input {
    @Override
    public Kind kind() {
      return Kind.SUBMIT;
    }
  }

  /** The referrer's cancel ({@link ReferrerCancels}). */
  public record Cancel(ReferralCommand command) implements Input {
    @Override
    public Kind kind() {
      return Kind.CANCEL;
    }
  }

  /** provider-service's decision on the referrer's cancel ({@link OfferCancelled} or {@link CancelRefused}). */
  public record CancelAnswer(ReferrerCancels.Decided decided) implements Input {
    @Override
    public Kind kind() {
      return Kind.CANCEL_ANSWER;
    }
  }

  public record Acceptance(EventMetadata metadata, ReferralAccepted accepted) implements Input {
    @Override
    public Kind kind() {
      return Kind.ACCEPTANCE;
    }
  }

  /** Declined by the provider, expired, or declined by the person. */
  public record Decline(EventMetadata metadata, ReferralDeclined declined) implements Input {
    @Override
    public Kind kind() {
      return Kind.DECLINE;
    }
  }

  public record Reminder(EventMetadata metadata, OfferReminderDue reminder) implements Input {
    @Override
    public Kind kind() {
      return Kind.REMINDER;
    }
  }

  public record MissedSession(EventMetadata metadata, SessionMissed missed) implements Input {
    @Override
    public Kind kind() {
      return Kind.MISSED_SESSION;
    }
  }

  public record Session(EventMetadata metadata, SessionAttended attended) implements Input {
    @Override
    public Kind kind() {
      return Kind.SESSION;
    }
  }

  public record Completion(EventMetadata metadata, ReferralCompleted completed) implements Input {
    @Override
    public Kind kind() {
      return Kind.COMPLETION;
    }
  }

  /** The link worker service holding the referral (accepted) prescribed a community service. */
  public record Prescription(EventMetadata metadata, ServicePrescribed prescribed) implements Input {
    @Override
    public Kind kind() {
      return Kind.PRESCRIPTION;
    }
  }

  /** A place granted for the attempt {@code decision} answers. */
  public record Grant(PlaceDecision decision, PlaceGranted granted) implements Input {
    @Override
    public Kind kind() {
      return Kind.GRANT;
    }
  }

  /** No suitable service had a free place for the attempt. */
  public record NoneFree(PlaceDecision decision, NoPlace none) implements Input {
    @Override
    public Kind kind() {
      return Kind.NONE_FREE;
    }
  }

  /** What happens to the referral. */
  public sealed interface Event permits Submitted, Placing, Offered, Unplaced, Unlisted, Accepted, DeclinedByThePerson,
      Declined, Reminded, Missed, Attended, Completed, Cancelling, Released, Refused, Prescribed {
    Kind kind();

    enum Kind {
      SUBMITTED, PLACING, OFFERED, UNPLACED, UNLISTED, ACCEPTED, DECLINED_BY_THE_PERSON, DECLINED, REMINDED, MISSED,
      ATTENDED, COMPLETED, CANCELLING, RELEASED, REFUSED, PRESCRIBED
    }
  }

  /** The referral made: {@code submitted}, written to {@code referrals} when it was decided here ({@code toWrite}). */
  public record Submitted(ReferralEvent submitted, boolean toWrite) implements Event {
    @Override
    public Kind kind() {
      return Kind.SUBMITTED;
    }
  }

  /** The best suitable services asked for a place for the attempt ({@code take}, best first); the referral waits. */
  public record Placing(int attempt, PlaceRequest take) implements Event {
    @Override
    public Kind kind() {
      return Kind.PLACING;
    }
  }

  /** Offered ({@code offered}, written) to {@code service}, whose place was taken for the attempt, at {@code at}. */
  public record Offered(ReferralEvent offered, ServiceListed service, Instant at) implements Event {
    @Override
    public Kind kind() {
      return Kind.OFFERED;
    }
  }

  /** No service will take the referral ({@code unplaced}, written, says why), as of {@code at}. */
  public record Unplaced(ReferralEvent unplaced, Instant at) implements Event {
    @Override
    public Kind kind() {
      return Kind.UNPLACED;
    }
  }

  /** The service that granted the place is no longer listed: counted as tried, the referral no longer waits. */
  public record Unlisted(String serviceId) implements Event {
    @Override
    public Kind kind() {
      return Kind.UNLISTED;
    }
  }

  /** The provider accepted the offer; its place is filled ({@code fill}). */
  public record Accepted(EventMetadata metadata, ReferralAccepted accepted, PlaceRequest fill) implements Event {
    @Override
    public Kind kind() {
      return Kind.ACCEPTED;
    }
  }

  /** The person declined or could not be contacted: the referral ends. */
  public record DeclinedByThePerson(EventMetadata metadata, ReferralDeclined declined) implements Event {
    @Override
    public Kind kind() {
      return Kind.DECLINED_BY_THE_PERSON;
    }
  }

  /** The provider declined the offer, or it expired: noted, the referral goes on to the next service. */
  public record Declined(EventMetadata metadata, ReferralDeclined declined) implements Event {
    @Override
    public Kind kind() {
      return Kind.DECLINED;
    }
  }

  public record Reminded(EventMetadata metadata, OfferReminderDue reminder) implements Event {
    @Override
    public Kind kind() {
      return Kind.REMINDED;
    }
  }

  public record Missed(EventMetadata metadata, SessionMissed missed) implements Event {
    @Override
    public Kind kind() {
      return Kind.MISSED;
    }
  }

  public record Attended(EventMetadata metadata, SessionAttended attended) implements Event {
    @Override
    public Kind kind() {
      return Kind.ATTENDED;
    }
  }

  public record Completed(EventMetadata metadata, ReferralCompleted completed) implements Event {
    @Override
    public Kind kind() {
      return Kind.COMPLETED;
    }
  }

  /** What the referrer's cancel decided ({@link ReferrerCancels}), and the commands it answers. */
  public record Cancelling(ReferrerCancels.Event decided, List<Answer> answers) implements Event {
    @Override
    public Kind kind() {
      return Kind.CANCELLING;
    }
  }

  /** A place the referral held, or was granted and no longer needs, given back ({@code release}). */
  public record Released(PlaceRequest release) implements Event {
    @Override
    public Kind kind() {
      return Kind.RELEASED;
    }
  }

  /**
   * The episode's link worker prescribed a community service (noted in the episode's history): {@code prescription},
   * written, is the new referral's submission, keyed by its own id.
   */
  public record Prescribed(EventMetadata metadata, ServicePrescribed prescribed, ReferralEvent prescription)
      implements Event {
    @Override
    public Kind kind() {
      return Kind.PRESCRIBED;
    }
  }

  /** A command on a referral there is not: refused. */
  public record Refused(UUID commandId, String reason) implements Event {
    @Override
    public Kind kind() {
      return Kind.REFUSED;
    }
  }

  /**
   * One input's outcome in one step: the state after it, the events written to {@code referrals}, the refusal of a
   * command (null when applied), the commands answered and the places asked for. The referral's processor runs the
   * decider itself; ReferralLifecycleTest and ReferralLifecycleProperties read the lifecycle through it.
   */
  record Step(ReferralState state, List<ReferralEvent> events, String refusal, List<Answer> answers,
      List<PlaceRequest> places) {
    Step(ReferralState state, List<ReferralEvent> events, String refusal) {
      this(state, events, refusal, List.of(), List.of());
    }
  }

  /** The directory, keyed by service id, read by key and by commissioner ({@link TableIndex#SERVICES_BY_COMMISSIONER}). */
  private final ReferenceTable<ServiceListed> directory;
  private final Function<String, Load> load;
  private final FundingRoom funding;
  private final Settings settings;
  private final Clock clock;
  private final ReferrerCancels cancels;

  /**
   * @param load each service's places taken, as routing ranks by it ({@code service-load})
   * @param clock when the events it decides occur, and the day routing ranks on
   */
  public ReferralLifecycle(ReferenceTable<ServiceListed> directory, Function<String, Load> load,
      FundingRoom funding, Settings settings, Clock clock) {
    this.directory = directory;
    this.load = load;
    this.funding = funding;
    this.settings = settings;
    this.clock = clock;
    this.cancels = new ReferrerCancels(clock);
  }

  /** A lifecycle with the default settings and nothing offered yet, on the system clock: for tests. */
  ReferralLifecycle(ReferenceTable<ServiceListed> directory) {
    this(directory, serviceId -> Load.NONE, FundingRoom.UNKNOWN, Settings.defaults(), Clock.systemUTC());
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

  /**
   * A submission (the first; a resend, or the same referral read again, decides nothing) is recorded and routed. The
   * referrer's cancel is {@link ReferrerCancels}'s: refused once the referral has ended; while the referral is with a
   * provider it is asked of provider-service ({@link CancelRequested}) and decided when its answer comes back
   * ({@link CancelAnswer}), so the referrer and the provider are told the same end. The provider's decisions apply
   * to the offer the referral holds, and not while a place is being asked for (the offer it held, if any, was
   * declined). A place granted is offered, or given back if the referral no longer waits for it.
   */
  @Override
  public List<Event> decide(Input input, ReferralState state) {
    return switch (input.kind()) {
      case SUBMISSION -> state != null ? List.of() : submitted(((Submission) input).event(), false);
      case SUBMIT -> {
        ReferralCommand command = ((Submit) input).command();
        yield state != null ? List.of()
            : submitted(event(command.getMetadata(), "submitted", ((Submit) input).submit().getSubmission()), true);
      }
      case CANCEL -> {
        EventMetadata meta = ((Cancel) input).command().getMetadata();
        yield state == null ? List.of(new Refused(meta.getEventId(), "no referral " + meta.getReferralId()))
            : cancel(new ReferrerCancels.Cancel(((Cancel) input).command()), state);
      }
      case CANCEL_ANSWER -> state == null ? List.of() : cancel(((CancelAnswer) input).decided(), state);
      case ACCEPTANCE -> withTheProvider(state) ? accepted((Acceptance) input, state) : List.of();
      case DECLINE -> withTheProvider(state) ? declined((Decline) input, state) : List.of();
      case REMINDER -> {
        Reminder reminder = (Reminder) input;
        yield !withTheProvider(state) || state.getStatus() != OFFERED
            || !holdsOffer(state, reminder.reminder().getProviderId(), reminder.reminder().getServiceId())
            ? List.of() : List.of(new Reminded(reminder.metadata(), reminder.reminder()));
      }
      case MISSED_SESSION -> !withTheProvider(state) || state.getStatus() != ACCEPTED ? List.of()
          : List.of(new Missed(((MissedSession) input).metadata(), ((MissedSession) input).missed()));
      case SESSION -> !withTheProvider(state) || state.getStatus() != ACCEPTED ? List.of()
          : List.of(new Attended(((Session) input).metadata(), ((Session) input).attended()));
      case COMPLETION -> withTheProvider(state) ? completed((Completion) input, state) : List.of();
      case PRESCRIPTION -> withTheProvider(state) ? prescribed((Prescription) input, state) : List.of();
      case GRANT -> state == null ? List.of() : granted((Grant) input, state);
      case NONE_FREE -> state == null ? List.of() : noneFree((NoneFree) input, state);
    };
  }

  @Override
  public ReferralState evolve(ReferralState state, Event event) {
    return switch (event.kind()) {
      case SUBMITTED -> submittedState(((Submitted) event).submitted());
      case PLACING -> ReferralState.newBuilder(state).setPlacing(((Placing) event).attempt()).build();
      case OFFERED -> offeredState(state, (Offered) event);
      case UNPLACED -> {
        Unplaced unplaced = (Unplaced) event;
        yield ReferralState.newBuilder(move(state, UNPLACED, unplaced.at(), "ReferralUnplaced", SELF,
            ((ReferralUnplaced) unplaced.unplaced().getPayload()).getReason()))
            .setRespondBy(null).setPlacing(null).build();
      }
      case UNLISTED -> {
        List<String> tried = new ArrayList<>(state.getServicesTried());
        tried.add(((Unlisted) event).serviceId());
        yield ReferralState.newBuilder(state).setServicesTried(tried).setPlacing(null).build();
      }
      case ACCEPTED -> {
        Accepted accepted = (Accepted) event;
        EventMetadata meta = accepted.metadata();
        yield ReferralState.newBuilder(move(state, ACCEPTED, meta.getOccurredAt(), "ReferralAccepted",
                actor(meta, accepted.accepted().getProviderId()), "service " + accepted.accepted().getServiceId()
                    + "; record SNOMED " + SocialPrescribing.SNOMED_REFERRED
                    + " |Referral to social prescribing service|"))
            .setTaskStatus("accepted").setRespondBy(null).build();
      }
      case DECLINED_BY_THE_PERSON -> {
        DeclinedByThePerson byThePerson = (DeclinedByThePerson) event;
        ReferralDeclined declined = byThePerson.declined();
        yield ReferralState.newBuilder(move(state, DECLINED, byThePerson.metadata().getOccurredAt(), "ReferralDeclined",
                actor(byThePerson.metadata(), declined.getProviderId()), "the person declined: " + detail(declined)
                    + "; record SNOMED " + SocialPrescribing.SNOMED_DECLINED + " |Social prescribing declined|",
                declined.getSealedNote()))
            .setTaskStatus("rejected").setLastDecline(declined).setRespondBy(null).build();
      }
      case DECLINED -> {
        Declined byTheProvider = (Declined) event;
        ReferralDeclined declined = byTheProvider.declined();
        yield noted(state, history(byTheProvider.metadata().getOccurredAt(), OFFERED, "ReferralDeclined",
            declined.getReason() == DeclineReason.EXPIRED ? SELF
                : actor(byTheProvider.metadata(), declined.getProviderId()),
            detail(declined), declined.getSealedNote()))
            .setLastDecline(declined).setTaskStatus("rejected").build();
      }
      case REMINDED -> {
        Reminded reminded = (Reminded) event;
        yield noted(state, history(reminded.metadata().getOccurredAt(), OFFERED, "OfferReminderDue", SELF,
            "half the time to answer has passed; answer by " + reminded.reminder().getRespondBy(), null)).build();
      }
      case MISSED -> {
        Missed missed = (Missed) event;
        SessionMissed session = missed.missed();
        yield noted(state, history(missed.metadata().getOccurredAt(), ACCEPTED, "SessionMissed",
            actor(missed.metadata(), session.getProviderId()), "did not attend on " + session.getMissedOn()
                + (session.getMissedInARow() >= MISSED_IN_A_ROW_FLAG
                    ? "; FLAG for the referrer: " + session.getMissedInARow() + " sessions missed in a row" : ""),
            null))
            .setSessionsMissed(state.getSessionsMissed() + 1).build();
      }
      case ATTENDED -> {
        Attended attended = (Attended) event;
        SessionAttended session = attended.attended();
        yield noted(state, history(attended.metadata().getOccurredAt(), ACCEPTED, "SessionAttended",
            actor(attended.metadata(), session.getProviderId()),
            "session " + session.getSessionsAttended() + " on " + session.getAttendedOn(), null))
            .setSessionsAttended(session.getSessionsAttended()).setTaskStatus("in-progress").build();
      }
      case COMPLETED -> {
        Completed completed = (Completed) event;
        ReferralCompleted ended = completed.completed();
        yield ReferralState.newBuilder(move(state, COMPLETED, completed.metadata().getOccurredAt(), "ReferralCompleted",
                actor(completed.metadata(), ended.getProviderId()),
                ended.getCompletion() + " after " + ended.getSessionsAttended() + " sessions"))
            .setCompletion(ended)
            .setSessionsAttended(ended.getSessionsAttended())
            .setTaskStatus(ended.getCompletion() == org.linkway.events.Completion.COMPLETED ? "completed" : "failed")
            .build();
      }
      case CANCELLING -> {
        ReferrerCancels.Event decided = ((Cancelling) event).decided();
        ReferralState after = cancels.evolve(state, decided);
        // a referral cancelled no longer waits for a place: one granted later is given back
        yield switch (decided.kind()) {
          case CANCELLED -> ReferralState.newBuilder(after).setPlacing(null).build();
          case ASKED, JOINED, REFUSED -> after;
        };
      }
      case PRESCRIBED -> {
        Prescribed prescribed = (Prescribed) event;
        ServicePrescribed made = prescribed.prescribed();
        yield noted(state, history(prescribed.metadata().getOccurredAt(), ACCEPTED, "ServicePrescribed",
            actor(prescribed.metadata(), made.getProviderId()), "prescribed "
                + (made.getPrescribedServiceId() == null ? "a community service" : made.getPrescribedServiceId())
                + " for " + made.getNeeds() + ": referral " + made.getPrescriptionId(), null)).build();
      }
      case RELEASED, REFUSED -> state;
    };
  }

  /** What an event writes to {@code referrals}, if anything. */
  public static Optional<ReferralEvent> written(Event event) {
    return switch (event.kind()) {
      case SUBMITTED -> ((Submitted) event).toWrite() ? Optional.of(((Submitted) event).submitted()) : Optional.empty();
      case OFFERED -> Optional.of(((Offered) event).offered());
      case UNPLACED -> Optional.of(((Unplaced) event).unplaced());
      case CANCELLING -> ReferrerCancels.written(((Cancelling) event).decided());
      case PRESCRIBED -> Optional.of(((Prescribed) event).prescription());
      case PLACING, UNLISTED, ACCEPTED, DECLINED_BY_THE_PERSON, DECLINED, REMINDED, MISSED, ATTENDED, COMPLETED,
          RELEASED, REFUSED -> Optional.empty();
    };
  }

  /** What an event asks of a service's place decider (take, fill or give back a place), if anything. */
  public static Optional<PlaceRequest> asked(Event event) {
    return switch (event.kind()) {
      case PLACING -> Optional.of(((Placing) event).take());
      case ACCEPTED -> Optional.of(((Accepted) event).fill());
      case RELEASED -> Optional.of(((Released) event).release());
      case SUBMITTED, OFFERED, UNPLACED, UNLISTED, DECLINED_BY_THE_PERSON, DECLINED, REMINDED, MISSED, ATTENDED,
          COMPLETED, CANCELLING, REFUSED, PRESCRIBED -> Optional.empty();
    };
  }

  /**
   * The commands an event answers: a cancel decided, or every cancel waiting for provider-service's decision; a
   * command on no referral, refused. A submission is answered whatever it decides ({@link #answeredWithTheReferral}).
   */
  public static List<Answer> answers(Event event) {
    return switch (event.kind()) {
      case CANCELLING -> ((Cancelling) event).answers();
      case REFUSED -> List.of(new Answer(((Refused) event).commandId(), ((Refused) event).reason()));
      case SUBMITTED, PLACING, OFFERED, UNPLACED, UNLISTED, ACCEPTED, DECLINED_BY_THE_PERSON, DECLINED, REMINDED,
          MISSED, ATTENDED, COMPLETED, RELEASED, PRESCRIBED -> List.of();
    };
  }

  /**
   * The command answered with the referral as it is after the input, whatever was decided: a submission, the first
   * (the referral it made) or a resend (the referral as the first made it).
   */
  public static Optional<UUID> answeredWithTheReferral(Input input) {
    return switch (input.kind()) {
      case SUBMIT -> Optional.of(((Submit) input).command().getMetadata().getEventId());
      case SUBMISSION, CANCEL, CANCEL_ANSWER, ACCEPTANCE, DECLINE, REMINDER, MISSED_SESSION, SESSION, COMPLETION, GRANT,
          NONE_FREE, PRESCRIPTION -> Optional.empty();
    };
  }

  /** A new referral read from {@code referrals}: recorded and routed. */
  Step submitted(ReferralEvent event) {
    return step(null, new Submission(event, (ReferralSubmitted) event.getPayload()));
  }

  /** An event of the provider's (or provider-service's decision on a cancel). */
  Step providerEvent(ReferralState state, ProviderEvent event) {
    return Input.of(event).map(input -> step(state, input)).orElseGet(() -> new Step(state, List.of(), null));
  }

  /** The referrer's command. */
  Step command(ReferralState state, ReferralCommand command) {
    return step(state, Input.of(command));
  }

  /** The service's place decider's answer to the request for a place. */
  Step placeDecided(ReferralState state, PlaceDecision decision) {
    return step(state, Input.of(decision));
  }

  /** What {@link #decide} and {@link #evolve} make of one input, as one step. */
  private Step step(ReferralState state, Input input) {
    List<Event> events = decide(input, state);
    ReferralState after = evolve(state, events);
    String refusal = null;
    List<Answer> answers = new ArrayList<>();
    for (Event event : events) {
      for (Answer answer : answers(event)) {
        answers.add(answer);
        if (refusal == null) refusal = answer.refusal();
      }
    }
    return new Step(after, events.stream().map(ReferralLifecycle::written).flatMap(Optional::stream).toList(), refusal,
        answers, events.stream().map(ReferralLifecycle::asked).flatMap(Optional::stream).toList());
  }

  /** The referral recorded, then routed. */
  private List<Event> submitted(ReferralEvent event, boolean toWrite) {
    Submitted submitted = new Submitted(event, toWrite);
    List<Event> events = new ArrayList<>(List.of(submitted));
    events.addAll(route(evolve(null, submitted), event.getMetadata()));
    return events;
  }

  /** Whether the provider's decisions apply: there is a referral, and it does not wait for a place. */
  private static boolean withTheProvider(ReferralState state) {
    return state != null && state.getPlacing() == null;
  }

  private List<Event> accepted(Acceptance input, ReferralState state) {
    ReferralAccepted accepted = input.accepted();
    if (!holdsOffer(state, accepted.getProviderId(), accepted.getServiceId()) || !allows(state.getStatus(), ACCEPTED)) {
      return List.of();
    }
    return List.of(new Accepted(input.metadata(), accepted,
        Places.fill(input.metadata(), state.getAttempts(), state.getServiceId(), clock)));
  }

  /**
   * Declined by the person: the referral ends. Declined by the provider (or expired) while offered: noted, and the
   * next suitable service asked, unless the referrer's cancel is being decided (provider-service cancels a declined
   * offer, so it is not offered again). Either gives the place back.
   */
  private List<Event> declined(Decline input, ReferralState state) {
    ReferralDeclined declined = input.declined();
    EventMetadata meta = input.metadata();
    if (!holdsOffer(state, declined.getProviderId(), declined.getServiceId())) return List.of();
    if (SocialPrescribing.declinedByThePerson(declined.getReason())) {
      if (!allows(state.getStatus(), DECLINED)) return List.of();
      return List.of(new DeclinedByThePerson(meta, declined),
          new Released(release(meta, state, "the person declined")));
    }
    if (state.getStatus() != OFFERED) return List.of();
    Declined noted = new Declined(meta, declined);
    List<Event> events = new ArrayList<>(List.of(noted));
    if (state.getPendingCancel() == null) events.addAll(route(evolve(state, noted), meta));
    events.add(new Released(release(meta, state, "declined: " + declined.getReason())));
    return events;
  }

  private List<Event> completed(Completion input, ReferralState state) {
    ReferralCompleted completed = input.completed();
    if (!holdsOffer(state, completed.getProviderId(), completed.getServiceId())
        || !allows(state.getStatus(), COMPLETED)) {
      return List.of();
    }
    return List.of(new Completed(input.metadata(), completed),
        new Released(release(input.metadata(), state, "completed")));
  }

  /**
   * A prescription by the link worker service holding the accepted referral: a new referral (the id it was given),
   * submitted as a direct prescription from the episode, with the episode's person (their sealed identity, so that the
   * prescribed provider opens it as the link workers do), age and district, practice and commissioner; the GP's notes
   * stay with the episode. Its needs are the link worker's; only the chosen service is asked, if one was chosen.
   */
  private List<Event> prescribed(Prescription input, ReferralState state) {
    ServicePrescribed prescribed = input.prescribed();
    if (state.getStatus() != ACCEPTED || !holdsOffer(state, prescribed.getProviderId(), prescribed.getServiceId())) {
      return List.of();
    }
    ReferralSubmitted episode = state.getSubmission();
    ReferralSubmitted prescription = ReferralSubmitted.newBuilder(episode)
        .setNeeds(prescribed.getNeeds())
        .setNotes(null)
        .setSealedNotes(null)
        .setPreferredServiceId(null)
        .setRequestId(null)
        .setDirectPrescription(true)
        .setEpisodeId(state.getReferralId().toString())
        .setPrescribedServiceId(prescribed.getPrescribedServiceId())
        .build();
    EventMetadata meta = EventMetadata.newBuilder(Events.causedBy(SELF, input.metadata(), "prescription", clock))
        .setReferralId(UUID.fromString(prescribed.getPrescriptionId())).build();
    return List.of(new Prescribed(input.metadata(), prescribed, new ReferralEvent(meta, prescription)));
  }

  /**
   * One step of the referrer's cancel ({@link ReferrerCancels}), with the commands each of its events answers. A
   * referral cancelled gives back the place it held, with the cancellation written as the cause; one asked for and
   * not yet answered is given back when its grant arrives ({@link #granted}).
   */
  private List<Event> cancel(ReferrerCancels.Command command, ReferralState state) {
    List<Event> events = new ArrayList<>();
    for (ReferrerCancels.Event decided : cancels.decide(command, state)) {
      events.add(new Cancelling(decided, ReferrerCancels.answers(command, state, List.of(decided))));
      if (decided instanceof ReferrerCancels.Cancelled cancelled && holdsPlace(state)) {
        events.add(new Released(release(cancelled.cancelled().getMetadata(), state, "cancelled")));
      }
    }
    return events;
  }

  /**
   * A place granted: offered, if the referral waits for it for this attempt and its service is still listed (if not,
   * the place goes back and the others are asked). The same grant again keeps the place it gave; one the referral no
   * longer waits for (it was cancelled meanwhile, or another service granted this attempt first) is given back.
   */
  private List<Event> granted(Grant input, ReferralState state) {
    EventMetadata meta = input.decision().getMetadata();
    int attempt = input.decision().getAttempt();
    String serviceId = input.granted().getServiceId();
    if (!awaits(state, attempt)) {
      boolean holding = state.getPlacing() == null && state.getAttempts() == attempt
          && serviceId.equals(state.getServiceId()) && holdsPlace(state);
      return holding ? List.of() : List.of(new Released(Places.release(meta, attempt, serviceId, "not needed", clock)));
    }
    Optional<ServiceListed> service = directory.get(serviceId);
    if (service.isEmpty()) {
      Unlisted unlisted = new Unlisted(serviceId);
      List<Event> events = new ArrayList<>(List.of(unlisted));
      events.addAll(route(evolve(state, unlisted), meta));
      events.add(new Released(Places.release(meta, attempt, serviceId, "not listed", clock)));
      return events;
    }
    Instant now = clock.instant();
    Router.Choice choice = Router.granted(state.getSubmission(), service.get(),
        new Load(input.granted().getOpenOffers(), input.granted().getAccepted()), funding,
        LocalDate.ofInstant(now, UK));
    return List.of(offer(state, meta, attempt, choice, now));
  }

  /** No suitable service has a free place for the attempt the referral waits for: unplaced. */
  private List<Event> noneFree(NoneFree input, ReferralState state) {
    if (!awaits(state, input.decision().getAttempt())) return List.of();
    return List.of(unplaced(state, input.decision().getMetadata(),
        "no suitable service has a free place: " + input.none().getFull() + " are full"
            + (state.getServicesTried().isEmpty() ? "" : "; tried before: " + state.getServicesTried())));
  }

  /** Whether the referral waits for a place for this attempt, and may still be offered. */
  private static boolean awaits(ReferralState state, int attempt) {
    return state.getPlacing() != null && state.getPlacing() == attempt && allows(state.getStatus(), OFFERED);
  }

  /**
   * Asks the best suitable services for a place, in order; unplaced if there are none or the attempts are used up. Only
   * the services the referral's commissioner commissions are read: no other can be suitable.
   */
  private List<Event> route(ReferralState state, EventMetadata cause) {
    int attempt = state.getAttempts() + 1;
    List<Router.Choice> ranked = attempt > settings.maxAttempts() ? List.of()
        : Router.ranked(state.getSubmission(),
            directory.under(TableIndex.SERVICES_BY_COMMISSIONER, state.getSubmission().getCommissioner()),
            state.getServicesTried(), load, funding, LocalDate.ofInstant(clock.instant(), UK));
    if (ranked.isEmpty()) {
      return List.of(unplaced(state, cause, attempt > settings.maxAttempts()
          ? "offered " + state.getAttempts() + " times (the most allowed) and not accepted: " + state.getServicesTried()
          : state.getServicesTried().isEmpty()
              ? "no active service with an open place meets the needs for this person's age and area"
              : "every suitable service has been tried: " + state.getServicesTried()));
    }
    List<String> candidates = ranked.stream().map(choice -> choice.service().getServiceId()).toList();
    return List.of(new Placing(attempt, Places.take(cause, attempt, candidates, clock)));
  }

  private Unplaced unplaced(ReferralState state, EventMetadata cause, String reason) {
    Instant at = clock.instant();
    return new Unplaced(
        event(cause, "unplaced", new ReferralUnplaced(reason, List.copyOf(state.getServicesTried()))), at);
  }

  /** The referral is offered to the service whose place was taken for this attempt. */
  private Offered offer(ReferralState state, EventMetadata cause, int attempt, Router.Choice choice, Instant now) {
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
        .setServiceKind(service.getKind())
        .setReason(choice.reason())
        .setRespondBy(now.plus(settings.respondWithin(submission.getCommissioner())).truncatedTo(ChronoUnit.MILLIS))
        .build();
    return new Offered(event(cause, "offered-" + attempt, offered), service, now);
  }

  private static ReferralState submittedState(ReferralEvent event) {
    ReferralSubmitted submission = (ReferralSubmitted) event.getPayload();
    EventMetadata meta = event.getMetadata();
    return ReferralState.newBuilder()
        .setReferralId(meta.getReferralId())
        .setStatus(SUBMITTED)
        .setSubmission(submission)
        .setHistory(new ArrayList<>(List.of(history(meta.getOccurredAt(), SUBMITTED, "ReferralSubmitted",
            actor(meta, submission.getReferrer().getOdsCode()), "needs " + submission.getNeeds(), null))))
        .build();
  }

  private static ReferralState offeredState(ReferralState state, Offered event) {
    ServiceListed service = event.service();
    ReferralOffered offered = (ReferralOffered) event.offered().getPayload();
    List<String> tried = new ArrayList<>(state.getServicesTried());
    tried.add(service.getServiceId());
    return ReferralState.newBuilder(move(state, OFFERED, event.at(), "ReferralOffered",
            SELF, "offered to " + service.getServiceName() + " (" + service.getServiceId() + ") of "
                + service.getProviderName() + ": " + offered.getReason() + "; answer by " + offered.getRespondBy()))
        .setProviderId(service.getProviderId())
        .setServiceId(service.getServiceId())
        .setAttempts(offered.getAttempt())
        .setServicesTried(tried)
        .setTaskStatus("requested")
        .setRespondBy(offered.getRespondBy())
        .setPlacing(null)
        .build();
  }

  /**
   * A decline's reason, and the note in the provider's words (it stays sealed in the history, in clear only in old
   * declines).
   */
  private static String detail(ReferralDeclined declined) {
    return "reason " + declined.getReason() + (declined.getNote() == null ? "" : ": " + declined.getNote());
  }

  /** Whether the referral holds a place at its service: an offer waiting for an answer, or an acceptance. */
  private static boolean holdsPlace(ReferralState state) {
    return state.getPlacing() == null && state.getServiceId() != null
        && (state.getStatus() == OFFERED || state.getStatus() == ACCEPTED);
  }

  /** The place the referral holds at its service, given back. */
  private PlaceRequest release(EventMetadata cause, ReferralState state, String reason) {
    return Places.release(cause, state.getAttempts(), state.getServiceId(), reason, clock);
  }

  private static boolean holdsOffer(ReferralState state, String providerId, String serviceId) {
    return providerId.equals(state.getProviderId()) && serviceId.equals(state.getServiceId());
  }

  private static ReferralState move(ReferralState state, ReferralStatus to, Instant at, String event, String actor,
      String detail) {
    return move(state, to, at, event, actor, detail, null);
  }

  static ReferralState move(ReferralState state, ReferralStatus to, Instant at, String event, String actor,
      String detail, SealedText note) {
    if (!allows(state.getStatus(), to)) {
      throw new IllegalStateException(state.getStatus() + " -> " + to + " is not a transition of a referral");
    }
    return noted(state, history(at, to, event, actor, detail, note)).setStatus(to).build();
  }

  /** The state with one more entry in its history, its status unchanged. */
  private static ReferralState.Builder noted(ReferralState state, HistoryEntry entry) {
    List<HistoryEntry> history = new ArrayList<>(state.getHistory());
    history.add(entry);
    return ReferralState.newBuilder(state).setHistory(history);
  }

  /** Who caused an event: the caller its metadata names (from their token), else what the event itself says. */
  static String actor(EventMetadata metadata, String otherwise) {
    return metadata.getActor() != null ? metadata.getActor() : otherwise;
  }

  /** An entry of the history; free text in someone's words (a note, a reason) is kept sealed beside the detail. */
  private static HistoryEntry history(Instant at, ReferralStatus status, String event, String actor, String detail,
      SealedText note) {
    return new HistoryEntry(at, status, event, actor, detail, note);
  }

  private ReferralEvent event(EventMetadata cause, String what, Object payload) {
    return new ReferralEvent(Events.causedBy(SELF, cause, what, clock), payload);
  }
}
