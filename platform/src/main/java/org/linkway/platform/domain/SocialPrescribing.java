package org.linkway.platform.domain;

import java.time.ZoneId;
import java.util.regex.Pattern;
import org.linkway.events.DeclineReason;

/** Codes and rules of social prescribing that more than one service applies. */
public final class SocialPrescribing {

  public static final String SNOMED_SYSTEM = "http://snomed.info/sct";
  /** SNOMED CT |Referral to social prescribing service|: recorded once, when the person accepts. */
  public static final String SNOMED_REFERRED = "871731000000106";
  /** SNOMED CT |Social prescribing declined|: recorded when the person declines. */
  public static final String SNOMED_DECLINED = "871711000000103";

  /** England's time: dates, months and financial years are read in it, whatever the server's zone. */
  public static final ZoneId UK = ZoneId.of("Europe/London");

  /** An ICB's ODS code: Q and two more capitals or digits, such as QMM (NHS Norfolk and Waveney ICB). */
  private static final Pattern ICB_CODE = Pattern.compile("Q[A-Z0-9]{2}");
  /** A GP practice's ODS code: a capital and five digits, such as A81001. */
  private static final Pattern PRACTICE_CODE = Pattern.compile("[A-Z][0-9]{5}");

  private SocialPrescribing() {}

  /** Whether the code can be an ICB's ODS code (false for null). */
  public static boolean isIcbCode(String code) {
    return code != null && ICB_CODE.matcher(code).matches();
  }

  /** Whether the code can be a GP practice's ODS code (false for null). */
  public static boolean isPracticeCode(String code) {
    return code != null && PRACTICE_CODE.matcher(code).matches();
  }

  /**
   * A decline by the person (did not want it, could not be contacted) ends the referral, before or
   * after acceptance; a decline by the provider, or an expiry, sends it to the next service.
   */
  public static boolean declinedByThePerson(DeclineReason reason) {
    return reason == DeclineReason.PERSON_DECLINED || reason == DeclineReason.PERSON_UNCONTACTABLE;
  }
}
