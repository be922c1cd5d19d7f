package org.linkway.platform.kafka;

import java.util.List;

/**
 * Topics a service uses besides the platform's ({@link Topics#all()}): those of the GP systems or the
 * commissioners its settings name. A service declares them as a bean, and {@link TopicCheck} checks at
 * start that they are on the broker, with the platform's.
 */
public record ServiceTopics(List<Topic<?>> topics) {

  public ServiceTopics {
    topics = List.copyOf(topics);
  }
}
