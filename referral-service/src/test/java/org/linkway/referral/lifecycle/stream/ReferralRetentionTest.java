package org.linkway.referral.lifecycle.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkway.commands.CancelReferral;
import org.linkway.commands.ReferralCommand;
import org.linkway.commands.SubmitReferral;
import org.linkway.events.NeedCode;
import org.linkway.events.ReferralSubmitted;
import org.linkway.events.SealedPatient;
import org.linkway.platform.kafka.Events;
import org.linkway.platform.people.Identities;
import org.linkway.platform.streams.Retention;
import org.linkway.platform.streams.RetentionSettings;
import org.linkway.platform.streams.Tally;
import org.linkway.platform.testing.SettableClock;
import org.linkway.referral.TestData;
import org.linkway.replies.CommandReply;
import org.linkway.state.ReferralState;
import org.linkway.state.ReferralStatus;

/**
 * Ended referrals leave the hot stores and their identities are erased in time ({@link Retention}), on
 * {@link TopologyTestDriver}'s wall clock with the topology as {@link ReferralTopology} wires it (no service listed, so
 * each referral ends unplaced as it is made): the state and its practice's list item stay until
 * {@code linkway.retention.ended} after the end and are gone after it, a note of it kept; the counts do not change;
 * a live referral stays; the data key is tombstoned on person-keys {@code linkway.retention.identities} after the end,
 * and a later referral of the same person keeps its own; what the changelogs would restore holds only what is kept;
 * a resend or a cancel of an archived referral is refused with the reason, a late event passed over.
 */
class ReferralRetentionTest {

  private static final Duration ENDED = Duration.ofDays(90);
  private static final Duration IDENTITIES = Duration.ofDays(2922);
  private static final String PERSON = "p-0123456789abcdef0123456789abcdef";
  private static final String APPLICATION = "referral-service-retention-test";

  @TempDir
  Path stateDir;

  /** The lifecycle's clock, moved with the driver's wall clock ({@link #advance}). */
  private final SettableClock clock = new SettableClock(Instant.parse("2026-03-02T09:00:00Z"));

  /** Time passes for the lifecycle and for the punctuations alike. */
  private void advance(Duration duration) {
    clock.advance(duration);
    lifecycle.driver.advanceWallClockTime(duration);
  }

  private DrivenLifecycle lifecycle;
  private KeyValueStore<String, ReferralState> states;

  @BeforeEach
  void setUp() {
    lifecycle = new DrivenLifecycle(
        EmptyDirectoryTopology.driver(stateDir, APPLICATION, new RetentionSettings(ENDED, IDENTITIES), clock));
    states = lifecycle.driver.getKeyValueStore(ReferralStores.STATE);
  }

  @AfterEach
  void tearDown() {
    lifecycle.close();
  }

  @Test
  void givenEndedReferralsAndALiveOne_whenThePeriodPasses_thenTheEndedLeaveTheStoresAndTheListsAndTheCountsStay() {
    List<UUID> ended = new ArrayList<>();
    for (int i = 0; i < 5; i++) ended.add(submit(UUID.randomUUID(), "key-" + i));
    UUID live = UUID.randomUUID();
    states.put(live.toString(), liveState(live));
    advance(Duration.ofSeconds(1)); // the views and counts filled from the store, the live one with them
    Map<String, List<BigDecimal>> counted = counts();
    assertThat(counted).containsEntry("status|UNPLACED", List.of(BigDecimal.valueOf(5)))
        .containsEntry("status|ACCEPTED", List.of(BigDecimal.ONE));

    advance(ENDED.minus(Duration.ofMinutes(2)));
    assertThat(storedIds()).hasSize(6);
    assertThat(entries(PracticeReferrals.STORE)).isEqualTo(6); // the live one is in its list since the view's fill
    assertThat(entries(PracticeReferrals.CHANGES.store())).isEqualTo(6); // and in its list by last change: one fill, both

    advance(Duration.ofMinutes(2).plus(Retention.EVERY));
    assertThat(storedIds()).containsExactly(live.toString());
    KeyValueStore<String, ReferralState> list = lifecycle.driver.getKeyValueStore(PracticeReferrals.STORE);
    try (KeyValueIterator<String, ReferralState> all = list.all()) {
      assertThat(all.next().value.getReferralId()).isEqualTo(live);
      assertThat(all.hasNext()).isFalse();
    }
    assertThat(entries(PracticeReferrals.VIEW.indexStore())).isEqualTo(1);
    assertThat(entries(ReferralStores.ENDED)).isZero();
    assertThat(counts()).isEqualTo(counted);
    KeyValueStore<String, String> archive = lifecycle.driver.getKeyValueStore(ReferralStores.ARCHIVE);
    for (UUID id : ended) {
      ArchivedReferral note = ArchivedReferral.parse(archive.get(id.toString()));
      assertThat(note.status()).isEqualTo("UNPLACED");
      assertThat(note.referrer()).isEqualTo("D82044");
      assertThat(note.identityKey()).startsWith(PERSON + "/key-");
      assertThat(Duration.between(note.endedAt(), note.archivedAt())).isBetween(ENDED, ENDED.plus(Duration.ofMinutes(3)));
      assertThat(note.explained(id.toString())).contains("ended (UNPLACED) on").contains("archived 90 days later")
          .contains("history is on the referrals log");
    }
  }

  @Test
  void givenAReferralEnded_whenTheIdentitiesPeriodPasses_thenItsKeyIsTombstonedAndALaterReferralsKeyIsNot() {
    UUID first = submit(UUID.randomUUID(), "first-key");
    advance(Duration.ofDays(400));
    UUID later = submit(UUID.randomUUID(), "later-key");
    lifecycle.personKeys.readKeyValuesToList();

    advance(IDENTITIES.minus(Duration.ofDays(400)).minus(Duration.ofMinutes(2)));
    assertThat(lifecycle.personKeys.readKeyValuesToList()).isEmpty();
    assertThat(lifecycle.driver.<String, String>getKeyValueStore(ReferralStores.ARCHIVE).get(first.toString())).isNotNull();

    advance(Duration.ofMinutes(2).plus(Retention.EVERY));
    assertThat(lifecycle.personKeys.readKeyValuesToList())
        .containsExactly(new KeyValue<>(Identities.keyOf(PERSON, "first-key"), null));
    assertThat(lifecycle.driver.<String, String>getKeyValueStore(ReferralStores.ARCHIVE).get(first.toString())).isNull();
    assertThat(lifecycle.driver.<String, String>getKeyValueStore(ReferralStores.ARCHIVE).get(later.toString())).isNotNull();

    advance(Duration.ofDays(400));
    assertThat(lifecycle.personKeys.readKeyValuesToList())
        .containsExactly(new KeyValue<>(Identities.keyOf(PERSON, "later-key"), null));
    assertThat(entries(ReferralStores.IDENTITIES_DUE)).isZero();
    assertThat(entries(ReferralStores.ARCHIVE)).isZero();
  }

  @Test
  void givenReferralsArchived_whenTheChangelogsAreCompacted_thenWhatARestoreReadsIsOnlyWhatIsKept() {
    for (int i = 0; i < 20; i++) submit(UUID.randomUUID(), "key-" + i);
    advance(Duration.ofDays(30));
    UUID recent = submit(UUID.randomUUID(), "recent-key");

    advance(ENDED.minus(Duration.ofDays(30)).plus(Retention.EVERY));

    Map<String, byte[]> stateChangelog = compacted(ReferralStores.STATE);
    assertThat(stateChangelog).containsOnlyKeys(recent.toString());
    assertThat(compacted(PracticeReferrals.STORE)).hasSize(1);
    assertThat(compacted(PracticeReferrals.VIEW.indexStore())).hasSize(1);
    assertThat(compacted(ReferralStores.ENDED)).hasSize(1);
  }

  @Test
  void givenAnArchivedReferral_whenItIsResentOrCancelledOrReadAgain_thenNothingIsDecidedAndTheCommandsAreRefusedAndNewKeysDestroyed() {
    UUID referralId = submit(UUID.randomUUID(), "first-key");
    advance(ENDED.plus(Retention.EVERY));
    lifecycle.referrals.readKeyValuesToList();
    lifecycle.replies.readKeyValuesToList();
    lifecycle.personKeys.readKeyValuesToList();

    ReferralCommand resend = submitCommand(referralId, "resent-key");
    lifecycle.commands.pipeInput(referralId.toString(), resend);
    ReferralCommand cancel = new ReferralCommand(Events.metadata("referral-service", referralId, null),
        new CancelReferral(null, "D82044", null));
    lifecycle.commands.pipeInput(referralId.toString(), cancel);

    assertThat(states.get(referralId.toString())).isNull();
    assertThat(lifecycle.referrals.readKeyValuesToList()).isEmpty();
    List<CommandReply> answers = lifecycle.replies.readValuesToList().stream().map(CommandReply.class::cast).toList();
    assertThat(answers).extracting(CommandReply::getCommandId)
        .containsExactly(resend.getMetadata().getEventId(), cancel.getMetadata().getEventId());
    assertThat(answers).allSatisfy(answer ->
        assertThat(answer.getRefusal()).contains("referral " + referralId + " ended (UNPLACED) on").contains("archived"));
    assertThat(lifecycle.personKeys.readKeyValuesToList())
        .containsExactly(new KeyValue<>(Identities.keyOf(PERSON, "resent-key"), null));

    // a GP system's request resent over Kafka (a new key), and the referral's own submission read again (its own key)
    lifecycle.referralsIn.pipeInput(referralId.toString(), TestData.submittedEvent(referralId, submission("kafka-key")));
    lifecycle.referralsIn.pipeInput(referralId.toString(), TestData.submittedEvent(referralId, submission("first-key")));
    assertThat(states.get(referralId.toString())).isNull();
    assertThat(lifecycle.referrals.readKeyValuesToList()).isEmpty();
    assertThat(lifecycle.personKeys.readKeyValuesToList())
        .containsExactly(new KeyValue<>(Identities.keyOf(PERSON, "kafka-key"), null));
  }

  private UUID submit(UUID referralId, String keyId) {
    lifecycle.commands.pipeInput(referralId.toString(), submitCommand(referralId, keyId));
    assertThat(states.get(referralId.toString()).getStatus()).isEqualTo(ReferralStatus.UNPLACED);
    return referralId;
  }

  private static ReferralCommand submitCommand(UUID referralId, String keyId) {
    return new ReferralCommand(Events.metadata("referral-service", referralId, null), new SubmitReferral(submission(keyId)));
  }

  private static ReferralSubmitted submission(String keyId) {
    SealedPatient sealed = new SealedPatient(PERSON, keyId, ByteBuffer.allocate(12), ByteBuffer.allocate(16));
    return TestData.referral(NeedCode.LONELINESS).setPersonId(PERSON).setPatient(null)
        .setSealedPatient(sealed).setPostcodeDistrict("NR1").setAgeWhenReferred(75).setRequestId("request-" + keyId)
        .build();
  }

  private static ReferralState liveState(UUID id) {
    return ReferralState.newBuilder().setReferralId(id).setStatus(ReferralStatus.ACCEPTED)
        .setSubmission(TestData.referral(NeedCode.LONELINESS).build()).setHistory(List.of()).build();
  }

  private Map<String, List<BigDecimal>> counts() {
    return Tally.of(lifecycle.driver.<String, String>getKeyValueStore(ReferralStores.COUNTS.store()), ReferralStores.ALL);
  }

  private List<String> storedIds() {
    List<String> ids = new ArrayList<>();
    try (KeyValueIterator<String, ReferralState> all = states.all()) {
      all.forEachRemaining(kv -> ids.add(kv.key));
    }
    return ids;
  }

  private long entries(String store) {
    long n = 0;
    try (KeyValueIterator<String, Object> all = lifecycle.driver.<String, Object>getKeyValueStore(store).all()) {
      while (all.hasNext()) {
        all.next();
        n++;
      }
    }
    return n;
  }

  /** The store's changelog as compaction leaves it, tombstones dropped: what a new instance restores on an empty disk. */
  private Map<String, byte[]> compacted(String store) {
    TestOutputTopic<String, byte[]> changelog = lifecycle.driver.createOutputTopic(APPLICATION + "-" + store + "-changelog",
        new StringDeserializer(), new ByteArrayDeserializer());
    Map<String, byte[]> latest = new HashMap<>();
    for (KeyValue<String, byte[]> record : changelog.readKeyValuesToList()) {
      if (record.value == null) latest.remove(record.key);
      else latest.put(record.key, record.value);
    }
    return latest;
  }
}
