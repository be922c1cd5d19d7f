package org.linkway.referral.routing;

/**
 * How many places of a service are taken: referrals offered to it and waiting for its answer, and
 * referrals it accepted that are still open. Each holds a place; routing ranks services by it.
 */
public record Load(int openOffers, int accepted) {

  /** Nothing taken (or nothing known yet). */
  public static final Load NONE = new Load(0, 0);

  public int total() {
    return openOffers + accepted;
  }
}
