package org.linkway.referral.lifecycle.stream;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.linkway.platform.streams.StoreQueries;
import org.linkway.platform.streams.Tally;
import org.linkway.state.ReferralState;

/** The names of the referral lifecycle's state stores, declared once for the processor that writes them and the queries that read them. */
public final class ReferralStores {

  /** Each referral's {@code ReferralState}, by referralId, as {@link ReferralProcessor} last decided it. */
  public static final String STATE = "referral-state";

  /** Each referral's trace ({@link org.linkway.platform.observability.ReferralTraces}): its events carry it, whoever asked for them. */
  public static final String TRACES = "referral-traces";

  /**
   * How many referrals of the task's {@link #STATE} stand at each status ({@code all|status|{STATUS}}), kept as
   * {@link ReferralProcessor} changes them, for the gauges ({@code ReferralMetrics}): never a scan of the store.
   */
  public static final Tally<ReferralState> COUNTS = new Tally<>("referral-counts",
      s -> Map.of("status|" + s.getStatus().name(), List.of(BigDecimal.ONE)));

  /**
   * The referrals of the task that have ended, by when ({@code Retention}): each leaves {@link #STATE} and its
   * practice's list {@code linkway.retention.ended} after its end, into {@link #ARCHIVE}.
   */
  public static final String ENDED = "referral-ended";

  /**
   * The same, each with its identity's data key ({@code personId/keyId} on person-keys): the key is tombstoned
   * {@code linkway.retention.identities} after the end, and the referral's {@link #ARCHIVE} note dropped.
   */
  public static final String IDENTITIES_DUE = "referral-identities-due";

  /** What is kept of a referral archived, by referralId ({@link ArchivedReferral}), until its identity is erased. */
  public static final String ARCHIVE = "referral-archive";

  /** The one key of {@link #COUNTS} in each task. */
  static final String ALL = "all";

  private ReferralStores() {}

  /** The referral's archive note, read by key on the instance that owns the referral. */
  public static Optional<ArchivedReferral> archived(StoreQueries stores, String referralId) {
    return stores.<String>get(ARCHIVE, referralId).map(ArchivedReferral::parse);
  }
}
