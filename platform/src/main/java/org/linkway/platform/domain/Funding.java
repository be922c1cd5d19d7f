package org.linkway.platform.domain;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;
import org.linkway.events.BudgetAgreed;
import org.linkway.events.BudgetUse;
import org.linkway.events.ContractAgreed;

/**
 * The arithmetic of contracts and budgets that more than one service needs: which contract pays
 * for a service, the most one referral can earn under it, the financial year a day falls in, and
 * what is free of a budget. Money is {@link BigDecimal} with two decimal places throughout.
 */
public final class Funding {

  public static final BigDecimal ZERO = BigDecimal.ZERO.setScale(2);

  private Funding() {}

  /** The financial year (1 April to 31 March) a day falls in, written as the NHS writes it: "2026-27". */
  public static String financialYear(LocalDate day) {
    int start = day.getMonthValue() >= 4 ? day.getYear() : day.getYear() - 1;
    return start + "-" + String.format("%02d", (start + 1) % 100);
  }

  public static String financialYear(Instant at) {
    return financialYear(LocalDate.ofInstant(at, SocialPrescribing.UK));
  }

  /** The first and last day of a financial year written "2026-27"; empty when it is not one. */
  public static Optional<LocalDate[]> financialYearDates(String year) {
    if (year == null || !year.matches("\\d{4}-\\d{2}")) return Optional.empty();
    int start = Integer.parseInt(year.substring(0, 4));
    if (!year.equals(financialYear(LocalDate.of(start, 4, 1)))) return Optional.empty();
    return Optional.of(new LocalDate[] {LocalDate.of(start, 4, 1), LocalDate.of(start + 1, 3, 31)});
  }

  /** The key of a budget and of its use on their topics: "{commissioner}|{financial year}". */
  public static String budgetKey(String commissioner, String financialYear) {
    return commissioner + "|" + financialYear;
  }

  /**
   * The contract of a commissioner that pays for a provider's service on a day: one naming the
   * service or covering all the provider's services, valid that day; the lowest contract id when
   * several are.
   */
  public static Optional<ContractAgreed> contractFor(Collection<ContractAgreed> contracts, String commissioner,
      String providerId, String serviceId, LocalDate on) {
    return contracts.stream()
        .filter(c -> c.getCommissioner().equals(commissioner) && c.getProviderId().equals(providerId))
        .filter(c -> c.getServiceIds().isEmpty() || c.getServiceIds().contains(serviceId))
        .filter(c -> !on.isBefore(c.getValidFrom()) && !on.isAfter(c.getValidTo()))
        .min(Comparator.comparing(ContractAgreed::getContractId));
  }

  /** The most a referral can earn under a contract: every fee, up to the cap per referral; nothing under a grant. */
  public static BigDecimal mostEarned(ContractAgreed c) {
    if (c.getGrant()) return ZERO;
    BigDecimal all = orZero(c.getEngagementFee()).add(orZero(c.getCompletionFee())).add(orZero(c.getOutcomePayment()));
    return c.getPerReferralCap() == null ? all : all.min(c.getPerReferralCap());
  }

  /** What is still held against the budget: committed and neither paid out as due nor released. */
  public static BigDecimal reserved(BudgetUse use) {
    return use == null ? ZERO : use.getCommitted().subtract(use.getDue()).subtract(use.getReleased());
  }

  /** What can still be reserved: the budget less what is reserved and what is due. Empty when no budget is set. */
  public static Optional<BigDecimal> free(BudgetAgreed budget, BudgetUse use) {
    if (budget == null) return Optional.empty();
    BigDecimal spent = use == null ? ZERO : use.getCommitted().subtract(use.getReleased());
    return Optional.of(budget.getAmount().subtract(spent));
  }

  public static BigDecimal orZero(BigDecimal value) {
    return value == null ? ZERO : value;
  }
}
