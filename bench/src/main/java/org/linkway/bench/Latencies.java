package org.linkway.bench;

import java.util.Arrays;

/** Latencies in nanoseconds, recorded from many threads, summarised as percentiles in milliseconds. */
final class Latencies {

  /** p50, p95, p99 and max in milliseconds, over {@code count} samples. */
  record Summary(long count, double p50, double p95, double p99, double max) {}

  private long[] values = new long[1024];
  private int size;

  synchronized void record(long nanos) {
    if (size == values.length) values = Arrays.copyOf(values, size * 2);
    values[size++] = Math.max(0, nanos);
  }

  synchronized int count() {
    return size;
  }

  synchronized Summary summary() {
    if (size == 0) return new Summary(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    long[] sorted = Arrays.copyOf(values, size);
    Arrays.sort(sorted);
    return new Summary(size, ms(at(sorted, 0.50)), ms(at(sorted, 0.95)), ms(at(sorted, 0.99)), ms(sorted[size - 1]));
  }

  /** The nearest-rank percentile: the smallest value with at least that share of samples at or below it. */
  static long at(long[] sorted, double share) {
    int rank = (int) Math.ceil(share * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  private static double ms(long nanos) {
    return Math.round(nanos / 10_000.0) / 100.0;
  }
}
