package org.linkway.referral.lifecycle;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.linkway.events.ServiceListed;
import org.linkway.platform.AvroSerdes;
import org.linkway.platform.Decisions;
import org.linkway.platform.TableView;
import org.linkway.platform.TableViews;
import org.linkway.platform.Topologies;
import org.linkway.platform.Topics;
import org.linkway.state.ReferralState;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the referral state machine into Kafka Streams. */
@Configuration(proxyBeanMethods = false)
class ReferralTopology {

  @Bean
  TableView<ServiceListed> directory(TableViews views) {
    return views.of(Topics.PROVIDER_DIRECTORY);
  }

  @Bean
  KStream<String, SpecificRecord> referralLifecycle(
      StreamsBuilder builder, AvroSerdes serdes, Decisions decisions, TableView<ServiceListed> directory) {
    Topologies.addStore(builder, serdes, ReferralProcessor.STORE, ReferralState.class);
    KStream<String, SpecificRecord> inputs =
        Topologies.merged(builder, serdes, Topics.REFERRALS, Topics.PROVIDER_EVENTS, Topics.REFERRAL_COMMANDS);
    ReferralLifecycle lifecycle = new ReferralLifecycle(directory::values);
    inputs.process(() -> new ReferralProcessor(lifecycle, decisions), ReferralProcessor.STORE)
        .to(Topics.REFERRALS.name(), Topologies.producedTo(serdes, Topics.REFERRALS));
    return inputs;
  }
}
