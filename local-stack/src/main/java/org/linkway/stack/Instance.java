package org.linkway.stack;

import java.util.ArrayList;
import java.util.List;

/**
 * One process of the local stack: instance {@code number} of a part. The first keeps the part's
 * own name and ports ({@code provider-service}, 8082); instance k is named {@code provider-service-k}
 * and listens on the part's ports + 100·(k−1) (8182, 8282 …), brokers likewise ({@code kafka-2} on
 * 9192, its controller on 9193).
 */
public record Instance(Part part, int number) {

  public Instance {
    if (number < 1) throw new IllegalArgumentException("instances are numbered from 1");
  }

  public static Instance first(Part part) {
    return new Instance(part, 1);
  }

  /** Every process of a stack of this size, in start order: the brokers, the registry, the issuer, the services. */
  public static List<Instance> all(StackSize size) {
    List<Instance> all = new ArrayList<>();
    for (Part part : Part.values()) all.addAll(of(part, size));
    return all;
  }

  /** The instances of one part in a stack of this size (the registry and the issuer are one each). */
  public static List<Instance> of(Part part, StackSize size) {
    int count = part == Part.KAFKA ? size.brokers() : part.isService() ? size.instances() : 1;
    List<Instance> instances = new ArrayList<>();
    for (int k = 1; k <= count; k++) instances.add(new Instance(part, k));
    return instances;
  }

  /** Its name in commands, logs and pid files. */
  public String label() {
    return number == 1 ? part.label() : part.label() + "-" + number;
  }

  /**
   * Strings in the command line of this instance's process, and not all in any other's: the part's
   * marker, and for instance k > 1 its number as {@link Launch} passes it (a service's
   * {@code --linkway.kafka.instance=k}, a broker's node id followed by the voters, {@code k 1@…}).
   */
  public List<String> markers() {
    if (number == 1) return List.of(part.marker());
    return List.of(part.marker(), part == Part.KAFKA ? " " + number + " 1@" : "--linkway.kafka.instance=" + number);
  }

  /** What its ports are moved by from the part's. */
  public int offset() {
    return 100 * (number - 1);
  }

  /** The port it answers on, given the part's. */
  public int port(int partPort) {
    return partPort + offset();
  }

  /** The process a user names: {@code provider-service-2}, {@code provider-2}, {@code kafka-3}, {@code referral}. */
  public static Instance named(String name) {
    var numbered = java.util.regex.Pattern.compile("(.+)-([0-9])").matcher(name);
    if (numbered.matches()) {
      try {
        return new Instance(Part.named(numbered.group(1)), Integer.parseInt(numbered.group(2)));
      } catch (IllegalArgumentException notNumbered) {
        // a part whose own name ends in a digit: none today, but the whole name is tried next
      }
    }
    return first(Part.named(name));
  }
}
