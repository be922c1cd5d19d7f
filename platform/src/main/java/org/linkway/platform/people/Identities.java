package org.linkway.platform.people;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.linkway.events.Patient;
import org.linkway.events.PersonKey;
import org.linkway.events.SealedPatient;
import org.linkway.platform.TableView;

/**
 * People's identities on the log, sealed by envelope encryption: each referral's Patient is
 * encrypted (AES-256-GCM) with a fresh data key of that person; the data key is wrapped with the
 * platform's key-encryption key ({@code linkway.identity-key}) and kept on {@code person-keys}.
 * Opening needs both. An erasure deletes the person's data keys, after which every copy of their
 * sealed identity, in any topic, changelog or backup, stays unreadable: crypto-shredding.
 */
public final class Identities {

  private static final int TAG_BITS = 128;
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A person's identity sealed with a new data key, and that key wrapped for person-keys. */
  public record Sealed(SealedPatient sealed, PersonKey key) {
    /** The person-keys record key. */
    public String recordKey() {
      return keyOf(key.getPersonId(), key.getKeyId());
    }
  }

  private final SecretKey keyEncryptionKey;
  private final TableView<PersonKey> keys;

  /** @param identityKey the key-encryption key: 32 bytes, base64 */
  public Identities(String identityKey, TableView<PersonKey> keys) {
    this(Base64.getDecoder().decode(identityKey.trim()), keys);
  }

  /** @param kek the key-encryption key: 32 bytes (see {@link org.linkway.platform.security.Secrets}) */
  public Identities(byte[] kek, TableView<PersonKey> keys) {
    if (kek.length != 32) {
      throw new IllegalArgumentException("linkway.identity-key must be 32 bytes, base64-encoded (it is " + kek.length + ")");
    }
    this.keyEncryptionKey = new SecretKeySpec(kek, "AES");
    this.keys = keys;
  }

  /** The key of a person-keys record. */
  public static String keyOf(String personId, String keyId) {
    return personId + "/" + keyId;
  }

  /** Seals a person's identity with a new data key of theirs. */
  public Sealed seal(String personId, Patient patient) {
    try {
      KeyGenerator generator = KeyGenerator.getInstance("AES");
      generator.init(256, RANDOM);
      SecretKey dataKey = generator.generateKey();
      String keyId = UUID.randomUUID().toString();
      byte[] keyIv = iv();
      byte[] wrapped = cipher(Cipher.ENCRYPT_MODE, keyEncryptionKey, keyIv, keyOf(personId, keyId))
          .doFinal(dataKey.getEncoded());
      byte[] iv = iv();
      byte[] ciphertext = cipher(Cipher.ENCRYPT_MODE, dataKey, iv, personId).doFinal(encode(patient));
      return new Sealed(
          new SealedPatient(personId, keyId, ByteBuffer.wrap(iv), ByteBuffer.wrap(ciphertext)),
          new PersonKey(personId, keyId, ByteBuffer.wrap(keyIv), ByteBuffer.wrap(wrapped),
              Instant.now().truncatedTo(ChronoUnit.MILLIS)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("could not seal an identity", e);
    }
  }

  /** The identity, if the person's key is still there (not erased) and this service has seen it. */
  public Optional<Patient> open(SealedPatient sealed) {
    if (sealed == null) return Optional.empty();
    return keys.get(keyOf(sealed.getPersonId(), sealed.getKeyId())).map(key -> {
      try {
        byte[] dataKey = cipher(Cipher.DECRYPT_MODE, keyEncryptionKey, bytes(key.getIv()),
            keyOf(key.getPersonId(), key.getKeyId())).doFinal(bytes(key.getWrappedKey()));
        byte[] plain = cipher(Cipher.DECRYPT_MODE, new SecretKeySpec(dataKey, "AES"), bytes(sealed.getIv()),
            sealed.getPersonId()).doFinal(bytes(sealed.getCiphertext()));
        return decode(plain);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("the identity of " + sealed.getPersonId() + " could not be opened", e);
      }
    });
  }

  /** The person-keys record keys of every data key a person has. */
  public List<String> keysOf(String personId) {
    return keys.values().stream().filter(k -> k.getPersonId().equals(personId))
        .map(k -> keyOf(k.getPersonId(), k.getKeyId())).toList();
  }

  private static Cipher cipher(int mode, SecretKey key, byte[] iv, String associatedData) throws GeneralSecurityException {
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, iv));
    cipher.updateAAD(associatedData.getBytes(StandardCharsets.UTF_8));
    return cipher;
  }

  private static byte[] iv() {
    byte[] iv = new byte[12];
    RANDOM.nextBytes(iv);
    return iv;
  }

  private static byte[] bytes(ByteBuffer buffer) {
    ByteBuffer copy = buffer.duplicate();
    byte[] out = new byte[copy.remaining()];
    copy.get(out);
    return out;
  }

  private static byte[] encode(Patient patient) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
      new SpecificDatumWriter<>(Patient.class).write(patient, encoder);
      encoder.flush();
      return out.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Patient decode(byte[] bytes) {
    try {
      return new SpecificDatumReader<>(Patient.class).read(null, DecoderFactory.get().binaryDecoder(bytes, null));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
