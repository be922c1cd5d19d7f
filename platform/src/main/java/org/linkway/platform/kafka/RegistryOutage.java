package org.linkway.platform.kafka;

import java.io.EOFException;
import java.io.IOException;
import java.time.Duration;
import java.util.function.Supplier;
import org.apache.kafka.common.KafkaException;

/**
 * A record that could not be read because the schema registry could not be asked for its schema (refused, cut, timed
 * out, or a 5xx), not because the record is bad. Such a record must not be dead-lettered: it is good, and would be lost
 * to its consumer. Reading it is tried again for a while ({@link #readThrough}); if the registry is still away, this is
 * thrown, and the stream thread stops and is replaced to read it again ({@link RecoverUnlessRegistryAway}).
 */
public final class RegistryOutage extends KafkaException {

  /** How long a consumer waits for the registry to answer again before it gives up on a record (and reads it again). */
  static final Duration WAIT = Duration.ofSeconds(60);

  RegistryOutage(String topic, Duration waited, Throwable cause) {
    super("a record on " + topic + " could not be read: the schema registry did not answer for " + waited.toSeconds()
        + " s (" + cause + ")", cause);
  }

  /**
   * Whether {@code failure} is the registry being away: in its causes, an I/O failure of the HTTP client that asks it
   * (the JDK's, which the serde is set to use), or the registry's answer 408, 429 or 5xx. A record the registry knows
   * nothing of (404), or bytes that are not Avro, is not an outage.
   */
  static boolean isOutage(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof RegistryOutage) return true;
      if (cause instanceof com.microsoft.kiota.ApiException answer) {
        int status = answer.getResponseStatusCode();
        return status == 408 || status == 429 || status >= 500;
      }
      if (cause instanceof IOException && !(cause instanceof EOFException) && fromHttpClient(cause)) return true;
    }
    return false;
  }

  /** Whether the registry's client raised it: a connection refused or closed, a timeout, a broken response. */
  private static boolean fromHttpClient(Throwable io) {
    if (io instanceof java.net.ConnectException || io instanceof java.net.http.HttpTimeoutException
        || io instanceof java.nio.channels.ClosedChannelException || io instanceof java.net.SocketException) {
      return true;
    }
    for (StackTraceElement frame : io.getStackTrace()) {
      if (frame.getClassName().startsWith("jdk.internal.net.http.") || frame.getClassName().startsWith("java.net.http.")) {
        return true;
      }
    }
    return false;
  }

  /** Waits between tries, as {@link Thread#sleep} (a seam for the tests). */
  @FunctionalInterface
  interface Pause {
    void pause(Duration duration) throws InterruptedException;
  }

  /**
   * Reads with {@code read}, trying again while the registry is away (1 s, 2 s, then every 5 s) for up to
   * {@code bound}; then throws a {@link RegistryOutage}. Any other failure is thrown at once, as it came.
   */
  static <V> V readThrough(String topic, Supplier<V> read, Duration bound, Pause pause) {
    Duration waited = Duration.ZERO;
    Duration next = Duration.ofSeconds(1);
    while (true) {
      try {
        return read.get();
      } catch (RuntimeException e) {
        if (!isOutage(e)) throw e;
        if (waited.compareTo(bound) >= 0) throw new RegistryOutage(topic, waited, e);
        try {
          pause.pause(next);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw new RegistryOutage(topic, waited, e);
        }
        waited = waited.plus(next);
        next = next.multipliedBy(2).compareTo(Duration.ofSeconds(5)) > 0 ? Duration.ofSeconds(5) : next.multipliedBy(2);
      }
    }
  }
}
