package org.linkway.provider;

import org.linkway.platform.kafka.KafkaPlatformConfiguration;
import org.linkway.platform.observability.UnusedAutoConfigurations;
import org.linkway.platform.people.PeopleConfiguration;
import org.linkway.platform.security.SecurityConfiguration;
import org.linkway.platform.streams.CommandReadiness;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.annotation.Import;

/** provider-service: the provider directory, each provider's queue of offered referrals, and their decisions, sessions and outcomes. */
@SpringBootApplication(excludeName = UnusedAutoConfigurations.LOG_LINE_COUNTS)
@Import({KafkaPlatformConfiguration.class, CommandReadiness.Configuration.class, SecurityConfiguration.class, PeopleConfiguration.class})
public class ProviderServiceApplication {

  public static final String NAME = "provider-service";

  /** The service's builder; its settings live in provider-service.properties. */
  public static SpringApplicationBuilder builder() {
    return new SpringApplicationBuilder(ProviderServiceApplication.class)
        .properties("spring.config.name=" + NAME);
  }

  public static void main(String[] args) {
    builder().run(args);
  }
}
