package org.linkway.outcome.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.BiPredicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkway.events.Completion;
import org.linkway.events.Instrument;
import org.linkway.events.LedgerEvent;
import org.linkway.events.MeasureChange;
import org.linkway.events.OutcomeReported;
import org.linkway.outcome.statements.StatementViews;
import org.linkway.platform.kafka.Events;
import org.linkway.platform.streams.StoreQueries;
import org.linkway.state.FundingState;
import org.linkway.state.ReferralStatus;

/**
 * A commissioner's breakdown read from the cells kept as its referrals' funding changes is what {@link Breakdown#of}
 * gives over its referrals' latest states, for every grouping, with and without a range of days: exactly, but for the
 * median days to acceptance, which is exact when each middle time is alone (or with equal times) in its bucket and
 * otherwise within its bucket's width ({@link BreakdownCells}). On Kafka Streams' test driver, through the
 * commissioner's funding view and its tally.
 */
class BreakdownCellsTest {

  private static final List<String> COMMISSIONERS = List.of("QMM", "QXW");
  private static final List<String> SUBMITTED = List.of("2026-03-14T10:00:00Z", "2026-04-01T09:00:00Z",
      "2026-04-30T23:30:00Z", "2026-05-01T00:30:00Z", "2026-10-24T23:30:00Z", "2026-10-25T00:30:00Z",
      "2027-01-02T12:00:00Z");
  private static final List<String> PROVIDERS = List.of("wensum-walkers", "city-arts", "bar|ford", "100%-fit");
  private static final List<String> PRACTICES = List.of("D82044", "D82045", "D82099");
  private static final List<String> SCORES = List.of("metric", "happy", "anx|ious");
  /** Ranges of days (null: open) each breakdown is also read over. */
  private static final List<LocalDate[]> RANGES = List.of(
      new LocalDate[] {null, null},
      new LocalDate[] {LocalDate.parse("2026-04-01"), LocalDate.parse("2026-04-30")},
      new LocalDate[] {LocalDate.parse("2026-05-01"), null},
      new LocalDate[] {null, LocalDate.parse("2026-10-24")},
      new LocalDate[] {LocalDate.parse("2026-10-25"), LocalDate.parse("2026-10-25")},
      new LocalDate[] {LocalDate.parse("2028-01-01"), null});

  @TempDir
  Path stateDir;

  @Test
  void givenTheAprilReferrals_whenReadFromTheirCells_thenExactlyTheBreakdownOfTheirStates() {
    List<FundingState> april = FundingStates.april();
    try (StatementViews views = new StatementViews(stateDir)) {
      for (FundingState end : april) {
        views.send(FundingState.newBuilder(end).setStatus(ReferralStatus.SUBMITTED).setAcceptedAt(null)
            .setLedger(List.of()).setOutcomes(List.of()).build());
        views.send(end);
      }
      List<LocalDate[]> ranges = List.of(new LocalDate[] {null, null},
          new LocalDate[] {LocalDate.parse("2026-04-06"), LocalDate.parse("2026-04-10")},
          new LocalDate[] {LocalDate.parse("2026-04-02"), null}, new LocalDate[] {null, LocalDate.parse("2026-04-11")},
          new LocalDate[] {LocalDate.parse("2026-04-01"), LocalDate.parse("2026-04-01")});
      for (Grouping by : Grouping.values()) {
        for (LocalDate[] range : ranges) {
          assertThat(BreakdownCells.of(views.stores(), "QMM", by, range[0], range[1]))
              .as("by %s from %s to %s", by, range[0], range[1])
              .isEqualTo(Breakdown.of("QMM", april, by, range[0], range[1]));
        }
      }
      assertThat(BreakdownCells.ledgerEntries(views.stores(), "QMM"))
          .isEqualTo(april.stream().mapToLong(s -> s.getLedger().size()).sum());
    }
  }

  @Test
  void givenThousandsOfRandomChangesOfTwoCommissionersReferrals_whenReadFromTheCells_thenWhatTheirStatesGive() {
    Random random = new Random(20261206L);
    try (StatementViews views = new StatementViews(stateDir)) {
      List<UUID> referrals = new ArrayList<>();
      for (int i = 0; i < 60; i++) referrals.add(UUID.randomUUID());
      Map<UUID, FundingState> latest = new HashMap<>();
      for (int step = 1; step <= 3_000; step++) {
        UUID referral = referrals.get(random.nextInt(referrals.size()));
        FundingState state = randomState(random, referral, COMMISSIONERS.get(referrals.indexOf(referral) % 2));
        views.send(state);
        latest.put(referral, state);
        if (step % 500 != 0) continue;
        for (String commissioner : COMMISSIONERS) {
          List<FundingState> theirs = latest.values().stream().filter(s -> s.getCommissioner().equals(commissioner)).toList();
          for (Grouping by : Grouping.values()) {
            List<LocalDate[]> ranges = new ArrayList<>(RANGES);
            for (int r = 0; r < 6; r++) ranges.add(randomRange(random));
            for (LocalDate[] range : ranges) {
              String as = commissioner + " by " + by + " from " + range[0] + " to " + range[1] + " after " + step;
              Breakdown exact = Breakdown.of(commissioner, theirs, by, range[0], range[1]);
              Breakdown kept = BreakdownCells.of(views.stores(), commissioner, by, range[0], range[1]);
              assertThat(withoutMedians(kept)).as(as).isEqualTo(withoutMedians(exact));
              for (int g = 0; g < exact.groups().size(); g++) {
                Breakdown.Group group = exact.groups().get(g);
                assertMedianWithinPrecision(as + " " + group.key(), kept.groups().get(g), group,
                    times(theirs, s -> by.key(s).equals(group.key()), range));
              }
              assertMedianWithinPrecision(as + " total", kept.total(), exact.total(), times(theirs, s -> true, range));
            }
          }
          assertThat(BreakdownCells.ledgerEntries(views.stores(), commissioner))
              .isEqualTo(theirs.stream().mapToLong(s -> s.getLedger().size()).sum());
        }
      }
    }
  }

  @Test
  void givenAYearOfDailyReferrals_whenARangeIsRead_thenItReadsTheWholeMonthsCellsAndTheDaysAtItsEndsAlone() {
    List<FundingState> states = new ArrayList<>();
    for (int day = 0; day < 420; day++) {
      Instant submitted = Instant.parse("2025-01-01T12:00:00Z").plus(Duration.ofDays(day));
      states.add(FundingState.newBuilder().setReferralId(UUID.randomUUID()).setCommissioner("QMM")
          .setStatus(ReferralStatus.ACCEPTED).setSubmittedAt(submitted).setAcceptedAt(submitted.plus(Duration.ofHours(day % 50)))
          .setPractice("D82044").setProviderId("wensum-walkers").setServiceId("wensum-walkers-0")
          .setLedger(new ArrayList<>()).setOutcomes(new ArrayList<>()).setAppliedEventIds(new ArrayList<>()).build());
    }
    try (StatementViews views = StatementViews.of(stateDir, states)) {
      StoreQueries stores = views.stores();
      int[] read = {0};
      StoreQueries counted = mock(StoreQueries.class);
      doAnswer(call -> {
        BiPredicate<String, Object> action = call.getArgument(5);
        stores.scan(call.getArgument(0), call.getArgument(1), call.getArgument(2), call.getArgument(3),
            call.getArgument(4), (String key, Object value) -> {
              read[0]++;
              return action.test(key, value);
            });
        return null;
      }).when(counted).scan(anyString(), anyString(), anyString(), any(), anyBoolean(), any());

      LocalDate from = LocalDate.parse("2025-01-15");
      LocalDate to = LocalDate.parse("2026-01-20");
      for (Grouping by : List.of(Grouping.PROVIDER, Grouping.MONTH)) {
        read[0] = 0;
        Breakdown kept = BreakdownCells.of(counted, "QMM", by, from, to);
        assertThat(withoutMedians(kept)).isEqualTo(withoutMedians(Breakdown.of("QMM", states, by, from, to)));
        // 17 days of January 2025 and 20 of January 2026, each a cell and a time bucket's; 12 whole months, each a cell
        // and at most three buckets' (0 to 49 hours); the cell after each end where a read stops: never the 371 days'
        assertThat(read[0]).as("by %s", by).isLessThanOrEqualTo(2 * (17 + 20) + 4 * 12 + 3);
      }
    }
  }

  @Test
  void givenTimesToAcceptance_whenBucketed_thenADayWideTo91DaysAWeekTo364And28DaysBeyond() {
    long day = Duration.ofDays(1).toMillis();
    assertThat(BreakdownCells.bucket(-1)).isEqualTo(-1);
    assertThat(BreakdownCells.bucket(0)).isZero();
    assertThat(BreakdownCells.bucket(day * 3 / 2)).isEqualTo(1);
    assertThat(BreakdownCells.bucket(day * 91 - 1)).isEqualTo(90);
    assertThat(BreakdownCells.bucket(day * 91)).isEqualTo(91);
    assertThat(BreakdownCells.bucket(day * 98 - 1)).isEqualTo(91);
    assertThat(BreakdownCells.bucket(day * 98)).isEqualTo(98);
    assertThat(BreakdownCells.bucket(day * 364 - 1)).isEqualTo(357);
    assertThat(BreakdownCells.bucket(day * 364)).isEqualTo(364);
    assertThat(BreakdownCells.bucket(day * 400)).isEqualTo(392);
    assertThat(Arrays.asList(BreakdownCells.width(90), BreakdownCells.width(91), BreakdownCells.width(357),
        BreakdownCells.width(364))).containsExactly(1L, 7L, 7L, 28L);
  }

  @Test
  void givenTwoMiddleTimesInOneDaysBucket_whenTheMedianIsRead_thenTheBucketsMeanWithinADay() {
    Instant submitted = Instant.parse("2026-04-01T09:00:00Z");
    List<FundingState> states = new ArrayList<>();
    for (double days : new double[] {2.0, 2.9, 10}) {
      states.add(FundingStates.submitted(submitted.toString(), "D82044").accepted("p", "s", FundingStates.days(days)).build());
    }
    try (StatementViews views = StatementViews.of(stateDir, states)) {
      Breakdown kept = BreakdownCells.of(views.stores(), FundingStates.COMMISSIONER, Grouping.PROVIDER, null, null);
      // exact: 2.9; the bucket of day 2 holds 2.0 and 2.9, whose mean is 2.45
      assertThat(Breakdown.of(FundingStates.COMMISSIONER, states, Grouping.PROVIDER, null, null).total()
          .medianDaysToAcceptance()).isEqualByComparingTo("2.9");
      assertThat(kept.total().medianDaysToAcceptance()).isEqualByComparingTo("2.5");
    }
  }

  /**
   * A range with random ends (either may be open) among days that start, end or fall inside the months of
   * {@link #SUBMITTED}, so that it holds whole months, part-months at either end, or days of one month.
   */
  private static LocalDate[] randomRange(Random random) {
    List<String> days = List.of("2026-02-28", "2026-03-01", "2026-03-14", "2026-03-15", "2026-03-31", "2026-04-01",
        "2026-04-02", "2026-04-30", "2026-05-01", "2026-05-02", "2026-05-31", "2026-09-30", "2026-10-01", "2026-10-24",
        "2026-10-25", "2026-10-31", "2026-11-01", "2026-12-31", "2027-01-01", "2027-01-02", "2027-01-31");
    LocalDate a = random.nextInt(6) == 0 ? null : LocalDate.parse(days.get(random.nextInt(days.size())));
    LocalDate b = random.nextInt(6) == 0 ? null : LocalDate.parse(days.get(random.nextInt(days.size())));
    if (a == null && b == null) return randomRange(random);
    if (a != null && b != null && b.isBefore(a)) return new LocalDate[] {b, a};
    return new LocalDate[] {a, b};
  }

  /** The times to acceptance (milliseconds) of the referrals in a group and range, as Breakdown counts them. */
  private static List<Long> times(List<FundingState> states, java.util.function.Predicate<FundingState> inGroup,
      LocalDate[] range) {
    return states.stream()
        .filter(s -> Breakdown.submittedWithin(s, range[0], range[1]) && inGroup.test(s) && Breakdown.accepted(s)
            && s.getSubmittedAt() != null && s.getAcceptedAt() != null)
        .map(s -> Duration.between(s.getSubmittedAt(), s.getAcceptedAt()).toMillis()).sorted().toList();
  }

  /**
   * The kept median is within the width of the widest bucket of the exact middle times, plus the two roundings to one
   * decimal; null exactly when the exact one is.
   */
  private static void assertMedianWithinPrecision(String as, Breakdown.Group kept, Breakdown.Group exact, List<Long> times) {
    if (exact.medianDaysToAcceptance() == null) {
      assertThat(kept.medianDaysToAcceptance()).as(as).isNull();
      return;
    }
    long lower = times.get((times.size() - 1) / 2);
    long upper = times.get(times.size() / 2);
    long width = Math.max(BreakdownCells.width(BreakdownCells.bucket(lower)), BreakdownCells.width(BreakdownCells.bucket(upper)));
    assertThat(kept.medianDaysToAcceptance().subtract(exact.medianDaysToAcceptance()).abs()).as(as)
        .isLessThanOrEqualTo(BigDecimal.valueOf(width).add(new BigDecimal("0.1")));
  }

  private static Breakdown withoutMedians(Breakdown b) {
    return new Breakdown(b.commissioner(), b.by(), b.from(), b.to(), b.currency(),
        b.groups().stream().map(BreakdownCellsTest::withoutMedian).toList(), withoutMedian(b.total()));
  }

  private static Breakdown.Group withoutMedian(Breakdown.Group g) {
    return new Breakdown.Group(g.key(), g.referrals(), g.offered(), g.accepted(), g.acceptanceRate(), null, g.completed(),
        g.completionRate(), g.sessionsAttended(), g.measures(), g.meaningfullyImproved(), g.committed(), g.due(),
        g.released(), g.costPerCompletion(), g.costPerMeaningfulImprovement());
  }

  private static FundingState randomState(Random random, UUID referral, String commissioner) {
    ReferralStatus[] statuses = ReferralStatus.values();
    int when = random.nextInt(SUBMITTED.size() + 1);
    Instant submittedAt = when == SUBMITTED.size() ? null : Instant.parse(SUBMITTED.get(when));
    boolean offered = random.nextInt(4) > 0;
    String provider = offered ? PROVIDERS.get(random.nextInt(PROVIDERS.size())) : null;
    String service = offered ? provider + "-" + random.nextInt(2) : null;
    Instant acceptedAt = null;
    if (submittedAt != null && offered && random.nextInt(3) > 0) {
      long days = random.nextInt(10) == 0 ? 60 + random.nextInt(600) : random.nextInt(12);
      acceptedAt = submittedAt.plusMillis(days * Duration.ofDays(1).toMillis() + random.nextInt(4) * Duration.ofHours(6).toMillis());
    }
    List<LedgerEvent> ledger = FundingStates.randomLedger(random, referral, commissioner);
    List<OutcomeReported> outcomes = new ArrayList<>();
    for (int i = random.nextInt(4) == 0 ? 1 + random.nextInt(2) : 0; i > 0; i--) {
      List<MeasureChange> changes = new ArrayList<>();
      for (int c = random.nextInt(4); c > 0; c--) {
        BigDecimal up = BigDecimal.valueOf(random.nextInt(800) - 200, 2);
        changes.add(MeasureChange.newBuilder().setInstrument(random.nextBoolean() ? Instrument.SWEMWBS : Instrument.ONS4)
            .setScore(SCORES.get(random.nextInt(SCORES.size()))).setBaseline(new BigDecimal("20.00"))
            .setFollowUp(new BigDecimal("20.00").add(up)).setImprovement(up).setMeaningful(random.nextBoolean()).build());
      }
      outcomes.add(OutcomeReported.newBuilder().setMetadata(Events.metadata("outcome-service", referral, null))
          .setCommissioner(commissioner).setPersonId("p-1").setProviderId(PROVIDERS.get(random.nextInt(PROVIDERS.size())))
          .setServiceId("s").setNeeds(List.of())
          .setCompletion(random.nextBoolean() ? Completion.COMPLETED : Completion.DROPPED_OUT)
          .setSessionsAttended(random.nextInt(12)).setMeasures(List.of()).setChanges(changes).build());
    }
    return FundingState.newBuilder().setReferralId(referral).setCommissioner(commissioner)
        .setStatus(statuses[random.nextInt(statuses.length)])
        .setSubmittedAt(submittedAt).setAcceptedAt(acceptedAt)
        .setPractice(submittedAt == null ? null : PRACTICES.get(random.nextInt(PRACTICES.size())))
        .setProviderId(provider).setServiceId(service)
        .setLedger(ledger).setOutcomes(outcomes).setAppliedEventIds(new ArrayList<>()).build();
  }
}
