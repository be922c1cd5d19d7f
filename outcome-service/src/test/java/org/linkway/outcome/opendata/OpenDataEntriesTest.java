package org.linkway.outcome.opendata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.linkway.outcome.opendata.Referrals.NOV_2026;
import static org.linkway.outcome.opendata.Referrals.submitted;

import java.nio.file.Path;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
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
import org.linkway.events.NeedCode;
import org.linkway.platform.testing.SelfDescribingAvro;
import org.linkway.state.FundingState;
import org.linkway.state.OpenDataEntry;

/**
 * The open-data entries hold each referral once, as its latest funding state puts it, so that a
 * month's release read from them is the release counted from the funding states themselves.
 */
class OpenDataEntriesTest {

  private static final YearMonth NOVEMBER = YearMonth.of(2026, 11);

  @TempDir
  Path stateDir;

  @Test
  void givenReferralsMovingOn_whenTheirStatesAreSent_thenTheMonthsEntriesCountEachOnceAsItStandsNow() {
    StreamsBuilder builder = new StreamsBuilder();
    OpenDataEntries.keep(builder, SelfDescribingAvro.serdes(), SelfDescribingAvro.anyRecords(builder, "outputs"));
    try (TopologyTestDriver driver = SelfDescribingAvro.driver(builder, "outcome-service-open-data-test", stateDir)) {
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
      assertThat(OpenDataTable.rows(entries(store, OpenDataEntries.prefix("2026-12"))))
          .isEqualTo(OpenDataTable.rows(List.of(december), NOVEMBER.plusMonths(1)));
      assertThat(entries(store, "")).as("a referral whose submission is not seen yet is in no release").hasSize(7);
    }
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
