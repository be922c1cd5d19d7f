package org.linkway.platform.observability;

import java.time.Duration;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import org.linkway.platform.web.ProblemException;

/**
 * Figures computed from a service's state stores for its gauges, at most once per {@link #MAX_AGE}:
 * Prometheus reads every gauge of a service in one scrape, and they share one pass over the store.
 * Nothing is computed between scrapes. Each instance counts the partitions it holds; Prometheus sums
 * the instances.
 */
public final class StoreSnapshot<T> {

  static final Duration MAX_AGE = Duration.ofSeconds(5);

  private final Supplier<T> compute;
  private T value;
  private long computedAt;

  public StoreSnapshot(Supplier<T> compute) {
    this.compute = compute;
  }

  /**
   * A figure of the latest snapshot; NaN (no sample) until the stores could be read once. While
   * they are being restored or rebalanced, the last snapshot stands.
   */
  public synchronized double figure(ToDoubleFunction<T> figure) {
    long now = System.nanoTime();
    if (value == null || now - computedAt >= MAX_AGE.toNanos()) {
      try {
        value = compute.get();
        computedAt = now;
      } catch (ProblemException.Unavailable notReady) {
        // the store is not queryable now: keep what was read last
      }
    }
    return value == null ? Double.NaN : figure.applyAsDouble(value);
  }
}
