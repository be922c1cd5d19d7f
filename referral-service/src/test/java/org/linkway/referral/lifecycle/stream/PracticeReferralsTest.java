package org.linkway.referral.lifecycle.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkway.events.NeedCode;
import org.linkway.events.Referrer;
import org.linkway.platform.streams.PartyView;
import org.linkway.platform.streams.StoreQueries;
import org.linkway.platform.testing.SelfDescribingAvro;
import org.linkway.referral.TestData;
import org.linkway.state.HistoryEntry;
import org.linkway.state.ReferralState;
import org.linkway.state.ReferralStatus;

/**
 * The practices' lists of their referrals ({@link PracticeReferrals}), driven by {@link TopologyTestDriver}
 * with referral states as {@link ReferralProcessor} sends them on (keyed by the referring practice): each
 * under its practice's key, newest first, read a page at a time, its status changed in place, taken out when sent with
 * the removal headers (archived).
 */
class PracticeReferralsTest {

  private static final String PRACTICE = "D82044";
  private static final String OTHER = "Y01234";
  private static final Instant MORNING = Instant.parse("2026-11-02T09:00:00Z");

  @TempDir
  Path stateDir;

  private TopologyTestDriver driver;
  private TestInputTopic<String, SpecificRecord> states;
  private KeyValueStore<String, ReferralState> view;
  private KeyValueStore<String, ReferralState> changes;

  @BeforeEach
  void setUp() {
    StreamsBuilder builder = new StreamsBuilder();
    var sent = builder.stream("states", Consumed.with(Serdes.String(),
        Serdes.serdeFrom(new SelfDescribingAvro.AvroSerializer(), new SelfDescribingAvro.AvroDeserializer())));
    PracticeReferrals.keep(builder, SelfDescribingAvro.serdes(), sent);
    driver = SelfDescribingAvro.driver(builder, "referral-service-practices-test", stateDir);
    states = driver.createInputTopic("states", new StringSerializer(), new SelfDescribingAvro.AvroSerializer());
    view = driver.getKeyValueStore(PracticeReferrals.STORE);
    changes = driver.getKeyValueStore(PracticeReferrals.CHANGES.store());
  }

  @AfterEach
  void tearDown() {
    driver.close();
  }

  @Test
  void givenReferralsFromTwoPractices_whenAPracticesListIsRead_thenItHoldsItsOwnNewestFirstUnderItsKey() {
    ReferralState older = send(state(PRACTICE, MORNING, ReferralStatus.SUBMITTED));
    ReferralState newer = send(state(PRACTICE, MORNING.plusSeconds(60), ReferralStatus.SUBMITTED));
    ReferralState other = send(state(OTHER, MORNING.plusSeconds(30), ReferralStatus.SUBMITTED));

    assertThat(ids(page(PRACTICE, null, 10).values())).containsExactly(newer.getReferralId(), older.getReferralId());
    assertThat(ids(page(OTHER, null, 10).values())).containsExactly(other.getReferralId());
    assertThat(PracticeReferrals.VIEW.keyOf(newer)).startsWith(PRACTICE + "|");
  }

  @Test
  void givenAReferralWhoseStatusChanges_whenTheListIsRead_thenItIsThereOnceWithItsNewStatus() {
    ReferralState submitted = send(state(PRACTICE, MORNING, ReferralStatus.SUBMITTED));

    send(ReferralState.newBuilder(submitted).setStatus(ReferralStatus.OFFERED).setProviderId("prov-1").build());

    List<ReferralState> listed = page(PRACTICE, null, 10).values();
    assertThat(ids(listed)).containsExactly(submitted.getReferralId());
    assertThat(listed.get(0).getStatus()).isEqualTo(ReferralStatus.OFFERED);
  }

  @Test
  void givenMoreReferralsThanAPage_whenReadPageByPage_thenEachComesOnceNewestFirstAndTheLastPageHasNoCursor() {
    List<UUID> newestFirst = new ArrayList<>();
    for (int i = 0; i < 5; i++) newestFirst.add(0, send(state(PRACTICE, MORNING.plusSeconds(i), ReferralStatus.SUBMITTED)).getReferralId());

    StoreQueries.Page<ReferralState> one = page(PRACTICE, null, 3);
    StoreQueries.Page<ReferralState> two = page(PRACTICE, one.next(), 3);

    assertThat(ids(one.values())).containsExactlyElementsOf(newestFirst.subList(0, 3));
    assertThat(ids(two.values())).containsExactlyElementsOf(newestFirst.subList(3, 5));
    assertThat(one.next()).matches(PartyView.CURSOR);
    assertThat(two.next()).isNull();
  }

  @Test
  void givenAReferralSentWithTheRemovalHeaders_whenTheListIsRead_thenItIsGoneWithItsIndexAndTheOthersStay() {
    ReferralState kept = send(state(PRACTICE, MORNING, ReferralStatus.SUBMITTED));
    ReferralState archived = send(state(PRACTICE, MORNING.plusSeconds(60), ReferralStatus.COMPLETED));

    states.pipeInput(new TestRecord<>(PRACTICE, archived, PartyView.removal()));

    assertThat(ids(page(PRACTICE, null, 10).values())).containsExactly(kept.getReferralId());
    KeyValueStore<String, String> index = driver.getKeyValueStore(PracticeReferrals.VIEW.indexStore());
    assertThat(index.get(PartyView.prefix(PRACTICE) + archived.getReferralId())).isNull();
    assertThat(index.get(PartyView.prefix(PRACTICE) + kept.getReferralId())).isNotNull();
  }

  @Test
  void givenManyStepsAtRandom_whenAPracticesLatestChangesAreRead_thenTheyAreTheNewestChangesOfItsWholeList() {
    Random random = new Random(16);
    List<String> practices = List.of(PRACTICE, OTHER, "P81001");
    Map<UUID, ReferralState> latest = new HashMap<>();
    for (int step = 0; step < 600; step++) {
      ReferralState state;
      if (latest.isEmpty() || random.nextInt(4) == 0) {
        state = state(practices.get(random.nextInt(practices.size())), MORNING.plusSeconds(random.nextInt(3600)),
            ReferralStatus.SUBMITTED);
      } else {
        // a step of a referral made before: later than its last (or at the same moment), in its practice's lists still
        ReferralState before = List.copyOf(latest.values()).get(random.nextInt(latest.size()));
        List<HistoryEntry> history = new ArrayList<>(before.getHistory());
        Instant at = ReferralFeed.changedAt(before).plusSeconds(random.nextInt(5) == 0 ? 0 : random.nextInt(900));
        ReferralStatus status = ReferralStatus.values()[random.nextInt(ReferralStatus.values().length)];
        history.add(new HistoryEntry(at, status, "Step" + step, "test", null, null));
        state = ReferralState.newBuilder(before).setStatus(status).setHistory(history).build();
      }
      send(state);
      latest.put(state.getReferralId(), state);
      if (step % 30 == 0 || step == 599) {
        for (String practice : practices) {
          int limit = 1 + random.nextInt(8);
          List<ReferralState> whole = latest.values().stream()
              .filter(s -> PracticeReferrals.practiceOf(s).equals(practice))
              .sorted(Comparator.comparing(ReferralFeed::changedAt).reversed()
                  .thenComparing(s -> s.getReferralId().toString()))
              .limit(limit).toList();
          assertThat(StoreQueries.page(changes, PartyView.prefix(practice), null, limit, s -> true).values())
              .as("%s's %d latest changes after step %d", practice, limit, step).isEqualTo(whole);
        }
        try (var all = changes.all()) {
          int entries = 0;
          for (; all.hasNext(); all.next()) entries++;
          assertThat(entries).as("one entry per referral, after step %d", step).isEqualTo(latest.size());
        }
      }
    }
    assertThat(latest.size()).as("referrals enough to fill several pages").isGreaterThan(100);
  }

  private ReferralState send(ReferralState state) {
    states.pipeInput(PracticeReferrals.practiceOf(state), state);
    return state;
  }

  private StoreQueries.Page<ReferralState> page(String practice, String after, int limit) {
    return StoreQueries.page(view, PartyView.prefix(practice), after, limit, s -> true);
  }

  private static List<UUID> ids(List<ReferralState> states) {
    return states.stream().map(ReferralState::getReferralId).toList();
  }

  private static ReferralState state(String practice, Instant referredAt, ReferralStatus status) {
    return ReferralState.newBuilder()
        .setReferralId(UUID.randomUUID()).setStatus(status)
        .setSubmission(TestData.referral(NeedCode.LONELINESS).setReferrer(new Referrer(practice, null)).build())
        .setHistory(List.of(new HistoryEntry(referredAt, ReferralStatus.SUBMITTED, "ReferralSubmitted", practice, null, null)))
        .build();
  }
}
