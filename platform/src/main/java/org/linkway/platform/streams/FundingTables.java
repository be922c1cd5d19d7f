package org.linkway.platform.streams;

import org.apache.kafka.streams.StreamsBuilder;
import org.linkway.events.BudgetAgreed;
import org.linkway.events.BudgetUse;
import org.linkway.events.ContractAgreed;
import org.linkway.platform.kafka.AvroSerdes;
import org.linkway.platform.kafka.Topics;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The funding's reference tables, held whole by every instance of each service that imports them, as
 * global tables ({@link GlobalTables}): referral-service routes to funded places with them and
 * outcome-service funds and reports with them. The contracts, the budgets each commissioner set, and
 * the budget use published after each reservation. Processors read them from their context
 * ({@link GlobalTables#in}); the beans here are the HTTP side's reads ({@link StoreQueries#global}).
 */
@Configuration(proxyBeanMethods = false)
public class FundingTables {

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
