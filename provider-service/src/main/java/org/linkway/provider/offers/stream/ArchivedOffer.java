package org.linkway.provider.offers.stream;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Optional;
import org.linkway.platform.streams.StoreQueries;

/**
 * What provider-service still holds of an offer that ended and left the hot stores ({@link OfferProcessor#ARCHIVE}):
 * when it ended, when it was archived, how it ended, whose it was and which attempt it was, so that the provider's
 * requests about it (its referral page, its commands) are told it was archived rather than answered as if it never
 * was, and an input for it decides nothing (a later offer of the referral, a new attempt, is an offer again). Kept
 * until {@code linkway.retention.identities} after the end; the offer's history is on the {@code provider-events} log.
 *
 * @param endedAt when the offer ended
 * @param archivedAt when it left the hot stores
 * @param status how it ended
 * @param providerId the provider it was offered to: only it is told (to anyone else the referral is not found)
 * @param serviceId the provider's service it was offered to
 * @param attempt the attempt the offer was
 */
public record ArchivedOffer(Instant endedAt, Instant archivedAt, String status, String providerId, String serviceId,
    int attempt) {

  /** As kept: {@code {ended at millis}|{archived at millis}|{status}|{providerId}|{serviceId}|{attempt}}. */
  public String text() {
    return endedAt.toEpochMilli() + "|" + archivedAt.toEpochMilli() + "|" + status + "|" + providerId + "|" + serviceId
        + "|" + attempt;
  }

  static ArchivedOffer parse(String text) {
    String[] parts = text.split("\\|", 6);
    return new ArchivedOffer(Instant.ofEpochMilli(Long.parseLong(parts[0])), Instant.ofEpochMilli(Long.parseLong(parts[1])),
        parts[2], parts[3], parts[4], Integer.parseInt(parts[5]));
  }

  /** The offer's archive note, read by key on the instance that owns the referral. */
  public static Optional<ArchivedOffer> of(StoreQueries stores, String referralId) {
    return stores.<String>get(OfferProcessor.ARCHIVE, referralId).map(ArchivedOffer::parse);
  }

  /** What the offer's provider is told. */
  public String explained(String referralId) {
    long days = Duration.between(endedAt, archivedAt).toDays();
    return "the offer of referral " + referralId + " ended (" + status + ") on " + LocalDate.ofInstant(endedAt, ZoneOffset.UTC)
        + " and was archived " + days + (days == 1 ? " day" : " days") + " later, on "
        + LocalDate.ofInstant(archivedAt, ZoneOffset.UTC) + ": its history is on the provider-events log";
  }
}
