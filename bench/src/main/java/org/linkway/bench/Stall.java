package org.linkway.bench;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * When a phase stops waiting on referrals that cannot move. Fed the count of referrals under way at each
 * look, it says what to do: wait while they move; when nothing has moved for {@code quiet}, have the
 * providers read their queues (as one would, finding its live stream quiet), and again every {@code quiet}
 * after; when nothing has moved for {@code stuck} after the queues were first read since the last move, give up
 * on them (the phase reports them and goes on), rather than wait out its whole bound.
 */
final class Stall {

  /** What the phase does after a look. */
  enum Next { WAIT, READ_QUEUES, GIVE_UP }

  /**
   * The benchmark's: queues read after 10 s of quiet; given up 2 min after that with nothing moved (a provider's
   * action sent again after 503s and then read takes under a minute).
   */
  static Stall ofBench() {
    return new Stall(Duration.ofSeconds(10), Duration.ofMinutes(2), System::nanoTime);
  }

  private final long quiet;
  private final long stuck;
  private final LongSupplier nanos;
  private long underWay = -1;
  private long lastMove;
  private long lastRead;
  private long firstRead;
  private boolean readSinceMove;

  Stall(Duration quiet, Duration stuck, LongSupplier nanos) {
    this.quiet = quiet.toNanos();
    this.stuck = stuck.toNanos();
    this.nanos = nanos;
  }

  /** What to do, seeing {@code underWay} referrals under way now. */
  Next look(long underWay) {
    long now = nanos.getAsLong();
    if (underWay != this.underWay) {
      this.underWay = underWay;
      lastMove = now;
      lastRead = now;
      readSinceMove = false;
      return Next.WAIT;
    }
    if (readSinceMove && now - firstRead >= stuck) return Next.GIVE_UP;
    if (now - lastRead >= quiet) {
      lastRead = now;
      if (!readSinceMove) firstRead = now;
      readSinceMove = true;
      return Next.READ_QUEUES;
    }
    return Next.WAIT;
  }
}
