package org.linkway.provider.offers.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.linkway.commands.AcceptReferral;
import org.linkway.commands.CompleteReferral;
import org.linkway.commands.DeclineReferral;
import org.linkway.commands.ProviderCommand;
import org.linkway.commands.RecordSession;
import org.linkway.events.BudgetDecision;
import org.linkway.events.Completion;
import org.linkway.events.DeclineReason;
import org.linkway.events.FundingRefused;
import org.linkway.events.FundingReservation;
import org.linkway.events.NeedCode;
import org.linkway.events.Patient;
import org.linkway.events.ReferralAccepted;
import org.linkway.events.ReferralOffered;
import org.linkway.events.ReserveFunding;
import org.linkway.events.WithdrawReservation;
import org.linkway.platform.kafka.Events;
import org.linkway.state.OfferState;
import org.linkway.state.OfferStatus;

/**
 * Properties of the provider-side state machine over random sequences of commands from several
 * providers, with re-offers after declines, cancellations, and the commissioner's budget answering
 * acceptances (reserving, refusing, answering twice, answering an accept it was never asked about)
 * in between:
 *
 * <ul>
 *   <li>at most one ReferralAccepted is ever written, only when the budget reserved the funding of
 *       the accept it answers, and carrying that reservation; a service that declined never accepts;
 *   <li>money is never lost: every reservation granted is either carried by the ReferralAccepted or
 *       given back, and one is given back only when the referral was cancelled while the budget
 *       decided (or the reservation answered no accept of this referral);
 *   <li>an offer waiting for the budget has asked it, and once every request is answered no offer
 *       is left waiting;
 *   <li>a decision delivered twice changes nothing; a completed or cancelled referral never changes.
 * </ul>
 *
 * <p>The budget is modelled as outcome-service runs it: it answers the requests provider-service
 * wrote, one at a time and in order.
 */
class OfferLifecycleProperties {

  static final List<String> PROVIDERS = List.of("prov-a", "prov-b", "prov-c");
  static final List<String> AMOUNTS = List.of("0.00", "120.00", "250.50");
  static final String YEAR = "2026-27";

  record Action(String kind, int provider, boolean attended, int amount) {}

  /** A reservation request written and not yet answered by the budget. */
  record Asked(ProviderCommand accept, ReserveFunding request) {}

  @Provide
  Arbitrary<List<Action>> actions() {
    return Combinators.combine(
            Arbitraries.of("accept", "decline", "person-decline", "session", "complete", "reoffer", "cancel",
                "reserve", "refuse", "redeliver", "stray"),
            Arbitraries.integers().between(0, PROVIDERS.size() - 1),
            Arbitraries.of(true, false),
            Arbitraries.integers().between(0, AMOUNTS.size() - 1))
        .as(Action::new).list().ofMinSize(1).ofMaxSize(40);
  }

  @Property(tries = 1000)
  void theBudgetDecidesEveryAcceptanceAndNoReservationIsLost(@ForAll("actions") List<Action> actions) {
    new Run().play(actions);
  }

  /** One referral's history, and what was written on provider-events and budget-requests. */
  private static final class Run {
    final UUID referralId = UUID.randomUUID();
    OfferState state = OfferLifecycle.offered(null, offer(PROVIDERS.get(0), 1), Events.metadata("test", referralId, null));
    int attempt = 1;
    final List<String> acceptedBy = new ArrayList<>();
    final List<String> declinedBy = new ArrayList<>();
    boolean declinedByThePerson;
    final Deque<Asked> asked = new ArrayDeque<>();
    BudgetDecision lastDecision;
    BigDecimal reserved = BigDecimal.ZERO;
    BigDecimal carried = BigDecimal.ZERO;
    BigDecimal withdrawn = BigDecimal.ZERO;

    void play(List<Action> actions) {
      for (Action action : actions) {
        OfferState before = state;
        OfferState after = act(action);
        if (before.getStatus() == OfferStatus.COMPLETED || before.getStatus() == OfferStatus.CANCELLED) {
          assertThat(after.getStatus()).as("a final state is never left").isEqualTo(before.getStatus());
        }
        state = after;
        checkInvariants();
      }
      // the budget answers whatever it was still asked
      while (!asked.isEmpty()) {
        state = reserve(new Action("reserve", 0, true, 1));
        checkInvariants();
      }
      assertThat(state.getStatus()).as("every acceptance was decided once the budget answered").isNotEqualTo(OfferStatus.ACCEPTING);
      assertThat(acceptedBy).as("ReferralAccepted written").hasSizeLessThanOrEqualTo(1);
    }

    void checkInvariants() {
      assertThat(reserved).as("every reservation is carried by the acceptance or given back")
          .isEqualByComparingTo(carried.add(withdrawn));
      if (state.getStatus() == OfferStatus.ACCEPTING) {
        assertThat(state.getPendingAccept()).as("an accepting offer knows the accept it waits on").isNotNull();
        assertThat(asked).as("an accepting offer waits for a request the budget will answer")
            .anyMatch(a -> a.accept().equals(state.getPendingAccept()));
      }
    }

    OfferState act(Action action) {
      String provider = PROVIDERS.get(action.provider());
      return switch (action.kind()) {
        // referral-service never re-offers to a service that declined (ReferralLifecycleProperties shows it),
        // and closes a referral the person declined instead of offering it elsewhere
        case "reoffer" -> declinedBy.contains(provider) || (state.getStatus() == OfferStatus.DECLINED && declinedByThePerson) ? state
            : OfferLifecycle.offered(state, offer(provider, ++attempt), Events.metadata("test", referralId, null));
        case "cancel" -> OfferLifecycle.cancelled(state);
        case "reserve" -> asked.isEmpty() ? state : reserve(action);
        case "refuse" -> asked.isEmpty() ? state : refuse();
        case "redeliver" -> lastDecision == null ? state : redeliver();
        case "stray" -> stray(action);
        default -> decide(action, provider);
      };
    }

    OfferState decide(Action action, String provider) {
      Object command = switch (action.kind()) {
        case "accept" -> new AcceptReferral(null, List.of(), null);
        case "decline" -> new DeclineReferral(DeclineReason.CAPACITY, null, null);
        case "person-decline" -> new DeclineReferral(DeclineReason.PERSON_DECLINED, null, null);
        case "session" -> new RecordSession(LocalDate.of(2026, 11, 1), action.attended(), List.of());
        default -> new CompleteReferral(Completion.COMPLETED, List.of());
      };
      ProviderCommand sent = new ProviderCommand(Events.metadata("test", referralId, null), provider, command, null);
      OfferLifecycle.Step step = OfferLifecycle.decide(state, sent);
      if (step.event() != null) {
        assertThat(step.event().getPayload()).as("a command alone never accepts: the budget decides")
            .isNotInstanceOf(ReferralAccepted.class);
      }
      if (state.getStatus() != OfferStatus.ACCEPTED) {
        assertThat(step.state().getStatus()).as("only the budget's answer accepts").isNotEqualTo(OfferStatus.ACCEPTED);
      }
      if (step.awaitsBudget()) {
        assertThat(action.kind()).isEqualTo("accept");
        assertThat(state.getStatus()).isEqualTo(OfferStatus.OFFERED);
        assertThat(step.event()).isNull();
        assertThat(step.state().getStatus()).isEqualTo(OfferStatus.ACCEPTING);
        assertThat(step.budgetRequest().getPayload()).isEqualTo(new ReserveFunding("QMM", provider,
            state.getOffer().getServiceId(), sent.getMetadata().getEventId().toString()));
        asked.add(new Asked(sent, (ReserveFunding) step.budgetRequest().getPayload()));
      } else {
        assertThat(step.budgetRequest()).as("only an accept asks the budget").isNull();
      }
      if (step.refusal() == null && action.kind().endsWith("decline")) {
        declinedBy.add(provider);
        declinedByThePerson = action.kind().equals("person-decline");
      }
      return step.state();
    }

    OfferState reserve(Action action) {
      Asked answered = asked.poll();
      FundingReservation reservation = new FundingReservation("contract-1", new BigDecimal(AMOUNTS.get(action.amount())), YEAR, false);
      BudgetDecision decision = decision(answered.request().getAcceptCommandId(), reservation);
      OfferLifecycle.Step step = OfferLifecycle.budgetDecided(state, decision);
      lastDecision = decision;
      reserved = reserved.add(reservation.getAmount());
      boolean answersPending = state.getStatus() == OfferStatus.ACCEPTING && answered.accept().equals(state.getPendingAccept());
      if (step.event() != null) {
        assertThat(answersPending).as("only the pending accept is accepted").isTrue();
        ReferralAccepted accepted = (ReferralAccepted) step.event().getPayload();
        assertThat(accepted.getFunding()).isEqualTo(reservation);
        assertThat(accepted.getProviderId()).isEqualTo(answered.accept().getProviderId());
        assertThat(step.event().getMetadata().getCorrelationId()).isEqualTo(answered.accept().getMetadata().getCorrelationId());
        assertThat(declinedBy).as("a provider that declined never accepts").doesNotContain(accepted.getProviderId());
        assertThat(step.state().getStatus()).isEqualTo(OfferStatus.ACCEPTED);
        assertThat(step.budgetRequest()).isNull();
        acceptedBy.add(accepted.getProviderId());
        carried = carried.add(reservation.getAmount());
      } else {
        assertThat(answersPending).as("the pending accept is accepted when its funding is reserved").isFalse();
        assertThat(state.getStatus()).as("a reservation is given back only when the referral was cancelled meanwhile")
            .isEqualTo(OfferStatus.CANCELLED);
        assertThat(step.state().getStatus()).isEqualTo(state.getStatus());
        withdrawn = withdrawn.add(withdrawal(step, reservation));
      }
      return step.state();
    }

    OfferState refuse() {
      Asked answered = asked.poll();
      BudgetDecision decision = decision(answered.request().getAcceptCommandId(),
          new FundingRefused("QMM", YEAR, new BigDecimal("250.50"), BigDecimal.ZERO, "the budget is spent"));
      OfferLifecycle.Step step = OfferLifecycle.budgetDecided(state, decision);
      lastDecision = decision;
      boolean answersPending = state.getStatus() == OfferStatus.ACCEPTING && answered.accept().equals(state.getPendingAccept());
      assertThat(step.event()).isNull();
      assertThat(step.budgetRequest()).isNull();
      assertThat(step.refusal()).isEqualTo("the budget is spent");
      assertThat(step.state().getStatus()).isEqualTo(answersPending ? OfferStatus.OFFERED : state.getStatus());
      if (answersPending) assertThat(step.state().getPendingAccept()).isNull();
      return step.state();
    }

    OfferState redeliver() {
      OfferLifecycle.Step step = OfferLifecycle.budgetDecided(state, lastDecision);
      if (!state.getProcessedCommandIds().contains(lastDecision.getMetadata().getEventId().toString())) {
        // offered afresh to another service since (a new attempt starts with no processed ids): that
        // follows a provider's decline, which only an offer sent back by a refusal can reach
        assertThat(lastDecision.getPayload()).isInstanceOf(FundingRefused.class);
        assertThat(step.event()).isNull();
        assertThat(step.budgetRequest()).isNull();
        assertThat(step.state().getStatus()).isEqualTo(state.getStatus());
        assertThat(step.state().getPendingAccept()).isEqualTo(state.getPendingAccept());
        return step.state();
      }
      assertThat(step.refusal()).isEqualTo("already applied");
      assertThat(step.state()).as("a decision delivered twice changes nothing").isSameAs(state);
      assertThat(step.event()).isNull();
      assertThat(step.budgetRequest()).isNull();
      return step.state();
    }

    /** A reservation for an accept this referral never sent (not redelivered: see redeliver). */
    OfferState stray(Action action) {
      FundingReservation reservation = new FundingReservation("contract-1", new BigDecimal(AMOUNTS.get(action.amount())), YEAR, false);
      OfferLifecycle.Step step = OfferLifecycle.budgetDecided(state, decision(UUID.randomUUID().toString(), reservation));
      reserved = reserved.add(reservation.getAmount());
      assertThat(step.event()).as("a decision for another accept never accepts").isNull();
      assertThat(step.state().getStatus()).isEqualTo(state.getStatus());
      assertThat(step.state().getPendingAccept()).isEqualTo(state.getPendingAccept());
      withdrawn = withdrawn.add(withdrawal(step, reservation));
      return step.state();
    }

    /** The amount a step gives back: all of a reservation with money in it, as a WithdrawReservation. */
    BigDecimal withdrawal(OfferLifecycle.Step step, FundingReservation reservation) {
      if (reservation.getAmount().signum() == 0) {
        assertThat(step.budgetRequest()).as("nothing to give back").isNull();
        return BigDecimal.ZERO;
      }
      assertThat(step.awaitsBudget()).isFalse();
      assertThat(step.budgetRequest().getPayload()).isInstanceOfSatisfying(WithdrawReservation.class, w -> {
        assertThat(w.getCommissioner()).isEqualTo("QMM");
        assertThat(w.getFinancialYear()).isEqualTo(YEAR);
        assertThat(w.getAmount()).isEqualByComparingTo(reservation.getAmount());
      });
      return ((WithdrawReservation) step.budgetRequest().getPayload()).getAmount();
    }

    BudgetDecision decision(String acceptCommandId, Object payload) {
      return new BudgetDecision(Events.metadata("outcome-service", referralId, null), acceptCommandId, payload);
    }
  }

  private static ReferralOffered offer(String providerId, int attempt) {
    return ReferralOffered.newBuilder()
        .setProviderId(providerId).setServiceId(providerId + "-svc").setAttempt(attempt)
        .setNeedsMet(List.of(NeedCode.LONELINESS)).setCommissioner("QMM").setPersonId("p-1")
        .setNeeds(List.of(NeedCode.LONELINESS))
        .setPatient(new Patient("9434765919", "Ada", "Lovelace", LocalDate.of(1950, 12, 10), "NR1 3SR", null, null))
        .setRespondBy(Instant.now().plusSeconds(3600))
        .build();
  }
}
