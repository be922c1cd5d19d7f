package org.linkway.outcome.contracts;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.List;
import org.linkway.events.ContractAgreed;
import org.linkway.platform.domain.Funding;
import org.linkway.platform.streams.ReferenceTable;
import org.linkway.platform.streams.TableIndex;
import org.springframework.stereotype.Component;

/**
 * A commissioner's contracts as agreed: what the API answers ({@link ContractController}) and the
 * dashboard shows. Reads only the contracts' table, so holding two is as good as one.
 */
@Component
public class ContractQueries {

  public record ContractView(String contractId, String commissioner, String providerId, List<String> serviceIds,
      LocalDate validFrom, LocalDate validTo, String currency, BigDecimal engagementFee, BigDecimal completionFee,
      int completionMinSessions, boolean grant, BigDecimal outcomePayment, String outcomeInstrument,
      String outcomeScore, BigDecimal outcomeThreshold, BigDecimal perReferralCap, BigDecimal mostPerReferral) {}

  private final ReferenceTable<ContractAgreed> contracts;

  ContractQueries(ReferenceTable<ContractAgreed> contracts) {
    this.contracts = contracts;
  }

  /**
   * The commissioner's contracts, by id: read by the contracts' index by commissioner
   * ({@link TableIndex#CONTRACTS_BY_COMMISSIONER}), not from every commissioner's.
   */
  public List<ContractView> contracts(String code) {
    return contracts.under(TableIndex.CONTRACTS_BY_COMMISSIONER, code).stream()
        .sorted(Comparator.comparing(ContractAgreed::getContractId)).map(ContractQueries::view).toList();
  }

  static ContractView view(ContractAgreed c) {
    return new ContractView(c.getContractId(), c.getCommissioner(), c.getProviderId(), c.getServiceIds(),
        c.getValidFrom(), c.getValidTo(), c.getCurrency(), c.getEngagementFee(), c.getCompletionFee(),
        c.getCompletionMinSessions(), c.getGrant(), c.getOutcomePayment(),
        c.getOutcomeInstrument() == null ? null : c.getOutcomeInstrument().name(), c.getOutcomeScore(),
        c.getOutcomeThreshold(), c.getPerReferralCap(), Funding.mostEarned(c));
  }
}
