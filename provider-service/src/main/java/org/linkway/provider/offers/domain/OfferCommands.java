package org.linkway.provider.offers.domain;

import static org.linkway.state.OfferStatus.ACCEPTED;
import static org.linkway.state.OfferStatus.ACCEPTING;
import static org.linkway.state.OfferStatus.COMPLETED;
import static org.linkway.state.OfferStatus.DECLINED;
import static org.linkway.state.OfferStatus.OFFERED;

import java.time.Clock;
import java.util.ArrayList;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BiFunction;
import org.linkway.commands.AcceptReferral;
import org.linkway.commands.CompleteReferral;
import org.linkway.commands.DeclineReferral;
import org.linkway.commands.PrescribeService;
import org.linkway.commands.ProviderCommand;
import org.linkway.commands.RecordSession;
import org.linkway.commands.RecordTimeCredits;
import org.linkway.events.BudgetRequest;
import org.linkway.events.EventMetadata;
import org.linkway.events.Measure;
import org.linkway.events.MeasureChange;
import org.linkway.events.MeasureStage;
import org.linkway.events.ProviderEvent;
import org.linkway.events.ReferralCompleted;
import org.linkway.events.ReferralDeclined;
import org.linkway.events.ReferralOffered;
import org.linkway.events.ReserveFunding;
import org.linkway.events.ServiceKind;
import org.linkway.events.ServicePrescribed;
import org.linkway.events.SessionAttended;
import org.linkway.events.SessionMissed;
import org.linkway.events.TimeCreditsEarned;
import org.linkway.platform.domain.Decider;
import org.linkway.platform.domain.SocialPrescribing;
import org.linkway.platform.kafka.Events;
import org.linkway.platform.streams.Decisions;
import org.linkway.provider.ProviderServiceApplication;
import org.linkway.replies.CommandReply;
import org.linkway.state.OfferState;
import org.linkway.state.OfferStatus;

/**
 * The provider's commands on an offer (accept, decline, record a session, complete, record Time Credits, and a link
 * worker service's prescription of a community service): the part of
 * the offer's lifecycle ({@link OfferLifecycle}) that decides them, one at a time in the order the offer's stream task
 * takes them, with the referrer's cancel ({@link OfferCancels}) and the budget's answers
 * ({@link OfferLifecycle.FundingReserved}, {@link OfferLifecycle.FundingDenied}) in between. Each command is checked against the
 * offer and either refused with a reason (HTTP 409) or turned into one event on {@code provider-events}; an accept
 * is not decided here but asked of the commissioner's budget ({@link Accepting}), whose answer decides it.
 *
 * <p>A refusal is an event too: it is written (as the command's answer on the service's replies topic), and a
 * command sent with an Idempotency-Key is remembered with its answer ({@link RememberedCommands}), so that a
 * resend is answered as the first was ({@link Resent}) and decides nothing, and a key used for another request is
 * refused ({@link KeyReused}). What each event writes, asks and answers is {@link #written}, {@link #asked} and
 * {@link #answer}.
 */
public final class OfferCommands implements Decider<OfferCommands.Command, OfferState, OfferCommands.Event> {

  private static final String SELF = ProviderServiceApplication.NAME;
  /** The most prescriptions one episode makes: more is a mistake, or someone flooding the community services. */
  public static final int MAX_PRESCRIPTIONS = 50;

  /** A provider's command: {@code sent} as read from {@code provider-commands}, and what it asks. */
  public sealed interface Command permits Accept, Decline, Session, Complete, TimeCredits, Prescribe {
    ProviderCommand sent();

    Kind kind();

    enum Kind { ACCEPT, DECLINE, SESSION, COMPLETE, TIME_CREDITS, PRESCRIBE }

    /** The command the provider sent; its schema allows no other than these. */
    static Command of(ProviderCommand sent) {
      Object asked = sent.getCommand();
      if (asked instanceof AcceptReferral accept) return new Accept(sent, accept);
      if (asked instanceof DeclineReferral decline) return new Decline(sent, decline);
      if (asked instanceof RecordSession session) return new Session(sent, session);
      if (asked instanceof CompleteReferral complete) return new Complete(sent, complete);
      if (asked instanceof RecordTimeCredits credits) return new TimeCredits(sent, credits);
      if (asked instanceof PrescribeService prescribe) return new Prescribe(sent, prescribe);
      throw new IllegalArgumentException("not a provider command: " + asked);
    }
  }

  public record Accept(ProviderCommand sent, AcceptReferral accept) implements Command {
    @Override
    public Kind kind() {
      return Kind.ACCEPT;
    }
  }

  public record Decline(ProviderCommand sent, DeclineReferral decline) implements Command {
    @Override
    public Kind kind() {
      return Kind.DECLINE;
    }
  }

  public record Session(ProviderCommand sent, RecordSession session) implements Command {
    @Override
    public Kind kind() {
      return Kind.SESSION;
    }
  }

  public record Complete(ProviderCommand sent, CompleteReferral complete) implements Command {
    @Override
    public Kind kind() {
      return Kind.COMPLETE;
    }
  }

  public record TimeCredits(ProviderCommand sent, RecordTimeCredits credits) implements Command {
    @Override
    public Kind kind() {
      return Kind.TIME_CREDITS;
    }
  }

  public record Prescribe(ProviderCommand sent, PrescribeService prescribe) implements Command {
    @Override
    public Kind kind() {
      return Kind.PRESCRIBE;
    }
  }

  /** What it decides, each about the command that caused it. */
  public sealed interface Event permits Accepting, Written, Refused, Resent, KeyReused {
    ProviderCommand command();

    Kind kind();

    enum Kind { ACCEPTING, DECLINED, ATTENDED, MISSED, COMPLETED, CREDITS_EARNED, PRESCRIBED, REFUSED, RESENT, KEY_REUSED }
  }

  /** A decision written to {@code provider-events}. */
  public sealed interface Written extends Event permits Declined, Attended, Missed, Completed, CreditsEarned, Prescribed {
    ProviderEvent event();
  }

  /** The accept waits for the commissioner's budget, asked to reserve its funding ({@code reserve}). */
  public record Accepting(ProviderCommand command, BudgetRequest reserve) implements Event {
    @Override
    public Kind kind() {
      return Kind.ACCEPTING;
    }
  }

  public record Declined(ProviderCommand command, ProviderEvent event, ReferralDeclined declined) implements Written {
    @Override
    public Kind kind() {
      return Kind.DECLINED;
    }
  }

  /** A session attended; measures taken at it ({@code baseline}) are kept until the completion. */
  public record Attended(ProviderCommand command, ProviderEvent event, SessionAttended attended, List<Measure> baseline)
      implements Written {
    @Override
    public Kind kind() {
      return Kind.ATTENDED;
    }
  }

  public record Missed(ProviderCommand command, ProviderEvent event, SessionMissed missed) implements Written {
    @Override
    public Kind kind() {
      return Kind.MISSED;
    }
  }

  public record Completed(ProviderCommand command, ProviderEvent event) implements Written {
    @Override
    public Kind kind() {
      return Kind.COMPLETED;
    }
  }

  public record CreditsEarned(ProviderCommand command, ProviderEvent event) implements Written {
    @Override
    public Kind kind() {
      return Kind.CREDITS_EARNED;
    }
  }

  /** The link worker service prescribed a community service: the prescription is the referral {@code prescribed} names. */
  public record Prescribed(ProviderCommand command, ProviderEvent event, ServicePrescribed prescribed) implements Written {
    @Override
    public Kind kind() {
      return Kind.PRESCRIBED;
    }
  }

  /** The command is refused, and why; one sent with a key is remembered with its refusal. */
  public record Refused(ProviderCommand command, String reason) implements Event {
    @Override
    public Kind kind() {
      return Kind.REFUSED;
    }
  }

  /** A resend of a command answered before: told the first answer ({@code refusal}, null: applied); nothing decided. */
  public record Resent(ProviderCommand command, String refusal) implements Event {
    @Override
    public Kind kind() {
      return Kind.RESENT;
    }
  }

  /** The command's Idempotency-Key was used before with another request: refused, nothing decided. */
  public record KeyReused(ProviderCommand command) implements Event {
    @Override
    public Kind kind() {
      return Kind.KEY_REUSED;
    }
  }

  private final Clock clock;
  private final BiFunction<List<Measure>, List<Measure>, List<MeasureChange>> changes;

  /** @param changes how the measures changed between baseline and follow-up, for the completion */
  public OfferCommands(Clock clock, BiFunction<List<Measure>, List<Measure>, List<MeasureChange>> changes) {
    this.clock = clock;
    this.changes = changes;
  }

  @Override
  public List<Event> decide(Command command, OfferState state) {
    ProviderCommand sent = command.sent();
    if (state == null) {
      return List.of(new Refused(sent, "no referral " + sent.getMetadata().getReferralId() + " has been offered"));
    }
    boolean keyed = sent.getRequestDigest() != null;
    if (keyed) {
      RememberedCommands.Recall recall = RememberedCommands.recall(state, sent);
      List<Event> answered = switch (recall.seen()) {
        case FIRST -> null;
        case KEY_REUSED -> List.of(new KeyReused(sent));
        case RESENT -> List.of(new Resent(sent, recall.refusal() != null ? recall.refusal() : asApplied(state, sent)));
        // answered with the budget's answer to the first
        case AWAITING_BUDGET -> List.of();
      };
      if (answered != null) return answered;
    }
    if (state.getProcessedCommandIds().contains(sent.getMetadata().getEventId().toString())) {
      // applied long ago under a key no longer remembered: the resend is told the offer as it is
      return keyed ? List.of(new Resent(sent, asApplied(state, sent))) : List.of();
    }
    String refusal = holderRefusal(state, sent.getProviderId());
    if (refusal != null) return List.of(new Refused(sent, refusal));
    return List.of(switch (command.kind()) {
      case ACCEPT -> accept((Accept) command, state);
      case DECLINE -> decline((Decline) command, state);
      case SESSION -> session((Session) command, state);
      case COMPLETE -> complete((Complete) command, state);
      case TIME_CREDITS -> timeCredits((TimeCredits) command, state);
      case PRESCRIBE -> prescribe((Prescribe) command, state);
    });
  }

  @Override
  public OfferState evolve(OfferState state, Event event) {
    ProviderCommand command = event.command();
    return switch (event.kind()) {
      case ACCEPTING -> remembered(moved(state, ACCEPTING, command).setPendingAccept(command).build(), command, null);
      case DECLINED -> {
        ReferralDeclined declined = ((Declined) event).declined();
        List<String> declinedBy = new ArrayList<>(state.getDeclinedBy());
        declinedBy.add(declined.getProviderId());
        OfferState after = moved(state, DECLINED, command).setDeclinedBy(declinedBy)
            .setDeclineReason(declined.getReason()).build();
        yield remembered(after, command, null);
      }
      case ATTENDED -> {
        Attended attended = (Attended) event;
        OfferState after = moved(state, ACCEPTED, command)
            .setSessionsAttended(attended.attended().getSessionsAttended()).setMissedInARow(0).build();
        yield remembered(OfferLifecycle.withBaseline(after, attended.baseline()), command, null);
      }
      case MISSED -> remembered(moved(state, ACCEPTED, command)
          .setMissedInARow(((Missed) event).missed().getMissedInARow())
          .setSessionsMissed(state.getSessionsMissed() + 1).build(), command, null);
      case COMPLETED -> remembered(moved(state, COMPLETED, command).build(), command, null);
      case CREDITS_EARNED -> remembered(OfferState.newBuilder(state)
          .setProcessedCommandIds(OfferLifecycle.processed(state, command.getMetadata())).build(), command, null);
      case PRESCRIBED -> {
        List<String> prescriptions = new ArrayList<>(state.getPrescriptions());
        prescriptions.add(((Prescribed) event).prescribed().getPrescriptionId());
        yield remembered(OfferState.newBuilder(state).setPrescriptions(prescriptions)
            .setProcessedCommandIds(OfferLifecycle.processed(state, command.getMetadata())).build(), command, null);
      }
      case REFUSED -> state == null ? null : remembered(state, command, ((Refused) event).reason());
      case RESENT, KEY_REUSED -> state;
    };
  }

  /** What an event writes to {@code provider-events}, if anything. */
  public static Optional<ProviderEvent> written(Event event) {
    return switch (event.kind()) {
      case DECLINED, ATTENDED, MISSED, COMPLETED, CREDITS_EARNED, PRESCRIBED -> Optional.of(((Written) event).event());
      case ACCEPTING, REFUSED, RESENT, KEY_REUSED -> Optional.empty();
    };
  }

  /** What an event asks of the commissioner's budget (on {@code budget-requests}), if anything. */
  public static Optional<BudgetRequest> asked(Event event) {
    return switch (event.kind()) {
      case ACCEPTING -> Optional.of(((Accepting) event).reserve());
      case DECLINED, ATTENDED, MISSED, COMPLETED, CREDITS_EARNED, PRESCRIBED, REFUSED, RESENT, KEY_REUSED -> Optional.empty();
    };
  }

  /**
   * How the command is answered, given the offer after the event: applied (with the offer), refused with the reason,
   * or its key reused; an accept is answered when the budget has decided ({@link OfferLifecycle#answer}).
   */
  public static Optional<CommandReply> answer(Event event, OfferState after) {
    UUID commandId = event.command().getMetadata().getEventId();
    return switch (event.kind()) {
      case ACCEPTING -> Optional.empty();
      case DECLINED, ATTENDED, MISSED, COMPLETED, CREDITS_EARNED, PRESCRIBED ->
          Optional.of(Decisions.accepted(commandId, after));
      case REFUSED -> Optional.of(Decisions.refused(commandId, ((Refused) event).reason()));
      case RESENT -> {
        String refusal = ((Resent) event).refusal();
        yield Optional.of(refusal == null
            ? Decisions.accepted(commandId, after) : Decisions.refused(commandId, refusal));
      }
      case KEY_REUSED -> Optional.of(Decisions.keyReused(commandId));
    };
  }

  private Event accept(Accept accept, OfferState state) {
    ProviderCommand sent = accept.sent();
    if (state.getStatus() != OFFERED) return new Refused(sent, OfferLifecycle.notNow("accepted", state.getStatus()));
    ReferralOffered offer = state.getOffer();
    return new Accepting(sent, new BudgetRequest(metadata(sent, "reserve"), new ReserveFunding(offer.getCommissioner(),
        sent.getProviderId(), offer.getServiceId(), sent.getMetadata().getEventId().toString())));
  }

  private Event decline(Decline decline, OfferState state) {
    DeclineReferral asked = decline.decline();
    boolean byPerson = SocialPrescribing.declinedByThePerson(asked.getReason());
    if (!(state.getStatus() == OFFERED || (byPerson && state.getStatus() == ACCEPTED))) {
      return new Refused(decline.sent(), OfferLifecycle.notNow("declined", state.getStatus()));
    }
    ReferralDeclined declined = new ReferralDeclined(decline.sent().getProviderId(), state.getOffer().getServiceId(),
        asked.getReason(), asked.getNote(), byPerson ? SocialPrescribing.SNOMED_DECLINED : null, asked.getSealedNote());
    return new Declined(decline.sent(), new ProviderEvent(metadata(decline.sent(), "decided"), declined), declined);
  }

  private Event session(Session session, OfferState state) {
    ProviderCommand sent = session.sent();
    if (state.getStatus() != ACCEPTED) {
      return new Refused(sent,
          "sessions can be recorded only once the referral is accepted; it is " + state.getStatus());
    }
    String serviceId = state.getOffer().getServiceId();
    RecordSession asked = session.session();
    if (!asked.getAttended()) {
      SessionMissed missed = new SessionMissed(sent.getProviderId(), serviceId, asked.getAttendedOn(),
          state.getMissedInARow() + 1);
      return new Missed(sent, new ProviderEvent(metadata(sent, "decided"), missed), missed);
    }
    SessionAttended attended = new SessionAttended(sent.getProviderId(), serviceId, asked.getAttendedOn(),
        state.getSessionsAttended() + 1);
    return new Attended(sent, new ProviderEvent(metadata(sent, "decided"), attended), attended, asked.getMeasures());
  }

  private Event complete(Complete complete, OfferState state) {
    ProviderCommand sent = complete.sent();
    if (state.getStatus() != ACCEPTED) {
      return new Refused(sent, "a referral can be completed only after it is accepted; it is " + state.getStatus());
    }
    ReferralOffered offer = state.getOffer();
    List<Measure> measures = new ArrayList<>(state.getBaseline());
    measures.addAll(complete.complete().getMeasures());
    List<Measure> baseline = measures.stream().filter(m -> m.getStage() == MeasureStage.BASELINE).toList();
    List<Measure> followUp = measures.stream().filter(m -> m.getStage() == MeasureStage.FOLLOW_UP).toList();
    return new Completed(sent, new ProviderEvent(metadata(sent, "decided"), new ReferralCompleted(sent.getProviderId(),
        offer.getServiceId(), offer.getCommissioner(), offer.getPersonId(), offer.getNeeds(),
        complete.complete().getCompletion(), state.getSessionsAttended(), measures, changes.apply(baseline, followUp),
        state.getSessionsMissed())));
  }

  private Event timeCredits(TimeCredits credits, OfferState state) {
    ProviderCommand sent = credits.sent();
    if (state.getStatus() != ACCEPTED && state.getStatus() != COMPLETED) {
      return new Refused(sent,
          "Time Credits are recorded for a referral the provider accepted; it is " + state.getStatus());
    }
    ReferralOffered offer = state.getOffer();
    RecordTimeCredits given = credits.credits();
    // 1 hour given earns 1 credit
    return new CreditsEarned(sent, new ProviderEvent(metadata(sent, "time-credits"), new TimeCreditsEarned(
        sent.getProviderId(), offer.getServiceId(), offer.getCommissioner(), offer.getPersonId(), given.getGivenOn(),
        given.getHours(), given.getHours(), given.getActivity())));
  }

  /**
   * A prescription, made by a link worker service from a referral it accepted (the person's episode): a new referral,
   * whose id is the command's own (so that the same command, however often it is read, prescribes once), for
   * referral-service to make and route. The person is referred on by the link worker with them, as the GP referred them.
   */
  private Event prescribe(Prescribe prescribe, OfferState state) {
    ProviderCommand sent = prescribe.sent();
    ReferralOffered offer = state.getOffer();
    if (offer.getServiceKind() != ServiceKind.LINK_WORKER) {
      return new Refused(sent, "only a link worker service prescribes community services; " + offer.getServiceId()
          + " is a community service");
    }
    if (state.getStatus() != ACCEPTED) {
      return new Refused(sent, "a link worker service prescribes once it has accepted the referral; it is " + state.getStatus());
    }
    if (state.getPrescriptions().size() >= MAX_PRESCRIPTIONS) {
      return new Refused(sent, "this episode has " + MAX_PRESCRIPTIONS + " prescriptions, the most one episode makes");
    }
    ServicePrescribed prescribed = new ServicePrescribed(sent.getProviderId(), offer.getServiceId(),
        prescriptionId(state.getReferralId(), sent.getMetadata().getEventId()).toString(),
        prescribe.prescribe().getNeeds(), prescribe.prescribe().getServiceId());
    return new Prescribed(sent, new ProviderEvent(metadata(sent, "prescribed"), prescribed), prescribed);
  }

  /** The id of the referral a link worker's command prescribes: the same for the same command. */
  public static UUID prescriptionId(UUID episodeId, UUID commandId) {
    return UUID.nameUUIDFromBytes(("prescription/" + episodeId + "/" + commandId).getBytes(StandardCharsets.UTF_8));
  }

  /** Why the provider may not act on the offer at all, or null when it holds it. */
  private static String holderRefusal(OfferState state, String providerId) {
    if (state.getOffer().getProviderId().equals(providerId)) {
      if (state.getStatus() == DECLINED) return "provider " + providerId + " declined this referral";
      return null;
    }
    if (state.getDeclinedBy().contains(providerId)) return offeredElsewhere(providerId);
    return "this referral is not offered to provider " + providerId;
  }

  /**
   * The answer to a resend of a command that was applied: the offer as it is now (null), unless the referral has
   * since been offered to another provider (after this one's decline): that offer is not this provider's to see, so
   * the resend is told the referral went elsewhere.
   */
  private static String asApplied(OfferState state, ProviderCommand sent) {
    String providerId = sent.getProviderId();
    return state.getOffer().getProviderId().equals(providerId) ? null : offeredElsewhere(providerId);
  }

  private static String offeredElsewhere(String providerId) {
    return "provider " + providerId + " declined this referral; it has been offered elsewhere";
  }

  /** The offer moved to {@code to} by the command, which is processed. */
  private static OfferState.Builder moved(OfferState state, OfferStatus to, ProviderCommand command) {
    if (!OfferLifecycle.allows(state.getStatus(), to)) {
      throw new IllegalStateException(state.getStatus() + " -> " + to + " is not a transition of an offer");
    }
    return OfferState.newBuilder(state).setStatus(to)
        .setProcessedCommandIds(OfferLifecycle.processed(state, command.getMetadata()));
  }

  /** The offer remembering the command's answer, when it came with an Idempotency-Key. */
  private static OfferState remembered(OfferState state, ProviderCommand command, String refusal) {
    return command.getRequestDigest() == null ? state : RememberedCommands.remember(state, command, refusal);
  }

  private EventMetadata metadata(ProviderCommand cause, String what) {
    return Events.causedBy(SELF, cause.getMetadata(), what, clock);
  }
}
