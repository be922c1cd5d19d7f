package org.linkway.platform.kafka;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/** The settings of a properties file under a prefix, for the tools that read the local stack's files rather than a service's environment. */
final class SettingsFiles {

  private SettingsFiles() {}

  /** Each setting {@code <prefix>.<name>=<value>} of the file, as name to value. */
  static Map<String, String> under(Path file, String prefix) throws IOException {
    Properties properties = new Properties();
    try (Reader in = Files.newBufferedReader(file)) {
      properties.load(in);
    }
    Map<String, String> settings = new TreeMap<>();
    properties.stringPropertyNames().stream().filter(name -> name.startsWith(prefix + "."))
        .forEach(name -> settings.put(name.substring(prefix.length() + 1), properties.getProperty(name)));
    return settings;
  }
}
