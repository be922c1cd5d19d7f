package org.linkway.referral.lifecycle.stream;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * What referral-service still holds of a referral that ended and left the hot stores ({@link ReferralStores#ARCHIVE}):
 * when it ended, when it was archived, how it ended and which practice referred it, so that its page and
 * {@code GET /referrals/{id}} can say it was archived rather than answer as if it never was. Kept until the referral's
 * identity is erased ({@code linkway.retention.identities}); its history is on the {@code referrals} log.
 *
 * @param endedAt when the referral ended
 * @param archivedAt when it left the hot stores
 * @param status how it ended
 * @param referrer the referring practice's ODS code: only it is told (to anyone else the referral is not found)
 * @param identityKey the person-keys record key of its identity's data key (empty for an identity in clear), so that a
 *     resent submission's new key can be told from it
 */
public record ArchivedReferral(Instant endedAt, Instant archivedAt, String status, String referrer, String identityKey) {

  /** As kept: {@code {ended at millis}|{archived at millis}|{status}|{referrer}|{identity key}}. */
  String text() {
    return endedAt.toEpochMilli() + "|" + archivedAt.toEpochMilli() + "|" + status + "|" + referrer + "|" + identityKey;
  }

  static ArchivedReferral parse(String text) {
    String[] parts = text.split("\\|", 5);
    return new ArchivedReferral(Instant.ofEpochMilli(Long.parseLong(parts[0])), Instant.ofEpochMilli(Long.parseLong(parts[1])),
        parts[2], parts[3], parts.length > 4 ? parts[4] : "");
  }

  /** What the referral's reader is told. */
  public String explained(String referralId) {
    long days = Duration.between(endedAt, archivedAt).toDays();
    return "referral " + referralId + " ended (" + status + ") on " + LocalDate.ofInstant(endedAt, ZoneOffset.UTC)
        + " and was archived " + days + (days == 1 ? " day" : " days") + " later, on "
        + LocalDate.ofInstant(archivedAt, ZoneOffset.UTC) + ": its history is on the referrals log, its figures in the totals";
  }
}
