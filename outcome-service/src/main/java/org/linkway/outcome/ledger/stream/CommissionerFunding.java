package org.linkway.outcome.ledger.stream;

import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.linkway.platform.kafka.AvroSerdes;
import org.linkway.platform.streams.StoreQueries;
import org.linkway.platform.streams.Topologies;
import org.linkway.state.FundingState;

/**
 * Each commissioner's referrals' funding, held together by the instance that owns the commissioner:
 * every change of a referral's {@link FundingState} is sent on, keyed by its commissioner, through a
 * repartition topic (in the same transaction), and kept here under {@code {commissioner}|{referralId}}.
 * So a commissioner's ledger, summary, statements and breakdown are read from one instance by prefix,
 * complete whichever instance holds the referrals, instead of from the part of the funding store one
 * instance happens to hold.
 */
public final class CommissionerFunding extends ContextualProcessor<String, FundingState, Void, Void> {

  /** The view: {@code {commissioner}|{referralId}} to the referral's funding state. */
  public static final String STORE = "commissioner-funding";

  /** The funding state of each referral of one commissioner, from the instance that owns the commissioner. */
  public static List<FundingState> of(StoreQueries stores, String commissioner) {
    return stores.withPrefix(STORE, commissioner, commissioner + "|");
  }

  /** Keeps the view of the funding states a processor sends on (keyed by referralId, the others ignored). */
  static void keep(StreamsBuilder builder, AvroSerdes serdes, KStream<String, SpecificRecord> outputs) {
    Topologies.addStore(builder, serdes, STORE, FundingState.class);
    outputs.filter((referralId, value) -> value instanceof FundingState state && state.getCommissioner() != null)
        .map((referralId, value) -> KeyValue.pair(((FundingState) value).getCommissioner(), (FundingState) value))
        .repartition(Repartitioned.<String, FundingState>as("funding-by-commissioner")
            .withKeySerde(Serdes.String()).withValueSerde(serdes.forValues(FundingState.class)))
        .process(CommissionerFunding::new, STORE);
  }

  private KeyValueStore<String, FundingState> view;

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    super.init(context);
    this.view = context.getStateStore(STORE);
  }

  @Override
  public void process(Record<String, FundingState> record) {
    view.put(record.key() + "|" + record.value().getReferralId(), record.value());
  }
}
