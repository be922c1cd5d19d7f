package org.linkway.outcome.ledger.domain;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.avro.specific.SpecificRecord;
import org.linkway.events.ContractAgreed;
import org.linkway.events.EventMetadata;
import org.linkway.events.FundingCommitted;
import org.linkway.events.FundingReleased;
import org.linkway.events.FundingReservation;
import org.linkway.events.LedgerEvent;
import org.linkway.events.Milestone;
import org.linkway.events.OutcomeReported;
import org.linkway.events.PaymentDue;
import org.linkway.events.ProviderEvent;
import org.linkway.events.ReferralAccepted;
import org.linkway.events.ReferralCancelled;
import org.linkway.events.ReferralCompleted;
import org.linkway.events.ReferralDeclined;
import org.linkway.events.ReferralEvent;
import org.linkway.events.ReferralOffered;
import org.linkway.events.ReferralSubmitted;
import org.linkway.events.ReferralUnplaced;
import org.linkway.events.TimeCreditsEarned;
import org.linkway.outcome.OutcomeServiceApplication;
import org.linkway.platform.domain.Funding;
import org.linkway.platform.domain.SocialPrescribing;
import org.linkway.platform.kafka.Events;
import org.linkway.state.FundingState;
import org.linkway.state.ReferralStatus;

/**
 * The funding ledger's rules for one referral. On acceptance, commit (reserve) the most the
 * referral can earn under its contract and make the engagement fee due; on completion, make the
 * completion fee due if earned, release the rest, and report the outcome to the commissioner; on
 * cancellation after acceptance, release what was reserved and not earned.
 *
 * <p>Invariants: each milestone is due at most once per referral; what is due never exceeds what
 * was committed; an event already applied (same event id) changes nothing.
 */
public final class FundingRules {

  private static final String SELF = OutcomeServiceApplication.NAME;

  /** The new state and what to write: ledger events and outcome reports. */
  public record Step(FundingState state, List<SpecificRecord> outputs) {}

  private final Supplier<Collection<ContractAgreed>> contracts;

  public FundingRules(Supplier<Collection<ContractAgreed>> contracts) {
    this.contracts = contracts;
  }

  public Step apply(FundingState before, SpecificRecord input) {
    EventMetadata meta = input instanceof ReferralEvent r ? r.getMetadata()
        : input instanceof ProviderEvent p ? p.getMetadata() : null;
    if (meta == null) return new Step(before, List.of());
    String eventId = meta.getEventId().toString();
    if (before != null && before.getAppliedEventIds().contains(eventId)) {
      return new Step(before, List.of());
    }
    FundingState.Builder state = before != null ? FundingState.newBuilder(before) : FundingState.newBuilder()
        .setReferralId(meta.getReferralId())
        .setStatus(ReferralStatus.SUBMITTED)
        .setLedger(new ArrayList<>())
        .setOutcomes(new ArrayList<>())
        .setAppliedEventIds(new ArrayList<>())
        .setTimeCredits(new ArrayList<>());
    state.getAppliedEventIds().add(eventId);
    List<SpecificRecord> outputs = new ArrayList<>();
    Object payload = input instanceof ReferralEvent r ? r.getPayload() : ((ProviderEvent) input).getPayload();

    if (payload instanceof ReferralSubmitted submitted) {
      if (state.getSubmittedAt() != null) return new Step(before, List.of()); // the same referral submitted again
      state.setCommissioner(submitted.getCommissioner());
      state.setSubmittedAt(meta.getOccurredAt());
      state.setPractice(submitted.getReferrer().getOdsCode());
      state.setNeeds(submitted.getNeeds());
    } else if (payload instanceof ReferralOffered offered) {
      state.setCommissioner(offered.getCommissioner());
      state.setProviderId(offered.getProviderId());
      state.setServiceId(offered.getServiceId());
      advance(state, ReferralStatus.OFFERED);
    } else if (payload instanceof ReferralUnplaced) {
      advance(state, ReferralStatus.UNPLACED);
    } else if (payload instanceof ReferralAccepted accepted) {
      state.setCommissioner(accepted.getCommissioner());
      if (!ended(state.getStatus())) {
        state.setProviderId(accepted.getProviderId());
        state.setServiceId(accepted.getServiceId());
        state.setAcceptedAt(meta.getOccurredAt());
        advance(state, ReferralStatus.ACCEPTED);
        accepted(state, accepted, meta, outputs);
      } else if (accepted.getFunding() != null && accepted.getFunding().getAmount().signum() > 0) {
        // the acceptance is read after the referral ended (cancelled meanwhile): what the budget
        // reserved for it is committed and released at once, so that the ledger accounts for it
        accepted(state, accepted, meta, outputs);
        release(state, meta, "the referral had ended when its acceptance was read", outputs);
      }
    } else if (payload instanceof ReferralCompleted completed) {
      if (state.getStatus() == ReferralStatus.COMPLETED) {
        // the same completion again under another id: already paid and reported
      } else if (state.getStatus() == ReferralStatus.CANCELLED) {
        // cancelled before the completion was read: nothing more is earned, the outcome is still reported
        report(state, completed, meta, outputs);
      } else {
        advance(state, ReferralStatus.COMPLETED);
        completed(state, completed, meta, outputs);
      }
    } else if (payload instanceof ReferralDeclined declined && SocialPrescribing.declinedByThePerson(declined.getReason())) {
      // the person declined: the referral ends; after acceptance, what was reserved and not yet earned goes back
      boolean wasAccepted = state.getStatus() == ReferralStatus.ACCEPTED;
      advance(state, ReferralStatus.DECLINED);
      if (wasAccepted) release(state, meta, "the person declined after acceptance: " + declined.getReason(), outputs);
    } else if (payload instanceof TimeCreditsEarned credits) {
      List<TimeCreditsEarned> all = new ArrayList<>(state.getTimeCredits() == null ? List.of() : state.getTimeCredits());
      all.add(credits);
      state.setTimeCredits(all);
    } else if (payload instanceof ReferralCancelled) {
      if (state.getStatus() != ReferralStatus.COMPLETED) {
        advance(state, ReferralStatus.CANCELLED);
        release(state, meta, "cancelled by the referrer", outputs);
      }
    }
    if (ended(state.getStatus()) && state.getEndedAt() == null) {
      state.setEndedAt(meta.getOccurredAt());
    }
    return new Step(state.build(), outputs);
  }

  private void accepted(FundingState.Builder state, ReferralAccepted accepted, EventMetadata meta, List<SpecificRecord> outputs) {
    if (sum(state.getLedger(), FundingCommitted.class).signum() > 0 || state.getContract() != null) return;
    FundingReservation reservation = accepted.getFunding();
    Optional<ContractAgreed> contract = reservation == null
        ? Funding.contractFor(contracts.get(), accepted.getCommissioner(), accepted.getProviderId(),
            accepted.getServiceId(), LocalDate.ofInstant(meta.getOccurredAt(), SocialPrescribing.UK))
        : contracts.get().stream().filter(c -> c.getContractId().equals(reservation.getContractId())).findFirst();
    if (contract.isEmpty()) return;
    ContractAgreed c = contract.get();
    state.setContract(c);
    // what the budget reserved at acceptance; a grant pays nothing per referral, so the referral is
    // recorded against it with nothing reserved
    BigDecimal most = reservation == null ? Funding.mostEarned(c) : reservation.getAmount();
    // only what a budget reserved counts against the budget: an acceptance without a reservation
    // (written before budgets) leaves its entries without a year, so the budget's use ignores them
    String year = reservation == null ? null : reservation.getFinancialYear();
    ledger(state, meta, "committed", new FundingCommitted(c.getCommissioner(), c.getContractId(),
        accepted.getProviderId(), accepted.getServiceId(), most, c.getCurrency(), year), outputs);
    if (c.getEngagementFee() != null && c.getEngagementFee().signum() > 0) {
      due(state, meta, Milestone.ENGAGEMENT, c.getEngagementFee(), accepted.getServiceId(), outputs);
    }
  }

  private void completed(FundingState.Builder state, ReferralCompleted completed, EventMetadata meta, List<SpecificRecord> outputs) {
    ContractAgreed c = state.getContract();
    if (c != null && c.getCompletionFee() != null && c.getCompletionFee().signum() > 0
        && completed.getCompletion() == org.linkway.events.Completion.COMPLETED
        && completed.getSessionsAttended() >= c.getCompletionMinSessions()) {
      due(state, meta, Milestone.COMPLETION, c.getCompletionFee(), completed.getServiceId(), outputs);
    }
    if (c != null && c.getOutcomePayment() != null && c.getOutcomePayment().signum() > 0 && improvedEnough(c, completed)) {
      due(state, meta, Milestone.OUTCOME, c.getOutcomePayment(), completed.getServiceId(), outputs);
    }
    release(state, meta, "referral ended: " + completed.getCompletion(), outputs);
    report(state, completed, meta, outputs);
  }

  /** The contract's measure improved by at least its threshold (the change already signed so that up is better). */
  static boolean improvedEnough(ContractAgreed c, ReferralCompleted completed) {
    if (c.getOutcomeInstrument() == null || c.getOutcomeThreshold() == null) return false;
    return completed.getChanges().stream()
        .filter(change -> change.getInstrument() == c.getOutcomeInstrument())
        .filter(change -> c.getOutcomeScore() == null || c.getOutcomeScore().equals(change.getScore()))
        .anyMatch(change -> change.getImprovement().compareTo(c.getOutcomeThreshold()) >= 0);
  }

  private void report(FundingState.Builder state, ReferralCompleted completed, EventMetadata meta, List<SpecificRecord> outputs) {
    OutcomeReported outcome = OutcomeReported.newBuilder()
        .setMetadata(Events.causedBy(SELF, meta, "outcome"))
        .setCommissioner(completed.getCommissioner())
        .setPersonId(completed.getPersonId())
        .setProviderId(completed.getProviderId())
        .setServiceId(completed.getServiceId())
        .setNeeds(completed.getNeeds())
        .setCompletion(completed.getCompletion())
        .setSessionsAttended(completed.getSessionsAttended())
        .setMeasures(completed.getMeasures())
        .setChanges(completed.getChanges())
        .build();
    state.getOutcomes().add(outcome);
    outputs.add(outcome);
  }

  private void due(FundingState.Builder state, EventMetadata meta, Milestone milestone, BigDecimal amount, String serviceId,
      List<SpecificRecord> outputs) {
    boolean alreadyDue = state.getLedger().stream()
        .anyMatch(e -> e.getPayload() instanceof PaymentDue due && due.getMilestone() == milestone);
    if (alreadyDue) return;
    // what is still reserved: never pay out what was committed and then released
    BigDecimal room = sum(state.getLedger(), FundingCommitted.class).subtract(sum(state.getLedger(), PaymentDue.class))
        .subtract(sum(state.getLedger(), FundingReleased.class));
    BigDecimal pay = amount.min(room);
    if (pay.signum() <= 0) return;
    ContractAgreed c = state.getContract();
    ledger(state, meta, "due-" + milestone, new PaymentDue(c.getCommissioner(), c.getContractId(), c.getProviderId(),
        serviceId, milestone, pay, c.getCurrency(), committedIn(state).getFinancialYear()), outputs);
  }

  private void release(FundingState.Builder state, EventMetadata meta, String reason, List<SpecificRecord> outputs) {
    ContractAgreed c = state.getContract();
    if (c == null) return;
    BigDecimal remainder = sum(state.getLedger(), FundingCommitted.class).subtract(sum(state.getLedger(), PaymentDue.class)).subtract(sum(state.getLedger(), FundingReleased.class));
    if (remainder.signum() <= 0) return;
    FundingCommitted commit = committedIn(state);
    ledger(state, meta, "released", new FundingReleased(c.getCommissioner(), c.getContractId(), c.getProviderId(),
        commit.getServiceId(), remainder, c.getCurrency(), commit.getFinancialYear(), reason), outputs);
  }

  private static FundingCommitted committedIn(FundingState.Builder state) {
    return (FundingCommitted) state.getLedger().stream()
        .filter(e -> e.getPayload() instanceof FundingCommitted).findFirst().orElseThrow().getPayload();
  }

  private static void ledger(FundingState.Builder state, EventMetadata cause, String what, Object payload, List<SpecificRecord> outputs) {
    LedgerEvent event = new LedgerEvent(Events.causedBy(SELF, cause, what), payload);
    state.getLedger().add(event);
    outputs.add(event);
  }

  /** Statuses only move forward, and an ended referral stays ended, whichever topic's event arrives first. */
  private static void advance(FundingState.Builder state, ReferralStatus to) {
    if (!ended(state.getStatus()) && rank(to) >= rank(state.getStatus())) state.setStatus(to);
  }

  private static boolean ended(ReferralStatus status) {
    return status == ReferralStatus.COMPLETED || status == ReferralStatus.UNPLACED || status == ReferralStatus.CANCELLED
        || status == ReferralStatus.DECLINED;
  }

  private static int rank(ReferralStatus status) {
    return switch (status) {
      case SUBMITTED -> 0;
      case OFFERED -> 1;
      case ACCEPTED -> 2;
      case COMPLETED, UNPLACED, CANCELLED, DECLINED -> 3;
      default -> -1;
    };
  }

  public static BigDecimal committed(FundingState s) {
    return sum(s.getLedger(), FundingCommitted.class);
  }

  public static BigDecimal due(FundingState s) {
    return sum(s.getLedger(), PaymentDue.class);
  }

  public static BigDecimal released(FundingState s) {
    return sum(s.getLedger(), FundingReleased.class);
  }

  public static BigDecimal amount(LedgerEvent e) {
    Object p = e.getPayload();
    if (p instanceof FundingCommitted c) return c.getAmount();
    if (p instanceof PaymentDue d) return d.getAmount();
    if (p instanceof FundingReleased r) return r.getAmount();
    throw new IllegalArgumentException("not a ledger payload: " + p);
  }

  public static BigDecimal sum(List<LedgerEvent> ledger, Class<?> type) {
    return ledger.stream().filter(e -> type.isInstance(e.getPayload()))
        .map(FundingRules::amount).reduce(BigDecimal.ZERO.setScale(2), BigDecimal::add);
  }
}
