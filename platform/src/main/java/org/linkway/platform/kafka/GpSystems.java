package org.linkway.platform.kafka;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * The GP systems that refer over Kafka, and the practices each refers for. Each GP system (a supplier's
 * system, such as one clinical system serving many practices) is a Kafka principal of its own, named as
 * the system is here, with a pair of topics that only it may use: it writes its requests to
 * {@code referral-requests.<system>} and reads its rejections from {@code referral-rejections.<system>}.
 * The broker's ACLs say who wrote a request, so the intake knows the system from the topic, never from
 * anything the record says about itself, and takes a referral only for a practice that system serves.
 *
 * <p>Set as {@code linkway.intake.gp-systems.<system>=<ODS code>,<ODS code>,…} (referral-service, and the
 * tool that grants the ACLs). A system's name starts with {@code gp-}, so that it can never be mistaken
 * for a service's principal.
 */
public record GpSystems(Map<String, Set<String>> practicesBySystem) {

  public static final String SETTING = "linkway.intake.gp-systems";
  static final Pattern NAME = Pattern.compile("gp-[a-z0-9](?:[a-z0-9-]{0,35}[a-z0-9])?");
  static final Pattern PRACTICE = Pattern.compile("[A-Z][0-9]{5}");

  public GpSystems {
    Map<String, Set<String>> checked = new TreeMap<>();
    practicesBySystem.forEach((system, practices) -> {
      checkName(system);
      for (String practice : practices) {
        if (!PRACTICE.matcher(practice).matches()) {
          throw new IllegalArgumentException(SETTING + "." + system + ": '" + practice + "' is not a practice's ODS code");
        }
      }
      checked.put(system, Collections.unmodifiableSet(new TreeSet<>(practices)));
    });
    practicesBySystem = Collections.unmodifiableMap(checked);
  }

  /** The name, if it can be a GP system's: a Kafka principal and a part of a topic name. */
  public static String checkName(String system) {
    if (system == null || !NAME.matcher(system).matches() || system.endsWith(Topic.DEAD_LETTER_SUFFIX)) {
      throw new IllegalArgumentException("'" + system + "' cannot name a GP system: gp- then lower-case letters, digits "
          + "and dashes, at most 40 characters, not ending in " + Topic.DEAD_LETTER_SUFFIX);
    }
    return system;
  }

  /** The GP systems of a service's settings. */
  public static GpSystems from(Environment environment) {
    Map<String, String> raw = Binder.get(environment).bind(SETTING, Bindable.mapOf(String.class, String.class))
        .orElse(Map.of());
    return parse(raw);
  }

  /** The GP systems of a properties file (the same settings, for the tools that grant access and print a client's settings). */
  public static GpSystems from(Path file) throws IOException {
    Map<String, String> raw = SettingsFiles.under(file, SETTING);
    return parse(raw);
  }

  private static GpSystems parse(Map<String, String> raw) {
    Map<String, Set<String>> systems = new TreeMap<>();
    raw.forEach((system, practices) -> systems.put(system, Arrays.stream(practices.split(","))
        .map(String::strip).filter(p -> !p.isEmpty()).collect(Collectors.toCollection(TreeSet::new))));
    return new GpSystems(systems);
  }

  public Set<String> names() {
    return practicesBySystem.keySet();
  }

  /** Whether the system may refer for the practice. */
  public boolean serves(String system, String practice) {
    return practice != null && practicesBySystem.getOrDefault(system, Set.of()).contains(practice);
  }

  /** The system that refers for a practice (the first by name, if several do). */
  public Optional<String> systemFor(String practice) {
    if (practice == null) return Optional.empty();
    return practicesBySystem.entrySet().stream().filter(e -> e.getValue().contains(practice)).map(Map.Entry::getKey).findFirst();
  }
}
