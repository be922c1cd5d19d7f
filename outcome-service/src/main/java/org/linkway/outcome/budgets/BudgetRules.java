package org.linkway.outcome.budgets;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Optional;
import org.linkway.events.BudgetAgreed;
import org.linkway.events.BudgetUse;
import org.linkway.events.ContractAgreed;
import org.linkway.events.FundingRefused;
import org.linkway.events.FundingReleased;
import org.linkway.events.FundingReservation;
import org.linkway.events.LedgerEvent;
import org.linkway.events.PaymentDue;
import org.linkway.platform.domain.Funding;

/**
 * A commissioner's budget for one financial year, request by request. An acceptance reserves the
 * most the referral can earn under the contract that pays for it; when what is free of the budget
 * cannot cover that, the acceptance is refused. A grant reserves nothing (the referral is counted
 * against the grant, which is paid as a block); a service without a contract reserves nothing
 * (unfunded); a commissioner that has set no budget for the year is not limited.
 *
 * <p>free = budget − (committed − released): what is due stays spent; what is released comes back.
 */
public final class BudgetRules {

  /** The reservation or the refusal, and the budget's use afterwards (unchanged when nothing was reserved). */
  public record Decision(Object payload, BudgetUse use) {
    public boolean reserved() {
      return payload instanceof FundingReservation;
    }
  }

  private BudgetRules() {}

  public static BudgetUse none(String commissioner, String financialYear, Instant at) {
    return new BudgetUse(commissioner, financialYear, Funding.ZERO, Funding.ZERO, Funding.ZERO, at);
  }

  /** Decides one acceptance's reservation against the budget of its financial year. */
  public static Decision reserve(String commissioner, String financialYear, Optional<ContractAgreed> contract,
      BudgetAgreed budget, BudgetUse use, Instant at) {
    BudgetUse before = use != null ? use : none(commissioner, financialYear, at);
    if (contract.isEmpty()) {
      return new Decision(new FundingReservation(null, Funding.ZERO, financialYear, false), before);
    }
    ContractAgreed c = contract.get();
    BigDecimal needed = Funding.mostEarned(c);
    Optional<BigDecimal> free = Funding.free(budget, before);
    // what reserves nothing (a grant, a contract whose fees add up to nothing) takes nothing from the
    // budget, so it is never refused, even when the budget was lowered below what is already spent
    if (free.isPresent() && needed.signum() > 0 && needed.compareTo(free.get()) > 0) {
      String reason = "the budget of " + commissioner + " for " + financialYear + " is spent: "
          + Funding.ZERO.max(free.get()) + " " + c.getCurrency() + " is free and this referral can earn up to " + needed
          + " under contract " + c.getContractId() + "; the offer stays open until it is declined or expires";
      return new Decision(new FundingRefused(commissioner, financialYear, needed, free.get(), reason), before);
    }
    BudgetUse after = BudgetUse.newBuilder(before).setCommitted(before.getCommitted().add(needed)).setUpdatedAt(latest(before, at)).build();
    return new Decision(new FundingReservation(c.getContractId(), needed, financialYear, c.getGrant()), after);
  }

  /** A reservation given back before the acceptance it was for happened. */
  public static BudgetUse withdraw(BudgetUse use, BigDecimal amount, Instant at) {
    return BudgetUse.newBuilder(use).setCommitted(use.getCommitted().subtract(amount)).setUpdatedAt(latest(use, at)).build();
  }

  /** The budget's use after a ledger entry: what became due, and what was released. Commitments were counted when reserved. */
  public static BudgetUse apply(BudgetUse use, LedgerEvent entry) {
    Instant at = entry.getMetadata().getOccurredAt();
    if (entry.getPayload() instanceof PaymentDue due) {
      return BudgetUse.newBuilder(use).setDue(use.getDue().add(due.getAmount())).setUpdatedAt(latest(use, at)).build();
    }
    if (entry.getPayload() instanceof FundingReleased released) {
      return BudgetUse.newBuilder(use).setReleased(use.getReleased().add(released.getAmount())).setUpdatedAt(latest(use, at)).build();
    }
    return use;
  }

  /**
   * The latest time the use has seen: records arrive in the order they were processed, not the order
   * they happened, so an older one never moves {@code updatedAt} back (the dashboard waits for it to
   * reach the ledger's latest entry).
   */
  private static Instant latest(BudgetUse use, Instant at) {
    Instant seen = use.getUpdatedAt();
    return seen == null || at.isAfter(seen) ? at : seen;
  }

  /** The financial year a ledger entry counts against, when it says so. */
  public static Optional<String> financialYear(LedgerEvent entry) {
    Object p = entry.getPayload();
    String year = p instanceof PaymentDue d ? d.getFinancialYear() : p instanceof FundingReleased r ? r.getFinancialYear() : null;
    return Optional.ofNullable(year);
  }

  public static String commissioner(LedgerEvent entry) {
    Object p = entry.getPayload();
    if (p instanceof PaymentDue d) return d.getCommissioner();
    if (p instanceof FundingReleased r) return r.getCommissioner();
    if (p instanceof org.linkway.events.FundingCommitted c) return c.getCommissioner();
    throw new IllegalArgumentException("not a ledger payload: " + p);
  }
}
