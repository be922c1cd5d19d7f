package org.linkway.platform.streams;

import java.time.LocalDate;
import java.util.Optional;
import org.apache.kafka.streams.StreamsBuilder;
import org.linkway.events.BudgetAgreed;
import org.linkway.events.BudgetUse;
import org.linkway.events.ContractAgreed;
import org.linkway.platform.domain.Funding;
import org.linkway.platform.kafka.AvroSerdes;
import org.linkway.platform.kafka.Topics;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The funding's reference tables, held whole by every instance of each service that imports them, as
 * global tables ({@link GlobalTables}): referral-service routes to funded places with them and
 * outcome-service funds and reports with them. The contracts, the budgets each commissioner set, and
 * the budget use published after each reservation. The contracts are indexed by commissioner and provider
 * ({@link TableIndex#CONTRACTS_BY_PARTY}), so that finding one's contract reads only theirs. Processors read them from their context
 * ({@link GlobalTables#in}); the beans here are the HTTP side's reads ({@link StoreQueries#global}).
 */
@Configuration(proxyBeanMethods = false)
public class FundingTables {

  /**
   * The contract of a commissioner that pays for a provider's service on a day ({@link Funding#contractFor}), chosen
   * among that commissioner's contracts with that provider only: read by {@link TableIndex#CONTRACTS_BY_PARTY}, not
   * from every contract.
   */
  public static Optional<ContractAgreed> contractFor(ReferenceTable<ContractAgreed> contracts, String commissioner,
      String providerId, String serviceId, LocalDate on) {
    return Funding.contractFor(contracts.under(TableIndex.CONTRACTS_BY_PARTY, TableIndex.party(commissioner, providerId)),
        commissioner, providerId, serviceId, on);
  }

  @Bean
  ReferenceTable<ContractAgreed> contracts(StreamsBuilder builder, AvroSerdes serdes, StoreQueries stores) {
    return GlobalTables.add(builder, serdes, Topics.FUNDING_CONTRACTS, stores);
  }

  @Bean
  ReferenceTable<BudgetAgreed> budgets(StreamsBuilder builder, AvroSerdes serdes, StoreQueries stores) {
    return GlobalTables.add(builder, serdes, Topics.COMMISSIONER_BUDGETS, stores);
  }

  @Bean
  ReferenceTable<BudgetUse> budgetUse(StreamsBuilder builder, AvroSerdes serdes, StoreQueries stores) {
    return GlobalTables.add(builder, serdes, Topics.BUDGET_USE, stores);
  }
}
