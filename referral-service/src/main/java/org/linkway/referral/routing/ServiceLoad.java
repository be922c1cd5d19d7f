package org.linkway.referral.routing;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.linkway.state.ReferralState;
import org.linkway.state.ReferralStatus;

/**
 * How busy each service is: referrals offered to it and waiting for an answer, and referrals it
 * accepted that are still open. Accepted referrals take places; places come back when the referral
 * completes, is cancelled or declined. Each stream task (one partition of referrals) contributes
 * the referrals it owns: it counts them from its store when it starts and keeps them up to date on
 * every transition. This instance sees the load of the partitions it runs, which is all of them
 * when referral-service runs as one instance, as it does by default.
 */
public final class ServiceLoad {

  /** Open offers and accepted referrals of one service. */
  public record Count(int openOffers, int accepted) {
    public int total() {
      return openOffers + accepted;
    }
  }

  private final Map<Integer, Map<String, int[]>> byPartition = new ConcurrentHashMap<>();

  /** The task no longer holds the partition, or is about to count it afresh. */
  public void forget(int partition) {
    byPartition.remove(partition);
  }

  /** One referral moved from {@code before} (null for a new one) to {@code after}. */
  public void moved(int partition, ReferralState before, ReferralState after) {
    Map<String, int[]> counts = byPartition.computeIfAbsent(partition, p -> new ConcurrentHashMap<>());
    if (before != null) add(counts, before, -1);
    if (after != null) add(counts, after, 1);
  }

  public Count of(String serviceId) {
    int open = 0;
    int accepted = 0;
    for (Map<String, int[]> counts : byPartition.values()) {
      int[] c = counts.get(serviceId);
      if (c != null) {
        open += c[0];
        accepted += c[1];
      }
    }
    return new Count(open, accepted);
  }

  private static void add(Map<String, int[]> counts, ReferralState state, int sign) {
    if (state.getServiceId() == null) return;
    int slot = state.getStatus() == ReferralStatus.OFFERED ? 0 : state.getStatus() == ReferralStatus.ACCEPTED ? 1 : -1;
    if (slot < 0) return;
    counts.computeIfAbsent(state.getServiceId(), s -> new int[2])[slot] += sign;
  }
}
