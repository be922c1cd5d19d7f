package org.linkway.referral.lifecycle;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;
import org.linkway.events.ServiceListed;
import org.linkway.platform.AvroSerdes;
import org.linkway.platform.Decisions;
import org.linkway.platform.TableView;
import org.linkway.platform.TableViews;
import org.linkway.platform.Topic;
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
    builder.addStateStore(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(ReferralProcessor.STORE), Serdes.String(), serdes.forValues(ReferralState.class)));

    KStream<String, SpecificRecord> inputs = source(builder, serdes, Topics.REFERRALS)
        .merge(source(builder, serdes, Topics.PROVIDER_EVENTS))
        .merge(source(builder, serdes, Topics.REFERRAL_COMMANDS));
    ReferralLifecycle lifecycle = new ReferralLifecycle(directory::values);
    inputs.process(() -> new ReferralProcessor(lifecycle, decisions), ReferralProcessor.STORE)
        .to(Topics.REFERRALS.name(), Produced.with(Serdes.String(), serdes.forTopic(Topics.REFERRALS)));
    return inputs;
  }

  private static <V extends SpecificRecord> KStream<String, SpecificRecord> source(
      StreamsBuilder builder, AvroSerdes serdes, Topic<V> topic) {
    return builder.stream(topic.name(), Consumed.with(Serdes.String(), serdes.forTopic(topic)))
        .mapValues(value -> (SpecificRecord) value);
  }
}
