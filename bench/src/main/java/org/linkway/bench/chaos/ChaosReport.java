package org.linkway.bench.chaos;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/** The figures of a chaos run as Markdown: one column per fault, and the totals. */
final class ChaosReport {

  private ChaosReport() {}

  static String markdown(Chaos.Outcome outcome, String command) {
    List<FaultRun.Result> results = outcome.results();
    Chaos.Options o = outcome.options();
    StringBuilder md = new StringBuilder("# Linkway fault tests\n\n");
    md.append("- Date: ").append(Instant.now()).append("\n");
    md.append("- Command: `").append(command).append("`\n");
    md.append("- Machine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores, Java ")
        .append(System.getProperty("java.version")).append("; ").append(o.size().brokers() == 1 ? "the broker" : o.size().brokers() + " brokers")
        .append(", the registry, ").append(o.size().instances() == 1 ? "the three services"
            : o.size().instances() + " instances of each of the three services")
        .append(" and the harness on it")
        .append(String.format(Locale.ROOT, " (load average %.1f at the end)%n",
            java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
    md.append("- Each fault: ").append(o.referralsPerFault()).append(" referrals over HTTP at ").append(o.rate())
        .append("/s for a commissioner of its own, ").append(o.providers()).append(" simulated providers (")
        .append(o.declinePercent()).append(" % of first offers declined; the rest accepted, two sessions, completed); ")
        .append("the part SIGKILLed after a third of them and started again at once, the flow going on")
        .append(o.size().instances() == 1 ? "" : "; each request (GP system's or provider's) to one of the service's "
            + o.size().instances() + " instances at random, a 503 or a request cut sent again after 1 s")
        .append("\n");
    md.append(String.format(Locale.ROOT, "- Stack of its own up in %.1f s (broker %s); the whole run %.1f s%n",
        outcome.startSeconds(), outcome.kafkaSecured() ? "with SASL and ACLs" : "plaintext", outcome.runSeconds()));
    boolean inProgress = outcome.notes().stream().anyMatch(n -> n.startsWith(Chaos.IN_PROGRESS));
    boolean heldSoFar = results.stream().allMatch(FaultRun.Result::passed);
    md.append("- Result: **").append(outcome.passed() ? "every check held"
            : inProgress ? (heldSoFar ? "every check held so far (run in progress)" : "FAILED (run in progress)") : "FAILED")
        .append("**: ")
        .append(results.size()).append(" faults injected; ")
        .append(sum(results, "answered202") + sum(results, "answered200SameReferral")).append(" referrals answered 202 (")
        .append(sum(results, "answered200SameReferral")).append(" of them 200 to a request sent again), ")
        .append(sum(results, "accountedFor")).append(" accounted for, ").append(sum(results, "lost")).append(" lost, ")
        .append(sum(results, "duplicateEventIds")).append(" duplicate events, ")
        .append(results.stream().filter(r -> Boolean.TRUE.equals(r.figures().get("reconciles"))).count()).append(" of ")
        .append(results.size()).append(" ledgers reconciled to the penny\n\n");

    md.append("| | ");
    results.forEach(r -> md.append(r.fault()).append(" | "));
    md.append("all |\n|---|");
    results.forEach(r -> md.append("---|"));
    md.append("---|\n");
    row(md, results, "referrals sent", r -> num(r, "referralsSent"), true);
    row(md, results, "answered 202", r -> num(r, "answered202"), true);
    row(md, results, "answered 200 to a request sent again (the 202 lost)", r -> num(r, "answered200SameReferral"), true);
    row(md, results, "requests sent again (503, refused, cut, no answer)", r -> num(r, "postsSentAgain"), true);
    row(md, results, "never accepted (refused or given up)", r -> num(r, "refused") + num(r, "givenUp"), true);
    row(md, results, "accounted for (completed or unplaced)", r -> num(r, "accountedFor"), true);
    row(md, results, "**lost** (accepted, never at its end)", r -> num(r, "lost"), true);
    row(md, results, "**duplicate event ids** on the journey's topics", r -> num(r, "duplicateEventIds"), true);
    row(md, results, "facts of a referral recorded twice downstream (offer, acceptance, ledger, outcome…)",
        r -> text(r.figures().get("factsRecordedTwiceDownstream")), false);
    row(md, results, "submissions written twice at intake (a request sent again; same referral)",
        r -> num(r, "submissionsWrittenTwice"), true);
    row(md, results, "**referrals with a session recorded twice** (a provider's retry)", r -> num(r, "referralsWithAnExtraSession"),
        true);
    row(md, results, "provider commands sent again with their Idempotency-Key (decided once)",
        r -> num(r, "providerCommandsResentWithTheirKey"), true);
    row(md, results, "ledger: committed / due / released (the log)", r -> money(r.figures().get("ledgerInTheLog")), false);
    row(md, results, "reconciliation (outcome-service)", r -> reconciliation(r.figures().get("reconciliation"))
        + (num(r, "reconciliationInstances") > 1 ? (Boolean.TRUE.equals(r.figures().get("reconciliationSameOnEveryInstance"))
            ? "; the same on each of " + num(r, "reconciliationInstances") + " instances" : "; NOT the same on every instance") : ""),
        false);
    row(md, results, "**reconciles to the penny** (log = reconciliation = budget = contract)",
        r -> String.valueOf(r.figures().get("reconciles")), false);
    row(md, results, "referrals under way at the kill", r -> num(r, "underWayAtTheKill"), true);
    row(md, results, "restart → healthy (s)", r -> secs(r, "restartToHealthySeconds"), false);
    row(md, results, "kill → every part healthy (s)", r -> secs(r, "killToAllHealthySeconds"), false);
    row(md, results, "kill → first referral sent after it completed (s)", r -> secs(r, "killToFirstJourneyAfterItSeconds"), false);
    row(md, results, "kill → its keys served again by the instances left (s; a round of reads by key all answered)",
        r -> secs(r, "keysServedAgainSeconds"), false);
    row(md, results, "reads of that probe answered 503 meanwhile / not at all", r -> num(r, "probeAnswered503") + " / "
        + num(r, "probeUnanswered"), false);
    row(md, results, "requests answered 503 and sent again (GP systems and providers)", r -> num(r, "requestsAnswered503"), true);
    row(md, results, "longest wait of a GP system for its answer (s)", r -> secs(r, "longestWaitForAnAnswerSeconds"), false);
    row(md, results, "flow end → last referral at its end (s)", r -> secs(r, "drainSeconds"), false);
    row(md, results, "log at its end → referral-service shows every end (s)",
        r -> secs(r, "referralServiceShowsEndsAfterSeconds"), false);
    row(md, results, "provider requests / failed (answer lost or refused)",
        r -> num(r, "providerRequests") + " / " + num(r, "providerRequestsFailed"), false);
    row(md, results, "provider live streams reconnected", r -> num(r, "streamReconnects"), true);
    row(md, results, "phase (s)", r -> secs(r, "phaseSeconds"), false);
    md.append("\n");

    for (FaultRun.Result r : results) {
      if (!r.passed()) {
        md.append("**").append(r.fault()).append(" failed:**\n\n");
        r.failures().forEach(f -> md.append("- ").append(f).append("\n"));
        md.append("\n");
      }
    }
    if (!outcome.notes().isEmpty()) {
      md.append("Notes:\n\n");
      outcome.notes().forEach(n -> md.append("- ").append(n).append("\n"));
      md.append("\n");
    }
    for (FaultRun.Result r : results) {
      if (r.figures().get("submissionsWrittenTwiceExamples") instanceof List<?> examples) {
        md.append("**").append(r.fault()).append(": submissions written twice** (the GP system's request went unanswered "
            + "and was sent again with the same Idempotency-Key; referral-service found no referral for it in its store yet, "
            + "the first ReferralSubmitted being still on its way to the broker, or written and not yet read back by a "
            + "restarted referral-service, so it wrote ReferralSubmitted again under a new event id; referral-service and "
            + "outcome-service ignore the second, so the referral is routed, accepted and paid once):\n\n");
        examples.forEach(e -> md.append("- ").append(e).append("\n"));
        md.append("\n");
      }
    }
    md.append("What the GP systems and providers met on the way (requests sent again, by reason):\n\n");
    for (FaultRun.Result r : results) {
      md.append("- ").append(r.fault()).append(": ").append(r.figures().get("requestProblems")).append("\n");
    }
    md.append("\nDuplicate event ids: the same event read twice by a read_committed consumer of the journey's topics "
        + "(referrals, provider-events, budget-requests, budget-decisions, funding-ledger, commissioner-outcomes; on "
        + "provider-commands an id read twice is a provider's command sent again with its Idempotency-Key, which keeps "
        + "the command's id and is decided once: counted apart). A fact recorded twice: a second event, under another "
        + "id, of a kind that happens once to a referral (an offer's attempt, its acceptance, completion, a budget "
        + "reservation, a ledger entry, its outcome report). A session recorded twice (more than the journey's two "
        + "sessions): a failure, since each session is sent with a key of its own. "
        + "Its keys served again: from the kill, rounds of reads by key (referrals the log shows offered, providers' queues, "
        + "commissioners' ledgers, with ids made up for the probe beside the real ones, so that the keys fall in every "
        + "partition) asked of the killed service's other instances (of the one restarted, when there is no other; of every "
        + "service's instances when a broker is killed), until one round is answered whole; any answer other than the right "
        + "one or 503 fails the run.\n");
    return md.toString();
  }

  private static void row(StringBuilder md, List<FaultRun.Result> results, String name, Function<FaultRun.Result, Object> cell,
      boolean total) {
    md.append("| ").append(name).append(" | ");
    long sum = 0;
    for (FaultRun.Result r : results) {
      Object value = cell.apply(r);
      md.append(value).append(" | ");
      if (value instanceof Long n) sum += n;
    }
    md.append(total ? String.valueOf(sum) : "").append(" |\n");
  }

  private static long sum(List<FaultRun.Result> results, String key) {
    return results.stream().mapToLong(r -> num(r, key)).sum();
  }

  private static long num(FaultRun.Result r, String key) {
    Object v = r.figures().get(key);
    return v instanceof Number n ? n.longValue() : 0;
  }

  private static String secs(FaultRun.Result r, String key) {
    Object v = r.figures().get(key);
    return v instanceof Number n ? String.format(Locale.ROOT, "%.1f", n.doubleValue()) : "–";
  }

  private static String text(Object value) {
    return value instanceof Map<?, ?> m && m.isEmpty() ? "none" : String.valueOf(value);
  }

  private static String money(Object value) {
    if (!(value instanceof Map<?, ?> m)) return "–";
    return pounds(m.get("committed")) + " / " + pounds(m.get("due")) + " / " + pounds(m.get("released"));
  }

  private static String pounds(Object amount) {
    return amount instanceof java.math.BigDecimal d
        ? String.format(Locale.ROOT, "%,.2f", d.setScale(2, java.math.RoundingMode.UNNECESSARY)) : String.valueOf(amount);
  }

  private static String reconciliation(Object value) {
    if (!(value instanceof Map<?, ?> m)) return "–";
    if (m.containsKey("error")) return "error: " + m.get("error");
    return (Boolean.TRUE.equals(m.get("clean")) ? "clean" : "NOT clean " + m.get("broken")) + ", " + m.get("referralsChecked")
        + " referrals, " + pounds(m.get("committed")) + " / " + pounds(m.get("due")) + " / " + pounds(m.get("released"));
  }
}
