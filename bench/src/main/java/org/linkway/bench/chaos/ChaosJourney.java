package org.linkway.bench.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.linkway.bench.BenchPeople;
import org.linkway.bench.Http;
import org.linkway.platform.domain.Funding;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * The people around one commissioner's referrals while the stack is being broken: GP systems that
 * refer over HTTP (each request to one of referral-service's instances at random, as a load balancer
 * would spread them, and so each provider request and queue read) and, when an answer does not come (a 503, a connection refused or cut, no answer
 * in time), send the same request again with the same {@code Idempotency-Key}, as their
 * integrations do; and providers that watch their queue's live stream (connecting again when it
 * drops), look at their queue every few seconds for what the stream did not show, and take each
 * referral from where its offer stands: decline some first offers, accept with a baseline, record
 * two sessions, complete with a follow-up. Each provider action carries an {@code Idempotency-Key} naming
 * the offer and the step; a provider whose request failed looks at the queue again and sends what is
 * still to do, under the same key when it is the same step, so a lost answer records nothing twice.
 */
final class ChaosJourney implements AutoCloseable {

  /** How long a GP system keeps sending a request again before giving up on it. */
  static final Duration GIVE_UP_AFTER = Duration.ofMinutes(5);
  private static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration PROVIDER_TIMEOUT = Duration.ofSeconds(30);
  static final int SESSIONS = 2;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One referral a GP system sent, and what became of its request. */
  static final class Submission {
    final long index;
    final String requestId;
    final UUID referralId;
    final long firstSent = System.nanoTime();
    volatile int attempts;
    /** The answer that ended the request: 202 (accepted), 200 (accepted earlier: an answer was lost), or a refusal. */
    volatile int status;
    volatile long answeredAt;
    volatile boolean gaveUp;
    volatile String lastProblem;
    /** The provider has completed it (or was told it is completed). */
    volatile boolean providerDone;
    final AtomicBoolean providerBusy = new AtomicBoolean();
    /** What its provider last saw of it and where ("OFFERED (attempt 1) on the stream"), for a failure's explanation. */
    volatile String providerSaw = "nothing";
    /** The answer to its provider's last request ("accept 404", "accept: TimeoutException"), a status and no body. */
    volatile String providerAnswer = "none";

    Submission(long index, String requestId, UUID referralId) {
      this.index = index;
      this.requestId = requestId;
      this.referralId = referralId;
    }

    boolean accepted() {
      return status == 202 || status == 200;
    }

    boolean settled() {
      return status != 0 || gaveUp;
    }
  }

  final AtomicLong postsSentAgain = new AtomicLong();
  final AtomicLong providerRequests = new AtomicLong();
  final AtomicLong providerFailures = new AtomicLong();
  final AtomicLong streamReconnects = new AtomicLong();
  final AtomicLong offersFromQueue = new AtomicLong();
  final AtomicLong declined = new AtomicLong();
  final Map<String, AtomicLong> problems = new ConcurrentHashMap<>();
  /** When each 503 came (System.nanoTime), GP systems' and providers' alike. */
  final java.util.Queue<Long> unavailableAt = new java.util.concurrent.ConcurrentLinkedQueue<>();

  private final Instances referralService;
  private final Instances providerService;
  private final Instances outcomeService;
  private final String commissioner;
  private final String runTag;
  private final int providers;
  private final int declinePercent;
  private final Map<UUID, Submission> submissions = new ConcurrentHashMap<>();
  private final List<Disposable> streams = new ArrayList<>();
  private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "chaos-provider-sweep");
    t.setDaemon(true);
    return t;
  });
  private final AtomicLong sequence;

  /**
   * @param firstIndex the first person's index, so that each commissioner's people are their own
   */
  ChaosJourney(Instances referralService, Instances providerService, Instances outcomeService, String commissioner, String runTag,
      int providers, int declinePercent, long firstIndex) {
    this.referralService = referralService;
    this.providerService = providerService;
    this.outcomeService = outcomeService;
    this.commissioner = commissioner;
    this.runTag = runTag;
    this.providers = providers;
    this.declinePercent = declinePercent;
    this.sequence = new AtomicLong(firstIndex);
  }

  int providerCount() {
    return providers;
  }

  String providerId(int p) {
    return "chaos-" + commissioner.toLowerCase() + "-" + p;
  }

  /** The commissioner's providers, a contract with each (the benchmark's: at most 150.00 a referral) and a budget. */
  void setUp() {
    String year = Funding.financialYear(Instant.now());
    LocalDate[] dates = Funding.financialYearDates(year).orElseThrow();
    for (int p = 1; p <= providers; p++) {
      String body = BenchPeople.providerBody(p, commissioner).replace(BenchPeople.providerId(p), providerId(p));
      expectOk(providerService.any().post("/providers", body), "POST /providers " + providerId(p));
      expectOk(outcomeService.any().put("/commissioners/" + commissioner + "/contracts/" + providerId(p),
          BenchPeople.contractBody(p, dates[0], dates[1]).replace(BenchPeople.providerId(p), providerId(p))), "PUT contract");
    }
    expectOk(outcomeService.any().put("/commissioners/" + commissioner + "/budgets/" + year, "{\"amount\":900000000.00}"), "PUT budget");
  }

  /** The providers start watching their queues. */
  void startProviders() {
    for (int p = 1; p <= providers; p++) {
      String providerId = providerId(p);
      streams.add(Flux.defer(() -> providerService.any().events("/providers/" + providerId + "/referrals/stream"))
          .doOnError(e -> streamReconnects.incrementAndGet())
          .retryWhen(Retry.fixedDelay(Long.MAX_VALUE, Duration.ofSeconds(1)))
          .repeatWhen(done -> done.doOnNext(x -> streamReconnects.incrementAndGet()).delayElements(Duration.ofSeconds(1)))
          .subscribe(e -> {
            if ("offer".equals(e.event())) act(parse(e.data()), "on the stream");
          }));
    }
    sweeper.scheduleWithFixedDelay(this::lookAtQueues, 3, 3, TimeUnit.SECONDS);
  }

  /** A GP system refers one more person (the answer comes later). */
  Submission submit() {
    long i = sequence.getAndIncrement();
    String requestId = "chaos-" + runTag + "-" + commissioner + "-" + i;
    Submission s = new Submission(i, requestId, BenchPeople.referralId(requestId));
    submissions.put(s.referralId, s);
    String body = BenchPeople.httpBody(i, commissioner);
    Mono.defer(() -> {
          s.attempts++;
          return referralService.any().post("/referrals", body, requestId).timeout(ATTEMPT_TIMEOUT);
        })
        .flatMap(answer -> answer.status() == 503 ? Mono.error(unavailable(answer)) : Mono.just(answer))
        .retryWhen(Retry.fixedDelay(GIVE_UP_AFTER.toSeconds(), Duration.ofSeconds(1)).doBeforeRetry(signal -> {
          postsSentAgain.incrementAndGet();
          problem("POST /referrals sent again after " + reason(signal.failure()));
        }))
        .subscribe(answer -> {
          s.status = answer.status();
          s.answeredAt = System.nanoTime();
          if (!s.accepted()) {
            s.lastProblem = answer.status() + " " + answer.body();
            problem("POST /referrals refused " + answer.status());
          }
        }, e -> {
          s.gaveUp = true;
          s.lastProblem = reason(e);
          problem("POST /referrals given up: " + reason(e));
        });
    return s;
  }

  Collection<Submission> submissions() {
    return submissions.values();
  }

  /**
   * What a provider does next with a referral, from where its offer stands (seen {@code where}); nothing while another
   * request of its is under way.
   */
  private void act(JsonNode offer, String where) {
    Submission s = offer == null ? null : submission(offer.path("referralId").asText());
    if (s == null) return;
    s.providerSaw = offer.path("status").asText() + " (attempt " + offer.path("attempt").asInt() + ") " + where;
    if (s.providerDone || !s.providerBusy.compareAndSet(false, true)) return;
    try {
      step(s, offer);
    } catch (RuntimeException e) {
      // a request that could not even be made: the next look at the queue tries again (busy for good, it never would)
      s.providerAnswer = "not sent: " + reason(e);
      problem("provider request not sent: " + reason(e));
      s.providerBusy.set(false);
    }
  }

  /** The journey's referral of that id; null for another's, or for what is not an id. */
  private Submission submission(String referralId) {
    try {
      return submissions.get(UUID.fromString(referralId));
    } catch (IllegalArgumentException notAnId) {
      return null;
    }
  }

  /** What the provider's side of the journey knows of a referral, in words, for a failure's explanation. */
  static String providerSide(Submission s) {
    return "its provider saw " + s.providerSaw + ", last answered " + s.providerAnswer
        + (s.providerBusy.get() ? ", a request of it under way" : "") + (s.providerDone ? ", done" : "");
  }

  /** One request, and on its answer (the offer as it now stands) the next, until there is nothing to do or a request fails. */
  private void step(Submission s, JsonNode offer) {
    String status = offer.path("status").asText();
    String base = "/providers/" + offer.path("providerId").asText() + "/referrals/" + s.referralId;
    String path;
    String body;
    String action;
    switch (status) {
      case "OFFERED" -> {
        if (offer.path("attempt").asInt() == 1 && Math.floorMod(s.referralId.hashCode(), 100) < declinePercent) {
          path = base + "/decline";
          body = "{\"reason\":\"CAPACITY\",\"note\":\"full this week\"}";
          action = "decline";
        } else {
          path = base + "/accept";
          body = "{\"measures\":[" + BenchPeople.BASELINE + "]}";
          action = "accept";
        }
      }
      case "ACCEPTED" -> {
        if (offer.path("sessionsAttended").asInt() < SESSIONS) {
          path = base + "/sessions";
          body = "{\"attendedOn\":\"" + LocalDate.now() + "\",\"attended\":true}";
          action = "session-" + (offer.path("sessionsAttended").asInt() + 1);
        } else {
          path = base + "/complete";
          body = "{\"completion\":\"COMPLETED\",\"measures\":[" + BenchPeople.FOLLOW_UP + "]}";
          action = "complete";
        }
      }
      default -> {
        if (status.equals("COMPLETED")) s.providerDone = true;
        s.providerBusy.set(false);
        return;
      }
    }
    providerRequests.incrementAndGet();
    // the action's Idempotency-Key names the offer and the step, as a provider's system would: sent again
    // (after a 503, a timeout, an instance gone, or from a queue that has not caught up) it is the same
    // action, so nothing is recorded twice
    String idempotencyKey = s.referralId + "-" + offer.path("attempt").asInt() + "/" + action;
    providerService.any().post(path, body, idempotencyKey).timeout(PROVIDER_TIMEOUT).subscribe(answer -> {
      s.providerAnswer = action + " " + answer.status();
      if (answer.ok()) {
        if (path.endsWith("/decline")) declined.incrementAndGet();
        JsonNode after = parse(answer.body());
        if (after == null) {
          s.providerBusy.set(false);
        } else {
          step(s, after);
        }
        return;
      }
      if (answer.status() == 409 && answer.body().contains("has been completed")) s.providerDone = true;
      providerFailures.incrementAndGet();
      problem("provider " + path.substring(path.lastIndexOf('/') + 1) + " answered " + (answer.status() == 503
          ? unavailable(answer).getMessage() : answer.status()));
      s.providerBusy.set(false);
    }, e -> {
      s.providerAnswer = action + ": " + reason(e);
      providerFailures.incrementAndGet();
      problem("provider " + path.substring(path.lastIndexOf('/') + 1) + ": " + reason(e));
      s.providerBusy.set(false);
    });
  }

  /** Every few seconds each provider reads its queue (offers, and referrals it is working with) and takes up what waits. */
  private void lookAtQueues() {
    if (submissions.values().stream().allMatch(s -> s.providerDone || !s.accepted() && s.settled())) return;
    for (int p = 1; p <= providers; p++) {
      for (String status : List.of("OFFERED", "ACCEPTED")) {
        try {
          Http.Answer answer = providerService.any().get("/providers/" + providerId(p) + "/referrals?status=" + status,
              Duration.ofSeconds(10)).block(Duration.ofSeconds(15));
          if (answer == null || !answer.ok()) continue;
          for (JsonNode offer : JSON.readTree(answer.body())) {
            Submission s = submission(offer.path("referralId").asText());
            if (s == null || s.providerDone) continue;
            if (!s.providerBusy.get()) offersFromQueue.incrementAndGet();
            act(offer, "in its queue");
          }
        } catch (IOException | RuntimeException e) {
          // the service is away: the next look will do
        }
      }
    }
  }

  private static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      return null;
    }
  }

  /** A 503, noted with its time and named by the problem's detail (ids and figures left out, so that like ones add up). */
  private IllegalStateException unavailable(Http.Answer answer) {
    unavailableAt.add(System.nanoTime());
    JsonNode problem = parse(answer.body());
    String detail = problem == null ? "" : problem.path("detail").asText(problem.path("title").asText());
    detail = detail.replaceAll("[0-9a-f]{8}-[0-9a-f-]{27}", "<id>").replaceAll("[0-9]+", "N");
    return new IllegalStateException("503" + (detail.isEmpty() ? "" : " (" + detail.substring(0, Math.min(90, detail.length())) + ")"));
  }

  private void problem(String what) {
    problems.computeIfAbsent(what, k -> new AtomicLong()).incrementAndGet();
  }

  private static String reason(Throwable e) {
    String name = e.getClass().getSimpleName();
    return name.equals("IllegalStateException") ? String.valueOf(e.getMessage()) : name;
  }

  private static void expectOk(Mono<Http.Answer> request, String what) {
    Http.Answer answer = request.block(Duration.ofSeconds(60));
    if (answer == null || !answer.ok()) {
      throw new IllegalStateException(what + " answered " + (answer == null ? "nothing" : answer.status() + " " + answer.body()));
    }
  }

  @Override
  public void close() {
    streams.forEach(Disposable::dispose);
    sweeper.shutdownNow();
  }
}
