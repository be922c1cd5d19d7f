package org.linkway.platform.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.linkway.platform.kafka.KafkaPlatformConfiguration;
import org.springframework.boot.SpringApplication;
import org.springframework.mock.env.MockEnvironment;

/** {@code linkway.tracing.enabled}: what it turns off, and that it changes nothing when on or unset. */
class TracingSwitchTest {

  private final TracingSwitch tracingSwitch = new TracingSwitch();

  @Test
  void givenTracingUnsetOrOn_whenTheEnvironmentIsPrepared_thenNothingIsAdded() {
    for (MockEnvironment environment : new MockEnvironment[] {new MockEnvironment(),
        new MockEnvironment().withProperty(TracingSwitch.ENABLED, "true")}) {
      int sources = environment.getPropertySources().size();

      tracingSwitch.postProcessEnvironment(environment, new SpringApplication());

      assertThat(environment.getPropertySources().size()).isEqualTo(sources);
      assertThat(environment.getProperty("spring.autoconfigure.exclude")).isNull();
    }
  }

  @Test
  void givenTracingOff_whenTheEnvironmentIsPrepared_thenNoTracerNoReactorPropagationAndOtherExclusionsKept() {
    MockEnvironment environment = new MockEnvironment().withProperty(TracingSwitch.ENABLED, "false")
        .withProperty("spring.reactor.context-propagation", "auto")
        .withProperty("spring.autoconfigure.exclude", "com.example.Other");

    tracingSwitch.postProcessEnvironment(environment, new SpringApplication());

    assertThat(environment.getProperty("spring.reactor.context-propagation")).isEqualTo("limited");
    assertThat(environment.getProperty("management.tracing.export.enabled")).isEqualTo("false");
    assertThat(environment.getProperty("spring.autoconfigure.exclude")).isEqualTo("com.example.Other,"
        + "org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration,"
        + "org.springframework.boot.micrometer.tracing.brave.autoconfigure.BraveAutoConfiguration");
  }

  @Test
  void givenTheStreamsSettings_whenTracingIsOnOrOff_thenTheWrapperOrTheSettingForTheProcessors() {
    assertThat(KafkaPlatformConfiguration.tracingSettings(true))
        .isEqualTo(Map.of(StreamsConfig.PROCESSOR_WRAPPER_CLASS_CONFIG, TracingProcessorWrapper.class));
    assertThat(TracingSwitch.enabled(Map.copyOf(KafkaPlatformConfiguration.tracingSettings(true)))).isTrue();
    assertThat(TracingSwitch.enabled(Map.copyOf(KafkaPlatformConfiguration.tracingSettings(false)))).isFalse();
  }

  @Test
  void givenNoStore_whenAReferralsEventsAreWritten_thenTheyKeepTheHeadersTheyBrought() {
    ReferralTraces none = new ReferralTraces(null, false);
    RecordHeaders without = new RecordHeaders();
    RecordHeaders with = new RecordHeaders();
    with.add(Traceparent.HEADER, "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".getBytes(StandardCharsets.UTF_8));

    assertThat(none.of("r-1", without).lastHeader(Traceparent.HEADER)).isNull();
    assertThat(new String(none.of("r-1", with).lastHeader(Traceparent.HEADER).value(), StandardCharsets.UTF_8))
        .isEqualTo("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    none.forget("r-1");
  }
}
