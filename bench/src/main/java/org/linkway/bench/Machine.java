package org.linkway.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** What the benchmark ran on, for the results. */
final class Machine {

  private Machine() {}

  static Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cores", Runtime.getRuntime().availableProcessors());
    m.put("cpu", firstValue(Path.of("/proc/cpuinfo"), "model name"));
    String total = firstValue(Path.of("/proc/meminfo"), "MemTotal");
    m.put("memoryGiB", total == null ? null : Math.round(Long.parseLong(total.replaceAll("\\D", "")) / 1024.0 / 1024.0));
    m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    return m;
  }

  private static String firstValue(Path file, String key) {
    try {
      return Files.readAllLines(file).stream().filter(line -> line.startsWith(key))
          .map(line -> line.substring(line.indexOf(':') + 1).trim()).findFirst().orElse(null);
    } catch (IOException e) {
      return null;
    }
  }
}
