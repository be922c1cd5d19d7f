package org.linkway.referral.routing;

import java.time.LocalDate;
import java.util.Optional;
import org.linkway.events.BudgetAgreed;
import org.linkway.events.BudgetUse;
import org.linkway.events.ContractAgreed;
import org.linkway.events.ServiceListed;
import org.linkway.platform.domain.Funding;
import org.linkway.platform.streams.FundingTables;
import org.linkway.platform.streams.ReferenceTable;

/**
 * Whether a place at a service would be paid for, as far as routing can tell: from the
 * commissioner's contracts, its budget for the year and the budget's use as outcome-service last
 * published it. Routing prefers services that are funded and have room; the budget itself decides
 * at acceptance.
 */
public final class FundingRoom {

  /** In the order routing prefers them. */
  public enum Room {
    /** A grant covers the service, or its contract's most per referral fits what is free of the budget (or no budget is set). */
    FUNDED("funded"),
    /** No contract of the commissioner covers the service: accepting it reserves nothing. */
    UNFUNDED("no contract covers it"),
    /** The contract's most per referral is more than is free of the budget: an acceptance would be refused. */
    SPENT("the budget is spent for it");

    private final String words;

    Room(String words) {
      this.words = words;
    }

    public String words() {
      return words;
    }
  }

  /** No contracts known: every service is unfunded, so routing decides by load alone. */
  public static final FundingRoom UNKNOWN = new FundingRoom(null, null, null);

  private final ReferenceTable<ContractAgreed> contracts;
  private final ReferenceTable<BudgetAgreed> budgets;
  private final ReferenceTable<BudgetUse> uses;

  public FundingRoom(ReferenceTable<ContractAgreed> contracts, ReferenceTable<BudgetAgreed> budgets, ReferenceTable<BudgetUse> uses) {
    this.contracts = contracts;
    this.budgets = budgets;
    this.uses = uses;
  }

  public Room of(String commissioner, ServiceListed service, LocalDate day) {
    if (contracts == null) return Room.UNFUNDED;
    Optional<ContractAgreed> contract = FundingTables.contractFor(contracts, commissioner, service.getProviderId(),
        service.getServiceId(), day);
    if (contract.isEmpty()) return Room.UNFUNDED;
    if (contract.get().getGrant()) return Room.FUNDED;
    String key = Funding.budgetKey(commissioner, Funding.financialYear(day));
    Optional<java.math.BigDecimal> free = Funding.free(budgets.get(key).orElse(null), uses.get(key).orElse(null));
    return free.isEmpty() || Funding.mostEarned(contract.get()).compareTo(free.get()) <= 0 ? Room.FUNDED : Room.SPENT;
  }
}
