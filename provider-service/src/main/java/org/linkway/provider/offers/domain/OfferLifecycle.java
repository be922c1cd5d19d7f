package org.linkway.provider.offers.domain;

import static org.linkway.state.OfferStatus.ACCEPTED;
import static org.linkway.state.OfferStatus.ACCEPTING;
import static org.linkway.state.OfferStatus.CANCELLED;
import static org.linkway.state.OfferStatus.COMPLETED;
import static org.linkway.state.OfferStatus.DECLINED;
import static org.linkway.state.OfferStatus.OFFERED;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.linkway.commands.AcceptReferral;
import org.linkway.commands.ProviderCommand;
import org.linkway.events.BudgetDecision;
import org.linkway.events.BudgetRequest;
import org.linkway.events.DeclineReason;
import org.linkway.events.EventMetadata;
import org.linkway.events.FundingRefused;
import org.linkway.events.FundingReservation;
import org.linkway.events.Measure;
import org.linkway.events.OfferReminderDue;
import org.linkway.events.ProviderEvent;
import org.linkway.events.ReferralAccepted;
import org.linkway.events.ReferralDeclined;
import org.linkway.events.ReferralOffered;
import org.linkway.events.ReserveFunding;
import org.linkway.events.WithdrawReservation;
import org.linkway.platform.domain.SocialPrescribing;
import org.linkway.platform.kafka.Events;
import org.linkway.provider.ProviderServiceApplication;
import org.linkway.replies.CommandReply;
import org.linkway.state.OfferState;
import org.linkway.state.OfferStatus;

/**
 * The state machine of a referral as its provider handles it. The provider's commands are decided by
 * {@link OfferCommands}: each is checked against the state and either refused with a reason (HTTP 409)
 * or turned into one event on {@code provider-events}. The offers, the budget's answers and the
 * deadlines are applied here.
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
 * <p>The referrer's cancel is decided in order with the provider's commands too ({@link OfferCancels}).
 */
public final class OfferLifecycle {

  private static final Map<OfferStatus, Set<OfferStatus>> NEXT = Map.of(
      OFFERED, Set.of(ACCEPTING, DECLINED, CANCELLED),
      ACCEPTING, Set.of(ACCEPTED, OFFERED, CANCELLED),
      ACCEPTED, Set.of(ACCEPTED, COMPLETED, CANCELLED, DECLINED),
      DECLINED, Set.of(OFFERED, CANCELLED),
      COMPLETED, Set.of(),
      CANCELLED, Set.of());

  private static final String SELF = ProviderServiceApplication.NAME;

  private static final OfferCommands COMMANDS = new OfferCommands(Clock.systemUTC(), (baseline, followUp) -> List.of());

  /**
   * The outcome of one input: the new state, the event to write (if any), the request to the
   * commissioner's budget (if any), and the refusal (if any).
   */
  public record Step(OfferState state, ProviderEvent event, BudgetRequest budgetRequest, String refusal) {
    Step(OfferState state, ProviderEvent event, String refusal) {
      this(state, event, null, refusal);
    }

    static Step refused(OfferState state, String reason) {
      return new Step(state, null, reason);
    }

    /** The command is not decided yet: it waits for the budget's answer. */
    public boolean awaitsBudget() {
      return budgetRequest != null && budgetRequest.getPayload() instanceof ReserveFunding;
    }
  }

  private OfferLifecycle() {}

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

  /**
   * A new offer. A referral re-offered after a decline keeps the list of providers that declined it.
   * Only a declined offer is offered again: ACCEPTING -> OFFERED is the budget's refusal, not a new
   * offer, so an offer arriving (again) while the budget decides keeps the acceptance in progress.
   */
  public static OfferState offered(OfferState previous, ReferralOffered offer, EventMetadata meta) {
    if (previous != null && previous.getStatus() != DECLINED) {
      return previous;
    }
    return OfferState.newBuilder()
        .setReferralId(meta.getReferralId())
        .setStatus(OFFERED)
        .setOffer(offer)
        .setOfferedAt(meta.getOccurredAt())
        .setRespondBy(offer.getRespondBy())
        .setDeclinedBy(previous == null ? new ArrayList<>() : new ArrayList<>(previous.getDeclinedBy()))
        .setSessionsAttended(0)
        .setProcessedCommandIds(new ArrayList<>())
        .setRememberedCommands(previous == null ? new ArrayList<>() : new ArrayList<>(previous.getRememberedCommands()))
        .build();
  }

  /** Half the time to answer has passed: remind the provider, once. */
  public static Step remind(OfferState state, EventMetadata meta) {
    if (state.getStatus() != OFFERED || state.getReminded() || state.getRespondBy() == null) {
      return Step.refused(state, "no reminder due");
    }
    ProviderEvent event = new ProviderEvent(meta, new OfferReminderDue(state.getOffer().getProviderId(),
        state.getOffer().getServiceId(), state.getRespondBy()));
    return new Step(OfferState.newBuilder(state).setReminded(true).build(), event, null);
  }

  /** The deadline passed without an answer: the offer is declined as EXPIRED and the referral moves on. */
  public static Step expire(OfferState state, EventMetadata meta) {
    if (state.getStatus() != OFFERED || state.getRespondBy() == null || meta.getOccurredAt().isBefore(state.getRespondBy())) {
      return Step.refused(state, "not expired");
    }
    String providerId = state.getOffer().getProviderId();
    ProviderEvent event = new ProviderEvent(meta, new ReferralDeclined(providerId, state.getOffer().getServiceId(),
        DeclineReason.EXPIRED, "no answer by " + state.getRespondBy(), null, null));
    List<String> declinedBy = new ArrayList<>(state.getDeclinedBy());
    declinedBy.add(providerId);
    return new Step(OfferState.newBuilder(state).setStatus(DECLINED).setDeclinedBy(declinedBy)
        .setDeclineReason(DeclineReason.EXPIRED).build(), event, null);
  }


  /**
   * The referrer cancelled: an open offer, or one its provider declined before the referral is offered again, is
   * cancelled; one that ended (completed, declined by the person) stays as it ended.
   */
  public static OfferState cancelled(OfferState state) {
    if (state.getStatus() == DECLINED && declinedByThePerson(state)) return state;
    return allows(state.getStatus(), CANCELLED)
        ? OfferState.newBuilder(state).setStatus(CANCELLED).build()
        : state;
  }

  /**
   * A provider's command as one step: what {@link OfferCommands} decides (with no measure changes, on the system
   * clock), applied to the state, with what it writes, what it asks of the budget and its refusal. The offer's
   * processor runs the decider itself; this is its decision in the shape of the budget's and the deadlines' steps.
   */
  public static Step decide(OfferState state, ProviderCommand command) {
    List<OfferCommands.Event> events = COMMANDS.decide(OfferCommands.Command.of(command), state);
    OfferState after = COMMANDS.evolve(state, events);
    return new Step(after, first(events, OfferCommands::written), first(events, OfferCommands::asked),
        first(events, event -> OfferCommands.answer(event, after).map(CommandReply::getRefusal)));
  }

  private static <T> T first(List<OfferCommands.Event> events, Function<OfferCommands.Event, Optional<T>> what) {
    return events.stream().map(what).flatMap(Optional::stream).findFirst().orElse(null);
  }

  /**
   * The commissioner's budget answered an acceptance: reserved, so the referral is accepted with
   * the reservation on its {@link ReferralAccepted}; or refused, so the offer is open again and the
   * provider is told why. A reservation that arrives after the referral was cancelled is given back.
   * The refusal of the returned step is the answer to the provider's accept command, remembered for a resend of
   * it when it came with an Idempotency-Key.
   */
  public static Step budgetDecided(OfferState state, BudgetDecision decision) {
    Step step = budgetDecision(state, decision);
    if (step.refusal() == null || step.state() == state) return step;
    return new Step(RememberedCommands.refused(step.state(), decision.getAcceptCommandId(), step.refusal()),
        step.event(), step.budgetRequest(), step.refusal());
  }

  private static Step budgetDecision(OfferState state, BudgetDecision decision) {
    String decisionId = decision.getMetadata().getEventId().toString();
    if (state.getProcessedCommandIds().contains(decisionId)) return Step.refused(state, "already applied");
    ProviderCommand accept = state.getPendingAccept();
    boolean answersPending = state.getStatus() == ACCEPTING && accept != null
        && accept.getMetadata().getEventId().toString().equals(decision.getAcceptCommandId());
    OfferState.Builder after = OfferState.newBuilder(state).setProcessedCommandIds(processed(state, decision.getMetadata()));
    if (decision.getPayload() instanceof FundingRefused refused) {
      if (!answersPending) return new Step(after.build(), null, refused.getReason());
      return new Step(after.setStatus(OFFERED).setPendingAccept(null).build(), null, refused.getReason());
    }
    FundingReservation reservation = (FundingReservation) decision.getPayload();
    if (!answersPending) {
      // the referral ended while the budget decided: give the reservation back
      BudgetRequest withdraw = reservation.getAmount().signum() <= 0 ? null : new BudgetRequest(
          Events.causedBy(SELF, decision.getMetadata(), "withdraw"), new WithdrawReservation(state.getOffer().getCommissioner(),
              reservation.getFinancialYear(), reservation.getAmount(), "the referral was " + state.getStatus() + " before its funding was reserved"));
      return new Step(after.build(), null, withdraw, notNow("accepted", state.getStatus()));
    }
    ReferralOffered offer = state.getOffer();
    ProviderEvent event = new ProviderEvent(Events.causedBy(SELF, accept.getMetadata(), "decided"), new ReferralAccepted(
        offer.getProviderId(), offer.getServiceId(), offer.getCommissioner(), offer.getPersonId(), offer.getNeeds(), reservation));
    OfferState accepted = after.setStatus(ACCEPTED).setAccepted(true).setPendingAccept(null).build();
    return new Step(withBaseline(accepted, ((AcceptReferral) accept.getCommand()).getMeasures()), event, null);
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
