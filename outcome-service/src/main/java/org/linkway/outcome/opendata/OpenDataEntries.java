package org.linkway.outcome.opendata;

import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.linkway.platform.kafka.AvroSerdes;
import org.linkway.platform.streams.KeyedView;
import org.linkway.state.FundingState;
import org.linkway.state.OpenDataEntry;

/**
 * Every referral's part in the open-data release of its month ({@link OpenDataTable#entry}), held
 * together by one instance ({@link KeyedView}): each change of a referral's {@link FundingState} sends
 * its entry on, under the one key {@value #KEY}, kept under {@code {month}|{referralId}}. So a
 * month's release is read by prefix on the instance owning {@value #KEY} ({@code OpenDataRoutes}),
 * complete whichever instance holds the referrals, and a release costs one read of its month.
 */
public final class OpenDataEntries {

  /** The entries: {@code {month}|{referralId}} to the referral's {@link OpenDataEntry}. */
  public static final String STORE = "open-data-entries";
  /** The key every entry travels under, so that they are all in one partition, on one instance. */
  public static final String KEY = "open-data";

  private OpenDataEntries() {}

  /** Keeps the entries of the funding states among a processor's {@code outputs} (the others are ignored). */
  public static void keep(StreamsBuilder builder, AvroSerdes serdes, KStream<String, SpecificRecord> outputs) {
    KeyedView.keep(builder, serdes, STORE, OpenDataEntry.class, STORE, outputs.flatMap(OpenDataEntries::entryOf),
        (key, entry) -> prefix(entry.getMonth()) + entry.getReferralId());
  }

  /** The entry of a funding state, under {@value #KEY}; none for anything else, or a state whose submission is not seen. */
  private static List<KeyValue<String, OpenDataEntry>> entryOf(String referralId, SpecificRecord value) {
    if (!(value instanceof FundingState state)) return List.of();
    return OpenDataTable.entry(state).map(entry -> List.of(KeyValue.pair(KEY, entry))).orElse(List.of());
  }

  /** The start of the keys of one month's entries. */
  static String prefix(String month) {
    return month + "|";
  }
}
