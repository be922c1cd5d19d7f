package org.linkway.platform.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

/**
 * {@link RetentionSettings}: the defaults (90 days; 8 years, after the NHS records code), the settings read in Spring's
 * duration forms, and nonsense refused at start with the setting's name.
 */
class RetentionSettingsTest {

  @Test
  void givenNoSetting_whenRead_thenTheDefaultsAre90DaysAnd8Years() {
    RetentionSettings settings = RetentionSettings.of(new MockEnvironment());

    assertThat(settings.ended()).isEqualTo(Duration.ofDays(90));
    assertThat(settings.identities()).isEqualTo(Duration.ofDays(2922));
  }

  @Test
  void givenSettings_whenRead_thenTheyAreTaken() {
    RetentionSettings settings = RetentionSettings.of(new MockEnvironment()
        .withProperty("linkway.retention.ended", "30d").withProperty("linkway.retention.identities", "P3650D"));

    assertThat(settings.ended()).isEqualTo(Duration.ofDays(30));
    assertThat(settings.identities()).isEqualTo(Duration.ofDays(3650));
  }

  @Test
  void givenNonsense_whenRead_thenItIsRefusedNamingTheSetting() {
    assertThatThrownBy(() -> RetentionSettings.of(new MockEnvironment().withProperty("linkway.retention.ended", "0s")))
        .hasMessageContaining("linkway.retention.ended must be a positive duration");
    assertThatThrownBy(() -> RetentionSettings.of(new MockEnvironment().withProperty("linkway.retention.identities", "-1d")))
        .hasMessageContaining("linkway.retention.identities must be a positive duration");
    assertThatThrownBy(() -> RetentionSettings.of(new MockEnvironment().withProperty("linkway.retention.identities", "40000d")))
        .hasMessageContaining("more than 100 years");
    assertThatThrownBy(() -> RetentionSettings.of(new MockEnvironment()
            .withProperty("linkway.retention.ended", "400d").withProperty("linkway.retention.identities", "300d")))
        .hasMessageContaining("linkway.retention.identities (300 days) is not longer than linkway.retention.ended (400 days)");
    assertThatThrownBy(() -> RetentionSettings.of(new MockEnvironment()
            .withProperty("linkway.retention.ended", "400d").withProperty("linkway.retention.identities", "400d")))
        .as("alike: the note would go as the referral is archived")
        .hasMessageContaining("linkway.retention.identities (400 days) is not longer than linkway.retention.ended (400 days)");
  }
}
