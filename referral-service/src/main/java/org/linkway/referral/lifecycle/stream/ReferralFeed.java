package org.linkway.referral.lifecycle.stream;

import java.time.Instant;
import org.linkway.platform.kafka.Topic;
import org.linkway.platform.kafka.Topics;
import org.linkway.platform.streams.ResumableFeed;
import org.linkway.platform.web.ResumableStream;
import org.linkway.state.ReferralState;
import org.springframework.stereotype.Component;

/**
 * The practices' referrals as they change, once committed, every one whichever instance reads: the changelog of
 * the practices' lists ({@link PracticeReferrals}), written in the transaction that changed the referral, tailed by
 * every instance (its deletes passed over). For the referrers' live streams, whose events are the referrals' steps
 * (each entry of a referral's history), resumable from a position in the changelog ({@link ResumableStream#of}).
 */
@Component
public class ReferralFeed extends ResumableFeed<ReferralState> {

  /** The changelog of the practices' lists, the service's own. */
  public static final Topic<ReferralState> TOPIC = Topics.changelog(Topics.REFERRAL_SERVICE, PracticeReferrals.STORE,
      ReferralState.class);

  /**
   * A referral at one step: {@code {referralId}-{steps in its history}@{epoch millis of the last}}, the same on every
   * instance (the stream's event id adds the stream's position).
   */
  public static final ResumableStream.Keys<ReferralState> KEYS =
      ResumableStream.Keys.ofStates(s -> s.getReferralId() + "-" + s.getHistory().size(), ReferralFeed::changedAt);

  ReferralFeed(Readers readers) {
    super(TOPIC, readers, KEYS);
  }

  /** When the referral took its last step (the last entry of its history). */
  public static Instant changedAt(ReferralState s) {
    return s.getHistory().isEmpty() ? Instant.EPOCH : s.getHistory().get(s.getHistory().size() - 1).getAt();
  }
}
