package org.linkway.referral.places;

import java.util.Optional;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.linkway.events.PlaceRequest;
import org.linkway.events.ServiceListed;
import org.linkway.events.ServiceLoad;
import org.linkway.platform.kafka.AvroSerdes;
import org.linkway.platform.kafka.Topics;
import org.linkway.platform.streams.ReferenceTable;
import org.linkway.platform.streams.Topologies;
import org.linkway.state.PlaceHeld;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Wires the place deciders into referral-service's Kafka Streams application, beside the referrals' decider
 * that asks them: requests in from {@code place-requests}; answers out to {@code place-decisions}, requests passed
 * on back to {@code place-requests}, the load to {@code service-load}, read back as a global table.
 */
@Configuration(proxyBeanMethods = false)
public class PlaceTopology {

  @Bean
  KStream<String, PlaceRequest> places(StreamsBuilder builder, AvroSerdes serdes, ReferenceTable<ServiceListed> directory) {
    return places(builder, serdes, directory::get);
  }

  /** The place deciders, with the services' places from {@code directory}, and the load table. */
  public static KStream<String, PlaceRequest> places(StreamsBuilder builder, AvroSerdes serdes,
      Function<String, Optional<ServiceListed>> directory) {
    Topologies.addStore(builder, serdes, PlaceProcessor.LOADS, ServiceLoad.class);
    Topologies.addStore(builder, serdes, PlaceProcessor.HELD, PlaceHeld.class);
    ServiceLoads.addTable(builder, serdes);
    KStream<String, PlaceRequest> requests = builder.stream(Topics.PLACE_REQUESTS.name(),
        Consumed.with(Serdes.String(), serdes.forTopic(Topics.PLACE_REQUESTS)));
    Topologies.toTopicsByType(requests.process(() -> new PlaceProcessor(directory), PlaceProcessor.LOADS, PlaceProcessor.HELD),
        serdes, Topics.PLACE_REQUESTS, Topics.PLACE_DECISIONS, Topics.SERVICE_LOAD);
    return requests;
  }
}
