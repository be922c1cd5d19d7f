package org.linkway.provider.directory;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.linkway.events.ServiceListed;
import org.linkway.platform.AvroSerdes;
import org.linkway.platform.Decisions;
import org.linkway.platform.EventPublisher;
import org.linkway.platform.Topics;
import org.linkway.platform.Topologies;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the directory's decider into Kafka Streams, and the HTTP side's way of asking it. */
@Configuration(proxyBeanMethods = false)
class DirectoryTopology {

  @Bean
  KStream<String, SpecificRecord> directoryDecider(StreamsBuilder builder, AvroSerdes serdes, Decisions decisions) {
    Topologies.addStore(builder, serdes, DirectoryProcessor.STORE, ServiceListed.class);
    KStream<String, SpecificRecord> inputs =
        Topologies.merged(builder, serdes, Topics.DIRECTORY_COMMANDS, Topics.PROVIDER_DIRECTORY);
    Topologies.toTopicsByType(inputs.process(() -> new DirectoryProcessor(decisions), DirectoryProcessor.STORE),
        serdes, Topics.PROVIDER_DIRECTORY);
    return inputs;
  }

  @Bean
  DirectoryCommands directoryCommands(EventPublisher publisher, Decisions decisions) {
    return (serviceId, command) -> decisions.send(publisher, Topics.DIRECTORY_COMMANDS, serviceId, command,
        command.getMetadata().getEventId(), ServiceListed.class);
  }
}
