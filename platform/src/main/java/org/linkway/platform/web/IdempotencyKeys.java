package org.linkway.platform.web;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.linkway.platform.web.ProblemException.FieldProblem;

/**
 * The {@code Idempotency-Key} header of a command: a caller that did not hear the answer (a timeout, a 503, an
 * instance gone) sends the command again with the same key and gets the first answer, nothing decided twice.
 * The command's id is derived from the key, so a resend is the same command wherever it lands, and the decider
 * that owns the record remembers the ids it answered in the record's own state: the repeat is recognised in the
 * same transaction as any decision, by whichever instance owns the key.
 */
public final class IdempotencyKeys {

  public static final String HEADER = "Idempotency-Key";
  /** Long enough for a UUID with a prefix or two; a key is an identifier, not a payload. */
  public static final int MAX_LENGTH = 200;

  private IdempotencyKeys() {}

  /**
   * The key as sent, or null when there is none; a key that is empty, longer than {@value #MAX_LENGTH}
   * characters or not printable ASCII is a 400 naming the header.
   */
  public static String checked(String key) {
    if (key == null) return null;
    String reason = null;
    if (key.isEmpty()) reason = "is empty";
    else if (key.length() > MAX_LENGTH) reason = "is longer than " + MAX_LENGTH + " characters";
    else if (!key.chars().allMatch(c -> c >= 0x20 && c <= 0x7e)) reason = "has characters other than printable ASCII";
    if (reason != null) throw new ProblemException.Invalid(List.of(new FieldProblem(HEADER, reason)));
    return key;
  }

  /** The id of the command sent with {@code key}: the same for the same parts (service, caller, record, key), whoever derives it. */
  public static UUID commandId(String key, String... scope) {
    return UUID.nameUUIDFromBytes(("idempotency-key/" + String.join("/", scope) + "/" + key).getBytes(StandardCharsets.UTF_8));
  }

  /** A digest of a request (its action and what was sent), to tell a resend from another request under the same key. */
  public static String digest(String action, Object request) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256")
          .digest((action + "\n" + request).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java has SHA-256", e);
    }
  }

  /** The answer to a key used again with another request: 422 naming the header. */
  public static ProblemException reused() {
    return new ProblemException.Unprocessable(new FieldProblem(HEADER,
        "was used before with a different request; send a new key for a new request"));
  }
}
