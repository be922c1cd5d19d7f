package org.linkway.stack;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * How large a local stack is: how many instances of each service and how many Kafka brokers. One
 * broker keeps one copy of each record; three or more form one KRaft cluster that keeps three
 * copies and acknowledges a write once two hold it, so losing a broker loses nothing and stops
 * nothing. Two or more instances of a service keep one warm standby of each task's state.
 *
 * <p>{@code up} records the size in {@code <home>/stack.properties}, so that {@code down} and
 * {@code status} find every process, and a later {@code up} of another size is refused rather than
 * started over data of a different shape.
 */
public record StackSize(int instances, int brokers) {

  public static final StackSize SINGLE = new StackSize(1, 1);
  /** The most of either that fits this machine's ports scheme (instance k on port + 100·(k−1)) and sense. */
  public static final int MOST = 5;
  private static final String FILE = "stack.properties";

  public StackSize {
    if (instances < 1 || instances > MOST) {
      throw new IllegalArgumentException("--instances takes 1 to " + MOST + ", not " + instances);
    }
    if (brokers < 1 || brokers > MOST || brokers == 2) {
      // two controllers cannot lose one and keep a quorum: a second broker would add a way to stop, not a copy
      throw new IllegalArgumentException("--brokers takes 1, or 3 to " + MOST + " (a KRaft quorum survives losing one of three), not " + brokers);
    }
  }

  /** Copies of each record: one per broker up to three. */
  public int replicationFactor() {
    return Math.min(brokers, 3);
  }

  /** Copies that must hold a record before its write is acknowledged: two of three. */
  public int minInsyncReplicas() {
    return replicationFactor() >= 3 ? 2 : 1;
  }

  /** Warm copies of each task's state on another instance, to take over in seconds. */
  public int standbyReplicas() {
    return instances >= 2 ? 1 : 0;
  }

  /** The size recorded by the last {@code up} in this home; the single stack when none was. */
  public static StackSize recorded(Path home) {
    Path file = home.resolve(FILE);
    if (!Files.exists(file)) return SINGLE;
    Properties p = new Properties();
    try {
      p.load(new StringReader(Files.readString(file)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    return new StackSize(Integer.parseInt(p.getProperty("instances", "1").trim()),
        Integer.parseInt(p.getProperty("brokers", "1").trim()));
  }

  /** Whether a stack was ever started in this home (its broker's storage is formatted). */
  static boolean started(Path home) {
    return Files.exists(home.resolve(FILE)) || Files.isDirectory(home.resolve("kafka/data"));
  }

  public void record(Path home) throws IOException {
    PrivateFiles.write(home.resolve(FILE), "# written by ./linkway up\ninstances=" + instances + "\nbrokers=" + brokers + "\n");
  }

  @Override
  public String toString() {
    return instances + (instances == 1 ? " instance" : " instances") + " of each service, " + brokers
        + (brokers == 1 ? " broker" : " brokers");
  }
}
