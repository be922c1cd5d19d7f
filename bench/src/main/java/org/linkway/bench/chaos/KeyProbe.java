package org.linkway.bench.chaos;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.linkway.bench.Http;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * How long, from a kill, until the killed instance's keys are served again: a set of reads by key,
 * spread over many keys so that some fall in each partition, asked over and over of the instances
 * still running (of the one restarted, when there is no other) until every one of them is answered
 * in one round. A key's read is answered by its owner, to which the asked instance passes it on; while
 * the owner is the dead instance, or its partitions are moving to another, the answer is 503 with
 * {@code Retry-After}, which is counted. An answer that is neither right nor 503 (a 404 for a
 * referral the log holds) is counted as wrong.
 */
final class KeyProbe {

  /**
   * One read: of a key whose answer must be 200 ({@code mustExist}), or of a key no one has used (a
   * provider's or commissioner's id made up for the probe), whose owner answers it with whatever it
   * holds, which is served once it is not a 5xx.
   */
  record Ask(String service, Http instance, String path, boolean mustExist) {}

  private static final Duration ASK_BOUND = Duration.ofSeconds(5);

  private final List<Ask> asks;
  private final long from;
  private final AtomicLong unavailable = new AtomicLong();
  private final AtomicLong unanswered = new AtomicLong();
  private final AtomicLong rounds = new AtomicLong();
  private final Map<String, AtomicLong> wrong = new ConcurrentHashMap<>();
  private volatile long servedAt;

  /**
   * @param from when the kill was (System.nanoTime)
   */
  KeyProbe(List<Ask> asks, long from) {
    this.asks = asks;
    this.from = from;
  }

  /** Asks round after round until one round is answered whole, or the bound passes; whether it was. */
  boolean run(Duration bound) {
    boolean served = Await.until(this::round, bound);
    if (served) servedAt = System.nanoTime();
    return served;
  }

  /** One round: every read at once; whether each was served. */
  private boolean round() {
    rounds.incrementAndGet();
    Boolean all = Flux.fromIterable(asks)
        .flatMap(ask -> ask.instance().get(ask.path(), ASK_BOUND).timeout(ASK_BOUND.plusSeconds(1))
            .map(answer -> served(ask, answer))
            .onErrorResume(e -> {
              unanswered.incrementAndGet();
              return Mono.just(false);
            }), 16)
        .all(Boolean::booleanValue).block(ASK_BOUND.multipliedBy(4));
    return Boolean.TRUE.equals(all);
  }

  private boolean served(Ask ask, Http.Answer answer) {
    if (answer.status() == 503) {
      unavailable.incrementAndGet();
      return false;
    }
    if (answer.status() >= 500) {
      unanswered.incrementAndGet();
      return false;
    }
    if (ask.mustExist() && answer.status() != 200) {
      wrong.computeIfAbsent(ask.service() + " " + answer.status(), k -> new AtomicLong()).incrementAndGet();
      return false;
    }
    return true;
  }

  /** Seconds from the kill until a round was answered whole; null when none was within the bound. */
  Double servedAfterSeconds() {
    return servedAt == 0 ? null : FaultRun.seconds(servedAt - from);
  }

  int keys() {
    return asks.size();
  }

  long unavailable() {
    return unavailable.get();
  }

  long unanswered() {
    return unanswered.get();
  }

  long rounds() {
    return rounds.get();
  }

  /** Answers neither right nor 503, by service and status. */
  Map<String, Long> wrong() {
    Map<String, Long> out = new TreeMap<>();
    wrong.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }
}
