package org.linkway.platform.people;

import org.linkway.events.PersonKey;
import org.linkway.platform.kafka.Topics;
import org.linkway.platform.security.Secrets;
import org.linkway.platform.streams.TableView;
import org.linkway.platform.streams.TableViews;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/** For the services that may see people's identities (referral-service, provider-service): their sealed identities and keys. */
@Configuration(proxyBeanMethods = false)
public class PeopleConfiguration {

  @Bean
  TableView<PersonKey> personKeys(TableViews views) {
    return views.of(Topics.PERSON_KEYS);
  }

  @Bean
  Identities identities(Environment environment, TableView<PersonKey> personKeys) {
    return new Identities(Secrets.key(environment, Secrets.IDENTITY_KEY), personKeys);
  }
}
