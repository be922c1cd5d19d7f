package org.linkway.provider.directory.api;

import java.util.function.Function;
import org.linkway.events.ServiceListed;
import org.linkway.platform.kafka.EventPublisher;
import org.linkway.platform.kafka.Topics;
import org.linkway.platform.streams.KeyedDecider;
import org.linkway.platform.web.ProblemException;
import org.linkway.provider.directory.domain.DirectoryDecider;
import org.linkway.provider.directory.stream.DirectoryCommands;
import reactor.core.publisher.Mono;

/**
 * The directory decider's rule applied at once, without a broker, to the listings a test holds:
 * what it accepts is published to provider-directory as the directory's {@link KeyedDecider} would write it,
 * what it refuses is the 409 the HTTP caller would get.
 */
final class ImmediateDecider {

  private ImmediateDecider() {}

  static DirectoryCommands over(Function<String, ServiceListed> listings, EventPublisher publisher) {
    return (serviceId, command) -> {
      ServiceListed current = listings.apply(serviceId);
      KeyedDecider.Step<ServiceListed> step = DirectoryDecider.decide(current, serviceId, command);
      if (step.refusal() != null) return Mono.error(new ProblemException.Conflict(step.refusal()));
      if (!step.changes(current)) return Mono.just(step.value());
      return publisher.publish(Topics.PROVIDER_DIRECTORY, serviceId, step.value()).thenReturn(step.value());
    };
  }
}
