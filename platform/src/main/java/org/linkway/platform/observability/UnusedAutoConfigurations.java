package org.linkway.platform.observability;

/**
 * Spring Boot auto-configurations every service leaves out, named for {@code @SpringBootApplication(excludeName = …)}:
 * an exclusion there is added to any from {@code spring.autoconfigure.exclude} (which {@link TracingSwitch} sets when
 * tracing is off), where one in a properties file would be replaced by it.
 */
public final class UnusedAutoConfigurations {

  /**
   * Micrometer's count of log lines by level ({@code logback_events}): its turbo filter ran on every logging call, the
   * debug and trace calls that write nothing too, about 1 % of provider-service's CPU in the benchmark.
   */
  public static final String LOG_LINE_COUNTS =
      "org.springframework.boot.micrometer.metrics.autoconfigure.logging.logback.LogbackMetricsAutoConfiguration";

  private UnusedAutoConfigurations() {}
}
