package org.linkway.referral;

import org.linkway.platform.kafka.KafkaPlatformConfiguration;
import org.linkway.platform.observability.UnusedAutoConfigurations;
import org.linkway.platform.people.PeopleConfiguration;
import org.linkway.platform.security.SecurityConfiguration;
import org.linkway.platform.streams.CommandReadiness;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.annotation.Import;

/** referral-service: takes referrals from GP systems, routes them to providers, owns each referral's lifecycle. */
@SpringBootApplication(excludeName = UnusedAutoConfigurations.LOG_LINE_COUNTS)
@Import({KafkaPlatformConfiguration.class, CommandReadiness.Configuration.class, SecurityConfiguration.class, PeopleConfiguration.class})
public class ReferralServiceApplication {

  public static final String NAME = "referral-service";

  /** The service's builder; its settings live in referral-service.properties. */
  public static SpringApplicationBuilder builder() {
    return new SpringApplicationBuilder(ReferralServiceApplication.class)
        .properties("spring.config.name=" + NAME);
  }

  public static void main(String[] args) {
    builder().run(args);
  }
}
