package org.linkway.provider.directory.stream;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.linkway.events.ServiceListed;
import org.linkway.platform.kafka.AvroSerdes;
import org.linkway.platform.kafka.EventPublisher;
import org.linkway.platform.kafka.Topics;
import org.linkway.platform.streams.Decisions;
import org.linkway.platform.streams.GlobalTables;
import org.linkway.platform.streams.KeyedDecider;
import org.linkway.platform.streams.ReferenceTable;
import org.linkway.platform.streams.StoreQueries;
import org.linkway.provider.directory.domain.DirectoryDecider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the directory's decider and its global table into Kafka Streams, and the HTTP side's way of asking and reading it. */
@Configuration(proxyBeanMethods = false)
class DirectoryTopology {

  static final String STORE = "directory-listings";

  /** Every change of a listing is decided here, one at a time per service id ({@link DirectoryDecider}). */
  @Bean
  KStream<String, SpecificRecord> directoryDecider(StreamsBuilder builder, AvroSerdes serdes) {
    return KeyedDecider.add(builder, serdes, STORE, Topics.DIRECTORY_COMMANDS, Topics.PROVIDER_DIRECTORY,
        Topics.PROVIDER_REPLIES, command -> command.getMetadata().getEventId(), DirectoryDecider::decide);
  }

  /** The directory as every instance holds it whole (a global table), for the HTTP side: read by key or whole. */
  @Bean
  ReferenceTable<ServiceListed> directory(StreamsBuilder builder, AvroSerdes serdes, StoreQueries stores) {
    return GlobalTables.add(builder, serdes, Topics.PROVIDER_DIRECTORY, stores);
  }

  @Bean
  DirectoryCommands directoryCommands(EventPublisher publisher, Decisions decisions) {
    return (serviceId, command) -> KeyedDecider.ask(decisions, publisher, Topics.DIRECTORY_COMMANDS, serviceId, command,
        command.getMetadata().getEventId(), Topics.PROVIDER_DIRECTORY);
  }
}
