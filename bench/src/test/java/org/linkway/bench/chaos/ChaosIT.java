package org.linkway.bench.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The fault tests at CI size: a stack of the test's own on free loopback ports (the real broker in
 * its own JVM, the registry, the three services from their exec jars); the broker, then each
 * service, SIGKILLed and restarted while referrals flow; after each fault every referral answered
 * 202 is at its end, no event is duplicated and the ledger reconciles to the penny. Every process
 * is stopped when the run ends, however it ends. {@code ./linkway chaos} runs the same at a larger size.
 */
class ChaosIT {

  /** Per fault: enough referrals that a third of them are under way at the kill and the rest flow through the restart. */
  private static final int REFERRALS_PER_FAULT = 120;
  private static final int RATE = 8;

  @Test
  @Timeout(value = 45, unit = TimeUnit.MINUTES)
  void everyReferralIsAccountedForNothingIsDuplicatedAndTheLedgerReconcilesThroughEachFault() throws Exception {
    Path repo = repository();
    Path work = repo.resolve("bench/target/chaos-it").resolve(String.valueOf(System.currentTimeMillis()));
    Chaos.quietClients();
    Chaos.Options options = new Chaos.Options(REFERRALS_PER_FAULT, RATE, 3, 10, Chaos.Options.EVERY_FAULT);

    Chaos.Outcome outcome = Chaos.run(repo, work, options, Chaos::say);

    String report = ChaosReport.markdown(outcome, "ChaosIT (mvn verify)");
    Files.writeString(repo.resolve("bench/target/chaos-it.md"), report);
    System.out.println(report);
    SoftAssertions soft = new SoftAssertions();
    soft.assertThat(outcome.notes()).as("the run itself").isEmpty();
    soft.assertThat(outcome.results()).as("faults injected").hasSize(options.faults().size());
    for (FaultRun.Result r : outcome.results()) {
      soft.assertThat(r.failures()).as(r.fault() + ": what failed (logs in " + work.resolve("logs") + ")").isEmpty();
      soft.assertThat(r.figures().get("accepted")).as(r.fault() + ": referrals answered 202")
          .isEqualTo(REFERRALS_PER_FAULT);
      soft.assertThat(r.figures().get("lost")).as(r.fault() + ": referrals lost").isEqualTo(0);
      soft.assertThat(r.figures().get("duplicateEventIds")).as(r.fault() + ": duplicate events").isEqualTo(0);
      soft.assertThat(r.figures().get("reconciles")).as(r.fault() + ": the ledger reconciles to the penny").isEqualTo(true);
      soft.assertThat(r.figures().get("killToAllHealthySeconds")).as(r.fault() + ": the stack recovered").isNotNull();
    }
    soft.assertAll();
    assertThat(outcome.passed()).isTrue();
  }

  /** The checkout: the directory above the test's that holds the linkway script and the local stack. */
  private static Path repository() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.exists(dir.resolve("linkway")) && Files.isDirectory(dir.resolve("local-stack"))) return dir;
    }
    throw new IllegalStateException("no checkout above " + Path.of("").toAbsolutePath());
  }
}
