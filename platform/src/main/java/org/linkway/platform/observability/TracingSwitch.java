package org.linkway.platform.observability;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * {@code linkway.tracing.enabled} (default true): false turns off everything tracing costs, so that
 * the benchmark can measure what it costs. Off, a service has no tracer (Micrometer Tracing and
 * Brave are not configured; the observations still make their metrics), Reactor no longer copies its
 * context into thread-locals ({@code limited}), so an event written during a request finds no trace
 * to carry ({@link ObservedTrace}), the stream threads' processors
 * are not wrapped ({@link TracingProcessorWrapper}) and the stream processors keep no referral
 * trace ({@link ReferralTraces}): an event carries the trace header its cause brought, if any, and
 * no other. Set it on the command line, in the environment or in the service's own properties (it
 * is read before {@code linkway-defaults.properties}).
 */
public final class TracingSwitch implements EnvironmentPostProcessor, Ordered {

  /** The setting. */
  public static final String ENABLED = "linkway.tracing.enabled";

  /** What the setting off sets in Spring Boot's terms. */
  static final String EXCLUDED_AUTO_CONFIGURATIONS =
      "org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration,"
          + "org.springframework.boot.micrometer.tracing.brave.autoconfigure.BraveAutoConfiguration";

  @Override
  public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
    if (environment.getProperty(ENABLED, Boolean.class, true)) return;
    Map<String, Object> off = new LinkedHashMap<>();
    off.put("management.tracing.export.enabled", "false");
    off.put("spring.reactor.context-propagation", "limited");
    String excluded = environment.getProperty("spring.autoconfigure.exclude", "");
    off.put("spring.autoconfigure.exclude", excluded.isBlank() ? EXCLUDED_AUTO_CONFIGURATIONS : excluded + "," + EXCLUDED_AUTO_CONFIGURATIONS);
    environment.getPropertySources().addFirst(new MapPropertySource("linkway-tracing-off", off));
  }

  /** After the configuration files are read, so that a service's own properties can turn tracing off. */
  @Override
  public int getOrder() {
    return Ordered.LOWEST_PRECEDENCE;
  }

  /** Whether tracing is on, from a stream processor's {@code appConfigs()} (the streams configuration names it when off). */
  public static boolean enabled(Map<String, Object> streamsConfig) {
    Object value = streamsConfig.get(ENABLED);
    return value == null || Boolean.parseBoolean(value.toString());
  }
}
