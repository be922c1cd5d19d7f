package org.linkway.stack;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Who listens on a loopback port. */
public final class Ports {

  private static final Pattern SS_USER = Pattern.compile("users:\\(\\(\"[^\"]+\",pid=([0-9]+)");

  private Ports() {}

  /** Whether something accepts connections on the port. */
  public static boolean listening(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(Launch.HOST, port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** The pid listening on a port, if {@code ss} can tell (it cannot for another user's process). */
  public static OptionalLong pid(int port) {
    try {
      Process ss = new ProcessBuilder("ss", "-Hltnp", "sport = :" + port).redirectErrorStream(true).start();
      String out = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!ss.waitFor(5, TimeUnit.SECONDS)) ss.destroyForcibly();
      return pidInSsLine(out.lines().findFirst().orElse(""));
    } catch (IOException e) {
      return OptionalLong.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return OptionalLong.empty();
    }
  }

  /** The pid in a line of {@code ss -ltnp}: {@code ... users:(("java",pid=4242,fd=12))}. */
  static OptionalLong pidInSsLine(String line) {
    Matcher m = SS_USER.matcher(line);
    return m.find() ? OptionalLong.of(Long.parseLong(m.group(1))) : OptionalLong.empty();
  }

  /** Who listens on a port, as far as can be told: {@code java (pid 4242)} or {@code another process}. */
  public static String owner(int port) {
    OptionalLong pid = pid(port);
    if (pid.isEmpty()) return "another process";
    String comm;
    try {
      comm = Files.readString(Path.of("/proc", String.valueOf(pid.getAsLong()), "comm")).trim();
    } catch (IOException e) {
      comm = "?";
    }
    return comm + " (pid " + pid.getAsLong() + ")";
  }
}
