package org.linkway.platform.streams;

import java.util.Arrays;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * Where a reader is in a topic: for each partition, the offset of the last record it has passed ({@code -1}:
 * none yet). Immutable. Written in an event id as {@code {p}.{offset}} for every partition, joined by {@code _}
 * ({@code 0.41_1.-1_2.17}): header-safe, and short enough for an SSE id.
 */
public final class Position {

  private final long[] last;

  private Position(long[] last) {
    this.last = last;
  }

  /** The position whose partition {@code p} is at {@code last[p]}. */
  public static Position of(long... last) {
    return new Position(last.clone());
  }

  /** The number of partitions the position names. */
  public int partitions() {
    return last.length;
  }

  /** The offset of the last record passed on a partition ({@code -1}: none). */
  public long last(int partition) {
    return last[partition];
  }

  /** Whether the record at this partition and offset has been passed. */
  public boolean covers(int partition, long offset) {
    return offset <= last[partition];
  }

  /** This position moved past the record at this partition and offset (never back). */
  public Position after(int partition, long offset) {
    if (covers(partition, offset)) return this;
    long[] moved = last.clone();
    moved[partition] = offset;
    return new Position(moved);
  }

  /** The further of the two on each partition. */
  public Position max(Position other) {
    long[] further = last.clone();
    for (int p = 0; p < further.length; p++) further[p] = Math.max(further[p], other.last[p]);
    return new Position(further);
  }

  /** {@code 0.41_1.-1_2.17}: every partition, in order. */
  @Override
  public String toString() {
    StringJoiner joined = new StringJoiner("_");
    for (int p = 0; p < last.length; p++) joined.add(p + "." + last[p]);
    return joined.toString();
  }

  /** The position {@link #toString()} wrote; empty for anything else (each partition once, in order). */
  public static Optional<Position> parse(String text) {
    if (text == null || text.isEmpty()) return Optional.empty();
    String[] parts = text.split("_", -1);
    long[] last = new long[parts.length];
    for (int p = 0; p < parts.length; p++) {
      int dot = parts[p].indexOf('.');
      if (dot < 0 || !parts[p].substring(0, dot).equals(String.valueOf(p))) return Optional.empty();
      try {
        last[p] = Long.parseLong(parts[p].substring(dot + 1));
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
      if (last[p] < -1) return Optional.empty();
    }
    return Optional.of(new Position(last));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Position other && Arrays.equals(last, other.last);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(last);
  }
}
