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
import org.linkway.platform.TableView;

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
  void givenAKeyOfTheWrongLength_whenConfigured_thenItIsRefusedWithTheReason() {
    assertThatThrownBy(() -> new Identities(Base64.getEncoder().encodeToString(new byte[16]), view))
        .hasMessageContaining("32 bytes");
  }
}
