package org.linkway.referral.lifecycle.domain;

import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.linkway.commands.CancelReferral;
import org.linkway.commands.ReferralCommand;
import org.linkway.events.CancelRequested;
import org.linkway.events.EventMetadata;
import org.linkway.events.ReferralCancelled;
import org.linkway.events.ReferralEvent;
import org.linkway.platform.domain.Decider;
import org.linkway.platform.kafka.Events;
import org.linkway.referral.ReferralServiceApplication;
import org.linkway.state.ReferralState;
import org.linkway.state.ReferralStatus;

/**
 * The referrer's cancel, as referral-service takes it. A referral with a provider (offered or accepted) may be
 * accepted, completed or declined at the same moment, and provider-service decides those: so the cancel is asked
 * of it ({@link CancelRequested}), kept pending, and decided here only when its answer comes back
 * ({@link Decided}: the offer was cancelled, or it had ended first). A referral not with a provider (just
 * submitted) is cancelled at once; an ended one refuses the cancel at once. A cancel sent while one is pending
 * waits for the same answer. Which commands a step answers, and how, is {@link #answers}.
 */
public final class ReferrerCancels implements Decider<ReferrerCancels.Command, ReferralState, ReferrerCancels.Event> {

  private static final String SELF = ReferralServiceApplication.NAME;

  /** What this decider is asked. */
  public sealed interface Command permits Cancel, Decided {
    Kind kind();

    enum Kind { CANCEL, DECIDED }
  }

  /** The referrer's cancel command. */
  public record Cancel(ReferralCommand command) implements Command {
    @Override
    public Kind kind() {
      return Kind.CANCEL;
    }
  }

  /** provider-service's decision on the cancel {@code cancelId}: null refusal when it cancelled the offer. */
  public record Decided(String cancelId, String refusal) implements Command {
    @Override
    public Kind kind() {
      return Kind.DECIDED;
    }
  }

  /** What it decides. */
  public sealed interface Event permits Asked, Joined, Cancelled, Refused {
    Kind kind();

    enum Kind { ASKED, JOINED, CANCELLED, REFUSED }
  }

  /** The cancel is asked of provider-service ({@code requested}, to write to {@code referrals}) and kept pending. */
  public record Asked(ReferralCommand command, ReferralEvent requested) implements Event {
    @Override
    public Kind kind() {
      return Kind.ASKED;
    }
  }

  /** Another cancel, sent while one is pending, waits for its answer. */
  public record Joined(UUID commandId) implements Event {
    @Override
    public Kind kind() {
      return Kind.JOINED;
    }
  }

  /** The referral is cancelled ({@code cancelled}, to write to {@code referrals}) as {@code command} asked. */
  public record Cancelled(ReferralCommand command, ReferralEvent cancelled) implements Event {
    @Override
    public Kind kind() {
      return Kind.CANCELLED;
    }
  }

  /** The cancel is refused, and why; any pending is no longer. */
  public record Refused(String reason) implements Event {
    @Override
    public Kind kind() {
      return Kind.REFUSED;
    }
  }

  private final Clock clock;

  public ReferrerCancels(Clock clock) {
    this.clock = clock;
  }

  @Override
  public List<Event> decide(Command command, ReferralState state) {
    return switch (command.kind()) {
      case CANCEL -> cancel(((Cancel) command).command(), state);
      case DECIDED -> decided((Decided) command, state);
    };
  }

  @Override
  public ReferralState evolve(ReferralState state, Event event) {
    return switch (event.kind()) {
      case ASKED -> ReferralState.newBuilder(state).setPendingCancel(((Asked) event).command()).build();
      case JOINED -> {
        List<String> waiting = new ArrayList<>(state.getCancelsWaiting());
        waiting.add(((Joined) event).commandId().toString());
        yield ReferralState.newBuilder(state).setCancelsWaiting(waiting).build();
      }
      case CANCELLED -> cancelledState(state, (Cancelled) event);
      case REFUSED -> state.getPendingCancel() == null && state.getCancelsWaiting().isEmpty() ? state
          : ReferralState.newBuilder(state).setPendingCancel(null).setCancelsWaiting(new ArrayList<>()).build();
    };
  }

  /**
   * The commands a step answers, given the state before it and what it decided: a cancel decided at once, or every
   * cancel waiting once provider-service's decision is applied; none while a cancel is asked or joins the wait.
   */
  public static List<ReferralLifecycle.Answer> answers(Command command, ReferralState before, List<Event> events) {
    List<ReferralLifecycle.Answer> answers = new ArrayList<>();
    for (Event event : events) {
      boolean answered = switch (event.kind()) {
        case ASKED, JOINED -> false;
        case CANCELLED, REFUSED -> true;
      };
      if (!answered) continue;
      String refusal = event instanceof Refused refused ? refused.reason() : null;
      if (command instanceof Cancel cancel) {
        answers.add(new ReferralLifecycle.Answer(cancel.command().getMetadata().getEventId(), refusal));
      } else {
        answers.add(new ReferralLifecycle.Answer(before.getPendingCancel().getMetadata().getEventId(), refusal));
        for (String waiting : before.getCancelsWaiting()) answers.add(new ReferralLifecycle.Answer(UUID.fromString(waiting), refusal));
      }
    }
    return answers;
  }

  /** What an event writes to {@code referrals}, if anything. */
  public static Optional<ReferralEvent> written(Event event) {
    return switch (event.kind()) {
      case ASKED -> Optional.of(((Asked) event).requested());
      case CANCELLED -> Optional.of(((Cancelled) event).cancelled());
      case JOINED, REFUSED -> Optional.empty();
    };
  }

  private List<Event> cancel(ReferralCommand command, ReferralState state) {
    UUID commandId = command.getMetadata().getEventId();
    CancelReferral cancel = (CancelReferral) command.getCommand();
    return switch (state.getStatus()) {
      case OFFERED, ACCEPTED -> state.getPendingCancel() != null ? List.of(new Joined(commandId))
          : List.of(new Asked(command, new ReferralEvent(metadata(command.getMetadata(), "cancel-requested"),
              new CancelRequested(cancel.getRequestedBy(), commandId.toString()))));
      case SUBMITTED -> List.of(cancelled(command));
      case COMPLETED, UNPLACED, CANCELLED, DECLINED, UNKNOWN -> List.of(new Refused(notCancellable(state.getStatus())));
    };
  }

  private List<Event> decided(Decided decided, ReferralState state) {
    ReferralCommand pending = state.getPendingCancel();
    if (pending == null || !pending.getMetadata().getEventId().toString().equals(decided.cancelId())) return List.of();
    if (decided.refusal() == null && ReferralLifecycle.allows(state.getStatus(), ReferralStatus.CANCELLED)) {
      return List.of(cancelled(pending));
    }
    // the offer ended first: that end has been read here already, and is what the referrer is told
    return List.of(new Refused(ReferralLifecycle.ended(state.getStatus()) || decided.refusal() == null
        ? notCancellable(state.getStatus()) : decided.refusal()));
  }

  private Cancelled cancelled(ReferralCommand command) {
    CancelReferral cancel = (CancelReferral) command.getCommand();
    return new Cancelled(command, new ReferralEvent(metadata(command.getMetadata(), "cancelled"),
        new ReferralCancelled(cancel.getReason(), cancel.getRequestedBy(), cancel.getSealedReason())));
  }

  private static ReferralState cancelledState(ReferralState state, Cancelled event) {
    ReferralCommand command = event.command();
    CancelReferral cancel = (CancelReferral) command.getCommand();
    ReferralState moved = ReferralLifecycle.move(state, ReferralStatus.CANCELLED, command.getMetadata().getOccurredAt(),
        "ReferralCancelled", ReferralLifecycle.actor(command.getMetadata(), cancel.getRequestedBy()), cancel.getReason(),
        cancel.getSealedReason());
    return ReferralState.newBuilder(moved).setRespondBy(null).setPendingCancel(null).setCancelsWaiting(new ArrayList<>())
        .setTaskStatus(state.getTaskStatus() == null ? null : "cancelled").build();
  }

  static String notCancellable(ReferralStatus status) {
    return "the referral is " + status + " and can no longer be cancelled";
  }

  private EventMetadata metadata(EventMetadata cause, String what) {
    return EventMetadata.newBuilder(Events.causedBy(SELF, cause, what))
        .setOccurredAt(clock.instant().truncatedTo(ChronoUnit.MILLIS)).build();
  }
}
