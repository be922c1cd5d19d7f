package org.linkway.platform.streams;

import org.linkway.events.BudgetAgreed;
import org.linkway.events.BudgetUse;
import org.linkway.events.ContractAgreed;
import org.linkway.platform.kafka.Topics;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The funding's reference tables, held by every instance of each service that imports them:
 * referral-service routes to funded places with them and outcome-service funds and reports with
 * them. The contracts, the budgets each commissioner set, and the budget use published after each
 * reservation.
 */
@Configuration(proxyBeanMethods = false)
public class FundingTables {

  @Bean
  TableView<ContractAgreed> contracts(TableViews views) {
    return views.of(Topics.FUNDING_CONTRACTS);
  }

  @Bean
  TableView<BudgetAgreed> budgets(TableViews views) {
    return views.of(Topics.COMMISSIONER_BUDGETS);
  }

  @Bean
  TableView<BudgetUse> budgetUse(TableViews views) {
    return views.of(Topics.BUDGET_USE);
  }
}
