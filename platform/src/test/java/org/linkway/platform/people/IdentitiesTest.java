package org.linkway.platform.people;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Base64;
import java.util.List;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkway.events.Patient;
import org.linkway.events.PersonKey;
import org.linkway.events.SealedText;
import org.linkway.platform.kafka.Topics;
import org.linkway.platform.streams.GlobalTables;
import org.linkway.platform.streams.ReferenceTable;
import org.linkway.platform.testing.SelfDescribingAvro;

/**
 * Sealing and opening identities against person-keys as the services hold it: a global table on disk
 * ({@link GlobalTables}), fed here through {@link TopologyTestDriver}; an erasure is a tombstone on it.
 */
class IdentitiesTest {

  static final String KEK = Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
  static final Patient ADA = new Patient("9434765919", "Ada", "Lovelace", LocalDate.of(1950, 12, 10), "NR1 3SR",
      "01603 000000", "ada@example.org");

  @TempDir
  Path stateDir;

  private TopologyTestDriver driver;
  private PersonKeys keys;
  private ReferenceTable<PersonKey> table;
  private Identities identities;

  @BeforeEach
  void setUp() {
    StreamsBuilder builder = new StreamsBuilder();
    GlobalTables.add(builder, SelfDescribingAvro.serdes(), Topics.PERSON_KEYS);
    driver = SelfDescribingAvro.driver(builder, "identities-test", stateDir);
    keys = new PersonKeys(driver);
    table = ReferenceTable.over(() -> driver.<String, PersonKey>getKeyValueStore(GlobalTables.storeOf(Topics.PERSON_KEYS)),
        value -> value);
    identities = new Identities(KEK, table);
  }

  @AfterEach
  void tearDown() {
    driver.close();
  }

  /** person-keys as its writer writes it: a data key under its record key, a tombstone to destroy it. */
  private record PersonKeys(TestInputTopic<String, SpecificRecord> topic) {
    PersonKeys(TopologyTestDriver driver) {
      this(SelfDescribingAvro.input(driver, Topics.PERSON_KEYS));
    }

    void put(String recordKey, PersonKey key) {
      topic.pipeInput(recordKey, key);
    }

    void remove(String recordKey) {
      topic.pipeInput(recordKey, (SpecificRecord) null);
    }
  }

  @Test
  void givenASealedIdentity_whenItsKeyIsThere_thenItOpensToTheSamePerson() {
    Identities.Sealed sealed = identities.seal("p-1", ADA);
    keys.put(sealed.recordKey(), sealed.key());
    assertThat(identities.open(sealed.sealed())).contains(ADA);
    assertThat(identities.keysOf("p-1")).containsExactly(sealed.recordKey());
  }

  @Test
  void givenKeysOfSeveralPeople_whenOnePersonsKeysAreListed_thenOnlyTheirsComeBackAndAnErasedOneIsGone() {
    Identities.Sealed first = identities.seal("p-1", ADA);
    Identities.Sealed second = identities.seal("p-1", ADA);
    Identities.Sealed lookalike = identities.seal("p-10", ADA);
    Identities.Sealed other = identities.seal("p-2", ADA);
    for (Identities.Sealed sealed : List.of(first, second, lookalike, other)) keys.put(sealed.recordKey(), sealed.key());

    assertThat(identities.keysOf("p-1")).containsExactlyInAnyOrder(first.recordKey(), second.recordKey());

    keys.remove(first.recordKey());
    assertThat(identities.keysOf("p-1")).containsExactly(second.recordKey());
    assertThat(identities.open(first.sealed())).as("erased: its identity cannot be opened").isEmpty();
    assertThat(identities.open(second.sealed())).as("its other key is not erased").contains(ADA);
    assertThat(identities.keysOf("p-3")).isEmpty();
  }

  @Test
  void givenASealedIdentity_whenItIsEncoded_thenNoIdentityIsInItsBytes() throws Exception {
    Identities.Sealed sealed = identities.seal("p-1", ADA);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    var encoder = EncoderFactory.get().binaryEncoder(out, null);
    new SpecificDatumWriter<>(org.linkway.events.SealedPatient.class).write(sealed.sealed(), encoder);
    new SpecificDatumWriter<>(PersonKey.class).write(sealed.key(), encoder);
    encoder.flush();
    String bytes = out.toString(StandardCharsets.ISO_8859_1);
    for (String identity : List.of("9434765919", "Lovelace", "NR1 3SR", "ada@example.org", "01603 000000")) {
      assertThat(bytes).doesNotContain(identity);
    }
  }

  @Test
  void givenAnErasedKey_whenTheIdentityIsOpened_thenThereIsNothingToRead() {
    Identities.Sealed sealed = identities.seal("p-1", ADA);
    keys.put(sealed.recordKey(), sealed.key());
    keys.remove(sealed.recordKey());
    assertThat(identities.open(sealed.sealed())).isEmpty();
  }

  @Test
  void givenAnotherPlatformKey_whenTheIdentityIsOpened_thenItFails() {
    Identities.Sealed sealed = identities.seal("p-1", ADA);
    keys.put(sealed.recordKey(), sealed.key());
    Identities other = new Identities(Base64.getEncoder().encodeToString(new byte[32]), table);
    assertThatThrownBy(() -> other.open(sealed.sealed())).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void givenNotesSealedWithTheIdentity_whenTheKeyIsThere_thenTheyOpenAndNoWordOfThemIsInTheBytes() throws Exception {
    Identities.Sealed sealed = identities.seal("p-1", ADA, "lives alone since her husband died");
    keys.put(sealed.recordKey(), sealed.key());
    assertThat(sealed.notes().getKeyId()).isEqualTo(sealed.sealed().getKeyId());
    assertThat(identities.openText(sealed.notes())).contains("lives alone since her husband died");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    var encoder = EncoderFactory.get().binaryEncoder(out, null);
    new SpecificDatumWriter<>(SealedText.class).write(sealed.notes(), encoder);
    encoder.flush();
    assertThat(out.toString(StandardCharsets.ISO_8859_1)).doesNotContain("alone").doesNotContain("husband");
    assertThat(identities.seal("p-1", ADA).notes()).as("no notes, nothing sealed").isNull();
  }

  @Test
  void givenALaterNote_whenItIsSealedWithAReferralsIdentity_thenItOpensUntilTheKeyIsErased() {
    Identities.Sealed sealed = identities.seal("p-1", ADA);
    keys.put(sealed.recordKey(), sealed.key());
    SealedText reason = identities.sealText(sealed.sealed(), "moved to Leeds");
    assertThat(identities.openText(reason)).contains("moved to Leeds");
    keys.remove(sealed.recordKey());
    assertThat(identities.openText(reason)).as("erased: unreadable").isEmpty();
    assertThat(identities.sealText(sealed.sealed(), "moved back")).as("erased: a new note is not kept").isNull();
    assertThat(identities.sealText(sealed.sealed(), null)).isNull();
  }

  @Test
  void givenSealedText_whenOpenedAsAnIdentityOrByAnotherPerson_thenItFails() {
    Identities.Sealed sealed = identities.seal("p-1", ADA, "note");
    keys.put(sealed.recordKey(), sealed.key());
    SealedText notes = sealed.notes();
    var asIdentity = new org.linkway.events.SealedPatient(notes.getPersonId(), notes.getKeyId(), notes.getIv(), notes.getCiphertext());
    assertThatThrownBy(() -> identities.open(asIdentity)).isInstanceOf(IllegalStateException.class);
    keys.put(Identities.keyOf("p-2", notes.getKeyId()), sealed.key());
    var asAnother = new SealedText("p-2", notes.getKeyId(), notes.getIv(), notes.getCiphertext());
    assertThatThrownBy(() -> identities.openText(asAnother)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void givenAKeyOfTheWrongLength_whenConfigured_thenItIsRefusedWithTheReason() {
    assertThatThrownBy(() -> new Identities(Base64.getEncoder().encodeToString(new byte[16]), table))
        .hasMessageContaining("32 bytes");
  }
}
