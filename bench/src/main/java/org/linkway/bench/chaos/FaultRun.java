package org.linkway.bench.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.linkway.bench.Http;
import org.linkway.bench.Reconciliations;
import org.linkway.bench.OpenLoop;
import org.linkway.bench.chaos.ChaosJourney.Submission;
import org.linkway.stack.Instance;
import org.linkway.stack.Part;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * One fault while referrals flow: a commissioner of its own, its providers, contracts and budget;
 * referrals sent at a steady rate; after a third of them, the part SIGKILLed and started again
 * at once (the flow goes on meanwhile); then, bounded in time, every referral the GP systems were
 * given a 202 for taken to its end; then the checks: each such referral accounted for, no event id
 * twice on the journey's topics and no fact of a referral recorded twice, and the ledger as the
 * log holds it, as the reconciliation sums it, as the budget sums it and as the contract says,
 * the same to the penny.
 */
final class FaultRun {

  /** Each referral here completes as the benchmark's contract pays it: every fee, 150.00 in all, nothing released. */
  static final BigDecimal COMMITTED = new BigDecimal("150.00");
  static final Map<String, Integer> PAID_ONCE = Map.of("PaymentDue:ENGAGEMENT", 1, "PaymentDue:COMPLETION", 1,
      "PaymentDue:OUTCOME", 1, "FundingCommitted", 1);
  /**
   * The one fact the checks report rather than fail on when it is written twice: referral-service's
   * HTTP intake checks its store for the Idempotency-Key's referral and then writes
   * ReferralSubmitted, so a request sent again while the first write is still on its way to the
   * broker, or written and not yet read back by a restarted referral-service, writes the submission
   * a second time under a new event id. Every consumer ignores the second (the referral is one
   * referral, offered, accepted and paid once), but the log holds the submission twice.
   */
  static final String INTAKE_FACT = "ReferralSubmitted";
  static final Duration RECOVERY_BOUND = Duration.ofMinutes(4);
  static final Duration DRAIN_BOUND = Duration.ofMinutes(5);
  /** How long referral-service's view may take, once the log shows every referral's end, to show them too. */
  static final Duration VIEW_BOUND = Duration.ofMinutes(1);
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  /** What one fault did, and what the checks found; {@code failures} empty when every check held. */
  record Result(String fault, String commissioner, Map<String, Object> figures, List<String> failures) {
    boolean passed() {
      return failures.isEmpty();
    }
  }

  private final ChaosStack stack;
  private final JourneyAudit audit;
  private final Instances referralService;
  private final Instances providerService;
  private final Instances outcomeService;
  private final Consumer<String> say;

  FaultRun(ChaosStack stack, JourneyAudit audit, Instances referralService, Instances providerService, Instances outcomeService,
      Consumer<String> say) {
    this.stack = stack;
    this.audit = audit;
    this.referralService = referralService;
    this.providerService = providerService;
    this.outcomeService = outcomeService;
    this.say = say;
  }

  Result run(Instance target, String commissioner, Chaos.Options options, String runTag, long firstIndex)
      throws InterruptedException {
    long started = System.nanoTime();
    String fault = "SIGKILL " + target.label();
    Map<String, Object> figures = new LinkedHashMap<>();
    List<String> failures = new ArrayList<>();
    try (ChaosJourney journey = new ChaosJourney(referralService, providerService, outcomeService, commissioner, runTag,
        options.providers(), options.declinePercent(), firstIndex)) {
      journey.setUp();
      journey.startProviders();
      Map<org.apache.kafka.common.TopicPartition, Long> deadLettersBefore = audit.deadLetterEnds();

      // the first referral, alone: routing sees the new providers before the flow starts
      Submission first = journey.submit();
      Await.orFail("the first referral of " + commissioner + " offered",
          () -> audit.of(first.referralId).count("ReferralOffered#1") > 0, Duration.ofMinutes(2),
          () -> "its request " + (first.settled() ? "answered " + first.status : "unanswered") + ", log: "
              + audit.of(first.referralId).describe());

      // the flow, and the fault a third of the way through it
      Fault injected = new Fault(target, journey, commissioner);
      long killAfter = Math.max(1, options.referralsPerFault() / 3);
      CompletableFuture<Void> faultDone = new CompletableFuture<>();
      OpenLoop.run(options.rate(), options.referralsPerFault() - 1, due -> {
        journey.submit();
        if (journey.submissions().size() == killAfter + 1) {
          Thread t = new Thread(() -> {
            try {
              injected.inject();
              faultDone.complete(null);
            } catch (RuntimeException e) {
              faultDone.completeExceptionally(e);
            }
          }, "chaos-fault");
          t.setDaemon(true);
          t.start();
        }
      });
      say.accept(fault + ": " + options.referralsPerFault() + " referrals sent for " + commissioner + "; the fault after "
          + killAfter);
      try {
        faultDone.get(stack.recoveryBound().toSeconds() * 2 + 60, java.util.concurrent.TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        failures.add(target.label() + " did not recover: " + (e.getCause() != null ? e.getCause().getMessage() : e));
      }

      // every request answered (or given up), every referral given a 202 at its end
      Await.until(() -> journey.submissions().stream().allMatch(Submission::settled),
          ChaosJourney.GIVE_UP_AFTER.plusSeconds(40));
      List<Submission> accepted = journey.submissions().stream().filter(Submission::accepted).toList();
      long drainStart = System.nanoTime();
      boolean drained = Await.until(() -> accepted.stream().allMatch(s -> audit.ended(s.referralId)), DRAIN_BOUND);
      double drainSeconds = seconds(System.nanoTime() - drainStart);
      if (!audit.awaitCaughtUp(Duration.ofMinutes(1))) failures.add("the audit could not read the topics to their end");
      if (audit.failure() != null) failures.add("the audit stopped: " + audit.failure());

      check(journey, accepted, commissioner, injected, figures, failures);
      // an input a service could not read and went on without: lost to the journey, whatever else held
      List<String> deadLetters = audit.deadLettersSince(deadLettersBefore, 10);
      figures.put("deadLetters", deadLetters.size());
      deadLetters.forEach(d -> failures.add("dead-lettered during the phase: " + d));
      figures.put("drainSeconds", drainSeconds);
      if (!drained) figures.put("drainBoundReached", true);
      figures.put("phaseSeconds", seconds(System.nanoTime() - started));
    } catch (RuntimeException e) {
      failures.add(fault + " could not run: " + e.getMessage());
    }
    Result result = new Result(fault, commissioner, figures, failures);
    say.accept(fault + ": " + (result.passed() ? "every check held" : "FAILED " + failures) + " " + figures);
    return result;
  }

  /**
   * The kill and the restart, with the times that say how long the stack took to recover; and, from
   * the kill, the killed instance's keys asked of the instances left ({@link KeyProbe}) until they are
   * served again.
   */
  private final class Fault {
    /** Keys read by the probe per service: enough that each of a topic's partitions holds some. */
    static final int PROBED_KEYS = 24;
    final Instance target;
    final ChaosJourney journey;
    final String commissioner;
    volatile long killedAt;
    volatile Duration restartToHealthy;
    volatile Duration killToAllHealthy;
    volatile KeyProbe probe;

    Fault(Instance target, ChaosJourney journey, String commissioner) {
      this.target = target;
      this.journey = journey;
      this.commissioner = commissioner;
    }

    void inject() {
      say.accept("SIGKILL " + target.label() + " (pid " + stack.pid(target) + ")");
      List<KeyProbe.Ask> asks = asks();
      killedAt = System.nanoTime();
      stack.kill(target);
      // the first round only once the process is gone: a round begun before would be answered by it
      probe = new KeyProbe(asks, killedAt);
      CompletableFuture<Boolean> probing = CompletableFuture.supplyAsync(() -> probe.run(stack.recoveryBound()));
      stack.restart(target);
      restartToHealthy = stack.awaitHealthy(target, stack.recoveryBound());
      Await.orFail("every part healthy again", stack::allHealthy, stack.recoveryBound(), () -> "after " + target.label() + " was killed");
      killToAllHealthy = Duration.ofNanos(System.nanoTime() - killedAt);
      probing.join();
      say.accept(String.format("%s healthy %.1f s after its restart; the whole stack %.1f s after the kill; its keys served "
          + "again after %s s (%d answers 503 meanwhile)", target.label(), restartToHealthy.toMillis() / 1e3,
          killToAllHealthy.toMillis() / 1e3, probe.servedAfterSeconds(), probe.unavailable()));
    }

    /**
     * What the probe reads, of the killed service's other instances (of every service's, when a broker
     * is killed): referrals the log shows offered, each provider's queue and the commissioner's ledger,
     * with ids made up for the probe beside them, so that the keys fall in every partition.
     */
    private List<KeyProbe.Ask> asks() {
      List<KeyProbe.Ask> asks = new ArrayList<>();
      boolean everyService = !target.part().isService();
      if (everyService || target.part() == Part.REFERRAL_SERVICE) {
        List<UUID> offered = journey.submissions().stream().filter(Submission::accepted).map(s -> s.referralId)
            .filter(id -> audit.of(id).count("ReferralOffered#1") > 0).limit(PROBED_KEYS).toList();
        List<Http> asked = referralService.besides(target);
        for (int i = 0; i < PROBED_KEYS; i++) {
          // made-up ids beside the referrals offered so far, so that the keys fall in every partition
          boolean real = i < offered.size();
          asks.add(new KeyProbe.Ask("referral-service", asked.get(i % asked.size()), "/referrals/"
              + (real ? offered.get(i) : UUID.nameUUIDFromBytes(("chaos-probe-" + commissioner + "-" + i).getBytes())), real));
        }
      }
      if (everyService || target.part() == Part.PROVIDER_SERVICE) {
        List<Http> asked = providerService.besides(target);
        for (int i = 0; i < PROBED_KEYS; i++) {
          boolean real = i < journey.providerCount();
          String provider = real ? journey.providerId(i + 1) : "chaos-probe-" + i;
          asks.add(new KeyProbe.Ask("provider-service", asked.get(i % asked.size()), "/providers/" + provider
              + "/referrals?status=ACCEPTED&limit=1", real));
        }
      }
      if (everyService || target.part() == Part.OUTCOME_SERVICE) {
        List<Http> asked = outcomeService.besides(target);
        for (int i = 0; i < PROBED_KEYS; i++) {
          String code = i == 0 ? commissioner : "QZ" + "ABCDEFGHJKLNPRSTUVWY0123456789".charAt(i);
          asks.add(new KeyProbe.Ask("outcome-service", asked.get(i % asked.size()), "/commissioners/" + code
              + "/ledger?limit=1", i == 0));
        }
      }
      return asks;
    }
  }

  private void check(ChaosJourney journey, List<Submission> accepted, String commissioner, Fault fault,
      Map<String, Object> figures, List<String> failures) {
    List<Submission> all = new ArrayList<>(journey.submissions());
    Set<UUID> ids = all.stream().map(s -> s.referralId).collect(Collectors.toSet());

    // the GP systems' side
    figures.put("referralsSent", all.size());
    figures.put("answered202", all.stream().filter(s -> s.status == 202).count());
    figures.put("answered200SameReferral", all.stream().filter(s -> s.status == 200).count());
    figures.put("refused", all.stream().filter(s -> s.settled() && !s.accepted() && !s.gaveUp).count());
    figures.put("givenUp", all.stream().filter(s -> s.gaveUp).count());
    figures.put("postsSentAgain", journey.postsSentAgain.get());
    all.stream().filter(s -> !s.accepted()).limit(5)
        .forEach(s -> failures.add("referral request " + s.requestId + " never accepted: " + s.lastProblem));

    // accounted for: every accepted referral at its end in the log, and referral-service saying the same
    List<Submission> lost = accepted.stream().filter(s -> !audit.ended(s.referralId)).toList();
    long completed = accepted.stream().filter(s -> audit.of(s.referralId).count("OutcomeReported") > 0).count();
    long unplaced = accepted.stream().filter(s -> audit.of(s.referralId).count("ReferralUnplaced") > 0).count();
    figures.put("accepted", accepted.size());
    figures.put("accountedFor", accepted.size() - lost.size());
    figures.put("completed", completed);
    figures.put("unplaced", unplaced);
    figures.put("lost", lost.size());
    for (Submission s : lost.stream().limit(10).toList()) {
      failures.add("referral " + s.referralId + " (answered " + s.status + ") never reached its end: "
          + history(s.referralId) + "; log " + audit.of(s.referralId).describe() + "; " + ChaosJourney.providerSide(s)
          + "; " + providerOffer(s.referralId));
    }
    if (unplaced > 0) failures.add(unplaced + " referrals unplaced: the providers had room for all");
    accepted.stream().filter(s -> audit.of(s.referralId).count("ReferralUnplaced") > 0).limit(5).forEach(s ->
        failures.add("referral " + s.referralId + " unplaced: " + history(s.referralId) + "; log " + audit.of(s.referralId).describe()));
    // referral-service's view follows the log: asked again (bounded) until it shows every referral's end
    long askedFrom = System.nanoTime();
    Map<UUID, String> shown = new java.util.HashMap<>();
    Await.until(() -> {
      accepted.stream().filter(s -> !atItsEnd(shown.get(s.referralId)))
          .forEach(s -> shown.put(s.referralId, statusOf(s.referralId)));
      return shown.values().stream().allMatch(FaultRun::atItsEnd);
    }, VIEW_BOUND);
    Map<String, Long> statuses = new TreeMap<>();
    shown.values().forEach(st -> statuses.merge(st, 1L, Long::sum));
    figures.put("referralServiceStatuses", statuses);
    figures.put("referralServiceShowsEndsAfterSeconds", seconds(System.nanoTime() - askedFrom));
    if (!shown.values().stream().allMatch(FaultRun::atItsEnd)) {
      failures.add("referral-service does not show every accepted referral at its end " + VIEW_BOUND.toSeconds()
          + " s after the log does: " + statuses);
      accepted.stream().filter(s -> !atItsEnd(shown.get(s.referralId))).limit(3).forEach(s -> failures.add("referral "
          + s.referralId + " shown " + shown.get(s.referralId) + ": " + history(s.referralId) + "; log "
          + audit.of(s.referralId).describe()));
    }

    // nothing twice
    List<JourneyAudit.Duplicate> duplicates = audit.duplicates(ids);
    figures.put("duplicateEventIds", duplicates.size());
    duplicates.stream().limit(10).forEach(d -> failures.add("event " + d.eventId() + " (" + d.fact() + ", referral "
        + d.referralId() + ") twice on " + d.topic()));
    // the same fact under another event id: downstream (an offer, an acceptance, a ledger entry, an
    // outcome) a failure; at intake (the submission written again for a request sent again) a finding,
    // reported with examples: the referral stays one referral, and every consumer ignores the second
    Map<String, Long> repeatedKinds = new TreeMap<>();
    List<String> submittedTwice = new ArrayList<>();
    for (Submission s : all) {
      Map<String, Integer> repeated = audit.of(s.referralId).repeated();
      repeated.keySet().forEach(k -> repeatedKinds.merge(k, 1L, Long::sum));
      Map<String, Integer> downstream = new TreeMap<>(repeated);
      downstream.remove(INTAKE_FACT);
      String example = "referral " + s.referralId + " has " + repeated + " (its request " + s.requestId + " sent "
          + s.attempts + " times, answered " + s.status + ")";
      if (!downstream.isEmpty() && failures.size() < 20) failures.add(example);
      if (repeated.containsKey(INTAKE_FACT) && submittedTwice.size() < 5) submittedTwice.add(example);
    }
    Map<String, Long> downstreamKinds = new TreeMap<>(repeatedKinds);
    downstreamKinds.remove(INTAKE_FACT);
    figures.put("factsRecordedTwiceDownstream", downstreamKinds);
    figures.put("submissionsWrittenTwice", repeatedKinds.getOrDefault(INTAKE_FACT, 0L));
    if (!submittedTwice.isEmpty()) figures.put("submissionsWrittenTwiceExamples", submittedTwice);
    // each session is sent with its own Idempotency-Key, so a resend cannot record it again
    List<Submission> extraSessions = accepted.stream()
        .filter(s -> audit.of(s.referralId).count("SessionAttended") > ChaosJourney.SESSIONS).toList();
    figures.put("referralsWithAnExtraSession", extraSessions.size());
    extraSessions.stream().limit(5).forEach(s -> failures.add("referral " + s.referralId + " has more than "
        + ChaosJourney.SESSIONS + " sessions: " + audit.of(s.referralId).describe()));
    figures.put("providerCommandsResentWithTheirKey", audit.commandsResent());

    // the money, four ways
    BigDecimal committed = BigDecimal.ZERO;
    BigDecimal due = BigDecimal.ZERO;
    BigDecimal released = BigDecimal.ZERO;
    long notAsContracted = 0;
    for (Submission s : accepted) {
      JourneyAudit.Facts f = audit.of(s.referralId);
      synchronized (f) {
        committed = committed.add(f.committed);
        due = due.add(f.due);
        released = released.add(f.released);
        boolean asContracted = PAID_ONCE.entrySet().stream().allMatch(e -> f.count(e.getKey()) == e.getValue())
            && f.committed.compareTo(COMMITTED) == 0 && f.due.compareTo(COMMITTED) == 0 && f.released.signum() == 0;
        if (!asContracted && f.count("OutcomeReported") > 0) {
          notAsContracted++;
          if (notAsContracted <= 5) failures.add("referral " + s.referralId + " not paid as contracted: " + f.describe());
        }
      }
    }
    figures.put("ledgerInTheLog", Map.of("committed", committed, "due", due, "released", released));
    figures.put("referralsNotPaidAsContracted", notAsContracted);
    // a run of the reconciliation over the ledger as it stands (on the instance holding the commissioner), then its
    // result and the budget asked of every instance of outcome-service: each must say the same
    Reconciliations.runNow(outcomeService.any(), commissioner, Duration.ofMinutes(4))
        .onErrorResume(e -> Mono.empty()).block(Duration.ofMinutes(5));
    List<Map<String, Object>> reconciliations = outcomeService.all().stream().map(i -> reconciliation(i, commissioner)).toList();
    Map<String, Object> reconciliation = reconciliations.get(0);
    figures.put("reconciliation", reconciliation);
    figures.put("reconciliationInstances", reconciliations.size());
    boolean sameOnEveryInstance = reconciliations.stream().allMatch(reconciliation::equals);
    figures.put("reconciliationSameOnEveryInstance", sameOnEveryInstance);
    BigDecimal finalCommitted = committed;
    BigDecimal finalDue = due;
    BigDecimal finalReleased = released;
    boolean budgetAgrees = Await.until(() -> outcomeService.all().stream()
        .allMatch(i -> budgetAgrees(i, commissioner, finalCommitted, finalDue, finalReleased)), Duration.ofSeconds(30));
    Map<String, Object> budget = budget(outcomeService.any(), commissioner);
    figures.put("budget", budget);
    boolean reconciles = sameOnEveryInstance && Boolean.TRUE.equals(reconciliation.get("clean"))
        && same(reconciliation.get("committed"), committed) && same(reconciliation.get("due"), due)
        && same(reconciliation.get("released"), released)
        && Integer.valueOf(accepted.size()).equals(reconciliation.get("referralsChecked"))
        && budgetAgrees && notAsContracted == 0;
    figures.put("reconciles", reconciles);
    if (!reconciles) {
      failures.add("the ledger does not reconcile: log committed " + committed + " due " + due + " released " + released
          + "; reconciliation " + (sameOnEveryInstance ? reconciliation : "differs between instances: " + reconciliations)
          + "; budget " + budget);
    }

    // how the stack recovered
    if (fault.killedAt != 0) {
      long killedAt = fault.killedAt;
      figures.put("sentBeforeTheKill", all.stream().filter(s -> s.firstSent < killedAt).count());
      figures.put("underWayAtTheKill", all.stream().filter(s -> s.firstSent < killedAt)
          .filter(s -> !audit.ended(s.referralId) || audit.of(s.referralId).endedAt > killedAt).count());
      figures.put("restartToHealthySeconds", fault.restartToHealthy == null ? null : seconds(fault.restartToHealthy.toNanos()));
      figures.put("killToAllHealthySeconds", fault.killToAllHealthy == null ? null : seconds(fault.killToAllHealthy.toNanos()));
      // the first referral sent after the kill to complete: every part works again, end to end
      figures.put("killToFirstJourneyAfterItSeconds", all.stream().filter(s -> s.firstSent > killedAt)
          .mapToLong(s -> audit.of(s.referralId).endedAt).filter(t -> t > 0).min().stream()
          .mapToObj(t -> (Object) seconds(t - killedAt)).findFirst().orElse(null));
    }
    if (fault.probe != null) {
      KeyProbe probe = fault.probe;
      figures.put("keysServedAgainSeconds", probe.servedAfterSeconds());
      figures.put("probeKeys", probe.keys());
      figures.put("probeAnswered503", probe.unavailable());
      figures.put("probeUnanswered", probe.unanswered());
      figures.put("probeWrongAnswers", probe.wrong());
      if (probe.servedAfterSeconds() == null) {
        failures.add(fault.target.label() + "'s keys were not served again within " + stack.recoveryBound().toMinutes()
            + " min");
      }
      if (!probe.wrong().isEmpty()) {
        failures.add("while " + fault.target.label() + " was away, reads by key were answered neither right nor 503: "
            + probe.wrong());
      }
    }
    long answered503 = journey.problems.entrySet().stream().filter(e -> e.getKey().contains("503"))
        .mapToLong(e -> e.getValue().get()).sum();
    figures.put("requestsAnswered503", answered503);
    figures.put("longestWaitForAnAnswerSeconds", all.stream().filter(s -> s.answeredAt > 0)
        .mapToLong(s -> s.answeredAt - s.firstSent).max().stream().mapToObj(n -> (Object) seconds(n)).findFirst().orElse(null));
    figures.put("providerRequests", journey.providerRequests.get());
    figures.put("providerRequestsFailed", journey.providerFailures.get());
    figures.put("offersTakenUpFromTheQueue", journey.offersFromQueue.get());
    figures.put("streamReconnects", journey.streamReconnects.get());
    // when the 503s came, in 10-second spans from the kill ("-10" is the span before it)
    Map<Long, Long> unavailableSpans = new TreeMap<>();
    for (long at : journey.unavailableAt) unavailableSpans.merge(Math.floorDiv(at - fault.killedAt, 10_000_000_000L) * 10, 1L, Long::sum);
    figures.put("answers503By10sFromTheKill", unavailableSpans);
    Map<String, Long> problems = new TreeMap<>();
    journey.problems.forEach((k, v) -> problems.put(k, v.get()));
    figures.put("requestProblems", problems);
  }

  /** What referral-service says of a referral: its status, or why there is none (a 503 while it restores its stores is asked again). */
  private static boolean atItsEnd(String status) {
    return "COMPLETED".equals(status) || "UNPLACED".equals(status);
  }

  private String statusOf(UUID referralId) {
    JsonNode view = referral(referralId);
    return view.has("status") ? view.get("status").asText() : view.path("problem").asText();
  }

  /** GET /referrals/{id}, or {"problem": why there is no answer}. */
  private JsonNode referral(UUID referralId) {
    Http.Answer answer = Mono.defer(() -> referralService.any().get("/referrals/" + referralId, Duration.ofSeconds(10)))
        .flatMap(a -> a.status() >= 500 ? Mono.<Http.Answer>error(new IllegalStateException(a.status() + "")) : Mono.just(a))
        .retryWhen(Retry.fixedDelay(30, Duration.ofSeconds(1)))
        .onErrorResume(e -> Mono.empty()).block(Duration.ofMinutes(2));
    String problem = answer == null ? "NO ANSWER" : answer.status() == 404 ? "NOT FOUND" : "ANSWERED " + answer.status();
    return answer != null && answer.ok() ? readTree(answer.body()) : JSON.createObjectNode().put("problem", problem);
  }

  /** What provider-service says of the referral's last offer, to the provider it went to, in a few words. */
  private String providerOffer(UUID referralId) {
    String provider = audit.of(referralId).offeredTo;
    if (provider == null) return "offered to no provider";
    Http.Answer answer = providerService.any().get("/providers/" + provider + "/referrals/" + referralId,
        Duration.ofSeconds(10)).onErrorResume(e -> Mono.empty()).block(Duration.ofSeconds(15));
    if (answer == null) return "provider-service did not answer for its offer to " + provider;
    JsonNode offer = answer.ok() ? readTree(answer.body()) : JSON.createObjectNode();
    return "provider-service answered " + answer.status() + " for its offer to " + provider
        + (offer.has("status") ? ": " + offer.get("status").asText() + " (attempt " + offer.path("attempt").asInt() + ")" : "");
  }

  /** A referral's history as referral-service tells it, in one line, for a failure's explanation. */
  private String history(UUID referralId) {
    JsonNode view = referral(referralId);
    if (!view.has("history")) return view.path("problem").asText();
    List<String> steps = new ArrayList<>();
    view.get("history").forEach(h -> steps.add(h.path("event").asText() + " (" + h.path("status").asText() + "): "
        + h.path("detail").asText()));
    return String.join("; ", steps);
  }

  private Map<String, Object> reconciliation(Http outcomeService, String commissioner) {
    Map<String, Object> out = new LinkedHashMap<>();
    // a 503 (the commissioner's view moving between instances) is asked again, as its Retry-After says
    Http.Answer answer = Mono.defer(() -> outcomeService.get("/commissioners/" + commissioner + "/ledger/reconciliation",
            Duration.ofMinutes(2)))
        .flatMap(a -> a.status() == 503 ? Mono.<Http.Answer>error(new IllegalStateException("503")) : Mono.just(a))
        .retryWhen(Retry.fixedDelay(30, Duration.ofSeconds(1)).filter(e -> "503".equals(e.getMessage())))
        .onErrorResume(e -> Mono.just(new Http.Answer(503, "503 after 30 tries"))).block(Duration.ofMinutes(4));
    if (answer == null || !answer.ok()) {
      out.put("error", answer == null ? "no answer" : answer.status() + " " + answer.body());
      return out;
    }
    JsonNode body = readTree(answer.body());
    out.put("clean", body.path("clean").asBoolean());
    JsonNode totals = body.path("totals");
    out.put("referralsChecked", totals.path("referralsChecked").asInt());
    for (String f : List.of("committed", "due", "released", "reserved")) out.put(f, totals.path(f).decimalValue());
    List<String> broken = new ArrayList<>();
    body.path("invariants").forEach(i -> {
      if (!i.path("holds").asBoolean()) broken.add(i.path("name").asText() + " " + i.path("breaches"));
    });
    if (!broken.isEmpty()) out.put("broken", broken);
    return out;
  }

  private Map<String, Object> budget(Http outcomeService, String commissioner) {
    Map<String, Object> out = new LinkedHashMap<>();
    Http.Answer answer = outcomeService.get("/commissioners/" + commissioner + "/budget", Duration.ofSeconds(10))
        .onErrorResume(e -> Mono.empty()).block(Duration.ofSeconds(15));
    if (answer == null || !answer.ok()) {
      out.put("error", answer == null ? "no answer" : answer.status() + " " + answer.body());
      return out;
    }
    JsonNode body = readTree(answer.body());
    for (String f : List.of("committed", "due", "released", "reserved")) out.put(f, body.path(f).decimalValue());
    return out;
  }

  private boolean budgetAgrees(Http outcomeService, String commissioner, BigDecimal committed, BigDecimal due,
      BigDecimal released) {
    Map<String, Object> b = budget(outcomeService, commissioner);
    return same(b.get("committed"), committed) && same(b.get("due"), due) && same(b.get("released"), released);
  }

  private static boolean same(Object figure, BigDecimal expected) {
    return figure instanceof BigDecimal d && d.compareTo(expected) == 0;
  }

  private static JsonNode readTree(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      return JSON.createObjectNode();
    }
  }

  static double seconds(long nanos) {
    return Math.round(nanos / 1e8) / 10.0;
  }
}
