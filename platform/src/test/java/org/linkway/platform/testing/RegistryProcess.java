package org.linkway.platform.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.linkway.stack.Launch;

/**
 * The Apicurio schema registry, the distribution unpacked by the local-stack module, run as its own
 * process on a free loopback port, launched as {@code ./linkway up} launches it ({@link Launch}).
 */
public final class RegistryProcess {

  private final Process process;
  private final int port;

  private RegistryProcess(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  public static RegistryProcess start() {
    Path runner = findRunner();
    int port = freePort();
    Path log = Path.of("target", "schema-registry-" + port + ".log").toAbsolutePath();
    String java = ProcessHandle.current().info().command().orElse("java");
    // as the local stack launches it, but with its schemas in memory
    List<String> command = Launch.registry(java, runner, port, null);
    try {
      Files.createDirectories(log.getParent());
      Process process = new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(log.toFile())
          .start();
      RegistryProcess registry = new RegistryProcess(process, port);
      registry.awaitReady(Duration.ofSeconds(90), log);
      return registry;
    } catch (IOException e) {
      throw new IllegalStateException("could not start the schema registry", e);
    }
  }

  /** Base URL of the registry, e.g. http://127.0.0.1:41234. */
  public String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  /** The URL the Apicurio serde is configured with. */
  public String apiUrl() {
    return baseUrl() + "/apis/registry/v3";
  }

  public void stop() {
    process.destroy();
  }

  private void awaitReady(Duration timeout, Path log) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException("the schema registry exited; see " + log);
      }
      try {
        HttpResponse<Void> response = http.send(
            HttpRequest.newBuilder(URI.create(baseUrl() + "/apis/registry/v3/system/info")).build(),
            HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() == 200) return;
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      try {
        process.waitFor(200, java.util.concurrent.TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new IllegalStateException("the schema registry was not ready within " + timeout + "; see " + log);
  }

  private static Path findRunner() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path registry = dir.resolve("local-stack/target/apicurio-registry");
      if (Files.isDirectory(registry)) {
        try (var files = Files.list(registry)) {
          return files.filter(f -> f.getFileName().toString().endsWith("-runner.jar")).findFirst()
              .orElseThrow(() -> new IllegalStateException("no registry runner jar in " + registry));
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    throw new IllegalStateException("local-stack/target/apicurio-registry not found: build the local-stack module first");
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
