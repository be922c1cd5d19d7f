package org.linkway.platform.streams;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.specific.SpecificRecord;
import org.linkway.platform.kafka.EventPublisher;
import org.linkway.platform.kafka.Topic;
import org.linkway.platform.web.ProblemException;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Hands the state machine's decision on a command back to the HTTP request that sent it.
 *
 * <p>An HTTP command is written to a command topic keyed by referralId; the stream task that owns
 * that key applies it to the referral's state machine, one command at a time, and reports the
 * outcome here. Because the decision is made in one place per key, twenty concurrent accepts of one
 * offer yield one acceptance and nineteen refusals.
 */
public final class Decisions {

  /** What the state machine made of a command: accepted, or refused with a reason. */
  public record Decision(boolean accepted, String reason, Object result) {
    public static Decision accepted(Object result) {
      return new Decision(true, null, result);
    }

    public static Decision refused(String reason) {
      return new Decision(false, reason, null);
    }
  }

  private final Map<UUID, Sinks.One<Decision>> pending = new ConcurrentHashMap<>();
  private final Duration timeout;

  public Decisions(Duration timeout) {
    this.timeout = timeout;
  }

  /** Registers interest in a command's decision; call before sending the command. */
  public Mono<Decision> awaitDecision(UUID commandId) {
    Sinks.One<Decision> sink = Sinks.one();
    pending.put(commandId, sink);
    return sink.asMono()
        .timeout(timeout, Mono.error(() -> new ProblemException.Unavailable(
            "the decision on this request was not ready within " + timeout.toSeconds() + " s; it may still be applied")))
        .doFinally(signal -> pending.remove(commandId));
  }

  /** Called by the stream processor when it has decided a command. */
  public void decided(UUID commandId, Decision decision) {
    Sinks.One<Decision> sink = pending.remove(commandId);
    if (sink != null) {
      sink.tryEmitValue(decision);
    }
  }

  public void forget(UUID commandId) {
    pending.remove(commandId);
  }

  /**
   * Writes a command and waits for the state machine's decision: the new state when it was applied,
   * a 409 with the reason when it was refused.
   */
  public <C extends SpecificRecord, S> Mono<S> send(
      EventPublisher publisher, Topic<C> topic, String key, C command, UUID commandId, Class<S> stateType) {
    Mono<Decision> decision = awaitDecision(commandId);
    return publisher.publish(topic, key, command)
        .doOnError(e -> forget(commandId))
        .then(decision)
        .map(d -> {
          if (!d.accepted()) throw new ProblemException.Conflict(d.reason());
          return stateType.cast(d.result());
        });
  }
}
