package org.linkway.platform.people;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;
import org.linkway.events.Patient;
import org.linkway.events.PersonKey;
import org.linkway.events.SealedText;
import org.linkway.platform.streams.TableView;

class IdentitiesTest {

  static final String KEK = Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
  static final Patient ADA = new Patient("9434765919", "Ada", "Lovelace", LocalDate.of(1950, 12, 10), "NR1 3SR",
      "01603 000000", "ada@example.org");

  private final Map<String, PersonKey> keys = new HashMap<>();
  @SuppressWarnings("unchecked")
  private final TableView<PersonKey> view = mock(TableView.class);
  private final Identities identities = new Identities(KEK, view);

  IdentitiesTest() {
    when(view.get(org.mockito.ArgumentMatchers.anyString())).thenAnswer(call -> Optional.ofNullable(keys.get((String) call.getArgument(0))));
    when(view.values()).thenAnswer(call -> keys.values());
  }

  @Test
  void givenASealedIdentity_whenItsKeyIsThere_thenItOpensToTheSamePerson() {
    Identities.Sealed sealed = identities.seal("p-1", ADA);
    keys.put(sealed.recordKey(), sealed.key());
    assertThat(identities.open(sealed.sealed())).contains(ADA);
    assertThat(identities.keysOf("p-1")).containsExactly(sealed.recordKey());
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
    Identities other = new Identities(Base64.getEncoder().encodeToString(new byte[32]), view);
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
    assertThatThrownBy(() -> new Identities(Base64.getEncoder().encodeToString(new byte[16]), view))
        .hasMessageContaining("32 bytes");
  }
}
