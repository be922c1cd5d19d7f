package org.linkway.referral.lifecycle.stream;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
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

  /** The one key of {@link #COUNTS} in each task. */
  static final String ALL = "all";

  private ReferralStores() {}
}
