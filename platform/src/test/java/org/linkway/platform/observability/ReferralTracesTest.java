package org.linkway.platform.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

class ReferralTracesTest {

  final Map<String, String> stored = new HashMap<>();
  final KeyValueStore<String, String> store = store(stored);
  final ReferralTraces traces = new ReferralTraces(store, true);

  @Test
  void theFirstTraceSeenForAReferral_isTheOneItsEventsCarry_whateverTraceALaterRequestHas() {
    Traceparent submitted = Traceparent.newTrace();
    Traceparent accepted = Traceparent.newTrace();

    Headers first = traces.of("r1", headers(submitted));
    Headers later = traces.of("r1", headers(accepted));
    Headers none = traces.of("r1", new RecordHeaders());

    assertThat(Traceparent.from(first)).contains(submitted);
    assertThat(Traceparent.from(later)).contains(submitted);
    assertThat(Traceparent.from(none)).contains(submitted);
  }

  @Test
  void aReferralWhoseFirstRecordHasNoTrace_getsANewOne_andKeepsIt() {
    Traceparent started = Traceparent.from(traces.of("r2", null)).orElseThrow();
    assertThat(Traceparent.from(traces.of("r2", headers(Traceparent.newTrace())))).contains(started);
    assertThat(stored).containsEntry("r2", started.value());
  }

  @Test
  void eachReferralHasItsOwnTrace_andTheRecordsOtherHeadersStay() {
    Traceparent a = Traceparent.newTrace();
    Traceparent b = Traceparent.newTrace();
    traces.of("a", headers(a));
    Headers incoming = headers(b);
    incoming.add("other", "kept".getBytes(StandardCharsets.UTF_8));

    Headers out = traces.of("b", incoming);

    assertThat(Traceparent.from(out)).contains(b);
    assertThat(out.lastHeader("other")).isNotNull();
    assertThat(Traceparent.from(traces.of("a", incoming))).contains(a);
    assertThat(Traceparent.from(incoming)).contains(b); // the record's own headers are not changed
  }

  @Test
  void aReferralThatHasEnded_isForgotten_afterTheEventsThatEndedItHaveTheirTrace() {
    Traceparent submitted = Traceparent.newTrace();
    traces.of("r3", headers(submitted));
    Headers ending = traces.of("r3", headers(Traceparent.newTrace()));

    traces.forget("r3");

    assertThat(Traceparent.from(ending)).contains(submitted);
    assertThat(stored).doesNotContainKey("r3");
    Traceparent later = Traceparent.newTrace();
    assertThat(Traceparent.from(traces.of("r3", headers(later)))).as("starts again from what it brings").contains(later);
  }

  @Test
  void forgettingAReferral_leavesTheOthersTraces() {
    Traceparent kept = Traceparent.newTrace();
    traces.of("kept", headers(kept));
    traces.of("ended", headers(Traceparent.newTrace()));

    traces.forget("ended");
    traces.forget("never-seen");

    assertThat(stored).containsOnlyKeys("kept");
    assertThat(Traceparent.from(traces.of("kept", null))).contains(kept);
  }

  @Test
  void withTracingOff_aTraceKeptWhileItWasOn_isForgottenWhenItsReferralEnds_andNothingIsKeptOrWrittenForOthers() {
    Traceparent submitted = Traceparent.newTrace();
    traces.of("under-way", headers(submitted));
    traces.of("still-under-way", headers(Traceparent.newTrace()));
    ReferralTraces off = new ReferralTraces(store, false);

    Traceparent accepted = Traceparent.newTrace();
    assertThat(Traceparent.from(off.of("under-way", headers(accepted)))).as("off: the trace its cause brought").contains(accepted);
    assertThat(off.of("new", new RecordHeaders()).lastHeader(Traceparent.HEADER)).isNull();
    off.forget("under-way");
    off.forget("new");

    assertThat(stored).as("kept while on and ended while off: forgotten; the rest as it was").containsOnlyKeys("still-under-way");
    verify(store, never()).put(eq("new"), anyString());
    verify(store, never()).delete("new");
  }

  private static Headers headers(Traceparent trace) {
    RecordHeaders headers = new RecordHeaders();
    headers.add(Traceparent.HEADER, trace.value().getBytes(StandardCharsets.UTF_8));
    return headers;
  }

  @SuppressWarnings("unchecked")
  private static KeyValueStore<String, String> store(Map<String, String> map) {
    KeyValueStore<String, String> store = mock(KeyValueStore.class);
    when(store.get(anyString())).thenAnswer(call -> map.get(call.<String>getArgument(0)));
    doAnswer(call -> map.put(call.getArgument(0), call.getArgument(1))).when(store).put(anyString(), anyString());
    when(store.delete(anyString())).thenAnswer(call -> map.remove(call.<String>getArgument(0)));
    return store;
  }
}
