package org.linkway.platform.streams;

import java.time.Duration;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * How long what has ended is kept ({@link Retention}).
 *
 * @param ended {@code linkway.retention.ended}: how long an ended referral stays in the hot stores (its state, its
 *     place in the lists) before it is archived: its history stays on the log, its figures in the running totals
 * @param identities {@code linkway.retention.identities}: how long after a referral's end its identity is erased (its
 *     data key tombstoned on person-keys, as an erasure does)
 */
public record RetentionSettings(Duration ended, Duration identities) {

  /** {@code linkway.retention.ended}'s default: a quarter of a year to look a finished referral up on its page. */
  public static final Duration ENDED = Duration.ofDays(90);

  /**
   * {@code linkway.retention.identities}'s default: 8 years (2,922 days) after the end. NHS England's Records
   * Management Code of Practice for Health and Social Care (2021, updated August 2023), Appendix II retention schedule,
   * "Care records with standard retention periods": "Adult health records not covered by any other section in this
   * schedule" and "Adult social care records", retention start "support ended or person last seen", 8 years, "review
   * and if no longer needed destroy". A social prescribing referral held outside the GP record is such a record. A
   * child's record is kept to the 25th birthday (26th if 17 at the end): a deployment referring children sets more.
   */
  public static final Duration IDENTITIES = Duration.ofDays(8 * 365 + 2);

  /** Longer than any record retention asked of the NHS (a lifetime): a value past it is a mistake in the units. */
  static final Duration LONGEST = Duration.ofDays(100 * 366);

  public RetentionSettings {
    check("linkway.retention.ended", ended);
    check("linkway.retention.identities", identities);
    if (identities.compareTo(ended) <= 0) {
      throw new IllegalStateException("linkway.retention.identities (" + days(identities) + ") is not longer than "
          + "linkway.retention.ended (" + days(ended) + "): an archived referral's note, kept until its identity is erased,"
          + " is what stops an event read late from starting it again, so identities must be kept longer than ended"
          + " referrals are");
    }
  }

  /** The defaults. */
  public static RetentionSettings defaults() {
    return new RetentionSettings(ENDED, IDENTITIES);
  }

  /** The settings, or their defaults. */
  public static RetentionSettings of(Environment environment) {
    Binder binder = Binder.get(environment);
    return new RetentionSettings(binder.bind("linkway.retention.ended", Duration.class).orElse(ENDED),
        binder.bind("linkway.retention.identities", Duration.class).orElse(IDENTITIES));
  }

  /** In days, as the settings are usually written; a period that is not whole days as it is. */
  private static String days(Duration value) {
    return value.getSeconds() % 86_400 == 0 && value.getNano() == 0 ? value.toDays() + " days" : value.toString();
  }

  private static void check(String name, Duration value) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalStateException(name + " must be a positive duration (e.g. 90d), not " + value);
    }
    if (value.compareTo(LONGEST) > 0) {
      throw new IllegalStateException(name + " is " + value.toDays() + " days: more than 100 years is not a retention");
    }
  }
}
