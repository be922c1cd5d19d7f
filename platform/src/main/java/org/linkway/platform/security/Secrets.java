package org.linkway.platform.security;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;

/**
 * The platform's secret keys, which are never defaulted. Each is 32 random bytes or more, base64-encoded
 * ({@code openssl rand -base64 32}). Outside the {@code local} profile a service refuses to start, naming
 * the setting, when a key is unset, not base64, too short, or one that has been published (a value that
 * was ever written in this repository). Only the {@code local} profile (the local stack and the tests)
 * may start without one: the service then makes a random key that lives as long as the process, and
 * says so, since another service or a restart will not share it.
 */
public final class Secrets {

  /** The Spring profile of the local stack and the tests. */
  public static final String LOCAL_PROFILE = "local";

  /** The key that wraps people's data keys: exactly 32 bytes (AES-256). */
  public static final String IDENTITY_KEY = "linkway.identity-key";
  /** The HMAC-SHA256 key of pseudonymous person ids: at least 32 bytes (256 bits). */
  public static final String PSEUDONYM_KEY = "linkway.pseudonym-key";

  static final int KEY_BYTES = 32;

  /** Values once written in this repository as defaults: public, so never a key. */
  static final Set<String> PUBLISHED = Set.of(
      "bG9jYWwtZGV2ZWxvcG1lbnQtb25seS1jaGFuZ2UtbWU=",
      "local-development-key-change-me");

  private static final Logger log = LoggerFactory.getLogger(Secrets.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  private Secrets() {}

  /** Thrown at start-up when a secret setting is missing or unfit; the message names the setting. */
  public static final class Unfit extends IllegalStateException {
    Unfit(String message) {
      super(message);
    }
  }

  /** The key of a setting, checked as the class says. */
  public static byte[] key(Environment environment, String setting) {
    String value = environment.getProperty(setting);
    boolean local = environment.acceptsProfiles(Profiles.of(LOCAL_PROFILE));
    if (value == null || value.isBlank()) {
      if (!local) {
        throw new Unfit(setting + " is not set: give it a secret of " + KEY_BYTES
            + " random bytes, base64-encoded (openssl rand -base64 32). Only the '" + LOCAL_PROFILE
            + "' profile may start without it.");
      }
      log.warn("{} is not set: the '{}' profile uses a random key for this process only (not shared with other "
          + "services, lost on restart)", setting, LOCAL_PROFILE);
      byte[] random = new byte[KEY_BYTES];
      RANDOM.nextBytes(random);
      return random;
    }
    return check(setting, value.trim());
  }

  /** The decoded key, or {@link Unfit} naming the setting and what is wrong with it. */
  static byte[] check(String setting, String value) {
    if (PUBLISHED.contains(value)) {
      throw new Unfit(setting + " is a published value (it is written in the Linkway repository): make a secret one");
    }
    byte[] key;
    try {
      key = Base64.getDecoder().decode(value);
    } catch (IllegalArgumentException e) {
      throw new Unfit(setting + " must be base64-encoded (openssl rand -base64 32)");
    }
    if (key.length < KEY_BYTES) {
      throw new Unfit(setting + " is too short: " + key.length + " bytes, it needs " + KEY_BYTES + " random bytes");
    }
    if (IDENTITY_KEY.equals(setting) && key.length != KEY_BYTES) {
      throw new Unfit(setting + " must be exactly " + KEY_BYTES + " bytes (an AES-256 key), not " + key.length);
    }
    return key;
  }
}
