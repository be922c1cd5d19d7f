package org.linkway.outcome;

import org.linkway.platform.kafka.KafkaPlatformConfiguration;
import org.linkway.platform.observability.UnusedAutoConfigurations;
import org.linkway.platform.security.SecurityConfiguration;
import org.linkway.platform.streams.CommandReadiness;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.annotation.Import;

/** outcome-service: contracts, the funding ledger of every referral, and outcome streams for commissioners. */
@SpringBootApplication(excludeName = UnusedAutoConfigurations.LOG_LINE_COUNTS)
@Import({KafkaPlatformConfiguration.class, CommandReadiness.Configuration.class, SecurityConfiguration.class})
public class OutcomeServiceApplication {

  public static final String NAME = "outcome-service";

  /** The service's builder; its settings live in outcome-service.properties. */
  public static SpringApplicationBuilder builder() {
    return new SpringApplicationBuilder(OutcomeServiceApplication.class)
        .properties("spring.config.name=" + NAME);
  }

  public static void main(String[] args) {
    builder().run(args);
  }
}
