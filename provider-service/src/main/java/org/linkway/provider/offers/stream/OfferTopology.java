package org.linkway.provider.offers.stream;

import java.time.Duration;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.state.Stores;
import org.linkway.events.ServiceListed;
import org.linkway.platform.kafka.AvroSerdes;
import org.linkway.platform.kafka.Topics;
import org.linkway.platform.observability.ReferralTraces;
import org.linkway.platform.streams.TableView;
import org.linkway.platform.streams.TableViews;
import org.linkway.platform.streams.Topologies;
import org.linkway.provider.measures.MeasureChanges;
import org.linkway.state.OfferState;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the offer state machine into Kafka Streams, and the directory into memory. */
@Configuration(proxyBeanMethods = false)
class OfferTopology {

  @Bean
  TableView<ServiceListed> directory(TableViews views) {
    return views.of(Topics.PROVIDER_DIRECTORY);
  }

  @Bean
  KStream<String, SpecificRecord> offerLifecycle(StreamsBuilder builder, AvroSerdes serdes, OfferFeed feed,
      @Value("${linkway.offers.check-deadlines-every:PT1S}") Duration checkEvery, MeasureChanges changes) {
    Topologies.addStore(builder, serdes, OfferProcessor.STORE, OfferState.class);
    builder.addStateStore(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(OfferProcessor.DEADLINES), Serdes.String(), Serdes.String()));
    builder.addStateStore(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(OfferProcessor.BY_PROVIDER), Serdes.String(), Serdes.String()));
    KStream<String, SpecificRecord> inputs =
        Topologies.merged(builder, serdes, Topics.REFERRALS, Topics.PROVIDER_COMMANDS, Topics.BUDGET_DECISIONS);
    ReferralTraces.addStore(builder, OfferProcessor.TRACES);
    Topologies.toTopicsByType(inputs.process(() -> new OfferProcessor(feed, checkEvery, changes::between),
            OfferProcessor.STORE, OfferProcessor.DEADLINES, OfferProcessor.BY_PROVIDER, OfferProcessor.TRACES),
        serdes, Topics.PROVIDER_EVENTS, Topics.BUDGET_REQUESTS, Topics.PROVIDER_REPLIES);
    return inputs;
  }
}
