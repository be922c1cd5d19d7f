package org.linkway.referral.intake;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.state.Stores;
import org.linkway.events.ReferralRequested;
import org.linkway.platform.AvroSerdes;
import org.linkway.platform.Topologies;
import org.linkway.platform.Topics;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the Kafka intake: referral-requests in, referrals or referral-rejections out. */
@Configuration(proxyBeanMethods = false)
class KafkaIntakeTopology {

  @Bean
  KStream<String, ReferralRequested> kafkaIntake(StreamsBuilder builder, AvroSerdes serdes, ReferralIntake intake) {
    builder.addStateStore(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(KafkaIntakeProcessor.STORE), Serdes.String(), Serdes.Long()));
    KStream<String, ReferralRequested> requests = builder.stream(Topics.REFERRAL_REQUESTS.name(),
        Consumed.with(Serdes.String(), serdes.forTopic(Topics.REFERRAL_REQUESTS)));
    Topologies.toTopicsByType(requests.process(() -> new KafkaIntakeProcessor(intake), KafkaIntakeProcessor.STORE),
        serdes, Topics.REFERRALS, Topics.REFERRAL_REJECTIONS, Topics.PERSON_KEYS);
    return requests;
  }
}
