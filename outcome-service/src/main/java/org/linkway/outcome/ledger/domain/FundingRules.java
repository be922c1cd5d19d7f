package org.linkway.outcome.ledger.domain;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.linkway.events.Completion;
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
import org.linkway.platform.domain.Decider;
import org.linkway.platform.domain.Funding;
import org.linkway.platform.domain.SocialPrescribing;
import org.linkway.platform.kafka.Events;
import org.linkway.platform.streams.FundingTables;
import org.linkway.platform.streams.ReferenceTable;
import org.linkway.state.FundingState;
import org.linkway.state.ReferralStatus;

/**
 * The funding ledger's rules for one referral, decided for each event of the referral read from {@code referrals}
 * and {@code provider-events} ({@link Input}). On acceptance, commit (reserve) the most the referral can earn under
 * its contract and make the engagement fee due; on completion, make the completion fee due if earned, release the
 * rest, and report the outcome to the commissioner; on cancellation after acceptance, release what was reserved and
 * not earned.
 *
 * <p>What it decides ({@link Event}): the input recorded on the referral ({@link Recorded}: its id, status, who has
 * it and since when), then the ledger's entries ({@link Entry}: {@link Committed}, {@link Due}, {@link Released}) and
 * the outcome report ({@link Reported}), each written as it is ({@link #written}, {@link #reported}).
 *
 * <p>Invariants: each milestone is due at most once per referral; what is due never exceeds what was committed; an
 * event already applied (same event id) decides nothing.
 */
public final class FundingRules implements Decider<FundingRules.Input, FundingState, FundingRules.Event> {

  private static final String SELF = OutcomeServiceApplication.NAME;

  /** An event of the referral, as read: its metadata, and what the ledger takes from it. */
  public sealed interface Input permits Submitted, Offered, Unplaced, Accepted, Declined, Completed, TimeCredits,
      Cancelled, Other {
    EventMetadata metadata();

    Kind kind();

    enum Kind { SUBMITTED, OFFERED, UNPLACED, ACCEPTED, DECLINED, COMPLETED, TIME_CREDITS, CANCELLED, OTHER }

    /** The input a record read from {@code referrals} or {@code provider-events} is; empty for any other record. */
    static Optional<Input> of(SpecificRecord read) {
      if (read instanceof ReferralEvent event) return Optional.of(of(event.getMetadata(), event.getPayload()));
      if (read instanceof ProviderEvent event) return Optional.of(of(event.getMetadata(), event.getPayload()));
      return Optional.empty();
    }

    private static Input of(EventMetadata meta, Object payload) {
      if (payload instanceof ReferralSubmitted submitted) return new Submitted(meta, submitted);
      if (payload instanceof ReferralOffered offered) return new Offered(meta, offered);
      if (payload instanceof ReferralUnplaced unplaced) return new Unplaced(meta, unplaced);
      if (payload instanceof ReferralAccepted accepted) return new Accepted(meta, accepted);
      if (payload instanceof ReferralDeclined declined) return new Declined(meta, declined);
      if (payload instanceof ReferralCompleted completed) return new Completed(meta, completed);
      if (payload instanceof TimeCreditsEarned credits) return new TimeCredits(meta, credits);
      if (payload instanceof ReferralCancelled cancelled) return new Cancelled(meta, cancelled);
      return new Other(meta);
    }
  }

  public record Submitted(EventMetadata metadata, ReferralSubmitted submitted) implements Input {
    @Override
    public Kind kind() {
      return Kind.SUBMITTED;
    }
  }

  public record Offered(EventMetadata metadata, ReferralOffered offered) implements Input {
    @Override
    public Kind kind() {
      return Kind.OFFERED;
    }
  }

  public record Unplaced(EventMetadata metadata, ReferralUnplaced unplaced) implements Input {
    @Override
    public Kind kind() {
      return Kind.UNPLACED;
    }
  }

  public record Accepted(EventMetadata metadata, ReferralAccepted accepted) implements Input {
    @Override
    public Kind kind() {
      return Kind.ACCEPTED;
    }
  }

  /** Declined by the provider or by the person; only the person's decline ends the referral. */
  public record Declined(EventMetadata metadata, ReferralDeclined declined) implements Input {
    @Override
    public Kind kind() {
      return Kind.DECLINED;
    }
  }

  public record Completed(EventMetadata metadata, ReferralCompleted completed) implements Input {
    @Override
    public Kind kind() {
      return Kind.COMPLETED;
    }
  }

  public record TimeCredits(EventMetadata metadata, TimeCreditsEarned credits) implements Input {
    @Override
    public Kind kind() {
      return Kind.TIME_CREDITS;
    }
  }

  public record Cancelled(EventMetadata metadata, ReferralCancelled cancelled) implements Input {
    @Override
    public Kind kind() {
      return Kind.CANCELLED;
    }
  }

  /** Any other event of the referral (a session, a cancel asked or refused, ...): only its id is kept. */
  public record Other(EventMetadata metadata) implements Input {
    @Override
    public Kind kind() {
      return Kind.OTHER;
    }
  }

  /** What it decides about the referral's funding. */
  public sealed interface Event permits Recorded, Entry, Reported {
    Kind kind();

    enum Kind { RECORDED, COMMITTED, DUE, RELEASED, REPORTED }
  }

  /** The input recorded on the referral: applied once (its id kept), its status moved on, who has it and since when. */
  public record Recorded(Input input) implements Event {
    @Override
    public Kind kind() {
      return Kind.RECORDED;
    }
  }

  /** An entry of the ledger, written to {@code funding-ledger}. */
  public sealed interface Entry extends Event permits Committed, Due, Released {
    LedgerEvent entry();
  }

  /** The referral's contract, and what is reserved for it under that contract ({@link FundingCommitted}). */
  public record Committed(ContractAgreed contract, LedgerEvent entry) implements Entry {
    @Override
    public Kind kind() {
      return Kind.COMMITTED;
    }
  }

  /** A milestone's payment due ({@link PaymentDue}). */
  public record Due(LedgerEvent entry) implements Entry {
    @Override
    public Kind kind() {
      return Kind.DUE;
    }
  }

  /** What was reserved and not earned, given back ({@link FundingReleased}). */
  public record Released(LedgerEvent entry) implements Entry {
    @Override
    public Kind kind() {
      return Kind.RELEASED;
    }
  }

  /** The outcome reported to the commissioner, written to {@code commissioner-outcomes}. */
  public record Reported(OutcomeReported outcome) implements Event {
    @Override
    public Kind kind() {
      return Kind.REPORTED;
    }
  }

  /** One record read as one step: the state after it and what it writes (ledger entries and outcome reports). */
  record Step(FundingState state, List<SpecificRecord> outputs) {}

  /** The contracts, keyed by contract id ({@code funding-contracts}). */
  private final ReferenceTable<ContractAgreed> contracts;
  private final Clock clock;

  /** @param clock when the entries and reports it decides occur */
  public FundingRules(ReferenceTable<ContractAgreed> contracts, Clock clock) {
    this.contracts = contracts;
    this.clock = clock;
  }

  /** On the system clock, as the funding processor runs it: for the tests that read the rules by {@link #apply}. */
  FundingRules(ReferenceTable<ContractAgreed> contracts) {
    this(contracts, Clock.systemUTC());
  }

  @Override
  public List<Event> decide(Input input, FundingState state) {
    if (state != null && state.getAppliedEventIds().contains(input.metadata().getEventId().toString())) {
      return List.of();
    }
    return switch (input.kind()) {
      // the same referral submitted again: its first submission stands
      case SUBMITTED -> state != null && state.getSubmittedAt() != null ? List.of() : List.of(new Recorded(input));
      case OFFERED, UNPLACED, TIME_CREDITS, OTHER -> List.of(new Recorded(input));
      case ACCEPTED -> accepted((Accepted) input, state);
      case DECLINED -> declined((Declined) input, state);
      case COMPLETED -> completed((Completed) input, state);
      case CANCELLED -> cancelled((Cancelled) input, state);
    };
  }

  @Override
  public FundingState evolve(FundingState state, Event event) {
    return switch (event.kind()) {
      case RECORDED -> recorded(state, ((Recorded) event).input());
      case COMMITTED -> FundingState.newBuilder(state).setContract(((Committed) event).contract())
          .setLedger(with(state.getLedger(), ((Committed) event).entry())).build();
      case DUE, RELEASED -> FundingState.newBuilder(state)
          .setLedger(with(state.getLedger(), ((Entry) event).entry())).build();
      case REPORTED -> FundingState.newBuilder(state)
          .setOutcomes(with(state.getOutcomes(), ((Reported) event).outcome())).build();
    };
  }

  /** What an event writes to {@code funding-ledger} (keyed by referralId), if anything. */
  public static Optional<LedgerEvent> written(Event event) {
    return switch (event.kind()) {
      case COMMITTED, DUE, RELEASED -> Optional.of(((Entry) event).entry());
      case RECORDED, REPORTED -> Optional.empty();
    };
  }

  /** What an event reports on {@code commissioner-outcomes} (keyed by commissioner), if anything. */
  public static Optional<OutcomeReported> reported(Event event) {
    return switch (event.kind()) {
      case REPORTED -> Optional.of(((Reported) event).outcome());
      case RECORDED, COMMITTED, DUE, RELEASED -> Optional.empty();
    };
  }

  /**
   * What {@link #decide} and {@link #evolve} make of one record read, as one step; the funding processor runs the
   * decider itself. FundingRulesTest and ContractModelsTest read the rules through it.
   */
  Step apply(FundingState before, SpecificRecord read) {
    Optional<Input> input = Input.of(read);
    if (input.isEmpty()) return new Step(before, List.of());
    List<Event> events = decide(input.get(), before);
    List<SpecificRecord> outputs = new ArrayList<>();
    for (Event event : events) {
      written(event).ifPresent(outputs::add);
      reported(event).ifPresent(outputs::add);
    }
    return new Step(evolve(before, events), outputs);
  }

  private List<Event> accepted(Accepted input, FundingState state) {
    Decision decision = new Decision(input, state);
    ReferralAccepted accepted = input.accepted();
    if (!ended(status(state))) {
      commit(decision, accepted);
    } else if (accepted.getFunding() != null && accepted.getFunding().getAmount().signum() > 0) {
      // the acceptance is read after the referral ended (cancelled meanwhile): what the budget
      // reserved for it is committed and released at once, so that the ledger accounts for it
      commit(decision, accepted);
      release(decision, "the referral had ended when its acceptance was read");
    }
    return decision.events;
  }

  private List<Event> declined(Declined input, FundingState state) {
    Decision decision = new Decision(input, state);
    // the person declined: the referral ends; after acceptance, what was reserved and not yet earned goes back
    if (endsTheReferral(input.declined()) && status(state) == ReferralStatus.ACCEPTED) {
      release(decision, "the person declined after acceptance: " + input.declined().getReason());
    }
    return decision.events;
  }

  private List<Event> completed(Completed input, FundingState state) {
    Decision decision = new Decision(input, state);
    ReferralCompleted completed = input.completed();
    if (status(state) == ReferralStatus.COMPLETED) {
      // the same completion again under another id: already paid and reported
    } else if (status(state) == ReferralStatus.CANCELLED) {
      // cancelled before the completion was read: nothing more is earned, the outcome is still reported
      report(decision, completed);
    } else {
      earned(decision, completed);
      release(decision, "referral ended: " + completed.getCompletion());
      report(decision, completed);
    }
    return decision.events;
  }

  private List<Event> cancelled(Cancelled input, FundingState state) {
    Decision decision = new Decision(input, state);
    if (status(state) != ReferralStatus.COMPLETED) release(decision, "cancelled by the referrer");
    return decision.events;
  }

  private void commit(Decision decision, ReferralAccepted accepted) {
    if (sum(decision.ledger, FundingCommitted.class).signum() > 0 || decision.contract != null) return;
    FundingReservation reservation = accepted.getFunding();
    Optional<ContractAgreed> contract = reservation == null
        ? FundingTables.contractFor(contracts, accepted.getCommissioner(), accepted.getProviderId(),
            accepted.getServiceId(), LocalDate.ofInstant(decision.cause.getOccurredAt(), SocialPrescribing.UK))
        : Optional.ofNullable(reservation.getContractId()).flatMap(contracts::get);
    if (contract.isEmpty()) return;
    ContractAgreed c = contract.get();
    // what the budget reserved at acceptance; a grant pays nothing per referral, so the referral is
    // recorded against it with nothing reserved
    BigDecimal most = reservation == null ? Funding.mostEarned(c) : reservation.getAmount();
    // only what a budget reserved counts against the budget: an acceptance without a reservation
    // (written before budgets) leaves its entries without a year, so the budget's use ignores them
    String year = reservation == null ? null : reservation.getFinancialYear();
    decision.add(new Committed(c, entry(decision, "committed", new FundingCommitted(c.getCommissioner(),
        c.getContractId(), accepted.getProviderId(), accepted.getServiceId(), most, c.getCurrency(), year))));
    if (c.getEngagementFee() != null && c.getEngagementFee().signum() > 0) {
      due(decision, Milestone.ENGAGEMENT, c.getEngagementFee(), accepted.getServiceId());
    }
  }

  /** The completion's milestones, as far as the contract pays for them. */
  private void earned(Decision decision, ReferralCompleted completed) {
    ContractAgreed c = decision.contract;
    if (c != null && c.getCompletionFee() != null && c.getCompletionFee().signum() > 0
        && completed.getCompletion() == Completion.COMPLETED
        && completed.getSessionsAttended() >= c.getCompletionMinSessions()) {
      due(decision, Milestone.COMPLETION, c.getCompletionFee(), completed.getServiceId());
    }
    if (c != null && c.getOutcomePayment() != null && c.getOutcomePayment().signum() > 0
        && improvedEnough(c, completed)) {
      due(decision, Milestone.OUTCOME, c.getOutcomePayment(), completed.getServiceId());
    }
  }

  /** The contract's measure improved by at least its threshold (the change already signed so that up is better). */
  static boolean improvedEnough(ContractAgreed c, ReferralCompleted completed) {
    if (c.getOutcomeInstrument() == null || c.getOutcomeThreshold() == null) return false;
    return completed.getChanges().stream()
        .filter(change -> change.getInstrument() == c.getOutcomeInstrument())
        .filter(change -> c.getOutcomeScore() == null || c.getOutcomeScore().equals(change.getScore()))
        .anyMatch(change -> change.getImprovement().compareTo(c.getOutcomeThreshold()) >= 0);
  }

  private void report(Decision decision, ReferralCompleted completed) {
    decision.add(new Reported(OutcomeReported.newBuilder()
        .setMetadata(Events.causedBy(SELF, decision.cause, "outcome", clock))
        .setCommissioner(completed.getCommissioner())
        .setPersonId(completed.getPersonId())
        .setProviderId(completed.getProviderId())
        .setServiceId(completed.getServiceId())
        .setNeeds(completed.getNeeds())
        .setCompletion(completed.getCompletion())
        .setSessionsAttended(completed.getSessionsAttended())
        .setMeasures(completed.getMeasures())
        .setChanges(completed.getChanges())
        .build()));
  }

  private void due(Decision decision, Milestone milestone, BigDecimal amount, String serviceId) {
    boolean alreadyDue = decision.ledger.stream()
        .anyMatch(e -> e.getPayload() instanceof PaymentDue due && due.getMilestone() == milestone);
    if (alreadyDue) return;
    // what is still reserved: never pay out what was committed and then released
    BigDecimal pay = amount.min(reserved(decision.ledger));
    if (pay.signum() <= 0) return;
    ContractAgreed c = decision.contract;
    String year = committedIn(decision.ledger).getFinancialYear();
    decision.add(new Due(entry(decision, "due-" + milestone, new PaymentDue(c.getCommissioner(), c.getContractId(),
        c.getProviderId(), serviceId, milestone, pay, c.getCurrency(), year))));
  }

  private void release(Decision decision, String reason) {
    ContractAgreed c = decision.contract;
    if (c == null) return;
    BigDecimal remainder = reserved(decision.ledger);
    if (remainder.signum() <= 0) return;
    FundingCommitted commit = committedIn(decision.ledger);
    decision.add(new Released(entry(decision, "released", new FundingReleased(c.getCommissioner(), c.getContractId(),
        c.getProviderId(), commit.getServiceId(), remainder, c.getCurrency(), commit.getFinancialYear(), reason))));
  }

  /** What was committed and is neither due nor released. */
  private static BigDecimal reserved(List<LedgerEvent> ledger) {
    return sum(ledger, FundingCommitted.class).subtract(sum(ledger, PaymentDue.class))
        .subtract(sum(ledger, FundingReleased.class));
  }

  private static FundingCommitted committedIn(List<LedgerEvent> ledger) {
    return (FundingCommitted) ledger.stream()
        .filter(e -> e.getPayload() instanceof FundingCommitted).findFirst().orElseThrow().getPayload();
  }

  private LedgerEvent entry(Decision decision, String what, Object payload) {
    return new LedgerEvent(Events.causedBy(SELF, decision.cause, what, clock), payload);
  }

  /**
   * One input's events as they are decided, beginning with the input recorded, and the referral's contract and
   * ledger as those events leave them: what is still reserved, and whether a milestone is due already.
   */
  private static final class Decision {
    private final EventMetadata cause;
    private final List<Event> events = new ArrayList<>();
    private final List<LedgerEvent> ledger;
    private ContractAgreed contract;

    Decision(Input input, FundingState state) {
      this.cause = input.metadata();
      this.events.add(new Recorded(input));
      this.ledger = new ArrayList<>(state == null ? List.of() : state.getLedger());
      this.contract = state == null ? null : state.getContract();
    }

    void add(Event event) {
      events.add(event);
      written(event).ifPresent(ledger::add);
      contract = switch (event.kind()) {
        case COMMITTED -> ((Committed) event).contract();
        case RECORDED, DUE, RELEASED, REPORTED -> contract;
      };
    }
  }

  /** The input on the referral's state: its id applied, and the facts the ledger keeps about the referral. */
  private static FundingState recorded(FundingState state, Input input) {
    EventMetadata meta = input.metadata();
    FundingState.Builder after = state != null ? FundingState.newBuilder(state) : FundingState.newBuilder()
        .setReferralId(meta.getReferralId())
        .setStatus(ReferralStatus.SUBMITTED)
        .setLedger(new ArrayList<>())
        .setOutcomes(new ArrayList<>())
        .setAppliedEventIds(new ArrayList<>())
        .setTimeCredits(new ArrayList<>());
    after.getAppliedEventIds().add(meta.getEventId().toString());
    FundingState.Builder moved = switch (input.kind()) {
      case SUBMITTED -> {
        ReferralSubmitted submitted = ((Submitted) input).submitted();
        yield after.setCommissioner(submitted.getCommissioner()).setSubmittedAt(meta.getOccurredAt())
            .setPractice(submitted.getReferrer().getOdsCode()).setNeeds(submitted.getNeeds());
      }
      case OFFERED -> {
        ReferralOffered offered = ((Offered) input).offered();
        yield advance(after.setCommissioner(offered.getCommissioner()).setProviderId(offered.getProviderId())
            .setServiceId(offered.getServiceId()), ReferralStatus.OFFERED);
      }
      case UNPLACED -> advance(after, ReferralStatus.UNPLACED);
      case ACCEPTED -> {
        ReferralAccepted accepted = ((Accepted) input).accepted();
        after.setCommissioner(accepted.getCommissioner());
        yield ended(after.getStatus()) ? after : advance(after.setProviderId(accepted.getProviderId())
            .setServiceId(accepted.getServiceId()).setAcceptedAt(meta.getOccurredAt()), ReferralStatus.ACCEPTED);
      }
      case DECLINED -> endsTheReferral(((Declined) input).declined()) ? advance(after, ReferralStatus.DECLINED) : after;
      case COMPLETED -> advance(after, ReferralStatus.COMPLETED);
      case TIME_CREDITS -> after.setTimeCredits(
          with(after.getTimeCredits() == null ? List.of() : after.getTimeCredits(), ((TimeCredits) input).credits()));
      case CANCELLED -> advance(after, ReferralStatus.CANCELLED);
      // nothing the ledger keeps but its id
      case OTHER -> after;
    };
    if (ended(moved.getStatus()) && moved.getEndedAt() == null) moved.setEndedAt(meta.getOccurredAt());
    return moved.build();
  }

  /** The list and one more: the state's own lists are never changed, and an entry stays the one written. */
  private static <T> List<T> with(List<T> list, T added) {
    List<T> all = new ArrayList<>(list);
    all.add(added);
    return all;
  }

  /** A decline by the person ends the referral; the provider's own leaves it to be offered elsewhere. */
  private static boolean endsTheReferral(ReferralDeclined declined) {
    return SocialPrescribing.declinedByThePerson(declined.getReason());
  }

  private static ReferralStatus status(FundingState state) {
    return state == null ? ReferralStatus.SUBMITTED : state.getStatus();
  }

  /** Statuses only move forward, and an ended referral stays ended, whichever topic's event arrives first. */
  private static FundingState.Builder advance(FundingState.Builder state, ReferralStatus to) {
    return !ended(state.getStatus()) && rank(to) >= rank(state.getStatus()) ? state.setStatus(to) : state;
  }

  /** Whether a referral in {@code status} has ended: it stays so, whatever arrives. */
  public static boolean ended(ReferralStatus status) {
    return status == ReferralStatus.COMPLETED || status == ReferralStatus.UNPLACED || status == ReferralStatus.CANCELLED
        || status == ReferralStatus.DECLINED;
  }

  private static int rank(ReferralStatus status) {
    return switch (status) {
      case SUBMITTED -> 0;
      case OFFERED -> 1;
      case ACCEPTED -> 2;
      case COMPLETED, UNPLACED, CANCELLED, DECLINED -> 3;
      case UNKNOWN -> -1;
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
