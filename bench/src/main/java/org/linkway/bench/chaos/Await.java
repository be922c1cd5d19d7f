package org.linkway.bench.chaos;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Bounded waits: each polls its condition until it holds or its bound passes, and says which. */
final class Await {

  private static final long POLL_MILLIS = 100;

  private Await() {}

  /** Waits until the condition holds; false when the bound passed first. */
  static boolean until(BooleanSupplier condition, Duration bound) {
    long deadline = System.nanoTime() + bound.toNanos();
    while (true) {
      if (condition.getAsBoolean()) return true;
      if (System.nanoTime() > deadline) return false;
      pause();
    }
  }

  /** Waits until the condition holds; fails with what was awaited, and what {@code state} says, when the bound passes. */
  static void orFail(String what, BooleanSupplier condition, Duration bound, Supplier<String> state) {
    if (!until(condition, bound)) {
      throw new IllegalStateException(what + " did not happen within " + bound.toSeconds() + " s: " + state.get());
    }
  }

  private static void pause() {
    try {
      TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting", e);
    }
  }
}
