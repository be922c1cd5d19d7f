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
import org.linkway.events.SealedText;
import org.linkway.platform.streams.ReferenceTable;

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

  /**
   * A person's identity sealed with a new data key, the referrer's notes sealed with the same key
   * (null without notes), and that key wrapped for person-keys.
   */
  public record Sealed(SealedPatient sealed, PersonKey key, SealedText notes) {
    /** The person-keys record key. */
    public String recordKey() {
      return keyOf(key.getPersonId(), key.getKeyId());
    }
  }

  private final SecretKey keyEncryptionKey;
  /** The person-keys table, keyed {@code personId/keyId} ({@link #keyOf}): one person's keys are one key prefix. */
  private final ReferenceTable<PersonKey> keys;

  /** @param identityKey the key-encryption key: 32 bytes, base64 */
  public Identities(String identityKey, ReferenceTable<PersonKey> keys) {
    this(Base64.getDecoder().decode(identityKey.trim()), keys);
  }

  /** @param kek the key-encryption key: 32 bytes (see {@link org.linkway.platform.security.Secrets}) */
  public Identities(byte[] kek, ReferenceTable<PersonKey> keys) {
    if (kek.length != 32) {
      throw new IllegalArgumentException("linkway.identity-key must be 32 bytes, base64-encoded (it is " + kek.length + ")");
    }
    this.keyEncryptionKey = new SecretKeySpec(kek, "AES");
    this.keys = keys;
  }

  /** The key of a person-keys record. */
  public static String keyOf(String personId, String keyId) {
    return keysPrefixOf(personId) + keyId;
  }

  /** Seals a person's identity with a new data key of theirs. */
  public Sealed seal(String personId, Patient patient) {
    return seal(personId, patient, null);
  }

  /** Seals a person's identity, and the free text that comes with it, with a new data key of theirs. */
  public Sealed seal(String personId, Patient patient, String notes) {
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
              Instant.now().truncatedTo(ChronoUnit.MILLIS)),
          sealText(dataKey, personId, keyId, notes));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("could not seal an identity", e);
    }
  }

  /** The identity, if the person's key is still there (not erased) and this service has seen it. */
  public Optional<Patient> open(SealedPatient sealed) {
    if (sealed == null) return Optional.empty();
    return dataKey(sealed.getPersonId(), sealed.getKeyId()).map(dataKey -> {
      try {
        return decode(cipher(Cipher.DECRYPT_MODE, dataKey, bytes(sealed.getIv()), sealed.getPersonId())
            .doFinal(bytes(sealed.getCiphertext())));
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("the identity of " + sealed.getPersonId() + " could not be opened", e);
      }
    });
  }

  /**
   * Free text about the person a referral is for (a decline note, a cancel reason), sealed with the
   * data key of that referral's identity. Null when there is no text, and when the key is gone (the
   * person was erased) or not yet seen here: text about an erased person is not kept.
   */
  public SealedText sealText(SealedPatient identity, String text) {
    if (identity == null || text == null) return null;
    return dataKey(identity.getPersonId(), identity.getKeyId())
        .map(key -> sealText(key, identity.getPersonId(), identity.getKeyId(), text)).orElse(null);
  }

  /** Sealed free text, if the person's key is still there (not erased) and this service has seen it. */
  public Optional<String> openText(SealedText sealed) {
    if (sealed == null) return Optional.empty();
    return dataKey(sealed.getPersonId(), sealed.getKeyId()).map(dataKey -> {
      try {
        return new String(cipher(Cipher.DECRYPT_MODE, dataKey, bytes(sealed.getIv()), textAssociatedData(sealed.getPersonId()))
            .doFinal(bytes(sealed.getCiphertext())), StandardCharsets.UTF_8);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("a note about " + sealed.getPersonId() + " could not be opened", e);
      }
    });
  }

  private static SealedText sealText(SecretKey dataKey, String personId, String keyId, String text) {
    if (text == null) return null;
    try {
      byte[] iv = iv();
      byte[] ciphertext = cipher(Cipher.ENCRYPT_MODE, dataKey, iv, textAssociatedData(personId))
          .doFinal(text.getBytes(StandardCharsets.UTF_8));
      return new SealedText(personId, keyId, ByteBuffer.wrap(iv), ByteBuffer.wrap(ciphertext));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("could not seal a note", e);
    }
  }

  /** Bound to the person and to being text, so that a sealed note can never be opened as an identity or the reverse. */
  private static String textAssociatedData(String personId) {
    return personId + "/text";
  }

  private Optional<SecretKey> dataKey(String personId, String keyId) {
    return keys.get(keyOf(personId, keyId)).map(key -> {
      try {
        byte[] dataKey = cipher(Cipher.DECRYPT_MODE, keyEncryptionKey, bytes(key.getIv()),
            keyOf(key.getPersonId(), key.getKeyId())).doFinal(bytes(key.getWrappedKey()));
        return new SecretKeySpec(dataKey, "AES");
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("the data key " + keyOf(personId, keyId) + " could not be unwrapped", e);
      }
    });
  }

  /** The person-keys record keys of every data key a person has: one key-prefix read, whatever the table holds. */
  public List<String> keysOf(String personId) {
    return keys.withPrefix(keysPrefixOf(personId)).stream().map(k -> keyOf(k.getPersonId(), k.getKeyId())).toList();
  }

  /** What the person-keys record keys of a person's data keys, and of no one else's, start with. */
  public static String keysPrefixOf(String personId) {
    return personId + "/";
  }

  /**
   * One AES-GCM cipher per thread, initialised again for each use (a fresh IV for every sealing): looking the
   * algorithm up for each of a view's four openings showed in the benchmark's allocation profile.
   */
  private static final ThreadLocal<Cipher> AES_GCM = ThreadLocal.withInitial(() -> {
    try {
      return Cipher.getInstance("AES/GCM/NoPadding");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this Java has no AES/GCM/NoPadding", e);
    }
  });

  private static Cipher cipher(int mode, SecretKey key, byte[] iv, String associatedData) throws GeneralSecurityException {
    Cipher cipher = AES_GCM.get();
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
