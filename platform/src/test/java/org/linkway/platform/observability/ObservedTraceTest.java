package org.linkway.platform.observability;

import static org.assertj.core.api.Assertions.assertThat;

import brave.Tracing;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import io.micrometer.tracing.brave.bridge.BraveBaggageManager;
import io.micrometer.tracing.brave.bridge.BraveCurrentTraceContext;
import io.micrometer.tracing.brave.bridge.BraveTracer;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.handler.TracingObservationHandler;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;

class ObservedTraceTest {

  private final Tracing tracing = Tracing.newBuilder().traceId128Bit(true).build();
  private final ObservationRegistry registry = ObservationRegistry.create();

  @AfterEach
  void close() {
    tracing.close();
  }

  @Test
  void givenATracedObservationInTheReactorContext_whenRead_thenItsTraceAndSpanAreTheTraceparent() {
    BraveTracer tracer = new BraveTracer(tracing.tracer(), new BraveCurrentTraceContext(tracing.currentTraceContext()),
        new BraveBaggageManager());
    registry.observationConfig().observationHandler(new DefaultTracingObservationHandler(tracer));
    Observation request = Observation.start("http.server.requests", registry);
    try {
      Optional<Traceparent> read = Mono.deferContextual(context -> Mono.just(ObservedTrace.of(context)))
          .contextWrite(Context.of(ObservationThreadLocalAccessor.KEY, request)).block();
      var span = request.getContextView().<TracingObservationHandler.TracingContext>get(
          TracingObservationHandler.TracingContext.class).getSpan().context();
      assertThat(read).contains(new Traceparent(span.traceId(), span.spanId(), "01"));
    } finally {
      request.stop();
    }
  }

  @Test
  void givenA64BitTraceId_whenRead_thenItIsWrittenLeftPaddedTo128Bits() {
    try (Tracing narrow = Tracing.newBuilder().build()) {
      BraveTracer tracer = new BraveTracer(narrow.tracer(), new BraveCurrentTraceContext(narrow.currentTraceContext()),
          new BraveBaggageManager());
      registry.observationConfig().observationHandler(new DefaultTracingObservationHandler(tracer));
      Observation request = Observation.start("http.server.requests", registry);
      var span = request.getContextView().<TracingObservationHandler.TracingContext>get(
          TracingObservationHandler.TracingContext.class).getSpan().context();
      assertThat(ObservedTrace.of(request.getContextView()))
          .contains(new Traceparent("0".repeat(16) + span.traceId(), span.spanId(), "01"));
      request.stop();
    }
  }

  @Test
  void givenNoObservationOrAnUntracedOne_whenRead_thenThereIsNoTrace() {
    assertThat(Mono.deferContextual(context -> Mono.just(ObservedTrace.of(context))).block()).isEmpty();
    Observation untraced = Observation.start("http.server.requests", registry); // no tracing handler
    assertThat(Mono.deferContextual(context -> Mono.just(ObservedTrace.of(context)))
        .contextWrite(Context.of(ObservationThreadLocalAccessor.KEY, untraced)).block()).isEmpty();
    untraced.stop();
  }
}
