package org.linkway.outcome.contracts;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.linkway.commands.ContractCommand;
import org.linkway.events.ContractAgreed;
import org.linkway.platform.kafka.AvroSerdes;
import org.linkway.platform.kafka.Topics;
import org.linkway.platform.streams.KeyedDecider;
import org.linkway.platform.streams.KeyedDecider.Step;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The contracts' one decider: a contract id belongs to the first commissioner that agrees it, and
 * any later (or concurrent) agreement of that id by another commissioner is refused, so no
 * commissioner can overwrite another's contract by a race.
 */
@Configuration(proxyBeanMethods = false)
class ContractDecider {

  static final String STORE = "contracts-agreed";

  @Bean
  KStream<String, SpecificRecord> contractDecisions(StreamsBuilder builder, AvroSerdes serdes) {
    return KeyedDecider.add(builder, serdes, STORE, Topics.CONTRACT_COMMANDS, Topics.FUNDING_CONTRACTS, Topics.OUTCOME_REPLIES,
        command -> command.getMetadata().getEventId(), ContractDecider::decide);
  }

  static Step<ContractAgreed> decide(ContractAgreed current, String contractId, ContractCommand command) {
    ContractAgreed asked = command.getContract();
    if (current != null && !current.getCommissioner().equals(asked.getCommissioner())) {
      return Step.refused("contract " + contractId + " belongs to another commissioner");
    }
    return Step.accepted(asked);
  }
}
