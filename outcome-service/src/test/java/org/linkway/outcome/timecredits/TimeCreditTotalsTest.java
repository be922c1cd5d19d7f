package org.linkway.outcome.timecredits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verifyNoInteractions;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkway.events.TimeCreditsEarned;
import org.linkway.outcome.ledger.stream.CommissionerFunding;
import org.linkway.platform.streams.StoreQueries;
import org.linkway.platform.streams.Tally;
import org.linkway.platform.testing.SelfDescribingAvro;
import org.linkway.platform.web.ProblemException;
import org.linkway.state.FundingState;
import org.linkway.state.ReferralStatus;

/**
 * A commissioner's Time Credits by provider and month, kept as its referrals' funding changes, are always what
 * grouping every credit its referrals hold gives: hours and credits summed, each person counted once. On Kafka
 * Streams' test driver, through the commissioner's funding view and the tally beside it.
 */
class TimeCreditTotalsTest {

  private static final List<String> PROVIDERS = List.of("wensum-walkers", "city-arts", "norwich-sheds");
  private static final List<LocalDate> DAYS = List.of(LocalDate.of(2026, 3, 31), LocalDate.of(2026, 4, 1),
      LocalDate.of(2026, 4, 30), LocalDate.of(2026, 11, 20));

  @TempDir
  Path stateDir;

  @Test
  void givenThousandsOfRandomChangesOfTwoCommissionersCredits_whenTallied_thenEveryMonthIsWhatGroupingTheCreditsGives() {
    Random random = new Random(20261206L);
    try (TopologyTestDriver driver = driver("outcome-service-time-credits-test")) {
      TestInputTopic<String, SpecificRecord> outputs = SelfDescribingAvro.input(driver, "outputs");
      KeyValueStore<String, String> sums = driver.getKeyValueStore(TimeCreditTotals.TALLY.store());
      List<UUID> referrals = new ArrayList<>();
      for (int i = 0; i < 30; i++) referrals.add(UUID.randomUUID());
      Map<UUID, FundingState> latest = new HashMap<>();
      for (int step = 1; step <= 2_000; step++) {
        UUID referral = referrals.get(random.nextInt(referrals.size()));
        String commissioner = referrals.indexOf(referral) % 2 == 0 ? "QMM" : "QXW";
        FundingState state = state(random, referral, commissioner);
        outputs.pipeInput(referral.toString(), state);
        latest.put(referral, state);
        if (step % 200 != 0) continue;
        for (String c : List.of("QMM", "QXW")) {
          List<TimeCreditsEarned> credits = latest.values().stream().filter(s -> s.getCommissioner().equals(c))
              .flatMap(s -> s.getTimeCredits().stream()).toList();
          Map<String, List<BigDecimal>> cells = Tally.of(sums, c);
          for (LocalDate day : DAYS) {
            YearMonth month = YearMonth.from(day);
            Map<String, List<BigDecimal>> ofMonth = ofMonth(cells, month);
            assertThat(TimeCreditTotals.inMonth(month, ofMonth)).as("%s %s after %d changes", c, month, step)
                .isEqualTo(grouped(credits, month));
            assertThat(ofMonth).as("a month's cells: two a provider, none a person").hasSizeLessThanOrEqualTo(2 * PROVIDERS.size());
          }
        }
      }
    }
  }

  @Test
  void givenAViewThatHeldCreditsBeforeItsTotals_whenTheTaskStarts_thenThePeopleAreCountedFromThemOnce() {
    Random random = new Random(20261207L);
    try (TopologyTestDriver driver = driver("outcome-service-time-credits-fill-test")) {
      KeyValueStore<String, FundingState> view = driver.getKeyValueStore(CommissionerFunding.STORE);
      KeyValueStore<String, String> sums = driver.getKeyValueStore(TimeCreditTotals.TALLY.store());
      Map<UUID, FundingState> latest = new HashMap<>();
      for (int i = 0; i < 20; i++) {
        UUID referral = UUID.randomUUID();
        FundingState state = state(random, referral, "QMM");
        view.put("QMM|" + referral, state);
        latest.put(referral, state);
      }
      // what an earlier layout left, with the people counted by their cells: emptied by the fill
      sums.put("QMM|2026-04|wensum-walkers|person|p-1", "1");
      driver.advanceWallClockTime(java.time.Duration.ofSeconds(1));
      for (int step = 0; step <= 50; step++) {
        if (step > 0) {
          UUID referral = List.copyOf(latest.keySet()).get(random.nextInt(latest.size()));
          FundingState state = state(random, referral, "QMM");
          SelfDescribingAvro.input(driver, "outputs").pipeInput(referral.toString(), state);
          latest.put(referral, state);
        }
        List<TimeCreditsEarned> credits = latest.values().stream().flatMap(s -> s.getTimeCredits().stream()).toList();
        Map<String, List<BigDecimal>> cells = Tally.of(sums, "QMM");
        assertThat(cells).doesNotContainKey("2026-04|wensum-walkers|person|p-1");
        for (LocalDate day : DAYS) {
          YearMonth month = YearMonth.from(day);
          assertThat(TimeCreditTotals.inMonth(month, ofMonth(cells, month))).as("%s after %d changes", month, step)
              .isEqualTo(grouped(credits, month));
        }
      }
    }
  }

  @Test
  void givenMonthsThatAreNotMonthsOrTooMany_whenAsked_thenEachFieldIsNamedAndNothingIsRead() {
    StoreQueries stores = mock(StoreQueries.class);
    TimeCreditsController controller = new TimeCreditsController(stores);

    assertThatThrownBy(() -> controller.byProviderAndMonth("QMM", "2026-13", null))
        .isInstanceOfSatisfying(ProblemException.class, e -> assertThat(e.errors()).singleElement()
            .satisfies(p -> assertThat(p.field()).isEqualTo("from")));
    assertThatThrownBy(() -> controller.byProviderAndMonth("QMM", "2026-06", "2026-05"))
        .isInstanceOfSatisfying(ProblemException.class, e -> assertThat(e.errors()).extracting(p -> p.field())
            .containsExactly("from"));
    assertThatThrownBy(() -> controller.byProviderAndMonth("QMM", "2020-01", "2026-01"))
        .isInstanceOfSatisfying(ProblemException.class, e -> assertThat(e.errors()).extracting(p -> p.reason())
            .containsExactly("is more than 36 months before to"));
    assertThatThrownBy(() -> controller.byProviderAndMonth("QMM", null, "last month"))
        .isInstanceOfSatisfying(ProblemException.class, e -> assertThat(e.errors()).extracting(p -> p.field())
            .containsExactly("to"));
    verifyNoInteractions(stores);
  }

  /** The commissioner's funding view with its Time Credits' totals beside it. */
  private TopologyTestDriver driver(String application) {
    StreamsBuilder builder = new StreamsBuilder();
    CommissionerFunding.keep(builder, SelfDescribingAvro.serdes(), SelfDescribingAvro.anyRecords(builder, "outputs"),
        TimeCreditTotals.TALLY);
    return SelfDescribingAvro.driver(builder, application, stateDir);
  }

  /** The cells of one month, by their names after {@code {YYYY-MM}|}. */
  private static Map<String, List<BigDecimal>> ofMonth(Map<String, List<BigDecimal>> cells, YearMonth month) {
    String prefix = month + "|";
    Map<String, List<BigDecimal>> ofMonth = new TreeMap<>();
    cells.forEach((cell, n) -> {
      if (cell.startsWith(prefix)) ofMonth.put(cell.substring(prefix.length()), n);
    });
    return ofMonth;
  }

  /** The month's totals as the API grouped every credit before they were kept. */
  private static List<TimeCreditTotals.ProviderMonth> grouped(List<TimeCreditsEarned> credits, YearMonth month) {
    Map<String, List<TimeCreditsEarned>> byProvider = credits.stream()
        .filter(t -> YearMonth.from(t.getGivenOn()).equals(month))
        .collect(Collectors.groupingBy(TimeCreditsEarned::getProviderId, TreeMap::new, Collectors.toList()));
    return byProvider.entrySet().stream().map(p -> new TimeCreditTotals.ProviderMonth(p.getKey(), month,
        sum(p.getValue(), true), sum(p.getValue(), false),
        p.getValue().stream().map(TimeCreditsEarned::getPersonId).distinct().count())).toList();
  }

  private static BigDecimal sum(List<TimeCreditsEarned> credits, boolean hours) {
    return credits.stream().map(hours ? TimeCreditsEarned::getHours : TimeCreditsEarned::getCredits)
        .reduce(BigDecimal.ZERO.setScale(2), BigDecimal::add);
  }

  private static FundingState state(Random random, UUID referral, String commissioner) {
    List<TimeCreditsEarned> credits = new ArrayList<>();
    String person = "p-" + (random.nextInt(6));
    for (int i = random.nextInt(4); i > 0; i--) {
      BigDecimal hours = BigDecimal.valueOf(25 + random.nextInt(500), 2);
      credits.add(TimeCreditsEarned.newBuilder().setProviderId(PROVIDERS.get(random.nextInt(PROVIDERS.size())))
          .setServiceId("s").setCommissioner(commissioner).setPersonId(random.nextInt(4) == 0 ? "p-9" : person)
          .setGivenOn(DAYS.get(random.nextInt(DAYS.size()))).setHours(hours).setCredits(hours).build());
    }
    return FundingState.newBuilder().setReferralId(referral).setCommissioner(commissioner)
        .setStatus(ReferralStatus.ACCEPTED).setTimeCredits(credits).build();
  }
}
