package org.linkway.outcome.statements;

import static org.linkway.platform.domain.SocialPrescribing.UK;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.linkway.events.LedgerEvent;
import org.linkway.events.PaymentDue;
import org.linkway.state.FundingState;

/**
 * What a commissioner owes each provider for one calendar month: every PaymentDue in the ledger
 * whose time falls in that month in UK time, itemised by referral and milestone, with a total per
 * provider and a grand total, each the exact sum of the items. Pure: built from the funding states.
 *
 * @param commissioner the commissioner's code
 * @param month the month, YYYY-MM
 * @param timeZone the zone the month is read in
 * @param from the first day of the month
 * @param to the last day of the month
 * @param providerId the provider asked for, or null for every provider with anything due
 * @param currency every amount is in this currency
 * @param providers per provider, by provider id
 * @param total the sum of the providers' totals
 */
public record Statement(String commissioner, String month, String timeZone, LocalDate from, LocalDate to,
    String providerId, String currency, List<ProviderStatement> providers, BigDecimal total) {


  /** What is due to one provider in the month. */
  public record ProviderStatement(String providerId, List<Item> items, BigDecimal total) {}

  /**
   * One milestone of one referral.
   *
   * @param date the day it became due, in UK time
   */
  public record Item(LocalDate date, String referralId, String serviceId, String contractId, String milestone,
      BigDecimal amount) {}

  /**
   * The statement for the month.
   *
   * @param providerId the one provider to state, or null (or blank) for every provider with
   *     something due; a provider with nothing due gets an empty statement with total 0.00
   * @param states funding states; those of other commissioners are ignored
   */
  public static Statement of(String commissioner, YearMonth month, String providerId, Collection<FundingState> states) {
    String only = providerId == null || providerId.isBlank() ? null : providerId;
    record Due(Instant at, Item item, String providerId) {}
    List<Due> dues = new ArrayList<>();
    for (FundingState s : states) {
      if (!commissioner.equals(s.getCommissioner())) continue;
      for (LedgerEvent e : s.getLedger()) {
        if (!(e.getPayload() instanceof PaymentDue p)) continue;
        Instant at = e.getMetadata().getOccurredAt();
        LocalDate date = at.atZone(UK).toLocalDate();
        if (!YearMonth.from(date).equals(month)) continue;
        if (only != null && !only.equals(p.getProviderId())) continue;
        dues.add(new Due(at, new Item(date, s.getReferralId().toString(), p.getServiceId(), p.getContractId(),
            p.getMilestone().name(), Money.pence(p.getAmount())), p.getProviderId()));
      }
    }
    dues.sort(Comparator.comparing(Due::at)
        .thenComparing(d -> d.item().referralId())
        .thenComparing(d -> d.item().milestone()));

    Map<String, List<Item>> byProvider = new TreeMap<>();
    if (only != null) byProvider.put(only, new ArrayList<>());
    for (Due d : dues) byProvider.computeIfAbsent(d.providerId(), k -> new ArrayList<>()).add(d.item());

    List<ProviderStatement> providers = new ArrayList<>();
    BigDecimal total = Money.ZERO;
    for (Map.Entry<String, List<Item>> p : byProvider.entrySet()) {
      BigDecimal sum = Money.ZERO;
      for (Item item : p.getValue()) sum = sum.add(item.amount());
      providers.add(new ProviderStatement(p.getKey(), List.copyOf(p.getValue()), Money.pence(sum)));
      total = total.add(sum);
    }
    return new Statement(commissioner, month.toString(), UK.getId(), month.atDay(1), month.atEndOfMonth(), only,
        Money.CURRENCY, List.copyOf(providers), Money.pence(total));
  }

  /** The statement as CSV (RFC 4180), for a spreadsheet or a finance system. */
  public String toCsv() {
    return StatementCsv.write(this);
  }
}
