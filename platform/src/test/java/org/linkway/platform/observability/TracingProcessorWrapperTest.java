package org.linkway.platform.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class TracingProcessorWrapperTest {

  final List<String> seen = new ArrayList<>();
  final TracingProcessorWrapper wrapper = new TracingProcessorWrapper();

  @AfterEach
  void clear() {
    MDC.clear();
  }

  @Test
  void whileARecordIsProcessed_itsTraceIsInTheLoggingContext_andThePreviousOneComesBackAfter() {
    Traceparent trace = Traceparent.newTrace();
    MDC.put(TracingProcessorWrapper.TRACE_ID, "outer-trace");
    Processor<String, String, String, String> processor = wrap(record -> seen.add(MDC.get("traceId") + "/" + MDC.get("spanId")));

    processor.process(record(trace));

    assertThat(seen).containsExactly(trace.traceId() + "/" + trace.spanId());
    assertThat(MDC.get(TracingProcessorWrapper.TRACE_ID)).isEqualTo("outer-trace");
    assertThat(MDC.get(TracingProcessorWrapper.SPAN_ID)).isNull();
  }

  @Test
  void aRecordWithoutATrace_leavesTheLoggingContextAsItIs() {
    MDC.put(TracingProcessorWrapper.TRACE_ID, "outer-trace");
    Processor<String, String, String, String> processor = wrap(record -> seen.add(MDC.get("traceId")));

    processor.process(new Record<>("k", "v", 0L));

    assertThat(seen).containsExactly("outer-trace");
  }

  @Test
  void aRecordForwardedToAnotherProcessor_isLoggedUnderItsOwnTrace_andTheCallerGetsItsOwnBack() {
    Traceparent outer = Traceparent.newTrace();
    Traceparent inner = Traceparent.newTrace();
    Processor<String, String, String, String> child = wrap(record -> seen.add("child " + MDC.get("traceId")));
    Processor<String, String, String, String> parent = wrap(record -> {
      child.process(record(inner));
      seen.add("parent " + MDC.get("traceId"));
    });

    parent.process(record(outer));

    assertThat(seen).containsExactly("child " + inner.traceId(), "parent " + outer.traceId());
    assertThat(MDC.get(TracingProcessorWrapper.TRACE_ID)).isNull();
  }

  @Test
  void theWrappedSupplier_keepsTheStoresOfTheOriginal() {
    StoreBuilder<?> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("s"), Serdes.String(), Serdes.String());
    ProcessorSupplier<String, String, String, String> supplier = new ProcessorSupplier<>() {
      @Override
      public Processor<String, String, String, String> get() {
        return record -> {};
      }

      @Override
      public Set<StoreBuilder<?>> stores() {
        return Set.of(store);
      }
    };
    assertThat(wrapper.wrapProcessorSupplier("p", supplier).stores()).containsExactly(store);
  }

  private Processor<String, String, String, String> wrap(Processor<String, String, String, String> processor) {
    return wrapper.wrapProcessorSupplier("test", () -> processor).get();
  }

  private static Record<String, String> record(Traceparent trace) {
    RecordHeaders headers = new RecordHeaders();
    headers.add(Traceparent.HEADER, trace.value().getBytes(StandardCharsets.UTF_8));
    return new Record<>("k", "v", 0L, headers);
  }
}
