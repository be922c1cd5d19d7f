package org.linkway.referral.people;

import org.apache.kafka.streams.StreamsBuilder;
import org.linkway.events.PersonErased;
import org.linkway.events.PersonKey;
import org.linkway.platform.kafka.AvroSerdes;
import org.linkway.platform.kafka.Topics;
import org.linkway.platform.streams.GlobalTables;
import org.linkway.platform.streams.ReferenceTable;
import org.linkway.platform.streams.StoreQueries;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The erasures, held by every instance in a global table beside the data keys' ({@code PeopleConfiguration}): a key
 * may reach any instance. Both tables tell {@link ErasedKeys} of what they read.
 */
@Configuration(proxyBeanMethods = false)
class PeopleTables {

  @Bean
  ReferenceTable<PersonErased> personErasures(StreamsBuilder builder, AvroSerdes serdes, StoreQueries stores,
      ErasedKeys erasedKeys) {
    return GlobalTables.add(builder, serdes, Topics.PERSON_ERASURES, stores, erasedKeys::erasureApplied);
  }

  /**
   * What the data keys' table does with each key it reads. It takes the erasures' table so that Spring adds that one
   * to the topology first: Kafka Streams restores global tables in the order they were added, and each key read at a
   * start must find every erasure already there.
   */
  @Bean
  GlobalTables.Applied<PersonKey> personKeyApplied(ReferenceTable<PersonErased> personErasures, ErasedKeys erasedKeys) {
    return erasedKeys::keyApplied;
  }
}
