package org.linkway.bench;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * When a phase stops waiting on referrals that cannot move. Fed at each look how many moves the referrals have made
 * so far ({@link Journey#moves}: any referral's step changed, an action of its provider answered, or it ended), it
 * says what to do: wait while they move, though none finishes (a long backlog stepping through its sessions); when
 * nothing has moved for {@code quiet}, have the providers read their queues (as one would, finding its live stream
 * quiet), and again every {@code quiet} after; when nothing has moved for {@code stuck} after the queues were first
 * read since the last move, give up on them (the phase reports them and goes on), rather than wait out its whole bound.
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
  private long moves = -1;
  private long lastMove;
  private long lastRead;
  private long firstRead;
  private boolean readSinceMove;

  Stall(Duration quiet, Duration stuck, LongSupplier nanos) {
    this.quiet = quiet.toNanos();
    this.stuck = stuck.toNanos();
    this.nanos = nanos;
  }

  /** What to do, seeing that the referrals have made {@code moves} moves so far (any change is a move). */
  Next look(long moves) {
    long now = nanos.getAsLong();
    if (moves != this.moves) {
      this.moves = moves;
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
