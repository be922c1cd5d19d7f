package org.linkway.referral.lifecycle.stream;

/** The names of the referral lifecycle's state stores, declared once for the processor that writes them and the queries that read them. */
public final class ReferralStores {

  /** Each referral's {@code ReferralState}, by referralId, as {@link ReferralProcessor} last decided it. */
  public static final String STATE = "referral-state";

  /** Each referral's trace ({@link org.linkway.platform.observability.ReferralTraces}): its events carry it, whoever asked for them. */
  public static final String TRACES = "referral-traces";

  private ReferralStores() {}
}
