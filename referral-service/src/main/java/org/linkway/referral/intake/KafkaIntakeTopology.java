package org.linkway.referral.intake;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.state.Stores;
import org.linkway.platform.kafka.AvroSerdes;
import org.linkway.platform.kafka.GpSystems;
import org.linkway.platform.kafka.ServiceTopics;
import org.linkway.platform.kafka.Topics;
import org.linkway.platform.streams.Topologies;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Wires the Kafka intake: each GP system's {@code referral-requests.<system>} in, referrals or that
 * system's {@code referral-rejections.<system>} out. One branch per system, so that each request is
 * judged knowing which system sent it (the broker's ACLs let only that system write its topic).
 */
@Configuration(proxyBeanMethods = false)
class KafkaIntakeTopology {

  private static final Logger log = LoggerFactory.getLogger(KafkaIntakeTopology.class);

  @Bean
  GpSystems gpSystems(Environment environment) {
    GpSystems systems = GpSystems.from(environment);
    if (systems.names().isEmpty()) {
      log.info("no GP system refers over Kafka ({}.<system> is not set): the Kafka intake is off", GpSystems.SETTING);
    }
    return systems;
  }

  /** Each GP system's pair of topics, checked at start with the platform's (the stack's set-up creates them). */
  @Bean
  ServiceTopics gpSystemTopics(GpSystems systems) {
    return new ServiceTopics(systems.names().stream().flatMap(s -> Topics.of(s).stream()).toList());
  }

  @Bean
  Object kafkaIntake(StreamsBuilder builder, AvroSerdes serdes, ReferralIntake intake, GpSystems systems) {
    if (systems.names().isEmpty()) return systems;
    builder.addStateStore(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(KafkaIntakeProcessor.STORE), Serdes.String(), Serdes.Long()));
    for (String system : systems.names()) {
      var requests = Topics.referralRequests(system);
      var outputs = builder.stream(requests.name(), Consumed.with(Serdes.String(), serdes.forTopic(requests)))
          .process(() -> new KafkaIntakeProcessor(intake, system, systems), Named.as("intake-" + system),
              KafkaIntakeProcessor.STORE);
      Topologies.toTopicsByType(outputs, serdes, Topics.REFERRALS, Topics.referralRejections(system), Topics.PERSON_KEYS);
    }
    return systems;
  }
}
