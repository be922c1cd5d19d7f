package org.linkway.provider.offers.stream;

import java.time.Clock;
import java.time.Duration;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.state.Stores;
import org.linkway.platform.kafka.AvroSerdes;
import org.linkway.platform.kafka.Topics;
import org.linkway.platform.observability.ReferralTraces;
import org.linkway.platform.streams.Retention;
import org.linkway.platform.streams.RetentionSettings;
import org.linkway.platform.streams.Topologies;
import org.linkway.platform.streams.ViewFill;
import org.linkway.provider.measures.MeasureChanges;
import org.linkway.provider.offers.domain.OfferLifecycle;
import org.linkway.state.OfferState;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Wires the offer state machine into Kafka Streams, with the providers' lists of their offers
 * ({@link ProviderOffers}) and what ended leaving them ({@link RetentionSettings}).
 */
@Configuration(proxyBeanMethods = false)
class OfferTopology {

  /** How long ended offers stay in the hot stores, and their archive notes after the end ({@link RetentionSettings}). */
  @Bean
  RetentionSettings retentionSettings(Environment environment) {
    return RetentionSettings.of(environment);
  }

  @Bean
  KStream<String, SpecificRecord> offerLifecycle(StreamsBuilder builder, AvroSerdes serdes,
      @Value("${linkway.offers.check-deadlines-every:PT1S}") Duration checkEvery, MeasureChanges changes,
      RetentionSettings retention) {
    Topologies.addStore(builder, serdes, OfferProcessor.STORE, OfferState.class);
    builder.addStateStore(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(OfferProcessor.DEADLINES), Serdes.String(), Serdes.String()));
    ViewFill.addStore(builder, ProviderOffers.FILLED);
    new Retention(OfferProcessor.ENDED_INDEX, retention.ended()).addStore(builder);
    new Retention(OfferProcessor.ARCHIVE_DUE, retention.identities()).addStore(builder);
    builder.addStateStore(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(OfferProcessor.ARCHIVE), Serdes.String(), Serdes.String()));
    OpenOffers.addStores(builder);
    KStream<String, SpecificRecord> inputs =
        Topologies.commands(builder, serdes, Topics.PROVIDER_REPLIES, Topics.REFERRALS, Topics.PROVIDER_COMMANDS,
            Topics.BUDGET_DECISIONS);
    ReferralTraces.addStore(builder, OfferProcessor.TRACES);
    OfferLifecycle lifecycle = new OfferLifecycle(Clock.systemUTC(), changes::between);
    KStream<String, SpecificRecord> outputs = inputs.process(() -> new OfferProcessor(lifecycle, checkEvery, retention),
        OfferProcessor.STORE, OfferProcessor.DEADLINES, ProviderOffers.FILLED, OfferProcessor.TRACES, OpenOffers.SINCE,
        OpenOffers.FIGURES, OfferProcessor.ENDED_INDEX, OfferProcessor.ARCHIVE_DUE, OfferProcessor.ARCHIVE);
    Topologies.toTopicsByType(outputs, serdes, Topics.PROVIDER_EVENTS, Topics.BUDGET_REQUESTS, Topics.PROVIDER_REPLIES);
    ProviderOffers.keep(builder, serdes, outputs);
    return inputs;
  }
}
