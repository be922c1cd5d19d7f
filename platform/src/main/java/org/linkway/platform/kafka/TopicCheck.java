package org.linkway.platform.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.springframework.beans.factory.InitializingBean;

/**
 * At a service's start, before any stream processor or global table reads: the topics it uses are on the
 * broker. The stack's set-up creates them once ({@link TopicSetup}), never a service; a service started
 * before it refuses to start, naming the topics that are missing and how to create them. A topic with
 * fewer replicas than {@code linkway.kafka.replication-factor} is logged as a warning.
 */
public final class TopicCheck implements InitializingBean {

  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(TopicCheck.class);
  /** How long the check waits for the broker to describe the topics. */
  private static final long TIMEOUT_SECONDS = 60;

  /** A service's topics are not all on the broker. */
  public static final class MissingTopics extends IllegalStateException {
    MissingTopics(String message) {
      super(message);
    }
  }

  private final Map<String, Object> adminConfig;
  private final String service;
  private final List<Topic<?>> topics;
  private final int replicationFactor;

  /**
   * @param adminConfig the service's Kafka client settings (its login)
   * @param topics what the service uses: each is checked with its {@code -dlt} twin
   */
  public TopicCheck(Map<String, Object> adminConfig, String service, List<Topic<?>> topics, int replicationFactor) {
    this.adminConfig = Map.copyOf(adminConfig);
    this.service = service;
    this.topics = List.copyOf(topics);
    this.replicationFactor = replicationFactor;
  }

  @Override
  public void afterPropertiesSet() throws InterruptedException, TimeoutException, ExecutionException {
    try (Admin admin = Admin.create(adminConfig)) {
      check(admin);
    }
  }

  /** Returns when every topic is there; throws {@link MissingTopics} naming those that are not. */
  void check(Admin admin) throws InterruptedException, TimeoutException, ExecutionException {
    List<String> missing = new ArrayList<>();
    Map<String, TopicDescription> found = new TreeMap<>();
    for (Map.Entry<String, KafkaFuture<TopicDescription>> topic
        : admin.describeTopics(TopicSetup.names(topics)).topicNameValues().entrySet()) {
      try {
        found.put(topic.getKey(), topic.getValue().get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) throw e;
        missing.add(topic.getKey());
      }
    }
    if (!missing.isEmpty()) {
      throw new MissingTopics(service + " cannot start: " + missing.size() + " of its topics are not on the broker: "
          + String.join(", ", missing.stream().sorted().toList()) + ". Services do not create topics: the stack's set-up "
          + "does, once (./linkway up runs it; docker compose's topics-init): java -cp <a service's jar> "
          + "-Dloader.main=" + TopicSetup.class.getName() + " org.springframework.boot.loader.launch.PropertiesLauncher "
          + TopicSetup.USAGE.substring("usage: TopicSetup ".length()));
    }
    found.forEach((name, description) -> {
      int replicas = TopicSetup.replicas(description);
      if (replicas < replicationFactor) {
        log.warn("topic {} has {} replicas, fewer than linkway.kafka.replication-factor {}", name, replicas, replicationFactor);
      }
    });
  }
}
