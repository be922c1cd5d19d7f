package org.linkway.referral.lifecycle.stream;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;
import org.linkway.events.BudgetAgreed;
import org.linkway.events.BudgetUse;
import org.linkway.events.ContractAgreed;
import org.linkway.events.PersonKey;
import org.linkway.events.ServiceListed;
import org.linkway.platform.kafka.AvroSerdes;
import org.linkway.platform.kafka.Topics;
import org.linkway.platform.observability.ReferralTraces;
import org.linkway.platform.streams.FundingTables;
import org.linkway.platform.streams.GlobalTables;
import org.linkway.platform.streams.ReferenceTable;
import org.linkway.platform.streams.Retention;
import org.linkway.platform.streams.RetentionSettings;
import org.linkway.platform.streams.StoreQueries;
import org.linkway.platform.streams.Topologies;
import org.linkway.platform.streams.ViewFill;
import org.linkway.referral.lifecycle.domain.ReferralLifecycle;
import org.linkway.referral.routing.FundingRoom;
import org.linkway.state.ReferralState;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;

/** Wires the referral state machine into Kafka Streams. */
@Configuration(proxyBeanMethods = false)
@Import(FundingTables.class)
class ReferralTopology {

  /** The directory, held whole by every instance (a global table), indexed by commissioner for routing. */
  @Bean
  ReferenceTable<ServiceListed> directory(StreamsBuilder builder, AvroSerdes serdes, StoreQueries stores) {
    return GlobalTables.add(builder, serdes, Topics.PROVIDER_DIRECTORY, stores);
  }

  /** Contracts, budgets and their use, so that routing can prefer services whose places would be paid for. */
  @Bean
  FundingRoom fundingRoom(ReferenceTable<ContractAgreed> contracts, ReferenceTable<BudgetAgreed> budgets,
      ReferenceTable<BudgetUse> budgetUse) {
    return new FundingRoom(contracts, budgets, budgetUse);
  }

  /** Offers: {@code linkway.offers.respond-within} (P14D), {@code linkway.offers.respond-within-for.<ICB>}, {@code max-attempts} (3). */
  @Bean
  ReferralLifecycle.Settings lifecycleSettings(Environment environment) {
    Binder binder = Binder.get(environment);
    return new ReferralLifecycle.Settings(
        binder.bind("linkway.offers.respond-within", Duration.class).orElse(Duration.ofDays(14)),
        binder.bind("linkway.offers.respond-within-for", Bindable.mapOf(String.class, Duration.class)).orElse(Map.of()),
        binder.bind("linkway.offers.max-attempts", Integer.class).orElse(3));
  }

  /** How long ended referrals stay in the hot stores and identities after the end ({@link RetentionSettings}). */
  @Bean
  RetentionSettings retentionSettings(Environment environment) {
    return RetentionSettings.of(environment);
  }

  @Bean
  KStream<String, SpecificRecord> referralLifecycle(StreamsBuilder builder, AvroSerdes serdes,
      ReferenceTable<ServiceListed> directory, FundingRoom funding, ReferralLifecycle.Settings settings,
      RetentionSettings retention) {
    return lifecycleOn(builder, serdes, directory, funding, settings, retention, Clock.systemUTC());
  }

  /** The lifecycle, its events occurring on {@code clock} (a test's). */
  static KStream<String, SpecificRecord> lifecycleOn(StreamsBuilder builder, AvroSerdes serdes,
      ReferenceTable<ServiceListed> directory, FundingRoom funding, ReferralLifecycle.Settings settings,
      RetentionSettings retention, Clock clock) {
    Topologies.addStore(builder, serdes, ReferralStores.STATE, ReferralState.class);
    KStream<String, SpecificRecord> inputs =
        Topologies.commands(builder, serdes, Topics.REFERRAL_REPLIES, Topics.REFERRALS, Topics.PROVIDER_EVENTS,
            Topics.REFERRAL_COMMANDS, Topics.PLACE_DECISIONS);
    ReferralTraces.addStore(builder, ReferralStores.TRACES);
    ViewFill.addStore(builder, PracticeReferrals.FILLED);
    ReferralStores.COUNTS.addStores(builder);
    new Retention(ReferralStores.ENDED, retention.ended()).addStore(builder);
    new Retention(ReferralStores.IDENTITIES_DUE, retention.identities()).addStore(builder);
    builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ReferralStores.ARCHIVE),
        Serdes.String(), Serdes.String()));
    KStream<String, SpecificRecord> outputs = inputs.process(
        () -> new ReferralProcessor(
            load -> new ReferralLifecycle(directory, load, funding, settings, clock), retention),
        ReferralStores.STATE, ReferralStores.TRACES, PracticeReferrals.FILLED, ReferralStores.COUNTS.store(),
        ReferralStores.COUNTS.filledStore(), ReferralStores.ENDED, ReferralStores.IDENTITIES_DUE, ReferralStores.ARCHIVE);
    Topologies.toTopicsByType(outputs, serdes, Topics.REFERRALS, Topics.REFERRAL_REPLIES, Topics.PLACE_REQUESTS);
    // the one output without a value: an identity's data key erased when its time comes (referral-service writes person-keys)
    outputs.filter((key, value) -> value == null).mapValues(value -> (PersonKey) value)
        .to(Topics.PERSON_KEYS.name(), Produced.with(Serdes.String(), serdes.forTopic(Topics.PERSON_KEYS)));
    PracticeReferrals.keep(builder, serdes, outputs);
    return inputs;
  }
}
