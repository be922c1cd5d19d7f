package org.linkway.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A phase stops waiting on referrals that cannot move, on a clock of the test's own: fed the moves the referrals have
 * made so far ({@link Journey#moves}), any change a move, whether a referral stepped or ended.
 */
class StallTest {

  private final AtomicLong now = new AtomicLong();
  private final Stall stall = new Stall(Duration.ofSeconds(10), Duration.ofMinutes(2), now::get);

  private Stall.Next at(Duration since, long moves) {
    now.set(since.toNanos());
    return stall.look(moves);
  }

  @Test
  void referralsThatMoveAreWaitedOnWhateverTheTime() {
    for (int s = 0; s < 3600; s += 5) {
      assertThat(at(Duration.ofSeconds(s), 10_000 - s)).isEqualTo(Stall.Next.WAIT);
    }
  }

  /**
   * A long backlog still moving: its referrals step (offered, accepted, session after session) every 20 s, and none
   * finishes for 10 min, five times the bound. The queues are read in each quiet spell, and the phase never gives up.
   */
  @Test
  void referralsSteppingWithoutFinishingForLongerThanTheBoundAreNotGivenUp() {
    long moves = 0;
    for (int s = 0; s <= 600; s += 5) {
      if (s % 20 == 0) moves++;
      assertThat(at(Duration.ofSeconds(s), moves)).as("at %d s", s).isNotEqualTo(Stall.Next.GIVE_UP);
    }
  }

  /** The same referrals stop stepping at 10 min: 10 s later the queues are read, and 2 min after that they are given up. */
  @Test
  void referralsThatStopSteppingAreGivenUpTwoMinutesAfterTheQueuesAreRead() {
    long moves = 0;
    for (int s = 0; s <= 600; s += 5) {
      if (s % 20 == 0) moves++;
      at(Duration.ofSeconds(s), moves);
    }
    assertThat(at(Duration.ofSeconds(609), moves)).isEqualTo(Stall.Next.WAIT);
    assertThat(at(Duration.ofSeconds(610), moves)).isEqualTo(Stall.Next.READ_QUEUES);
    assertThat(at(Duration.ofSeconds(729), moves)).isNotEqualTo(Stall.Next.GIVE_UP);
    assertThat(at(Duration.ofSeconds(730), moves)).isEqualTo(Stall.Next.GIVE_UP);
  }

  @Test
  void quietForTenSecondsTheQueuesAreReadThenEveryTenSecondsThenTwoMinutesAfterTheFirstReadTheyAreGivenUp() {
    assertThat(at(Duration.ZERO, 35)).isEqualTo(Stall.Next.WAIT);
    assertThat(at(Duration.ofSeconds(9), 35)).isEqualTo(Stall.Next.WAIT);
    assertThat(at(Duration.ofSeconds(10), 35)).isEqualTo(Stall.Next.READ_QUEUES);
    assertThat(at(Duration.ofSeconds(15), 35)).isEqualTo(Stall.Next.WAIT);
    assertThat(at(Duration.ofSeconds(20), 35)).isEqualTo(Stall.Next.READ_QUEUES);
    assertThat(at(Duration.ofSeconds(120), 35)).isEqualTo(Stall.Next.READ_QUEUES);
    assertThat(at(Duration.ofSeconds(129), 35)).isEqualTo(Stall.Next.WAIT);
    assertThat(at(Duration.ofSeconds(130), 35)).isEqualTo(Stall.Next.GIVE_UP);
  }

  @Test
  void aMoveAfterTheQueuesWereReadStartsTheWaitAgain() {
    at(Duration.ZERO, 35);
    assertThat(at(Duration.ofSeconds(10), 35)).isEqualTo(Stall.Next.READ_QUEUES);
    // the queues held offers the live stream had missed: referrals moved
    assertThat(at(Duration.ofSeconds(100), 30)).isEqualTo(Stall.Next.WAIT);
    assertThat(at(Duration.ofSeconds(200), 30)).isEqualTo(Stall.Next.READ_QUEUES);
    assertThat(at(Duration.ofSeconds(319), 30)).isEqualTo(Stall.Next.READ_QUEUES);
    assertThat(at(Duration.ofSeconds(320), 30)).isEqualTo(Stall.Next.GIVE_UP);
  }

  @Test
  void referralsAreNotGivenUpWithoutTheQueuesReadSinceTheLastMove() {
    at(Duration.ZERO, 35);
    // a look only now, long after: the queues are read first, and two minutes given to what they held
    assertThat(at(Duration.ofMinutes(5), 35)).isEqualTo(Stall.Next.READ_QUEUES);
    assertThat(at(Duration.ofMinutes(5).plusSeconds(1), 35)).isEqualTo(Stall.Next.WAIT);
    assertThat(at(Duration.ofMinutes(7), 35)).isEqualTo(Stall.Next.GIVE_UP);
  }
}
