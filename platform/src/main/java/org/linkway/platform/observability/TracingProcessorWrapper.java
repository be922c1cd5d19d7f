package org.linkway.platform.observability;

import java.util.Set;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorSupplier;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.ProcessorWrapper;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.WrappedFixedKeyProcessorSupplier;
import org.apache.kafka.streams.processor.api.WrappedProcessorSupplier;
import org.apache.kafka.streams.state.StoreBuilder;
import org.slf4j.MDC;

/**
 * Puts the trace of the record being processed into the logging context ({@code traceId},
 * {@code spanId}: the MDC keys Micrometer Tracing uses on the HTTP side), for every processor of
 * the topology ({@code processor.wrapper.class}), so that what a stream thread logs about a record
 * carries the trace of the request that caused it. The previous values come back afterwards:
 * processors call each other as records are forwarded.
 */
public final class TracingProcessorWrapper implements ProcessorWrapper {

  public static final String TRACE_ID = "traceId";
  public static final String SPAN_ID = "spanId";

  @Override
  public <KIn, VIn, KOut, VOut> WrappedProcessorSupplier<KIn, VIn, KOut, VOut> wrapProcessorSupplier(
      String processorName, ProcessorSupplier<KIn, VIn, KOut, VOut> supplier) {
    return new WrappedProcessorSupplier<>() {
      @Override
      public Processor<KIn, VIn, KOut, VOut> get() {
        return new Traced<>(supplier.get());
      }

      @Override
      public Set<StoreBuilder<?>> stores() {
        return supplier.stores();
      }
    };
  }

  @Override
  public <KIn, VIn, VOut> WrappedFixedKeyProcessorSupplier<KIn, VIn, VOut> wrapFixedKeyProcessorSupplier(
      String processorName, FixedKeyProcessorSupplier<KIn, VIn, VOut> supplier) {
    return new WrappedFixedKeyProcessorSupplier<>() {
      @Override
      public FixedKeyProcessor<KIn, VIn, VOut> get() {
        return new TracedFixedKey<>(supplier.get());
      }

      @Override
      public Set<StoreBuilder<?>> stores() {
        return supplier.stores();
      }
    };
  }

  private record Traced<KIn, VIn, KOut, VOut>(Processor<KIn, VIn, KOut, VOut> processor)
      implements Processor<KIn, VIn, KOut, VOut> {
    @Override
    public void init(ProcessorContext<KOut, VOut> context) {
      processor.init(context);
    }

    @Override
    public void process(Record<KIn, VIn> record) {
      inTraceOf(record.headers(), () -> processor.process(record));
    }

    @Override
    public void close() {
      processor.close();
    }
  }

  private record TracedFixedKey<KIn, VIn, VOut>(FixedKeyProcessor<KIn, VIn, VOut> processor)
      implements FixedKeyProcessor<KIn, VIn, VOut> {
    @Override
    public void init(FixedKeyProcessorContext<KIn, VOut> context) {
      processor.init(context);
    }

    @Override
    public void process(FixedKeyRecord<KIn, VIn> record) {
      inTraceOf(record.headers(), () -> processor.process(record));
    }

    @Override
    public void close() {
      processor.close();
    }
  }

  /** Runs {@code work} with the trace the headers carry in the logging context; as it is if they carry none. */
  public static void inTraceOf(Headers headers, Runnable work) {
    Traceparent trace = Traceparent.from(headers).orElse(null);
    if (trace == null) {
      work.run();
      return;
    }
    String traceId = MDC.get(TRACE_ID);
    String spanId = MDC.get(SPAN_ID);
    MDC.put(TRACE_ID, trace.traceId());
    MDC.put(SPAN_ID, trace.spanId());
    try {
      work.run();
    } finally {
      restore(TRACE_ID, traceId);
      restore(SPAN_ID, spanId);
    }
  }

  private static void restore(String key, String value) {
    if (value == null) {
      MDC.remove(key);
    } else {
      MDC.put(key, value);
    }
  }
}
