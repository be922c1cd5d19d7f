package org.linkway.platform.observability;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;

/**
 * What every service shares for being watched, beside what Spring Boot configures from
 * {@code linkway-defaults.properties} (Prometheus metrics, W3C trace context, JSON logs): each
 * response names the trace of its request, so that a caller can quote it.
 */
@Configuration(proxyBeanMethods = false)
public class ObservabilityConfiguration {

  /**
   * {@code traceparent} on every response: the trace of the request (the caller's own when it sent
   * one), which the log lines of the request and the events it caused carry.
   */
  @Bean
  @Order(Ordered.HIGHEST_PRECEDENCE)
  WebFilter traceparentResponseHeader() {
    return (exchange, chain) -> {
      traceOf(exchange).ifPresent(trace -> exchange.getResponse().getHeaders().set(Traceparent.HEADER, trace.value()));
      return chain.filter(exchange);
    };
  }

  /** The trace context of the request's server observation (started before any filter runs). */
  static java.util.Optional<Traceparent> traceOf(ServerWebExchange exchange) {
    return ServerRequestObservationContext.findCurrent(exchange.getAttributes()).flatMap(ObservedTrace::of);
  }
}
