package org.linkway.system;

import org.linkway.platform.testing.TestStack;

/** One running platform per test JVM, on the embedded KRaft broker and the registry process. */
final class EmbeddedPlatform {

  private static RunningPlatform platform;

  private EmbeddedPlatform() {}

  static synchronized RunningPlatform get() {
    if (platform == null) {
      platform = new RunningPlatform(TestStack.bootstrapServers(), TestStack.registry().apiUrl()).start();
      RunningPlatform started = platform;
      TestStack.beforeShutdown(started::stop);
    }
    return platform;
  }
}
