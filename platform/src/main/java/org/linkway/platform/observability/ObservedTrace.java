package org.linkway.platform.observability;

import io.micrometer.observation.Observation;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.handler.TracingObservationHandler;
import java.util.Optional;
import reactor.util.context.ContextView;

/**
 * The trace of an observation as a {@link Traceparent}: the trace and span Micrometer Tracing gave
 * it. A request's server observation is in its Reactor context, so what a request writes can carry
 * the request's trace without an observation of its own per write.
 */
public final class ObservedTrace {

  private ObservedTrace() {}

  /** The trace of the observation in a Reactor context (a request's, during the request), if it is traced. */
  public static Optional<Traceparent> of(ContextView reactorContext) {
    Observation observation = reactorContext.getOrDefault(ObservationThreadLocalAccessor.KEY, null);
    return observation == null ? Optional.empty() : of(observation.getContextView());
  }

  /** The trace Micrometer Tracing gave an observation, if it gave one. */
  public static Optional<Traceparent> of(Observation.ContextView observation) {
    TracingObservationHandler.TracingContext tracing = observation.get(TracingObservationHandler.TracingContext.class);
    if (tracing == null || tracing.getSpan() == null) return Optional.empty();
    TraceContext context = tracing.getSpan().context();
    // a 64-bit trace id is written left-padded to 128 bits, as W3C trace context asks
    String traceId = context.traceId().length() == 16 ? "0".repeat(16) + context.traceId() : context.traceId();
    return Traceparent.parse("00-" + traceId + "-" + context.spanId() + "-"
        + (Boolean.TRUE.equals(context.sampled()) ? "01" : "00"));
  }
}
