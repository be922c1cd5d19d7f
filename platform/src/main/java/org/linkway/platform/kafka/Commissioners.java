package org.linkway.platform.kafka;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.linkway.platform.domain.SocialPrescribing;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * The commissioners (ICBs) that subscribe to their outcomes over Kafka. Every commissioner's outcomes
 * and ledger entries share {@code commissioner-outcomes} and {@code funding-ledger}, which only the
 * platform reads; each commissioner named here is also a Kafka principal of its own, and outcome-service
 * copies its records, in the same transaction, to {@code commissioner-outcomes.<ODS>} and
 * {@code funding-ledger.<ODS>}, which only that principal may read (see {@link KafkaAccess}).
 *
 * <p>Set as {@code linkway.commissioners.<principal>=<ICB ODS code>} (outcome-service, and the tools that
 * grant the ACLs and print a client's settings). A principal's name starts with {@code icb-}, so that it
 * can never be mistaken for a service's or a GP system's; one principal per ICB.
 */
public record Commissioners(Map<String, String> odsByPrincipal) {

  public static final String SETTING = "linkway.commissioners";
  static final Pattern NAME = Pattern.compile("icb-[a-z0-9](?:[a-z0-9-]{0,35}[a-z0-9])?");

  public static final Commissioners NONE = new Commissioners(Map.of());

  public Commissioners {
    Map<String, String> checked = new TreeMap<>();
    Map<String, String> principalByOds = new TreeMap<>();
    new TreeMap<>(odsByPrincipal).forEach((principal, ods) -> {
      if (principal == null || !NAME.matcher(principal).matches() || principal.endsWith(Topic.DEAD_LETTER_SUFFIX)) {
        throw new IllegalArgumentException("'" + principal + "' cannot name a commissioner's principal: icb- then lower-case "
            + "letters, digits and dashes, at most 40 characters, not ending in " + Topic.DEAD_LETTER_SUFFIX);
      }
      checkOds(ods);
      String other = principalByOds.put(ods, principal);
      if (other != null) {
        throw new IllegalArgumentException(SETTING + ": " + ods + " is given to both " + other + " and " + principal
            + "; one principal per commissioner");
      }
      checked.put(principal, ods);
    });
    odsByPrincipal = Collections.unmodifiableMap(checked);
  }

  /** The code, if it can be an ICB's: a part of a topic name. */
  public static String checkOds(String ods) {
    if (!SocialPrescribing.isIcbCode(ods)) {
      throw new IllegalArgumentException("'" + ods + "' is not an ICB ODS code (Q and two more characters, e.g. QMM)");
    }
    return ods;
  }

  /** The commissioners of a service's settings. */
  public static Commissioners from(Environment environment) {
    return new Commissioners(trimmed(Binder.get(environment).bind(SETTING, Bindable.mapOf(String.class, String.class))
        .orElse(Map.of())));
  }

  /** The commissioners of a properties file (the same settings, for the tools that grant access and print a client's settings). */
  public static Commissioners from(Path file) throws IOException {
    Map<String, String> raw = SettingsFiles.under(file, SETTING);
    return new Commissioners(trimmed(raw));
  }

  private static Map<String, String> trimmed(Map<String, String> raw) {
    Map<String, String> trimmed = new TreeMap<>();
    raw.forEach((principal, ods) -> trimmed.put(principal, ods == null ? null : ods.strip()));
    return trimmed;
  }

  /** The principals, by name. */
  public Set<String> names() {
    return odsByPrincipal.keySet();
  }

  /** The ICBs that have topics of their own. */
  public Set<String> codes() {
    return Set.copyOf(odsByPrincipal.values());
  }

  /** Whether the ICB has topics of its own. */
  public boolean has(String ods) {
    return ods != null && odsByPrincipal.containsValue(ods);
  }

  /** The principal that reads an ICB's topics. */
  public Optional<String> principalFor(String ods) {
    return odsByPrincipal.entrySet().stream().filter(e -> e.getValue().equals(ods)).map(Map.Entry::getKey).findFirst();
  }
}
