package org.linkway.system;

import org.junit.jupiter.api.AfterAll;
import org.linkway.platform.testing.TestStack;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The same journey on Apache Kafka in a container (the apache/kafka image, KRaft), where a Docker
 * engine exists. Without Docker it skips itself; {@link JourneyIT} runs the same scenario on the
 * embedded broker everywhere.
 */
@Testcontainers(disabledWithoutDocker = true)
class JourneyOnTestcontainersIT extends JourneyScenario {

  @Container
  static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.1.1");

  private RunningPlatform platform;

  @Override
  synchronized RunningPlatform platform() {
    if (platform == null) {
      platform = new RunningPlatform(KAFKA.getBootstrapServers(), TestStack.registry().apiUrl()).start();
    }
    return platform;
  }

  @AfterAll
  void stopPlatform() {
    if (platform != null) platform.stop();
  }
}
