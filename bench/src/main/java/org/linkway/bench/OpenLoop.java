package org.linkway.bench;

import java.util.concurrent.TimeUnit;

/** Sends on a fixed schedule, whatever the answers: the n-th send is due at start + n / rate. */
public final class OpenLoop {

  /** One send, told the moment (System.nanoTime) it was due. */
  public interface Send {
    void at(long dueNanos) throws InterruptedException;
  }

  private OpenLoop() {}

  public static void run(int ratePerSecond, long count, Send send) throws InterruptedException {
    long interval = 1_000_000_000L / ratePerSecond;
    long start = System.nanoTime();
    for (long i = 0; i < count; i++) {
      long due = start + i * interval;
      long wait = due - System.nanoTime();
      if (wait > 0) TimeUnit.NANOSECONDS.sleep(wait);
      send.at(due);
    }
  }
}
