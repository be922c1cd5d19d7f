package org.linkway.provider.offers.stream;

import java.time.Instant;
import org.linkway.platform.kafka.Topic;
import org.linkway.platform.kafka.Topics;
import org.linkway.platform.streams.ResumableFeed;
import org.linkway.platform.web.ResumableStream;
import org.linkway.state.OfferState;
import org.springframework.stereotype.Component;

/**
 * The providers' offers as they change, once committed, every one whichever instance reads: the changelog of
 * the providers' lists ({@link ProviderOffers}), written in the transaction that changed the offer, tailed by
 * every instance (its deletes, an offer leaving a provider's list, passed over). For the providers' live streams,
 * whose events are the offers made and their changes of status ({@code changedAt}), resumable from a position in
 * the changelog ({@link ResumableStream#of}).
 */
@Component
public class OfferFeed extends ResumableFeed<OfferState> {

  /** The changelog of the providers' lists, the service's own. */
  public static final Topic<OfferState> TOPIC = Topics.changelog(Topics.PROVIDER_SERVICE, ProviderOffers.STORE,
      OfferState.class);

  /**
   * An offer at one change: {@code {referralId}-{attempt}@{epoch millis of its last change}}, the same on every
   * instance (the stream's event id adds the stream's position).
   */
  public static final ResumableStream.Keys<OfferState> KEYS =
      ResumableStream.Keys.ofStates(s -> s.getReferralId() + "-" + s.getOffer().getAttempt(), OfferFeed::changedAt);

  OfferFeed(Readers readers) {
    super(TOPIC, readers, KEYS);
  }

  /** When the offer was made or last changed status; for one kept before that was recorded, when it was made. */
  public static Instant changedAt(OfferState s) {
    return s.getChangedAt() != null ? s.getChangedAt() : s.getOfferedAt();
  }
}
