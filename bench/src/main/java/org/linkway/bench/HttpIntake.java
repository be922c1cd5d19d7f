package org.linkway.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The highest rate of {@code POST /referrals} the referral service holds with p99 under 50 ms. An
 * open-loop load: requests leave on a fixed schedule whether or not earlier ones were answered, and
 * each latency counts from the moment its request was due, so a slow server cannot slow the load
 * down and hide its own delay. Each step runs at one rate; the steps rise until p99 passes the bound
 * or requests fail. The referrals are for a commissioner no service covers: each is validated,
 * recorded and routed (and found no place), the full work of intake.
 */
final class HttpIntake {

  static final double P99_BOUND_MS = 50.0;
  static final String COMMISSIONER = "QZZ";

  /** One step: the rate asked for, the rate answered, latencies, failures. */
  record Step(int rate, double answeredPerSec, Latencies.Summary latency, long failures) {
    boolean held() {
      return failures == 0 && latency.p99() <= P99_BOUND_MS;
    }
  }

  private final Http referralService;
  private final String runId;
  private final AtomicLong sequence = new AtomicLong();

  HttpIntake(Http referralService, String runId) {
    this.referralService = referralService;
    this.runId = runId;
  }

  /** The intake steps alone, against a running stack: {@code HttpIntake [rates, e.g. 100,200,500] [seconds each]}. */
  public static void main(String[] args) throws InterruptedException {
    int[] rates = java.util.Arrays.stream((args.length > 0 ? args[0] : "100,200,300,500,750,1000").split(","))
        .mapToInt(Integer::parseInt).toArray();
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    new HttpIntake(new Http("http://127.0.0.1:8081", 500), "probe-" + System.currentTimeMillis())
        .probe(rates, Duration.ofSeconds(seconds), Bench::say);
    System.exit(0);
  }

  List<Step> probe(int[] rates, Duration each, Consumer<String> progress) throws InterruptedException {
    List<Step> steps = new ArrayList<>();
    // warm the connections and the code paths on both sides first; not measured
    run(rates[0], Duration.ofSeconds(3));
    for (int rate : rates) {
      Step step = run(rate, each);
      steps.add(step);
      progress.accept(String.format("http intake %5d/s: answered %7.1f/s, p50 %6.1f ms, p99 %7.1f ms, max %7.1f ms, failed %d%s",
          rate, step.answeredPerSec(), step.latency().p50(), step.latency().p99(), step.latency().max(), step.failures(),
          step.held() ? "" : "  (bound passed: stop)"));
      if (!step.held()) break;
    }
    return steps;
  }

  private Step run(int rate, Duration length) throws InterruptedException {
    Latencies latency = new Latencies();
    AtomicLong failures = new AtomicLong();
    long total = rate * length.toSeconds();
    CountDownLatch answered = new CountDownLatch((int) total);
    long start = System.nanoTime();
    OpenLoop.run(rate, total, due -> {
      long n = sequence.incrementAndGet();
      String requestId = runId + "-intake-" + n;
      referralService.post("/referrals", body(n), requestId).subscribe(answer -> {
        latency.record(System.nanoTime() - due);
        if (answer.status() != 202) failures.incrementAndGet();
        answered.countDown();
      }, e -> {
        failures.incrementAndGet();
        answered.countDown();
      });
    });
    if (!answered.await(60, TimeUnit.SECONDS)) failures.addAndGet(answered.getCount());
    double seconds = (System.nanoTime() - start) / 1e9;
    return new Step(rate, (total - answered.getCount()) / seconds, latency.summary(), failures.get());
  }

  private static String body(long i) {
    return BenchPeople.httpBody(1_000_000 + i, COMMISSIONER);
  }
}
