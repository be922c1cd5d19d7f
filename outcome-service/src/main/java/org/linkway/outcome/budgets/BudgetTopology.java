package org.linkway.outcome.budgets;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.linkway.events.BudgetUse;
import org.linkway.events.LedgerEvent;
import org.linkway.platform.kafka.AvroSerdes;
import org.linkway.platform.kafka.Topics;
import org.linkway.platform.streams.FundingTables;
import org.linkway.platform.streams.Topologies;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * Wires the budgets into Kafka Streams: reservation requests, and the ledger's due and released
 * entries re-keyed by commissioner, into one processor per commissioner.
 */
@Configuration(proxyBeanMethods = false)
@Import(FundingTables.class)
class BudgetTopology {

  @Bean
  KStream<String, SpecificRecord> budgetReservations(StreamsBuilder builder, AvroSerdes serdes) {
    Topologies.addStore(builder, serdes, BudgetProcessor.STORE, BudgetUse.class);
    KStream<String, SpecificRecord> ledgerByCommissioner = builder
        .stream(Topics.FUNDING_LEDGER.name(), Consumed.with(Serdes.String(), serdes.forTopic(Topics.FUNDING_LEDGER)))
        .filter((referralId, entry) -> BudgetRules.financialYear(entry).isPresent())
        .selectKey((referralId, entry) -> BudgetRules.commissioner(entry))
        .repartition(Repartitioned.<String, LedgerEvent>as("ledger-by-commissioner")
            .withKeySerde(Serdes.String()).withValueSerde(serdes.forTopic(Topics.FUNDING_LEDGER))
            .withNumberOfPartitions(Topics.BUDGET_REQUESTS.partitions()))
        .mapValues(entry -> (SpecificRecord) entry);
    KStream<String, SpecificRecord> inputs = Topologies.merged(builder, serdes, Topics.BUDGET_REQUESTS).merge(ledgerByCommissioner);
    Topologies.toTopicsByType(inputs.process(BudgetProcessor::new, BudgetProcessor.STORE),
        serdes, Topics.BUDGET_DECISIONS, Topics.BUDGET_USE);
    return inputs;
  }
}
