package org.linkway.outcome.ledger;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.linkway.events.ContractAgreed;
import org.linkway.outcome.outcomes.OutcomeFeed;
import org.linkway.platform.AvroSerdes;
import org.linkway.platform.TableView;
import org.linkway.platform.TableViews;
import org.linkway.platform.Topologies;
import org.linkway.platform.Topics;
import org.linkway.state.FundingState;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the funding rules into Kafka Streams, and the contracts into memory. */
@Configuration(proxyBeanMethods = false)
class FundingTopology {

  @Bean
  TableView<ContractAgreed> contracts(TableViews views) {
    return views.of(Topics.FUNDING_CONTRACTS);
  }

  @Bean
  KStream<String, SpecificRecord> fundingLedger(
      StreamsBuilder builder, AvroSerdes serdes, TableView<ContractAgreed> contracts, OutcomeFeed feed,
      LedgerFeed ledgerFeed) {
    Topologies.addStore(builder, serdes, FundingProcessor.STORE, FundingState.class);
    KStream<String, SpecificRecord> inputs = Topologies.merged(builder, serdes, Topics.REFERRALS, Topics.PROVIDER_EVENTS);
    FundingRules rules = new FundingRules(contracts::values);
    Topologies.toTopicsByType(inputs.process(() -> new FundingProcessor(rules, feed, ledgerFeed), FundingProcessor.STORE),
        serdes, Topics.FUNDING_LEDGER, Topics.COMMISSIONER_OUTCOMES);
    return inputs;
  }
}
