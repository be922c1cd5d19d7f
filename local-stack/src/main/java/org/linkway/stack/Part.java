package org.linkway.stack;

import java.util.List;
import java.util.Locale;

/**
 * The parts of the local stack, in the order they start: the broker, the schema registry, the
 * token issuer, then the three services. Each has its port on the local stack and a marker, a
 * string in its process's command line that says the process is this part (the guard against a pid
 * file naming a pid that now belongs to another process).
 */
public enum Part {
  KAFKA("kafka", 9092),
  REGISTRY("registry", 8085),
  ISSUER("issuer", 8089),
  REFERRAL_SERVICE("referral-service", 8081),
  PROVIDER_SERVICE("provider-service", 8082),
  OUTCOME_SERVICE("outcome-service", 8083);

  /** The broker's controller listener on the local stack: the second port the broker holds. */
  public static final int KAFKA_CONTROLLER_PORT = 9093;
  public static final List<Part> SERVICES = List.of(REFERRAL_SERVICE, PROVIDER_SERVICE, OUTCOME_SERVICE);

  private final String label;
  private final int port;

  Part(String label, int port) {
    this.label = label;
    this.port = port;
  }

  /** Its name in commands, logs and pid files: {@code kafka}, {@code referral-service}. */
  public String label() {
    return label;
  }

  /** The port it answers on in the local stack. */
  public int port() {
    return port;
  }

  /** Every port it listens on in the local stack. */
  public List<Integer> ports() {
    return this == KAFKA ? List.of(port, KAFKA_CONTROLLER_PORT) : List.of(port);
  }

  public boolean isService() {
    return SERVICES.contains(this);
  }

  /** A string in the command line of this part's process, and in no other part's. */
  public String marker() {
    return switch (this) {
      case KAFKA -> KafkaLauncher.class.getName();
      case REGISTRY -> "apicurio-registry-app";
      case ISSUER -> LocalIssuer.class.getName();
      default -> label + "-" + Launch.VERSION + "-exec.jar";
    };
  }

  /** The part a user names: its label, or a service's without "-service" ({@code logs referral}). */
  public static Part named(String name) {
    String wanted = name.toLowerCase(Locale.ROOT);
    for (Part p : values()) {
      if (p.label.equals(wanted) || p.label.equals(wanted + "-service")) return p;
    }
    throw new IllegalArgumentException("unknown part '" + name + "' (parts: " + labels() + ")");
  }

  /** Every part's label, space-separated, in start order. */
  public static String labels() {
    return String.join(" ", java.util.Arrays.stream(values()).map(Part::label).toList());
  }
}
