package org.linkway.provider.offers.domain;

import static org.linkway.state.OfferStatus.ACCEPTED;
import static org.linkway.state.OfferStatus.ACCEPTING;
import static org.linkway.state.OfferStatus.CANCELLED;
import static org.linkway.state.OfferStatus.COMPLETED;
import static org.linkway.state.OfferStatus.DECLINED;
import static org.linkway.state.OfferStatus.OFFERED;

import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.linkway.commands.AcceptReferral;
import org.linkway.commands.ProviderCommand;
import org.linkway.events.BudgetDecision;
import org.linkway.events.BudgetRequest;
import org.linkway.events.CancelRequested;
import org.linkway.events.DeclineReason;
import org.linkway.events.EventMetadata;
import org.linkway.events.FundingRefused;
import org.linkway.events.FundingReservation;
import org.linkway.events.Measure;
import org.linkway.events.MeasureChange;
import org.linkway.events.OfferReminderDue;
import org.linkway.events.ProviderEvent;
import org.linkway.events.ReferralAccepted;
import org.linkway.events.ReferralCancelled;
import org.linkway.events.ReferralDeclined;
import org.linkway.events.ReferralEvent;
import org.linkway.events.ReferralOffered;
import org.linkway.events.ReserveFunding;
import org.linkway.events.WithdrawReservation;
import org.linkway.platform.domain.Decider;
import org.linkway.platform.domain.SocialPrescribing;
import org.linkway.platform.kafka.Events;
import org.linkway.platform.streams.Decisions;
import org.linkway.provider.ProviderServiceApplication;
import org.linkway.replies.CommandReply;
import org.linkway.state.OfferState;
import org.linkway.state.OfferStatus;

/**
 * The state machine of a referral as its provider handles it: a {@link Decider} of every {@link Input} the offer's
 * stream task takes (an offer, the referrer's cancel and cancellation, the provider's commands, the budget's answers
 * to an acceptance, the reminder and the expiry falling due), deciding the {@link Event}s that happen to the offer.
 * The provider's commands are {@link OfferCommands}'s to decide, the referrer's cancel {@link OfferCancels}'s: their
 * events are this lifecycle's ({@link Commanded}, {@link Cancelling}), so one decide and one evolve take every input
 * in the order it comes. What each event writes to {@code provider-events}, asks of the commissioner's budget and
 * answers is {@link #written}, {@link #asked} and {@link #answer}.
 *
 * <p>An acceptance asks the commissioner's budget first: the accept command moves the offer to
 * ACCEPTING and writes a {@link ReserveFunding} request; the budget's answer on
 * {@code budget-decisions} completes the acceptance, or returns the offer to OFFERED and the
 * provider gets a 409 saying the budget is spent.
 *
 * <pre>
 * OFFERED --accept--> ACCEPTING --funding reserved--> ACCEPTED --session--> ACCEPTED --complete--> COMPLETED
 * ACCEPTING --the budget is spent--> OFFERED
 * OFFERED --decline--> DECLINED --offered to the next service--> OFFERED
 * OFFERED --no answer by the deadline--> DECLINED (EXPIRED); a reminder at half-time
 * ACCEPTED --the person declines or cannot be contacted--> DECLINED
 * ACCEPTED --session attended or missed--> ACCEPTED
 * OFFERED, ACCEPTING, ACCEPTED --cancelled by the referrer--> CANCELLED
 * DECLINED (by the provider, before the next offer) --cancelled by the referrer--> CANCELLED
 * </pre>
 *
 * <p>Events occur at the injected clock's instant; an offer, at the instant referral-service made it.
 */
public final class OfferLifecycle implements Decider<OfferLifecycle.Input, OfferState, OfferLifecycle.Event> {

  private static final Map<OfferStatus, Set<OfferStatus>> NEXT = Map.of(
      OFFERED, Set.of(ACCEPTING, DECLINED, CANCELLED),
      ACCEPTING, Set.of(ACCEPTED, OFFERED, CANCELLED),
      ACCEPTED, Set.of(ACCEPTED, COMPLETED, CANCELLED, DECLINED),
      DECLINED, Set.of(OFFERED, CANCELLED),
      COMPLETED, Set.of(),
      CANCELLED, Set.of());

  private static final String SELF = ProviderServiceApplication.NAME;

  /** A record read, or a deadline falling due, that the offer's decider takes. */
  public sealed interface Input permits Offer, Cancel, Cancellation, Command, FundingReserved, FundingDenied,
      ReminderDue, ExpiryDue {
    Kind kind();

    enum Kind { OFFER, CANCEL, CANCELLATION, COMMAND, FUNDING_RESERVED, FUNDING_DENIED, REMINDER_DUE, EXPIRY_DUE }

    /**
     * The input a record read is; empty for one the lifecycle does not take (the referral's other events on
     * {@code referrals}).
     */
    static Optional<Input> of(SpecificRecord read) {
      if (read instanceof ReferralEvent event) {
        Object payload = event.getPayload();
        if (payload instanceof ReferralOffered offer) return Optional.of(new Offer(event.getMetadata(), offer));
        if (payload instanceof CancelRequested request) {
          return Optional.of(new Cancel(new OfferCancels.Cancel(event.getMetadata(), request)));
        }
        if (payload instanceof ReferralCancelled) return Optional.of(new Cancellation());
        return Optional.empty();
      }
      if (read instanceof ProviderCommand command) return Optional.of(new Command(OfferCommands.Command.of(command)));
      if (read instanceof BudgetDecision decision) return Optional.of(of(decision));
      return Optional.empty();
    }

    /** The budget's answer; its schema allows no other than these. */
    static Input of(BudgetDecision decision) {
      Object payload = decision.getPayload();
      if (payload instanceof FundingReservation reservation) return new FundingReserved(decision, reservation);
      if (payload instanceof FundingRefused refused) return new FundingDenied(decision, refused);
      throw new IllegalArgumentException("not a budget decision: " + payload);
    }
  }

  /** referral-service offers the referral to a provider's service (again, after a decline). */
  public record Offer(EventMetadata metadata, ReferralOffered offer) implements Input {
    @Override
    public Kind kind() {
      return Kind.OFFER;
    }
  }

  /** The referrer's request to cancel ({@link OfferCancels}). */
  public record Cancel(OfferCancels.Cancel cancel) implements Input {
    @Override
    public Kind kind() {
      return Kind.CANCEL;
    }
  }

  /** referral-service cancelled the referral ({@link ReferralCancelled}). */
  public record Cancellation() implements Input {
    @Override
    public Kind kind() {
      return Kind.CANCELLATION;
    }
  }

  /** A provider's command ({@link OfferCommands}). */
  public record Command(OfferCommands.Command command) implements Input {
    @Override
    public Kind kind() {
      return Kind.COMMAND;
    }
  }

  /** The commissioner's budget reserved the funding of the acceptance {@code decision} answers. */
  public record FundingReserved(BudgetDecision decision, FundingReservation reservation) implements Input {
    @Override
    public Kind kind() {
      return Kind.FUNDING_RESERVED;
    }
  }

  /** The commissioner's budget refused the acceptance {@code decision} answers. */
  public record FundingDenied(BudgetDecision decision, FundingRefused refused) implements Input {
    @Override
    public Kind kind() {
      return Kind.FUNDING_DENIED;
    }
  }

  /** Half the time to answer the offer of the {@code attempt} has passed. */
  public record ReminderDue(int attempt) implements Input {
    @Override
    public Kind kind() {
      return Kind.REMINDER_DUE;
    }
  }

  /** The deadline to answer the offer of the {@code attempt} has come. */
  public record ExpiryDue(int attempt) implements Input {
    @Override
    public Kind kind() {
      return Kind.EXPIRY_DUE;
    }
  }

  /** What happens to the offer. */
  public sealed interface Event permits Offered, Commanded, Cancelling, Cancelled, Funded, Unfunded, GivenBack,
      Reminded, Expired {
    Kind kind();

    enum Kind { OFFERED, COMMANDED, CANCELLING, CANCELLED, FUNDED, UNFUNDED, GIVEN_BACK, REMINDED, EXPIRED }
  }

  /** Offered ({@code offer}) as of {@code metadata}'s instant; a referral offered again keeps who declined it. */
  public record Offered(EventMetadata metadata, ReferralOffered offer) implements Event {
    @Override
    public Kind kind() {
      return Kind.OFFERED;
    }
  }

  /** What a provider's command decided ({@link OfferCommands}). */
  public record Commanded(OfferCommands.Event decided) implements Event {
    @Override
    public Kind kind() {
      return Kind.COMMANDED;
    }
  }

  /** What the referrer's cancel decided ({@link OfferCancels}). */
  public record Cancelling(OfferCancels.Event decided) implements Event {
    @Override
    public Kind kind() {
      return Kind.CANCELLING;
    }
  }

  /** The referral was cancelled while the offer was open or declined by its provider: the offer is cancelled. */
  public record Cancelled() implements Event {
    @Override
    public Kind kind() {
      return Kind.CANCELLED;
    }
  }

  /** The pending acceptance ({@code accept}) is funded: the referral is accepted ({@code accepted}, written). */
  public record Funded(BudgetDecision decision, ProviderCommand accept, ProviderEvent accepted) implements Event {
    @Override
    public Kind kind() {
      return Kind.FUNDED;
    }
  }

  /**
   * The budget refused an acceptance, for {@code reason}: the offer is open again when it was the pending one
   * ({@code reopens}).
   */
  public record Unfunded(BudgetDecision decision, String reason, boolean reopens) implements Event {
    @Override
    public Kind kind() {
      return Kind.UNFUNDED;
    }
  }

  /**
   * A reservation for an acceptance the offer no longer awaits (it ended while the budget decided): refused
   * ({@code refusal}), and what was reserved given back ({@code withdraw}, null when nothing was).
   */
  public record GivenBack(BudgetDecision decision, BudgetRequest withdraw, String refusal) implements Event {
    @Override
    public Kind kind() {
      return Kind.GIVEN_BACK;
    }
  }

  /** The provider is reminded of the offer ({@code reminder}, written), once. */
  public record Reminded(ProviderEvent reminder) implements Event {
    @Override
    public Kind kind() {
      return Kind.REMINDED;
    }
  }

  /** No answer by the deadline: the offer is declined as EXPIRED ({@code expired}, written). */
  public record Expired(ProviderEvent expired, ReferralDeclined declined) implements Event {
    @Override
    public Kind kind() {
      return Kind.EXPIRED;
    }
  }

  /**
   * One input's outcome in the shape of the lifecycle's entry points before it was a decider: the new state, the
   * event written (if any), the request to the commissioner's budget (if any), and the refusal (if any).
   * OfferLifecycleTest, OfferLifecycleProperties and OfferCommandsTest read the lifecycle through it.
   */
  record Step(OfferState state, ProviderEvent event, BudgetRequest budgetRequest, String refusal) {
    static Step refused(OfferState state, String reason) {
      return new Step(state, null, null, reason);
    }

    /** The command is not decided yet: it waits for the budget's answer. */
    boolean awaitsBudget() {
      return budgetRequest != null && budgetRequest.getPayload() instanceof ReserveFunding;
    }
  }

  /** On the system clock, with no measure changes: for the entry points tests read the lifecycle through. */
  private static final OfferLifecycle SYSTEM = new OfferLifecycle(Clock.systemUTC(), (baseline, followUp) -> List.of());

  private final Clock clock;
  private final OfferCommands commands;
  private final OfferCancels cancels;

  /**
   * @param clock when the events it decides occur
   * @param changes how the measures changed between baseline and follow-up, for the completion
   */
  public OfferLifecycle(Clock clock, BiFunction<List<Measure>, List<Measure>, List<MeasureChange>> changes) {
    this.clock = clock;
    this.commands = new OfferCommands(clock, changes);
    this.cancels = new OfferCancels(clock);
  }

  /**
   * A new offer, and an offer again after a decline: only a declined offer is offered again (ACCEPTING -> OFFERED is
   * the budget's refusal, not a new offer, so an offer arriving again while the budget decides keeps the acceptance
   * in progress). The provider's commands are {@link OfferCommands}'s, the referrer's cancel {@link OfferCancels}'s;
   * the referral's cancellation cancels an open offer, or one its provider declined before the referral is offered
   * again, and leaves one that ended (completed, declined by the person) as it ended. The budget's answer to an
   * acceptance is applied once. A reminder falls due once, at half-time, and the expiry at the deadline, for the
   * attempt still offered and unanswered.
   */
  @Override
  public List<Event> decide(Input input, OfferState state) {
    return switch (input.kind()) {
      case OFFER -> state != null && state.getStatus() != DECLINED ? List.of()
          : List.of(new Offered(((Offer) input).metadata(), ((Offer) input).offer()));
      case CANCEL -> cancels.decide(((Cancel) input).cancel(), state).stream().<Event>map(Cancelling::new).toList();
      case CANCELLATION -> state != null && cancellable(state) ? List.of(new Cancelled()) : List.of();
      case COMMAND -> commands.decide(((Command) input).command(), state).stream().<Event>map(Commanded::new).toList();
      case FUNDING_RESERVED -> state == null || applied(state, ((FundingReserved) input).decision()) ? List.of()
          : List.of(reserved((FundingReserved) input, state));
      case FUNDING_DENIED -> {
        BudgetDecision decision = ((FundingDenied) input).decision();
        yield state == null || applied(state, decision) ? List.of() : List.of(
            new Unfunded(decision, ((FundingDenied) input).refused().getReason(), answersPending(state, decision)));
      }
      case REMINDER_DUE -> {
        int attempt = ((ReminderDue) input).attempt();
        yield !offeredAndUnanswered(state, attempt) || state.getReminded() ? List.of()
            : List.of(new Reminded(new ProviderEvent(scheduled(state, attempt, "reminder"), new OfferReminderDue(
                state.getOffer().getProviderId(), state.getOffer().getServiceId(), state.getRespondBy()))));
      }
      case EXPIRY_DUE -> {
        int attempt = ((ExpiryDue) input).attempt();
        yield offeredAndUnanswered(state, attempt) ? expired(state, scheduled(state, attempt, "expired")) : List.of();
      }
    };
  }

  @Override
  public OfferState evolve(OfferState state, Event event) {
    return switch (event.kind()) {
      case OFFERED -> offeredState(state, (Offered) event);
      case COMMANDED -> commands.evolve(state, ((Commanded) event).decided());
      case CANCELLING -> cancels.evolve(state, ((Cancelling) event).decided());
      case CANCELLED -> cancelled(state);
      case FUNDED -> {
        Funded funded = (Funded) event;
        OfferState accepted = answered(state, funded.decision())
            .setStatus(ACCEPTED).setAccepted(true).setPendingAccept(null).build();
        yield withBaseline(accepted, ((AcceptReferral) funded.accept().getCommand()).getMeasures());
      }
      case UNFUNDED -> {
        Unfunded unfunded = (Unfunded) event;
        OfferState.Builder after = answered(state, unfunded.decision());
        if (unfunded.reopens()) after.setStatus(OFFERED).setPendingAccept(null);
        yield refusalRemembered(after.build(), unfunded.decision(), unfunded.reason());
      }
      case GIVEN_BACK -> {
        GivenBack givenBack = (GivenBack) event;
        yield refusalRemembered(answered(state, givenBack.decision()).build(), givenBack.decision(), givenBack.refusal());
      }
      case REMINDED -> OfferState.newBuilder(state).setReminded(true).build();
      case EXPIRED -> {
        ReferralDeclined declined = ((Expired) event).declined();
        List<String> declinedBy = new ArrayList<>(state.getDeclinedBy());
        declinedBy.add(declined.getProviderId());
        yield OfferState.newBuilder(state).setStatus(DECLINED).setDeclinedBy(declinedBy)
            .setDeclineReason(declined.getReason()).build();
      }
    };
  }

  /** What an event writes to {@code provider-events}, if anything. */
  public static Optional<ProviderEvent> written(Event event) {
    return switch (event.kind()) {
      case COMMANDED -> OfferCommands.written(((Commanded) event).decided());
      case CANCELLING -> Optional.of(((Cancelling) event).decided().event());
      case FUNDED -> Optional.of(((Funded) event).accepted());
      case REMINDED -> Optional.of(((Reminded) event).reminder());
      case EXPIRED -> Optional.of(((Expired) event).expired());
      case OFFERED, CANCELLED, UNFUNDED, GIVEN_BACK -> Optional.empty();
    };
  }

  /** What an event asks of the commissioner's budget (on {@code budget-requests}), if anything. */
  public static Optional<BudgetRequest> asked(Event event) {
    return switch (event.kind()) {
      case COMMANDED -> OfferCommands.asked(((Commanded) event).decided());
      case GIVEN_BACK -> Optional.ofNullable(((GivenBack) event).withdraw());
      case OFFERED, CANCELLING, CANCELLED, FUNDED, UNFUNDED, REMINDED, EXPIRED -> Optional.empty();
    };
  }

  /**
   * How a command is answered, given the offer after the event: a provider's command as {@link OfferCommands#answer}
   * says, and an accept when the budget has decided it: applied (with the offer), or refused with the reason.
   */
  public static Optional<CommandReply> answer(Event event, OfferState after) {
    return switch (event.kind()) {
      case COMMANDED -> OfferCommands.answer(((Commanded) event).decided(), after);
      case FUNDED -> Optional.of(Decisions.accepted(acceptId(((Funded) event).decision()), after));
      case UNFUNDED -> Optional.of(Decisions.refused(acceptId(((Unfunded) event).decision()), ((Unfunded) event).reason()));
      case GIVEN_BACK ->
          Optional.of(Decisions.refused(acceptId(((GivenBack) event).decision()), ((GivenBack) event).refusal()));
      case OFFERED, CANCELLING, CANCELLED, REMINDED, EXPIRED -> Optional.empty();
    };
  }

  /**
   * Whether what the event writes, asks and answers goes on in the referral's trace, which it takes up (the first
   * trace seen for the referral becomes its trace): a provider's command only when it writes or asks something.
   */
  public static boolean traced(Event event) {
    return switch (event.kind()) {
      case COMMANDED -> written(event).isPresent() || asked(event).isPresent();
      case OFFERED, CANCELLING, FUNDED, UNFUNDED, GIVEN_BACK, REMINDED, EXPIRED -> true;
      case CANCELLED -> false;
    };
  }

  /**
   * Whether the offer awaits its provider's answer from this event on, so that its reminder and expiry are due: a new
   * offer, and one open again after the budget's answer (its deadline still counts).
   */
  public static boolean awaitsAnswer(Event event, OfferState after) {
    return switch (event.kind()) {
      case OFFERED -> true;
      case FUNDED, UNFUNDED, GIVEN_BACK -> after.getStatus() == OFFERED;
      case COMMANDED, CANCELLING, CANCELLED, REMINDED, EXPIRED -> false;
    };
  }

  /**
   * The offer ended without the provider accepting it: declined (by it, by the person, or as the
   * deadline passed), cancelled by the referrer or withdrawn before its acceptance. The provider is no
   * longer involved with the person. An offer it accepted stays its own, however the referral ends.
   */
  public static boolean endedWithoutAcceptance(OfferState state) {
    OfferStatus status = state.getStatus();
    return !state.getAccepted() && (status == DECLINED || status == CANCELLED || status == OfferStatus.WITHDRAWN);
  }

  /**
   * A declined offer was declined by the person (which ends the referral), not by its provider or by its deadline
   * (which send it on). The reason is kept since races were decided here; in an offer declined before that, only a
   * decline after acceptance can have been the person's.
   */
  public static boolean declinedByThePerson(OfferState state) {
    return state.getDeclineReason() != null ? SocialPrescribing.declinedByThePerson(state.getDeclineReason()) : state.getAccepted();
  }

  public static boolean allows(OfferStatus from, OfferStatus to) {
    return NEXT.getOrDefault(from, Set.of()).contains(to);
  }

  /** FHIR R4 Task.status of the provider's task for a referral. */
  public static String taskStatus(OfferStatus status) {
    return switch (status) {
      case OFFERED -> "requested";
      case ACCEPTING -> "received";
      case ACCEPTED -> "accepted";
      case DECLINED -> "rejected";
      case COMPLETED -> "completed";
      case CANCELLED -> "cancelled";
      default -> "unknown";
    };
  }

  /** The referral's cancellation: an open offer, or one declined by its provider, is cancelled; others stay. */
  static OfferState cancelled(OfferState state) {
    return cancellable(state) ? OfferState.newBuilder(state).setStatus(CANCELLED).build() : state;
  }

  private static boolean cancellable(OfferState state) {
    if (state.getStatus() == DECLINED && declinedByThePerson(state)) return false;
    return allows(state.getStatus(), CANCELLED);
  }

  /** A new offer; a referral re-offered after a decline keeps the providers that declined it. */
  private static OfferState offeredState(OfferState previous, Offered offered) {
    EventMetadata meta = offered.metadata();
    return OfferState.newBuilder()
        .setReferralId(meta.getReferralId())
        .setStatus(OFFERED)
        .setOffer(offered.offer())
        .setOfferedAt(meta.getOccurredAt())
        .setRespondBy(offered.offer().getRespondBy())
        .setDeclinedBy(previous == null ? new ArrayList<>() : new ArrayList<>(previous.getDeclinedBy()))
        .setSessionsAttended(0)
        .setProcessedCommandIds(new ArrayList<>())
        .setRememberedCommands(previous == null ? new ArrayList<>() : new ArrayList<>(previous.getRememberedCommands()))
        .build();
  }

  /** The offer of the attempt is still offered, unanswered, with a deadline. */
  private static boolean offeredAndUnanswered(OfferState state, int attempt) {
    return state != null && state.getOffer().getAttempt() == attempt && state.getStatus() == OFFERED
        && state.getRespondBy() != null;
  }

  private EventMetadata scheduled(OfferState state, int attempt, String what) {
    return Events.scheduled(SELF, state.getReferralId(), "attempt-" + attempt + "-" + what, clock);
  }

  /** The deadline passed without an answer, unless it has not come yet as of {@code meta}. */
  private static List<Event> expired(OfferState state, EventMetadata meta) {
    if (meta.getOccurredAt().isBefore(state.getRespondBy())) return List.of();
    ReferralDeclined declined = new ReferralDeclined(state.getOffer().getProviderId(), state.getOffer().getServiceId(),
        DeclineReason.EXPIRED, "no answer by " + state.getRespondBy(), null, null);
    return List.of(new Expired(new ProviderEvent(meta, declined), declined));
  }

  private static boolean applied(OfferState state, BudgetDecision decision) {
    return state.getProcessedCommandIds().contains(decision.getMetadata().getEventId().toString());
  }

  /** Whether the decision answers the acceptance the offer awaits. */
  private static boolean answersPending(OfferState state, BudgetDecision decision) {
    ProviderCommand accept = state.getPendingAccept();
    return state.getStatus() == ACCEPTING && accept != null
        && accept.getMetadata().getEventId().toString().equals(decision.getAcceptCommandId());
  }

  /**
   * Funding reserved: the pending acceptance is accepted, with the reservation on its {@link ReferralAccepted}; a
   * reservation that arrives after the offer ended (cancelled while the budget decided) is given back.
   */
  private Event reserved(FundingReserved reserved, OfferState state) {
    BudgetDecision decision = reserved.decision();
    FundingReservation reservation = reserved.reservation();
    if (!answersPending(state, decision)) {
      BudgetRequest withdraw = reservation.getAmount().signum() <= 0 ? null : new BudgetRequest(
          Events.causedBy(SELF, decision.getMetadata(), "withdraw", clock),
          new WithdrawReservation(state.getOffer().getCommissioner(), reservation.getFinancialYear(),
              reservation.getAmount(), "the referral was " + state.getStatus() + " before its funding was reserved"));
      return new GivenBack(decision, withdraw, notNow("accepted", state.getStatus()));
    }
    ProviderCommand accept = state.getPendingAccept();
    ReferralOffered offer = state.getOffer();
    return new Funded(decision, accept, new ProviderEvent(Events.causedBy(SELF, accept.getMetadata(), "decided", clock),
        new ReferralAccepted(offer.getProviderId(), offer.getServiceId(), offer.getCommissioner(), offer.getPersonId(),
            offer.getNeeds(), reservation)));
  }

  /** The budget's decision processed: applied once. */
  private static OfferState.Builder answered(OfferState state, BudgetDecision decision) {
    return OfferState.newBuilder(state).setProcessedCommandIds(processed(state, decision.getMetadata()));
  }

  /** The accept's refusal, remembered for a resend of it when it came with an Idempotency-Key. */
  private static OfferState refusalRemembered(OfferState state, BudgetDecision decision, String refusal) {
    return refusal == null ? state : RememberedCommands.refused(state, decision.getAcceptCommandId(), refusal);
  }

  private static UUID acceptId(BudgetDecision decision) {
    return UUID.fromString(decision.getAcceptCommandId());
  }

  // ---------------------------------------------------------------- the entry points tests read the lifecycle by

  /** A new offer, or the state as it is when the offer changes nothing. */
  static OfferState offered(OfferState previous, ReferralOffered offer, EventMetadata meta) {
    return SYSTEM.evolve(previous, SYSTEM.decide(new Offer(meta, offer), previous));
  }

  /** Half the time to answer has passed, as of {@code meta}: the provider is reminded, once. */
  static Step remind(OfferState state, EventMetadata meta) {
    return step(at(meta), state, new ReminderDue(state.getOffer().getAttempt()), "no reminder due");
  }

  /** The deadline passed without an answer, as of {@code meta}: the offer is declined as EXPIRED. */
  static Step expire(OfferState state, EventMetadata meta) {
    return step(at(meta), state, new ExpiryDue(state.getOffer().getAttempt()), "not expired");
  }

  /** A provider's command as one step, decided on the system clock with no measure changes. */
  static Step decide(OfferState state, ProviderCommand command) {
    return step(SYSTEM, state, new Command(OfferCommands.Command.of(command)), null);
  }

  /** The commissioner's budget answered an acceptance; its refusal is the answer to the accept. */
  static Step budgetDecided(OfferState state, BudgetDecision decision) {
    return step(SYSTEM, state, Input.of(decision), "already applied");
  }

  private static OfferLifecycle at(EventMetadata meta) {
    return new OfferLifecycle(Clock.fixed(meta.getOccurredAt(), ZoneOffset.UTC), (baseline, followUp) -> List.of());
  }

  /** The input decided and its events folded; {@code unchanged}: the refusal when nothing happens, if any. */
  private static Step step(OfferLifecycle lifecycle, OfferState state, Input input, String unchanged) {
    List<Event> events = lifecycle.decide(input, state);
    if (events.isEmpty() && unchanged != null) return Step.refused(state, unchanged);
    OfferState after = lifecycle.evolve(state, events);
    return new Step(after, first(events, OfferLifecycle::written), first(events, OfferLifecycle::asked),
        first(events, event -> answer(event, after).map(CommandReply::getRefusal)));
  }

  private static <T> T first(List<Event> events, Function<Event, Optional<T>> what) {
    return events.stream().map(what).flatMap(Optional::stream).findFirst().orElse(null);
  }

  static List<String> processed(OfferState state, EventMetadata meta) {
    List<String> processed = new ArrayList<>(state.getProcessedCommandIds());
    processed.add(meta.getEventId().toString());
    return processed;
  }

  /** Baseline measures given at acceptance or at a session are kept until the completion. */
  static OfferState withBaseline(OfferState state, List<Measure> measures) {
    if (measures == null || measures.isEmpty()) return state;
    List<Measure> baseline = new ArrayList<>(state.getBaseline());
    baseline.addAll(measures);
    return OfferState.newBuilder(state).setBaseline(baseline).build();
  }

  static String notNow(String verb, OfferStatus status) {
    return switch (status) {
      case ACCEPTED -> "the referral has already been accepted";
      case ACCEPTING -> "the referral's acceptance is being decided (the commissioner's budget is asked to reserve its funding)";
      case COMPLETED -> "the referral has been completed";
      case CANCELLED -> "the referral was cancelled by the referrer";
      default -> "the referral cannot be " + verb + " now: it is " + status;
    };
  }
}
