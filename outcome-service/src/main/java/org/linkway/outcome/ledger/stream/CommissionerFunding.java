package org.linkway.outcome.ledger.stream;

import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.linkway.platform.kafka.AvroSerdes;
import org.linkway.platform.streams.KeptBeside;
import org.linkway.platform.streams.KeyedView;
import org.linkway.platform.streams.StoreQueries;
import org.linkway.state.FundingState;

/**
 * Each commissioner's referrals' funding, held together by the instance that owns the commissioner
 * ({@link KeyedView}): every change of a referral's {@link FundingState} is sent on, keyed by its
 * commissioner, and kept under {@code {commissioner}|{referralId}}. So a commissioner's ledger, summary,
 * statements and breakdown are read from one instance by prefix, complete whichever instance holds the
 * referrals, instead of from the part of the funding store one instance happens to hold. A referral archived
 * ({@code FundingProcessor}) leaves the view, its figures kept in what is kept beside it, and counted in the
 * commissioner's archived figures ({@link ArchivedFunding#TALLY}), always kept beside the view.
 */
public final class CommissionerFunding {

  /** The view: {@code {commissioner}|{referralId}} to the referral's funding state. */
  public static final String STORE = "commissioner-funding";

  private CommissionerFunding() {}

  /**
   * The funding state of each referral of one commissioner, from the instance that owns the commissioner: every one
   * it ever had, so for tests and operators' jobs, never a request (principle 8). Requests read what is kept beside
   * the view: its totals, statements' lines, breakdown cells and lists.
   */
  public static List<FundingState> of(StoreQueries stores, String commissioner) {
    return stores.withPrefix(STORE, commissioner, commissioner + "|");
  }

  /**
   * Keeps the view of the funding states a processor sends on (keyed by referralId, the others ignored), and what is
   * kept {@code beside} it from them: the commissioner's running totals, its statements' lines and totals.
   *
   * @return the states as they reach the commissioner's task, keyed by commissioner: the commissioner's other views
   *     kept from them there ({@link CommissionerLists}) are on the instance holding this one
   */
  @SafeVarargs
  public static KStream<String, FundingState> keep(StreamsBuilder builder, AvroSerdes serdes,
      KStream<String, SpecificRecord> outputs, KeptBeside<FundingState>... beside) {
    KStream<String, FundingState> byCommissioner = outputs
        .filter((referralId, value) -> value instanceof FundingState state && state.getCommissioner() != null)
        .map((referralId, value) -> KeyValue.pair(((FundingState) value).getCommissioner(), (FundingState) value));
    List<KeptBeside<FundingState>> kept = new ArrayList<>(List.of(beside));
    kept.add(ArchivedFunding.TALLY.ofRemoved());
    return KeyedView.keep(builder, serdes, STORE, FundingState.class, "funding-by-commissioner", byCommissioner,
        (commissioner, state) -> commissioner + "|" + state.getReferralId(), kept.toArray(KeptBeside[]::new));
  }
}
