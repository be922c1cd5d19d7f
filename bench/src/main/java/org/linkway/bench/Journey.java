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
 * Referrals through the whole journey, as GP systems and providers would send them: half submitted
 * through the Kafka intake, half through {@code POST /referrals}; a simulated provider population
 * that watches its queue's live stream, declines some first offers, accepts the rest with a
 * baseline, records two sessions and completes with a follow-up; the ledger and outcomes read
 * back from Kafka and from the commissioner's stream.
 */
final class Journey implements TopicAudit.Listener {

  /** One referral's moments (System.nanoTime), for the latency of each hop. */
  static final class Track {
    final long submitted;
    final boolean measured;
    volatile long acceptSent;
    volatile long completeSent;
    volatile boolean done;

    Track(long submitted, boolean measured) {
      this.submitted = submitted;
      this.measured = measured;
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
  final Map<String, AtomicLong> failures = new ConcurrentHashMap<>();

  private final Map<UUID, Track> tracks = new ConcurrentHashMap<>();
  private final Set<String> offersSeen = ConcurrentHashMap.newKeySet();
  private final Http referralService;
  private final Http providerService;
  private final Http outcomeService;
  private final Producer<String, SpecificRecord> producer;
  private final String commissioner;
  private final int providers;
  private final int declinePercent;
  private final String runId;
  private final List<Disposable> streams = new ArrayList<>();
  private volatile Semaphore window;
  private final AtomicLong sequence = new AtomicLong();

  Journey(Http referralService, Http providerService, Http outcomeService, Producer<String, SpecificRecord> producer,
      String commissioner, int providers, int declinePercent, String runId) {
    this.referralService = referralService;
    this.providerService = providerService;
    this.outcomeService = outcomeService;
    this.producer = producer;
    this.commissioner = commissioner;
    this.providers = providers;
    this.declinePercent = declinePercent;
    this.runId = runId;
  }

  /** Providers watch their queues; the commissioner watches the outcome stream. */
  void start() {
    for (int p = 1; p <= providers; p++) {
      String providerId = BenchPeople.providerId(p);
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
    tracks.put(referralId, new Track(System.nanoTime(), measured));
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
            if (!answer.ok()) refused(referralId, "POST /referrals " + answer.status());
          }, e -> refused(referralId, "POST /referrals: " + e.getClass().getSimpleName()));
    }
  }

  /**
   * What a provider would do on finding its live stream quiet while offers wait: read its queue.
   * Offers found there that the stream did not show are counted, then handled like the others.
   */
  void readQueues() {
    for (int p = 1; p <= providers; p++) {
      String providerId = BenchPeople.providerId(p);
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

  /** What provider-service answers (409) to an accept while an earlier accept of the offer awaits the budget. */
  static final String BEING_DECIDED = "acceptance is being decided";

  private void offer(String providerId, Http.Sse event) {
    if (!"offer".equals(event.event()) || event.id() == null) return;
    int dash = event.id().lastIndexOf('-');
    UUID referralId = UUID.fromString(event.id().substring(0, dash));
    int attempt = Integer.parseInt(event.id().substring(dash + 1));
    Track track = tracks.get(referralId);
    if (track == null || !offersSeen.add(event.id())) return;
    offered.incrementAndGet();
    if (track.measured && attempt == 1) toQueue.record(System.nanoTime() - track.submitted);
    String base = "/providers/" + providerId + "/referrals/" + referralId;
    if (attempt == 1 && Math.floorMod(referralId.hashCode(), 100) < declinePercent) {
      providerService.post(base + "/decline", "{\"reason\":\"CAPACITY\",\"note\":\"full this week\"}")
          .subscribe(answer -> {
            if (answer.ok()) declined.incrementAndGet(); else failed("decline " + answer.status());
          }, e -> failed("decline: " + e.getClass().getSimpleName()));
      return;
    }
    String today = LocalDate.now().toString();
    String session = "{\"attendedOn\":\"" + today + "\",\"attended\":true}";
    track.acceptSent = System.nanoTime();
    send(base + "/accept", "{\"measures\":[" + BenchPeople.BASELINE + "]}", "accept", accepted, "already been accepted")
        .flatMap(ok -> send(base + "/sessions", session, "session", null))
        .flatMap(ok -> send(base + "/sessions", session, "session", null))
        .flatMap(ok -> {
          track.completeSent = System.nanoTime();
          return send(base + "/complete", "{\"completion\":\"COMPLETED\",\"measures\":[" + BenchPeople.FOLLOW_UP + "]}",
              "complete", completed, "has been completed", "it is COMPLETED");
        })
        .subscribe(ok -> { }, e -> failed("provider: " + e.getClass().getSimpleName()));
  }

  /**
   * One provider action, as a person at a screen would do it: when the service answers 503 (its
   * decision was not ready in time; the command is in the log and may still be applied), or 409
   * saying an acceptance is still being decided (the first one was applied and waits for the budget),
   * wait a second and send it again, for up to half a minute; a 409 saying the action was already
   * applied then counts as done. Each of those answers is counted.
   */
  private Mono<Boolean> send(String path, String body, String what, AtomicLong counter, String... alreadyDone) {
    return Mono.defer(() -> providerService.post(path, body))
        .flatMap(answer -> {
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
        .flatMap(answer -> {
          boolean done = answer.ok() || (answer.status() == 409
              && java.util.Arrays.stream(alreadyDone).anyMatch(phrase -> answer.body().contains(phrase)));
          return step(done ? new Http.Answer(200, answer.body()) : answer, what, counter);
        });
  }

  private Mono<Boolean> step(Http.Answer answer, String what, AtomicLong counter) {
    if (!answer.ok()) {
      failed(what + " " + answer.status());
      return Mono.empty();
    }
    if (counter != null) counter.incrementAndGet();
    return Mono.just(true);
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
    if (track == null || track.done) return;
    track.done = true;
    counter.incrementAndGet();
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

  /** Requests that failed for good (a 503 sent again and then answered is not one). */
  long failures() {
    return failures.entrySet().stream().filter(e -> !e.getKey().endsWith("(sent again)"))
        .mapToLong(e -> e.getValue().get()).sum();
  }

  private void failed(String what) {
    failures.computeIfAbsent(what, k -> new AtomicLong()).incrementAndGet();
  }

  void stop() {
    streams.forEach(Disposable::dispose);
  }
}
