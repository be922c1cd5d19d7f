package org.linkway.platform.streams;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.streams.processor.api.Record;
import org.linkway.platform.kafka.EventPublisher;
import org.linkway.platform.kafka.Topic;
import org.linkway.platform.web.IdempotencyKeys;
import org.linkway.platform.web.ProblemException;
import org.linkway.replies.CommandReply;
import org.springframework.context.SmartLifecycle;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Hands the decider's answer to a command back to the HTTP request that sent it, once the decision is
 * committed, whichever instance of the service took the request.
 *
 * <p>An HTTP command is written to a command topic keyed by the record it is about; the stream task
 * that owns that key decides it, one command at a time, and writes its answer ({@link CommandReply},
 * keyed by the command's id) to the service's replies topic in the same transaction as what it decided.
 * Every instance reads every partition of that topic, read-committed, from where it stood when the
 * instance started: the one holding the command's request answers it, the others pass over it. So an
 * answer is given only for a decision that is committed (an aborted one has no reply to read), and the
 * instance that owns the key need not be the one that took the request. Because the decision is made in
 * one place per key, twenty concurrent accepts of one offer yield one acceptance and nineteen refusals.
 */
public final class Decisions implements SmartLifecycle {

  /** Before the web server (Integer.MAX_VALUE - 2048): no command is sent before its answer can be read. */
  static final int PHASE = Integer.MAX_VALUE - 4096;

  private final Map<UUID, Sinks.One<CommandReply>> pending = new ConcurrentHashMap<>();
  private final Duration timeout;
  private final TopicTail<CommandReply> replies;

  /**
   * @param timeout how long a request waits for its answer before it is told 503 (the command may still be applied)
   * @param replies the service's replies topic
   * @param consumers makes the reader's consumer: no group, read-committed, values read as {@link CommandReply}
   */
  public Decisions(Duration timeout, Topic<CommandReply> replies, Supplier<Consumer<String, CommandReply>> consumers) {
    this.timeout = timeout;
    this.replies = new TopicTail<>(replies, consumers, reply -> answer(reply.value()));
  }

  /** The answer that a command was applied, with what the caller is answered with (the state decided). */
  public static CommandReply accepted(UUID commandId, SpecificRecord decided) {
    return new CommandReply(commandId, null, decided, false);
  }

  /** The answer that a command was refused, and why (the caller is answered 409 with the reason). */
  public static CommandReply refused(UUID commandId, String reason) {
    return new CommandReply(commandId, reason, null, false);
  }

  /**
   * The answer that a command's Idempotency-Key was used before with another request (the caller is answered 422
   * naming the header); nothing was decided.
   */
  public static CommandReply keyReused(UUID commandId) {
    return new CommandReply(commandId, "the Idempotency-Key was used before with a different request", null, true);
  }

  /**
   * The record a decider forwards, in the transaction of its decision, to its service's replies topic:
   * the reply keyed by the command's id, with the time and the headers (the trace) of what was decided.
   */
  public static Record<String, SpecificRecord> reply(Record<String, SpecificRecord> decided, CommandReply reply) {
    return decided.withKey(reply.getCommandId().toString()).withValue(reply);
  }

  /**
   * Writes a command and waits for the decider's answer: the new state when it was applied, a 409 with
   * the reason when it was refused, a 422 when its Idempotency-Key was used for another request, a 503 when
   * no answer came within the timeout. A command sent again with the same id (the same Idempotency-Key)
   * while the first still waits here shares its answer.
   */
  public <C extends SpecificRecord, S> Mono<S> send(
      EventPublisher publisher, Topic<C> topic, String key, C command, UUID commandId, Class<S> stateType) {
    if (!replies.isReading()) {
      return Mono.error(new ProblemException.Unavailable("the service is not taking commands just now; try again shortly"));
    }
    Mono<CommandReply> answer = awaitReply(commandId);
    return publisher.publish(topic, key, command)
        .doOnError(e -> pending.remove(commandId))
        .then(answer)
        .map(reply -> {
          if (reply.getIdempotencyKeyReused()) throw IdempotencyKeys.reused();
          if (reply.getRefusal() != null) throw new ProblemException.Conflict(reply.getRefusal());
          return stateType.cast(reply.getDecided());
        });
  }

  /**
   * Writes a readiness probe with {@code write} and completes when its decider's answer to {@code probeId} is read
   * ({@link CommandReadiness}); fails as a command would be told 503: not reading answers yet, or none within the
   * timeout.
   */
  public Mono<Void> probe(UUID probeId, Mono<?> write) {
    if (!replies.isReading()) {
      return Mono.error(new ProblemException.Unavailable("the service's answers are not read yet"));
    }
    Mono<CommandReply> answer = awaitReply(probeId);
    return write.doOnError(e -> pending.remove(probeId)).then(answer).then();
  }

  /** Registers interest in a command's answer; before the command is sent, so that the answer cannot come first. */
  private Mono<CommandReply> awaitReply(UUID commandId) {
    Sinks.One<CommandReply> sink = pending.computeIfAbsent(commandId, id -> Sinks.one());
    return sink.asMono()
        .timeout(timeout, Mono.error(() -> new ProblemException.Unavailable(
            "the decision on this request was not ready within " + timeout.toSeconds() + " s; it may still be applied")))
        .doFinally(signal -> pending.remove(commandId, sink));
  }

  /** Hands a reply to the request waiting for it, if this instance holds it; another instance's is passed over. */
  void answer(CommandReply reply) {
    Sinks.One<CommandReply> sink = pending.remove(reply.getCommandId());
    if (sink != null) sink.tryEmitValue(reply);
  }

  /**
   * Takes every partition of the replies topic from its end now, before returning, so that the reply to
   * any command sent from then on is read; then reads on, on a thread of its own. A reply that cannot be
   * read is passed over: its request, if any, is told 503 at its timeout.
   */
  @Override
  public void start() {
    replies.start();
  }

  /** Stops reading; a request still waiting is told 503, like one whose answer did not come in time. */
  @Override
  public void stop() {
    replies.stop();
    pending.values().forEach(sink -> sink.tryEmitError(new ProblemException.Unavailable(
        "the service stopped before deciding on this request; it may still be applied")));
  }

  @Override
  public boolean isRunning() {
    return replies.isStarted();
  }

  @Override
  public int getPhase() {
    return PHASE;
  }
}
