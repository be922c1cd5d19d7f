package org.linkway.outcome.opendata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.linkway.outcome.opendata.Referrals.NOV_2026;
import static org.linkway.outcome.opendata.Referrals.submitted;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkway.events.Completion;
import org.linkway.events.NeedCode;
import org.linkway.platform.streams.Tally;
import org.linkway.platform.testing.SelfDescribingAvro;
import org.linkway.state.FundingState;
import org.linkway.state.OpenDataEntry;
import org.linkway.state.ReferralStatus;

/**
 * The open-data entries hold each referral once, by its month, as its latest funding state puts it, and the month's
 * cells kept beside them are always what counting the referrals' latest states gives: a release read from the cells
 * is the release the per-referral build publishes, suppression and all. On Kafka Streams' test driver.
 */
class OpenDataEntriesTest {

  private static final YearMonth NOVEMBER = YearMonth.of(2026, 11);
  /** Submissions in three months, some in the last hour of a month (UK time) or the first. */
  private static final List<Instant> SUBMITTED = List.of(Instant.parse("2026-09-14T09:00:00Z"),
      Instant.parse("2026-09-30T22:30:00Z"), Instant.parse("2026-09-30T23:30:00Z"), Instant.parse("2026-10-10T10:00:00Z"),
      Instant.parse("2026-10-31T23:59:00Z"), NOV_2026, Instant.parse("2026-11-30T23:00:00Z"));
  private static final List<String> COMMISSIONERS = new ArrayList<>(List.of("QMM", "QOC"));
  private static final List<String> PROVIDERS = List.of("wensum-walkers", "aylsham-arts", "cromer-crafts");
  private static final List<NeedCode> NEEDS = List.of(NeedCode.LONELINESS, NeedCode.NATURE, NeedCode.HOUSING);

  @TempDir
  Path stateDir;

  @Test
  void givenReferralsMovingOn_whenTheirStatesAreSent_thenTheMonthsEntriesCountEachOnceAsItStandsNow() {
    try (TopologyTestDriver driver = driver()) {
      TestInputTopic<String, SpecificRecord> outputs = SelfDescribingAvro.input(driver, "outputs");
      List<FundingState> latest = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        Referrals referral = submitted(i % 2 == 0 ? "QMM" : "QOC", NOV_2026, NeedCode.LONELINESS, NeedCode.NATURE);
        // each state of the referral is sent as it changes: only the last may count
        send(outputs, referral.build());
        referral.accepted("wensum-walkers");
        send(outputs, referral.build());
        if (i < 3) {
          referral.completed(i == 0);
          send(outputs, referral.build());
        }
        latest.add(referral.build());
      }
      FundingState december = submitted("QMM", Instant.parse("2026-12-02T10:00:00Z"), NeedCode.HOUSING).build();
      send(outputs, december);
      send(outputs, Referrals.submissionNotSeen().build());

      KeyValueStore<String, OpenDataEntry> store = driver.getKeyValueStore(OpenDataEntries.STORE);
      List<OpenDataEntry> novemberEntries = entries(store, OpenDataEntries.prefix(NOVEMBER.toString()));
      assertThat(novemberEntries).hasSize(6);
      assertThat(OpenDataTable.rows(novemberEntries)).isEqualTo(OpenDataTable.rows(latest, NOVEMBER)).isNotEmpty();
      assertThat(rows(driver, NOVEMBER)).isEqualTo(OpenDataTable.rows(latest, NOVEMBER));
      assertThat(rows(driver, NOVEMBER.plusMonths(1))).isEqualTo(OpenDataTable.rows(List.of(december), NOVEMBER.plusMonths(1)));
      assertThat(entries(store, "")).as("a referral whose submission is not seen yet is in no release").hasSize(7);
      assertThat(months(driver)).containsExactly("open-data|2026-11", "open-data|2026-12");
    }
  }

  @Test
  void givenThousandsOfRandomFundingChanges_whenTheMonthsCellsAreRead_thenEachReleaseIsTheOnePublishedFromEveryState() {
    Random random = new Random(20261206L);
    COMMISSIONERS.add(null);
    try (TopologyTestDriver driver = driver()) {
      TestInputTopic<String, SpecificRecord> outputs = SelfDescribingAvro.input(driver, "outputs");
      // few commissioners, providers and needs, so that rows hold 0 to about 20 referrals: many at the threshold
      List<FundingState> submissions = new ArrayList<>();
      for (int i = 0; i < 120; i++) {
        List<NeedCode> needs = NEEDS.stream().filter(n -> random.nextInt(3) == 0).toList();
        submissions.add(submitted(COMMISSIONERS.get(random.nextInt(COMMISSIONERS.size())),
            SUBMITTED.get(random.nextInt(SUBMITTED.size())), needs.toArray(NeedCode[]::new)).build());
      }
      Map<UUID, FundingState> latest = new HashMap<>();
      int suppressed = 0;
      int published = 0;
      for (int step = 1; step <= 2_000; step++) {
        FundingState submission = submissions.get(random.nextInt(submissions.size()));
        FundingState state = moved(random, submission);
        send(outputs, state);
        latest.put(state.getReferralId(), state);
        if (step % 250 == 0) {
          for (YearMonth month = YearMonth.of(2026, 8); !month.isAfter(YearMonth.of(2026, 12)); month = month.plusMonths(1)) {
            List<OpenDataTable.Row> counted = OpenDataTable.rows(latest.values(), month);
            assertThat(rows(driver, month)).as("%s after %d changes", month, step).isEqualTo(counted);
            List<DisclosureControl.PublishedRow> release = DisclosureControl.publish(rows(driver, month));
            assertThat(release).as("%s after %d changes", month, step).isEqualTo(DisclosureControl.publish(counted));
            for (DisclosureControl.PublishedRow row : release) {
              for (OpenDataTable.Measure m : OpenDataTable.Measure.values()) {
                if (row.count(m).suppressed()) suppressed++;
                else published++;
              }
            }
          }
        }
      }
      assertThat(suppressed).as("counts suppressed").isGreaterThan(100);
      assertThat(published).as("counts published").isGreaterThan(100);
      assertThat(months(driver)).containsExactly("open-data|2026-09", "open-data|2026-10", "open-data|2026-11");
    } finally {
      COMMISSIONERS.remove(null);
    }
  }

  @Test
  void givenEntriesHeldBeforeTheirCells_whenTheTaskStarts_thenTheCellsAreFilledFromThemOnce() {
    try (TopologyTestDriver driver = driver()) {
      KeyValueStore<String, OpenDataEntry> view = driver.getKeyValueStore(OpenDataEntries.STORE);
      List<FundingState> november = new ArrayList<>();
      for (int i = 0; i < 7; i++) november.add(submitted("QMM", NOV_2026, NeedCode.NATURE).accepted("wensum-walkers").build());
      november.forEach(s -> OpenDataTable.entry(s).ifPresent(e -> view.put(OpenDataEntries.prefix(e.getMonth()) + e.getReferralId(), e)));
      assertThat(rows(driver, NOVEMBER)).isEmpty();

      driver.advanceWallClockTime(Duration.ofSeconds(1));
      assertThat(rows(driver, NOVEMBER)).isEqualTo(OpenDataTable.rows(november, NOVEMBER)).isNotEmpty();
    }
  }

  /** A later state of the referral: accepted by a provider or not, then perhaps ended one way or another, at random times. */
  private static FundingState moved(Random random, FundingState submission) {
    Referrals r = Referrals.of(submission);
    Instant at = submission.getSubmittedAt();
    if (random.nextInt(3) > 0) {
      r.acceptedAt(PROVIDERS.get(random.nextInt(PROVIDERS.size())), at.plus(Duration.ofHours(random.nextInt(24 * 40))));
    }
    Instant end = at.plus(Duration.ofHours(random.nextInt(24 * 50)));
    switch (random.nextInt(6)) {
      case 0 -> r.ended(Completion.COMPLETED, random.nextBoolean()).endedAt(end);
      case 1 -> r.ended(Completion.DROPPED_OUT, random.nextBoolean()).endedAt(end);
      case 2 -> r.status(ReferralStatus.DECLINED).endedAt(end);
      case 3 -> r.status(ReferralStatus.UNPLACED).endedAt(end);
      case 4 -> r.status(ReferralStatus.CANCELLED).endedAt(end);
      default -> { }
    }
    return r.build();
  }

  private TopologyTestDriver driver() {
    StreamsBuilder builder = new StreamsBuilder();
    OpenDataEntries.keep(builder, SelfDescribingAvro.serdes(), SelfDescribingAvro.anyRecords(builder, "outputs"));
    return SelfDescribingAvro.driver(builder, "outcome-service-open-data-test", stateDir);
  }

  /** The month's raw rows as a release reads them: from its cells alone. */
  private static List<OpenDataTable.Row> rows(TopologyTestDriver driver, YearMonth month) {
    KeyValueStore<String, String> cells = driver.getKeyValueStore(OpenDataEntries.CELLS.store());
    return OpenDataEntries.rows(month, Tally.of(cells, month.toString()));
  }

  private static List<String> months(TopologyTestDriver driver) {
    List<String> months = new ArrayList<>();
    KeyValueStore<String, OpenDataEntry> store = driver.getKeyValueStore(OpenDataEntries.MONTHS);
    try (KeyValueIterator<String, OpenDataEntry> it = store.all()) {
      it.forEachRemaining(kv -> months.add(kv.key));
    }
    return months;
  }

  private static void send(TestInputTopic<String, SpecificRecord> outputs, FundingState state) {
    outputs.pipeInput(state.getReferralId().toString(), state);
  }

  private static List<OpenDataEntry> entries(KeyValueStore<String, OpenDataEntry> store, String prefix) {
    List<OpenDataEntry> entries = new ArrayList<>();
    try (KeyValueIterator<String, OpenDataEntry> it = store.prefixScan(prefix, new StringSerializer())) {
      it.forEachRemaining((KeyValue<String, OpenDataEntry> kv) -> entries.add(kv.value));
    }
    return entries;
  }
}
