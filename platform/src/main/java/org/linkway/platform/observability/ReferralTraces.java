package org.linkway.platform.observability;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * One trace per referral: the trace of the request that made the referral (its first record), which
 * every event about the referral carries from then on, whichever service writes it. A later request
 * on the referral (a provider's acceptance, the referrer's cancellation) has a trace of its own: its
 * HTTP log lines carry that one, and a log line under it names the referral's trace ({@link EventLog#joined},
 * with the line per event written), which the
 * events it causes carry. So one referral can be followed across the services by one trace id.
 *
 * <p>Kept in a store of the stream processor that decides on the referral's commands (trace
 * context by referralId), changelog-backed like its other stores. The processor {@linkplain #forget
 * forgets} a referral's trace once the referral has ended there, so the store holds the referrals
 * under way, not every referral there ever was.
 *
 * <p>With tracing off ({@link TracingSwitch}) it keeps nothing: the events carry the headers their
 * cause brought, and no trace of the referral's. It still forgets, as on, the traces kept while tracing
 * was on (a referral under way when tracing was switched off), reading first so that nothing is written
 * for a referral it never kept: else they would stay in the store, and its changelog, for good.
 */
public final class ReferralTraces {

  private final KeyValueStore<String, String> store;
  private final boolean tracing;

  /**
   * @param store the referrals' traces; null for none
   * @param tracing whether tracing is on: off, the store is only read and emptied of what was kept while it was on
   */
  public ReferralTraces(KeyValueStore<String, String> store, boolean tracing) {
    this.store = store;
    this.tracing = tracing;
  }

  /**
   * The traces of a processor, in its store named {@code name}; none kept when the streams configuration turns tracing
   * off, those kept before forgotten all the same.
   */
  public static ReferralTraces in(ProcessorContext<?, ?> context, String name) {
    return new ReferralTraces(context.getStateStore(name), TracingSwitch.enabled(context.appConfigs()));
  }

  /** Adds the store, named {@code name}, to the topology; the processor that uses it must name it too. */
  public static void addStore(StreamsBuilder builder, String name) {
    builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.String(), Serdes.String()));
  }

  /**
   * The headers to write the referral's events with: {@code headers} carrying the referral's trace.
   * The first trace seen for a referral becomes its trace (a new one if its first record has none).
   */
  public Headers of(String referralId, Headers headers) {
    if (store == null || !tracing) return headers;
    Traceparent own = Traceparent.from(headers).orElse(null);
    Traceparent referral = Traceparent.parse(store.get(referralId)).orElse(null);
    if (referral == null) {
      referral = own != null ? own : Traceparent.newTrace();
      store.put(referralId, referral.value());
    } else if (own != null && !own.traceId().equals(referral.traceId())) {
      EventLog.joined(referralId, own.traceId(), referral.traceId());
    }
    return referral.onto(headers);
  }

  /**
   * The referral has ended (nothing more happens to it here): its trace is no longer kept. Call it
   * after forwarding the events of the step that ended it, whose headers already carry the trace.
   * Should anything come after all, it starts from the trace it brings, as a first record would.
   */
  public void forget(String referralId) {
    if (store == null) return;
    // off, few referrals have a trace kept (those under way when tracing was switched off): no tombstone for the others
    if (tracing || store.get(referralId) != null) store.delete(referralId);
  }
}
