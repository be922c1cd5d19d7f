package org.linkway.bench;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.linkway.platform.kafka.Topics;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * Referrals through the whole journey, as GP systems and providers would send them, for the
 * benchmark and for the local stack's demo history. The benchmark's: half submitted through the
 * Kafka intake, half through {@code POST /referrals}; a simulated provider population that watches
 * its queue's live stream, declines some first offers, accepts the rest with a baseline, records
 * two sessions and completes with a follow-up; the ledger and outcomes read back from Kafka and
 * from the commissioner's stream. The demo's: referrals of its own, each with its {@link Plan}.
 */
public final class Journey implements TopicAudit.Listener {

  /**
   * What the provider offered a referral does with it: declines the first offer (then, or not,
   * accepts the next one), or accepts it with a baseline, records the sessions and completes it with
   * the follow-up measure (a JSON measure; none: the referral is left in progress).
   */
  public record Plan(boolean declineFirstOffer, boolean acceptLaterOffer, List<LocalDate> sessions, String followUp) {

    /** The benchmark's: two sessions today and the follow-up that earns the outcome payment. */
    static Plan bench(boolean declineFirstOffer) {
      LocalDate today = LocalDate.now();
      return new Plan(declineFirstOffer, true, List.of(today, today), BenchPeople.FOLLOW_UP);
    }
  }

  /** How a referral's plan ended. */
  public enum Result { COMPLETED, DECLINED, IN_PROGRESS, FAILED }

  /** A referral of the caller's own, sent over HTTP by its practice's GP system. */
  public record Referral(String requestId, String practice, String body, Plan plan) {}

  /** One referral's moments (System.nanoTime), for the latency of each hop, its plan and how it ended. */
  static final class Track {
    final long submitted;
    final boolean measured;
    final Plan plan;
    volatile long acceptSent;
    volatile long completeSent;
    volatile boolean done;
    volatile Result result;
    /** Where the referral last stood, as the GP system and its provider saw it ("submitted", "offered 2", "accept" ...). */
    volatile String step = "submitted";
    /** The last answer about it, a status and at most a refusal's words (never a body: no patient data). */
    volatile String lastAnswer = "";
    /** Given up on by a phase that found it could not move; it stays unaccounted unless it ends after all. */
    boolean givenUp;

    Track(long submitted, boolean measured, Plan plan) {
      this.submitted = submitted;
      this.measured = measured;
      this.plan = plan;
    }
  }

  final Latencies toQueue = new Latencies();
  final Latencies toSubmittedOnTopic = new Latencies();
  final Latencies toOfferedOnTopic = new Latencies();
  final Latencies toCommitted = new Latencies();
  final Latencies toOutcomeStream = new Latencies();
  final AtomicLong submitted = new AtomicLong();
  final AtomicLong offered = new AtomicLong();
  final AtomicLong declined = new AtomicLong();
  final AtomicLong accepted = new AtomicLong();
  final AtomicLong completed = new AtomicLong();
  final AtomicLong outcomes = new AtomicLong();
  final AtomicLong unplaced = new AtomicLong();
  final AtomicLong refusedAtIntake = new AtomicLong();
  /** Offers a provider's live stream did not show (a slow subscriber misses events) and its queue did. */
  final AtomicLong offersFoundInQueue = new AtomicLong();
  /**
   * Every move any referral has made: a new step ({@link Track#step}), an action of its provider answered, its end.
   * What a phase watches to tell a backlog still moving from referrals that cannot ({@link Stall}).
   */
  private final AtomicLong moves = new AtomicLong();
  /** Referrals a phase gave up on (they could not move) that have not ended since. */
  private final AtomicLong givenUp = new AtomicLong();
  final Map<String, AtomicLong> failures = new ConcurrentHashMap<>();

  private final Map<UUID, Track> tracks = new ConcurrentHashMap<>();
  private final Set<String> offersSeen = ConcurrentHashMap.newKeySet();
  private final Http referralService;
  private final Http providerService;
  private final Http outcomeService;
  private final Producer<String, SpecificRecord> producer;
  private final String commissioner;
  private final List<String> providers;
  private final int declinePercent;
  private final String runId;
  private final List<Disposable> streams = new ArrayList<>();
  private volatile Semaphore window;
  private final AtomicLong sequence = new AtomicLong();

  Journey(Http referralService, Http providerService, Http outcomeService, Producer<String, SpecificRecord> producer,
      String commissioner, int providers, int declinePercent, String runId) {
    this(referralService, providerService, outcomeService, producer, commissioner,
        java.util.stream.IntStream.rangeClosed(1, providers).mapToObj(BenchPeople::providerId).toList(), declinePercent, runId);
  }

  /**
   * A journey over HTTP alone, with referrals of the caller's own ({@link #submit(Referral)}), for
   * the given providers and commissioner.
   */
  public Journey(Http referralService, Http providerService, Http outcomeService, String commissioner, List<String> providers) {
    this(referralService, providerService, outcomeService, null, commissioner, providers, 0, "demo");
  }

  private Journey(Http referralService, Http providerService, Http outcomeService, Producer<String, SpecificRecord> producer,
      String commissioner, List<String> providers, int declinePercent, String runId) {
    this.referralService = referralService;
    this.providerService = providerService;
    this.outcomeService = outcomeService;
    this.producer = producer;
    this.commissioner = commissioner;
    this.providers = List.copyOf(providers);
    this.declinePercent = declinePercent;
    this.runId = runId;
  }

  /** Providers watch their queues; the commissioner watches the outcome stream. */
  public void start() {
    for (String providerId : providers) {
      streams.add(providerService.events("/providers/" + providerId + "/referrals/stream")
          .subscribe(e -> offer(providerId, e), e -> failed("provider queue stream: " + e.getMessage())));
    }
    streams.add(outcomeService.events("/commissioners/" + commissioner + "/outcomes/stream")
        .subscribe(this::outcomeOnStream, e -> failed("outcome stream: " + e.getMessage())));
  }

  /** At most this many referrals under way at once (submitted and not yet reported), so that the run measures throughput, not a queue. */
  void limitInFlight(int referrals) {
    window = new Semaphore(referrals);
  }

  /** Submits one referral; half go through the Kafka intake, half through HTTP. */
  void submit(boolean measured) throws InterruptedException {
    Semaphore w = window;
    if (w != null) w.acquire();
    long i = sequence.getAndIncrement();
    String requestId = runId + "-" + i;
    boolean overKafka = i % 2 == 0;
    UUID referralId = overKafka ? BenchPeople.kafkaReferralId(requestId) : BenchPeople.referralId(requestId);
    tracks.put(referralId, new Track(System.nanoTime(), measured,
        Plan.bench(Math.floorMod(referralId.hashCode(), 100) < declinePercent)));
    submitted.incrementAndGet();
    if (overKafka) {
      producer.send(new ProducerRecord<>(Topics.referralRequests(BenchPeople.GP_SYSTEM).name(), requestId, BenchPeople.kafkaRequest(i, requestId, commissioner)),
          (metadata, error) -> {
            if (error != null) failed("kafka intake: " + error.getClass().getSimpleName());
          });
    } else {
      // as a GP system would: a 503 (the service busy or rebalancing) is sent again with the same
      // Idempotency-Key, which cannot make a second referral
      Mono.defer(() -> referralService.post("/referrals", BenchPeople.httpBody(i, commissioner), requestId))
          .flatMap(answer -> {
            if (answer.status() != 503) return Mono.just(answer);
            failed("POST /referrals 503 (sent again)");
            return Mono.error(new IllegalStateException("503"));
          })
          .retryWhen(reactor.util.retry.Retry.fixedDelay(30, java.time.Duration.ofSeconds(1)))
          .subscribe(answer -> {
            tracks.get(referralId).lastAnswer = "POST /referrals " + answer.status();
            if (!answer.ok()) refused(referralId, "POST /referrals " + answer.status());
          }, e -> refused(referralId, "POST /referrals: " + e.getClass().getSimpleName()));
    }
  }

  /**
   * Submits a referral of the caller's own over HTTP, as its practice's GP system (a 503 is sent
   * again with the same Idempotency-Key, which cannot make a second referral).
   *
   * @return its id, or empty when the intake refused it (a failure is counted)
   */
  public java.util.Optional<UUID> submit(Referral referral) {
    Http.Answer answer = Mono.defer(() -> referralService.post("/referrals", referral.body(), referral.requestId(),
            referral.practice()))
        .flatMap(a -> a.status() == 503 ? Mono.error(new IllegalStateException("503")) : Mono.just(a))
        .retryWhen(reactor.util.retry.Retry.fixedDelay(30, java.time.Duration.ofSeconds(1)))
        .onErrorResume(e -> Mono.just(new Http.Answer(0, e.getClass().getSimpleName())))
        .block();
    java.util.regex.Matcher id = java.util.regex.Pattern.compile("\"referralId\":\"([0-9a-f-]{36})\"")
        .matcher(answer == null ? "" : answer.body());
    if (answer == null || !answer.ok() || !id.find()) {
      failed("POST /referrals answered " + (answer == null ? "nothing" : answer.status() + ": " + answer.body()));
      return java.util.Optional.empty();
    }
    UUID referralId = UUID.fromString(id.group(1));
    tracks.putIfAbsent(referralId, new Track(System.nanoTime(), false, referral.plan()));
    submitted.incrementAndGet();
    return java.util.Optional.of(referralId);
  }

  /** How the referral's plan ended; empty while it is under way (or when it was never offered). */
  public java.util.Optional<Result> result(UUID referralId) {
    Track track = tracks.get(referralId);
    return track == null ? java.util.Optional.empty() : java.util.Optional.ofNullable(track.result);
  }

  /**
   * What a provider would do on finding its live stream quiet while offers wait: read its queue.
   * Offers found there that the stream did not show are counted, then handled like the others.
   */
  public void readQueues() {
    for (String providerId : providers) {
      Http.Answer answer = providerService.get("/providers/" + providerId + "/referrals?status=OFFERED").block();
      if (answer == null || !answer.ok()) continue;
      java.util.regex.Matcher m = java.util.regex.Pattern
          .compile("\"referralId\":\"([0-9a-f-]{36})\",\"status\":\"OFFERED\".*?\"attempt\":(\\d+)")
          .matcher(answer.body());
      while (m.find()) {
        String id = m.group(1) + "-" + m.group(2);
        if (tracks.containsKey(UUID.fromString(m.group(1))) && !offersSeen.contains(id)) {
          offersFoundInQueue.incrementAndGet();
          offer(providerId, new Http.Sse(id, "offer", ""));
        }
      }
    }
  }

  /**
   * The topic of the providers' commands. A command sent again with its {@code Idempotency-Key} (after a 503 or
   * a lost answer) is written again under the same id, and its decider answers it once; so an id read twice
   * there is a resend, counted as one, not a duplicate. What was decided is checked on the topics of decisions.
   */
  public static final String COMMANDS_RESENT_UNDER_THEIR_ID = Topics.PROVIDER_COMMANDS.name();

  /**
   * What provider-service answers (409) to a decline sent again once the first was applied and the referral offered
   * to another provider: the offer is no longer this provider's to read, and the answer says the decline stands.
   */
  static final String DECLINED_AND_OFFERED_ELSEWHERE = "declined this referral; it has been offered elsewhere";

  /** What provider-service answers (409) to an accept while an earlier accept of the offer awaits the budget. */
  static final String BEING_DECIDED = "acceptance is being decided";

  private void offer(String providerId, Http.Sse event) {
    if (!"offer".equals(event.event()) || event.id() == null) return;
    // the stream's id is {referralId}-{attempt}@{millis}~{position}: the offer is what comes before the '@' (the
    // rest differs between instances, and the keys below must be the same whichever instance sent the offer)
    String offer = event.id().split("@", 2)[0];
    int dash = offer.lastIndexOf('-');
    UUID referralId = UUID.fromString(offer.substring(0, dash));
    int attempt = Integer.parseInt(offer.substring(dash + 1));
    Track track = tracks.get(referralId);
    if (track == null || !offersSeen.add(offer)) return;
    offered.incrementAndGet();
    stepTo(track, "offered " + attempt);
    if (track.measured && attempt == 1) toQueue.record(System.nanoTime() - track.submitted);
    String base = "/providers/" + providerId + "/referrals/" + referralId;
    Plan plan = track.plan;
    if (attempt == 1 && plan.declineFirstOffer()) {
      // sent again after a 503 with its Idempotency-Key, as every provider action is ({@link #send})
      send(track, base, "/decline", "{\"reason\":\"CAPACITY\",\"note\":\"full this week\"}", offer + "/decline",
          "decline", 0, declined, DECLINED_AND_OFFERED_ELSEWHERE)
          .subscribe(ok -> {
            if (track.result == null) track.result = Result.DECLINED;
          }, e -> {
            failed("decline: " + e.getClass().getSimpleName());
            track.result = Result.FAILED;
          }, () -> {
            if (track.result == null) track.result = Result.FAILED;
          });
      return;
    }
    if (attempt > 1 && !plan.acceptLaterOffer()) return;
    track.acceptSent = System.nanoTime();
    // each action has its own Idempotency-Key, as a provider's system would send: a resend after a 503
    // or a lost answer is the same action, never a second session
    String key = offer + "/";
    Mono<Boolean> steps = send(track, base, "/accept", "{\"measures\":[" + BenchPeople.BASELINE + "]}", key + "accept",
        "accept", 0, accepted, "already been accepted");
    for (int n = 0; n < plan.sessions().size(); n++) {
      String session = "{\"attendedOn\":\"" + plan.sessions().get(n) + "\",\"attended\":true}";
      String sessionKey = key + "session-" + (n + 1);
      int sessions = n + 1;
      steps = steps.flatMap(ok -> send(track, base, "/sessions", session, sessionKey, "session", sessions, null));
    }
    if (plan.followUp() != null) {
      steps = steps.flatMap(ok -> {
        track.completeSent = System.nanoTime();
        return send(track, base, "/complete", "{\"completion\":\"COMPLETED\",\"measures\":[" + plan.followUp() + "]}",
            key + "complete", "complete", 0, completed, "has been completed", "it is COMPLETED");
      });
    }
    Result whenDone = plan.followUp() == null ? Result.IN_PROGRESS : Result.COMPLETED;
    steps.subscribe(ok -> track.result = whenDone, e -> {
      failed("provider: " + e.getClass().getSimpleName());
      track.result = Result.FAILED;
    }, () -> {
      if (track.result == null) track.result = Result.FAILED;
    });
  }

  /**
   * One provider action, as a person at a screen would do it: when the service answers 503 (its
   * decision was not ready in time; the command is in the log and may still be applied), or 409
   * saying an acceptance is still being decided (the first one was applied and waits for the budget),
   * wait a second and send it again, for up to half a minute; a 409 saying the action was already
   * applied then counts as done. Each of those answers is counted. Any other 409, or no answer for
   * half a minute, and the provider reads the offer as it stands ({@code GET} on its referral) and goes
   * on from what it sees ({@link #applied}): the action was applied (the accept, say, whose first answer
   * was lost) and the next one is sent; or it was not, and the refusal stands.
   *
   * @param sessions for a session, how many sessions attended it makes (0 for the other actions)
   */
  private Mono<Boolean> send(Track track, String base, String path, String body, String idempotencyKey, String what,
      int sessions, AtomicLong counter, String... alreadyDone) {
    return Mono.defer(() -> {
          stepTo(track, what);
          return providerService.post(base + path, body, idempotencyKey);
        })
        .flatMap(answer -> {
          track.lastAnswer = what + " " + answer.status() + (answer.body().contains(BEING_DECIDED) ? " " + BEING_DECIDED : "");
          if (answer.status() == 503) {
            failed(what + " 503 (sent again)");
            return Mono.error(new IllegalStateException("503"));
          }
          if (answer.status() == 409 && answer.body().contains(BEING_DECIDED)) {
            failed(what + " 409 being decided (sent again)");
            return Mono.error(new IllegalStateException("409 being decided"));
          }
          return Mono.just(answer);
        })
        .retryWhen(reactor.util.retry.Retry.fixedDelay(30, java.time.Duration.ofSeconds(1)))
        .onErrorResume(e -> Mono.just(new Http.Answer(0, "no answer in time")))
        .flatMap(answer -> {
          if (done(answer, alreadyDone)) return step(new Http.Answer(200, answer.body()), what, counter);
          if (answer.status() != 409 && answer.status() != 0) return step(answer, what, counter);
          return offerNow(base).flatMap(offer -> {
            track.lastAnswer = track.lastAnswer + "; read: " + offer.status() + ", " + offer.sessionsAttended() + " sessions";
            if (applied(what, sessions, offer)) {
              failed(what + " " + (answer.status() == 0 ? "unanswered" : answer.status()) + ", read as applied (went on)");
              return step(new Http.Answer(200, ""), what, counter);
            }
            if (answer.status() != 0) return step(answer, what, counter);
            failed(what + " unanswered after resends");
            return Mono.<Boolean>empty();
          });
        });
  }

  /** Whether the answer says the action is done: applied now, or a 409 saying it already was in one of these words. */
  static boolean done(Http.Answer answer, String... alreadyDone) {
    return answer.ok() || (answer.status() == 409
        && java.util.Arrays.stream(alreadyDone).anyMatch(phrase -> answer.body().contains(phrase)));
  }

  /** The offer as its provider reads it now: its status and sessions attended; empty when it cannot be read. */
  private Mono<Offer> offerNow(String base) {
    return providerService.get(base)
        .map(answer -> answer.ok() ? Offer.of(answer.body()) : new Offer("unread " + answer.status(), 0))
        .onErrorResume(e -> Mono.just(new Offer("unread", 0)));
  }

  /** What a provider reads of its offer ({@code GET /providers/{p}/referrals/{r}}): no patient data kept. */
  record Offer(String status, int sessionsAttended) {
    private static final java.util.regex.Pattern STATUS = java.util.regex.Pattern.compile("\"status\":\"([A-Z_]+)\"");
    private static final java.util.regex.Pattern SESSIONS = java.util.regex.Pattern.compile("\"sessionsAttended\":(\\d+)");

    static Offer of(String json) {
      java.util.regex.Matcher status = STATUS.matcher(json);
      java.util.regex.Matcher sessions = SESSIONS.matcher(json);
      return new Offer(status.find() ? status.group(1) : "unknown", sessions.find() ? Integer.parseInt(sessions.group(1)) : 0);
    }
  }

  /**
   * Whether the offer as read shows the action applied, so the provider goes on with the next: an accept once the
   * offer is ACCEPTED (or later COMPLETED), a session once as many sessions are attended (or it is COMPLETED), a
   * completion once it is COMPLETED, a decline once it is DECLINED.
   */
  static boolean applied(String action, int sessions, Offer offer) {
    return switch (action) {
      case "accept" -> offer.status().equals("ACCEPTED") || offer.status().equals("COMPLETED");
      case "session" -> offer.status().equals("COMPLETED")
          || (offer.status().equals("ACCEPTED") && offer.sessionsAttended() >= sessions);
      case "complete" -> offer.status().equals("COMPLETED");
      case "decline" -> offer.status().equals("DECLINED");
      default -> false;
    };
  }

  private Mono<Boolean> step(Http.Answer answer, String what, AtomicLong counter) {
    if (!answer.ok()) {
      failed(what + " " + answer.status());
      return Mono.empty();
    }
    if (counter != null) counter.incrementAndGet();
    // an action answered: the referral moved, though its step may read the same (its second session after its first)
    moves.incrementAndGet();
    return Mono.just(true);
  }

  /** The referral stands at {@code step} now: a move when it stood at another (a resend of the same action is none). */
  private void stepTo(Track track, String step) {
    if (!step.equals(track.step)) moves.incrementAndGet();
    track.step = step;
  }

  private void outcomeOnStream(Http.Sse event) {
    int at = event.data().indexOf("\"referralId\":\"");
    if (at < 0) return;
    UUID referralId = UUID.fromString(event.data().substring(at + 14, at + 50));
    Track track = tracks.get(referralId);
    if (track != null && track.measured && track.completeSent > 0) toOutcomeStream.record(System.nanoTime() - track.completeSent);
  }

  @Override
  public void committed(UUID referralId) {
    Track track = tracks.get(referralId);
    if (track != null && track.measured && track.acceptSent > 0) toCommitted.record(System.nanoTime() - track.acceptSent);
  }

  @Override
  public void onReferrals(UUID referralId, boolean offered) {
    Track track = tracks.get(referralId);
    if (track == null || !track.measured) return;
    (offered ? toOfferedOnTopic : toSubmittedOnTopic).record(System.nanoTime() - track.submitted);
  }

  @Override
  public void outcome(UUID referralId) {
    finished(referralId, outcomes);
  }

  @Override
  public void unplaced(UUID referralId) {
    finished(referralId, unplaced);
  }

  private void finished(UUID referralId, AtomicLong counter) {
    Track track = tracks.get(referralId);
    if (track == null) return;
    synchronized (track) {
      if (track.done) return;
      track.done = true;
      if (track.givenUp) givenUp.decrementAndGet();
    }
    counter.incrementAndGet();
    moves.incrementAndGet();
    Semaphore w = window;
    if (w != null) w.release();
  }

  /** A referral the intake never took: counted as a failure and no longer awaited. */
  private void refused(UUID referralId, String why) {
    failed(why);
    finished(referralId, refusedAtIntake);
  }

  /** Referrals submitted and not yet completed or unplaced. */
  long underWay() {
    return submitted.get() - outcomes.get() - unplaced.get() - refusedAtIntake.get();
  }

  /** How many moves the referrals have made so far ({@link #moves}): it changes while any of them moves. */
  long moves() {
    return moves.get();
  }

  /** Referrals under way that no phase has given up on: what a phase waits for. */
  long awaited() {
    return underWay() - givenUp.get();
  }

  /**
   * Gives up on the referrals under way now, which cannot move (they stay unaccounted: {@link #underWay}), and
   * says which: how many, how many at each last step and last answer, and the ids of at most {@code ids} of them.
   */
  Map<String, Object> giveUp(int ids) {
    Map<String, Long> byStep = new java.util.TreeMap<>();
    List<String> some = new ArrayList<>();
    long count = 0;
    for (Map.Entry<UUID, Track> entry : tracks.entrySet()) {
      Track track = entry.getValue();
      synchronized (track) {
        if (track.done || track.givenUp) continue;
        track.givenUp = true;
        givenUp.incrementAndGet();
      }
      count++;
      byStep.merge(track.step + (track.lastAnswer.isEmpty() ? "" : " (" + track.lastAnswer + ")"), 1L, Long::sum);
      if (some.size() < ids) some.add(entry.getKey().toString());
    }
    Map<String, Object> report = new java.util.LinkedHashMap<>();
    report.put("referrals", count);
    report.put("byLastStepAndAnswer", byStep);
    report.put("someIds", some);
    return report;
  }

  /**
   * Requests that failed for good (a 503 sent again and then answered is not one, nor a 409 after which the offer
   * read showed the action applied).
   */
  long failures() {
    return failures.entrySet().stream().filter(e -> !e.getKey().endsWith("(sent again)") && !e.getKey().endsWith("(went on)"))
        .mapToLong(e -> e.getValue().get()).sum();
  }

  private void failed(String what) {
    failures.computeIfAbsent(what, k -> new AtomicLong()).incrementAndGet();
  }

  /** Requests that failed for good, each with how often. */
  public Map<String, AtomicLong> failuresByKind() {
    return failures;
  }

  public void stop() {
    streams.forEach(Disposable::dispose);
  }
}
