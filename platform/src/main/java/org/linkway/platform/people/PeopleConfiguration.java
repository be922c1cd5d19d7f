package org.linkway.platform.people;

import org.apache.kafka.streams.StreamsBuilder;
import org.linkway.events.PersonKey;
import org.linkway.platform.kafka.AvroSerdes;
import org.linkway.platform.kafka.Topics;
import org.linkway.platform.security.Secrets;
import org.linkway.platform.streams.GlobalTables;
import org.linkway.platform.streams.ReferenceTable;
import org.linkway.platform.streams.StoreQueries;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/** For the services that may see people's identities (referral-service, provider-service): their sealed identities and keys. */
@Configuration(proxyBeanMethods = false)
public class PeopleConfiguration {

  /**
   * The data keys, held by every instance in a global table (on disk, read by key and by person): any instance may
   * open any referral's identity. Kafka Streams is not running, and the service not ready, before the table has
   * caught up with person-keys. A service that erases people tells what it does as keys arrive ({@code keyApplied}).
   */
  @Bean
  ReferenceTable<PersonKey> personKeys(StreamsBuilder builder, AvroSerdes serdes, StoreQueries stores,
      ObjectProvider<GlobalTables.Applied<PersonKey>> keyApplied) {
    return GlobalTables.add(builder, serdes, Topics.PERSON_KEYS, stores,
        keyApplied.getIfAvailable(() -> (key, value, context) -> {}));
  }

  @Bean
  Identities identities(Environment environment, ReferenceTable<PersonKey> personKeys) {
    return new Identities(Secrets.key(environment, Secrets.IDENTITY_KEY), personKeys);
  }
}
