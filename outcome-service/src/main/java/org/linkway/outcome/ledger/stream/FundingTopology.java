package org.linkway.outcome.ledger.stream;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;
import org.linkway.events.LedgerEvent;
import org.linkway.events.OutcomeReported;
import org.linkway.outcome.analytics.BreakdownCells;
import org.linkway.outcome.analytics.CommissionerTotals;
import org.linkway.outcome.budgets.BudgetRules;
import org.linkway.outcome.opendata.OpenDataEntries;
import org.linkway.outcome.statements.ReconciliationResults;
import org.linkway.outcome.statements.StatementLines;
import org.linkway.outcome.timecredits.TimeCreditTotals;
import org.linkway.outcome.timecredits.Wallets;
import org.linkway.platform.kafka.AvroSerdes;
import org.linkway.platform.kafka.Commissioners;
import org.linkway.platform.kafka.ServiceTopics;
import org.linkway.platform.kafka.Topics;
import org.linkway.platform.observability.EventLog;
import org.linkway.platform.streams.Retention;
import org.linkway.platform.streams.RetentionSettings;
import org.linkway.platform.streams.Topologies;
import org.linkway.platform.streams.ViewFill;
import org.linkway.state.FundingState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/** Wires the funding rules into Kafka Streams (the contracts they read: the global table of {@link org.linkway.platform.streams.FundingTables}). */
@Configuration(proxyBeanMethods = false)
class FundingTopology {

  private static final Logger log = LoggerFactory.getLogger(FundingTopology.class);

  /** How long ended referrals' funding stays in the hot stores, and their notes after it ({@link RetentionSettings}). */
  @Bean
  RetentionSettings retentionSettings(Environment environment) {
    return RetentionSettings.of(environment);
  }

  @Bean
  KStream<String, SpecificRecord> fundingLedger(StreamsBuilder builder, AvroSerdes serdes, Commissioners commissioners,
      ReconciliationResults reconciliations, RetentionSettings retention) {
    Topologies.addStore(builder, serdes, FundingProcessor.STORE, FundingState.class);
    ViewFill.addStore(builder, FundingProcessor.VIEW_FILLED);
    new Retention(FundingProcessor.ENDED, retention.ended()).addStore(builder);
    new Retention(FundingProcessor.ARCHIVE_DUE, retention.identities()).addStore(builder);
    builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ArchivedFunding.STORE),
        Serdes.String(), Serdes.String()));
    KStream<String, SpecificRecord> inputs = Topologies.merged(builder, serdes, Topics.REFERRALS, Topics.PROVIDER_EVENTS);
    KStream<String, SpecificRecord> outputs = inputs.process(() -> new FundingProcessor(retention),
        FundingProcessor.STORE, FundingProcessor.VIEW_FILLED, FundingProcessor.ENDED, FundingProcessor.ARCHIVE_DUE,
        ArchivedFunding.STORE);
    Topologies.toTopicsByType(outputs, serdes, Topics.FUNDING_LEDGER, Topics.COMMISSIONER_OUTCOMES);
    toCommissionersOwnTopics(outputs, serdes, commissioners);
    KStream<String, FundingState> inCommissionersTask = CommissionerFunding.keep(builder, serdes, outputs,
        CommissionerTotals.TALLY, CommissionerTotals.IN_TASK, StatementLines.LINES, StatementLines.TOTALS,
        TimeCreditTotals.TALLY, BreakdownCells.TALLY, BreakdownCells.MONTHS);
    OpenDataEntries.keep(builder, serdes, outputs);
    Wallets.keep(builder, serdes, outputs);
    // last, so that the nodes wired before keep their generated names
    CommissionerLists.keep(builder, serdes, inCommissionersTask);
    ReconciliationResults.keep(builder, inCommissionersTask, reconciliations);
    return inputs;
  }

  @Bean
  Commissioners commissioners(Environment environment) {
    Commissioners commissioners = Commissioners.from(environment);
    if (commissioners.names().isEmpty()) {
      log.info("no commissioner reads over Kafka ({}.<principal> is not set): outcomes and ledger entries go to the "
          + "shared topics alone", Commissioners.SETTING);
    }
    return commissioners;
  }

  /** Each commissioner's pair of topics, checked at start with the platform's (the stack's set-up creates them). */
  @Bean
  ServiceTopics commissionerTopics(Commissioners commissioners) {
    return new ServiceTopics(commissioners.codes().stream().sorted().flatMap(ods -> Topics.ofCommissioner(ods).stream()).toList());
  }

  /**
   * The outcomes and ledger entries of each commissioner that has topics of its own are written to them
   * too, by the same processor in the same transaction as the shared topics: a commissioner's topic has
   * exactly the records of that commissioner on the shared one. Their schemas are registered
   * self-contained, for Confluent's clients.
   */
  static void toCommissionersOwnTopics(KStream<String, SpecificRecord> outputs, AvroSerdes serdes, Commissioners commissioners) {
    if (commissioners.names().isEmpty()) return;
    outputs.filter((key, value) -> value instanceof OutcomeReported o && commissioners.has(o.getCommissioner()))
        .mapValues(value -> (OutcomeReported) value)
        .peek((key, value) -> EventLog.written(Topics.commissionerOutcomes(value.getCommissioner()).name(), value))
        .to((key, value, context) -> Topics.commissionerOutcomes(value.getCommissioner()).name(),
            Produced.with(Serdes.String(), serdes.selfContained(OutcomeReported.class)));
    outputs.filter((key, value) -> value instanceof LedgerEvent e && commissioners.has(BudgetRules.commissioner(e)))
        .mapValues(value -> (LedgerEvent) value)
        .peek((key, value) -> EventLog.written(Topics.commissionerLedger(BudgetRules.commissioner(value)).name(), value))
        .to((key, value, context) -> Topics.commissionerLedger(BudgetRules.commissioner(value)).name(),
            Produced.with(Serdes.String(), serdes.selfContained(LedgerEvent.class)));
  }
}
