package org.linkway.referral.intake;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.linkway.platform.people.NhsNumber;
import org.linkway.platform.security.Secrets;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * The pseudonymous person id: a keyed HMAC-SHA256 of the NHS number. The same person gets the same
 * id across referrals, so outcomes can be followed over time, but the NHS number cannot be
 * recovered from it without the key ({@code linkway.pseudonym-key}, at least 256 bits, held by
 * referral-service alone): trying the ~10^9 valid NHS numbers needs the key.
 */
@Component
public class PersonIds {

  private final SecretKeySpec key;

  @Autowired
  public PersonIds(Environment environment) {
    this(Secrets.key(environment, Secrets.PSEUDONYM_KEY));
  }

  /** @param key the HMAC key: at least 32 random bytes, which whoever could see a person id must not hold */
  public PersonIds(byte[] key) {
    this.key = new SecretKeySpec(key, "HmacSHA256");
  }

  public String of(String nhsNumber) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      byte[] digest = mac.doFinal(NhsNumber.normalise(nhsNumber).getBytes(StandardCharsets.US_ASCII));
      return "p-" + HexFormat.of().formatHex(digest, 0, 16);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException(e);
    }
  }
}
