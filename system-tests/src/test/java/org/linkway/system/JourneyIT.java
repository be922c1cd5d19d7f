package org.linkway.system;

/** The journey on the embedded KRaft broker and the registry process: runs everywhere, CI included. */
class JourneyIT extends JourneyScenario {

  @Override
  RunningPlatform platform() {
    return EmbeddedPlatform.get();
  }
}
