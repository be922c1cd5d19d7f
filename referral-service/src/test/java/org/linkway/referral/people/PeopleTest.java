package org.linkway.referral.people;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkway.events.Patient;
import org.linkway.events.PersonErased;
import org.linkway.events.PersonKey;
import org.linkway.platform.kafka.EventPublisher;
import org.linkway.platform.kafka.Topic;
import org.linkway.platform.kafka.Topics;
import org.linkway.platform.people.Identities;
import org.linkway.platform.streams.GlobalTables;
import org.linkway.platform.streams.ReferenceTable;
import org.linkway.platform.streams.RetentionSettings;
import org.linkway.platform.streams.StoreQueries;
import org.linkway.platform.testing.ReferenceTables;
import org.linkway.platform.testing.SelfDescribingAvro;
import reactor.core.publisher.Mono;

/**
 * Erasing people on two instances of referral-service, each holding person-keys and person-erasures in global tables
 * as the service does ({@link PeopleTables}), driven by {@link TopologyTestDriver}s. What the instances publish goes on
 * a shared log that every instance then reads, as the broker would deliver it.
 */
class PeopleTest {

  static final String KEK = Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
  static final Patient EDITH = new Patient("9990001111", "Edith", "Winterbottom", LocalDate.of(1941, 3, 2), "NR2 1TT",
      null, null);
  static final String PERSON = "p-00000000000000000000000000000001";
  static final String OTHER = "p-00000000000000000000000000000002";

  @TempDir
  Path stateDir;

  /** What the instances have published and the others have not read yet. */
  private final List<Published> log = new ArrayList<>();
  private final List<Instance> instances = new ArrayList<>();
  /** Seals as intake does; it opens nothing. */
  private final Identities sealer = new Identities(KEK, ReferenceTables.empty());

  private record Published(Topic<?> topic, String key, SpecificRecord value) {}

  /** One instance of referral-service: its global tables, its identities over them, its People. */
  private final class Instance {
    final TopologyTestDriver driver;
    final Map<Topic<?>, TestInputTopic<String, SpecificRecord>> inputs;
    final Identities identities;
    final People people;

    Instance(String name) {
      EventPublisher publisher = mock(EventPublisher.class);
      when(publisher.publish(any(), anyString(), any())).thenAnswer(call -> {
        log.add(new Published(call.getArgument(0), call.getArgument(1), call.getArgument(2)));
        return Mono.empty();
      });
      ErasedKeys erasedKeys = new ErasedKeys(publisher);
      PeopleTables tables = new PeopleTables();
      StreamsBuilder builder = new StreamsBuilder();
      // as Spring adds them: the erasures first (the keys' reaction takes their table), then person-keys
      tables.personErasures(builder, SelfDescribingAvro.serdes(), mock(StoreQueries.class), erasedKeys);
      GlobalTables.add(builder, SelfDescribingAvro.serdes(), Topics.PERSON_KEYS, mock(StoreQueries.class),
          tables.personKeyApplied(null /* only there to be added first */, erasedKeys));
      driver = SelfDescribingAvro.driver(builder, "people-test-" + name, stateDir.resolve(name));
      inputs = Map.of(Topics.PERSON_KEYS, SelfDescribingAvro.input(driver, Topics.PERSON_KEYS),
          Topics.PERSON_ERASURES, SelfDescribingAvro.input(driver, Topics.PERSON_ERASURES));
      identities = new Identities(KEK, ReferenceTable.over(
          () -> driver.<String, PersonKey>getKeyValueStore(GlobalTables.storeOf(Topics.PERSON_KEYS)), value -> value));
      people = new People(identities, publisher);
    }
  }

  @BeforeEach
  void setUp() {
    instances.add(new Instance("a"));
    instances.add(new Instance("b"));
  }

  @AfterEach
  void tearDown() {
    instances.forEach(instance -> instance.driver.close());
  }

  @Test
  void givenAPersonsTwoReferrals_whenTheyAreErasedOnOneInstance_thenNoInstanceCanOpenTheirIdentityAndOthersStay() {
    Identities.Sealed first = seal(PERSON);
    Identities.Sealed second = seal(PERSON);
    Identities.Sealed other = seal(OTHER);
    deliver();
    for (Instance instance : instances) assertThat(instance.identities.open(first.sealed())).contains(EDITH);

    Integer destroyed = instances.get(0).people.erase(PERSON).block();
    deliver();

    assertThat(destroyed).isEqualTo(2);
    for (Instance instance : instances) {
      assertThat(instance.identities.open(first.sealed())).as("erased, on every instance").isEmpty();
      assertThat(instance.identities.open(second.sealed())).as("erased, on every instance").isEmpty();
      assertThat(instance.identities.keysOf(PERSON)).isEmpty();
      assertThat(instance.identities.open(other.sealed())).as("another person").contains(EDITH);
    }
    assertThat(instances.get(1).people.erase(PERSON).block()).as("erasing again: nothing to erase").isZero();
  }

  @Test
  void givenAnErasure_whenAKeyMadeBeforeItArrivesLate_thenEveryInstanceDestroysItAndKeepsAKeyMadeAfter() {
    Instant erasedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    publish(Topics.PERSON_ERASURES, PERSON, new PersonErased(PERSON, erasedAt));
    deliver();

    Identities.Sealed onItsWay = seal(PERSON, erasedAt.minusMillis(200));
    Identities.Sealed afterwards = seal(PERSON, erasedAt.plusSeconds(5));
    deliver();

    assertThat(log).as("a tombstone for the late key from each instance, none for the new one")
        .extracting(Published::key).containsExactly(onItsWay.recordKey(), onItsWay.recordKey());
    deliver();
    for (Instance instance : instances) {
      assertThat(instance.identities.open(onItsWay.sealed())).as("made before the erasure").isEmpty();
      assertThat(instance.identities.open(afterwards.sealed())).as("made after it: a new consent").contains(EDITH);
    }
  }

  @Test
  void givenKeysAlreadyHeld_whenAnErasureArrivesThatNoInstanceWrote_thenTheKeysMadeBeforeItAreDestroyed() {
    Instant erasedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    Identities.Sealed before = seal(PERSON, erasedAt.minusSeconds(60));
    Identities.Sealed after = seal(PERSON, erasedAt.plusSeconds(60));
    Identities.Sealed lookalike = seal(PERSON + "0", erasedAt.minusSeconds(60));
    deliver();

    publish(Topics.PERSON_ERASURES, PERSON, new PersonErased(PERSON, erasedAt));
    deliver();
    deliver();

    for (Instance instance : instances) {
      assertThat(instance.identities.open(before.sealed())).isEmpty();
      assertThat(instance.identities.open(after.sealed())).contains(EDITH);
      assertThat(instance.identities.open(lookalike.sealed())).as("a person whose id starts alike").contains(EDITH);
    }
  }

  @Test
  void givenAnErasure_whenItIsDeletedFromItsTopic_thenNothingIsDestroyed() {
    Identities.Sealed key = seal(PERSON);
    deliver();

    publish(Topics.PERSON_ERASURES, PERSON, null);
    deliver();

    assertThat(log).isEmpty();
    for (Instance instance : instances) assertThat(instance.identities.open(key.sealed())).contains(EDITH);
  }

  /**
   * Why person-erasures is never pruned: a key of an erased person whose tombstone was lost (the publish failed, which
   * the service logs) stays on person-keys, and years later an instance starting on an empty disk reads it again, after
   * every erasure (PeopleTables' order): the erasure, still there, has the key destroyed then. A key made before an
   * erasure can come back so for as long as a copy of it is anywhere, so the erasure stays: one short record per person
   * erased, which does not grow with referrals.
   */
  @Test
  void givenAnErasureYearsAgoWhoseKeysTombstoneWasLost_whenAnInstanceStartsOnAnEmptyDisk_thenItDestroysTheKey() {
    Instant erasedAt = Instant.now().minus(RetentionSettings.IDENTITIES).minus(Duration.ofDays(366))
        .truncatedTo(ChronoUnit.MILLIS);
    Identities.Sealed lost = seal(PERSON, erasedAt.minus(Duration.ofDays(30)));
    publish(Topics.PERSON_ERASURES, PERSON, new PersonErased(PERSON, erasedAt));
    List<Published> history = List.copyOf(log);
    log.clear();

    Instance fresh = new Instance("fresh");
    instances.add(fresh);
    history.stream().filter(r -> r.topic() == Topics.PERSON_ERASURES)
        .forEach(r -> fresh.inputs.get(r.topic()).pipeInput(r.key(), r.value()));
    history.stream().filter(r -> r.topic() == Topics.PERSON_KEYS)
        .forEach(r -> fresh.inputs.get(r.topic()).pipeInput(r.key(), r.value()));

    assertThat(log).singleElement().satisfies(tombstone -> {
      assertThat(tombstone.topic()).isEqualTo(Topics.PERSON_KEYS);
      assertThat(tombstone.key()).isEqualTo(lost.recordKey());
      assertThat(tombstone.value()).isNull();
    });
  }

  /** Seals an identity of the person as intake does, its key made now, and writes the key. */
  private Identities.Sealed seal(String personId) {
    Identities.Sealed sealed = sealer.seal(personId, EDITH);
    publish(Topics.PERSON_KEYS, sealed.recordKey(), sealed.key());
    return sealed;
  }

  /** Seals an identity of the person whose key was made at {@code createdAt}, and writes the key. */
  private Identities.Sealed seal(String personId, Instant createdAt) {
    Identities.Sealed sealed = sealer.seal(personId, EDITH);
    PersonKey key = PersonKey.newBuilder(sealed.key()).setCreatedAt(createdAt).build();
    publish(Topics.PERSON_KEYS, sealed.recordKey(), key);
    return new Identities.Sealed(sealed.sealed(), key, sealed.notes());
  }

  private void publish(Topic<?> topic, String key, SpecificRecord value) {
    log.add(new Published(topic, key, value));
  }

  /** Every instance reads what has been published so far, in order; what they publish meanwhile waits for the next. */
  private void deliver() {
    List<Published> records = List.copyOf(log);
    log.clear();
    for (Published record : records) {
      for (Instance instance : instances) instance.inputs.get(record.topic()).pipeInput(record.key(), record.value());
    }
  }
}
