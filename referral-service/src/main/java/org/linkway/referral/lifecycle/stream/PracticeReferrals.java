package org.linkway.referral.lifecycle.stream;

import java.time.Instant;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.linkway.platform.kafka.AvroSerdes;
import org.linkway.platform.streams.PartyView;
import org.linkway.state.ReferralState;

/**
 * Each GP practice's referrals, held together by the instance that owns the practice's ODS code:
 * every change of a referral's state is sent on keyed by its referring practice through a
 * repartition topic (in the same transaction), and kept here under
 * {@code {practiceOds}|{newest first}|{referralId}}. So the practice's page is read from one instance
 * by a bounded range, newest first, complete whichever instance holds the referrals, instead of a
 * scan of every referral this instance holds.
 */
public final class PracticeReferrals {

  /** The view: {@code {practiceOds}|{referred at, newest first, 19 digits}|{referralId}} to the referral's state. */
  public static final PartyView<ReferralState> VIEW = new PartyView<>("practice-referrals",
      PracticeReferrals::practiceOf, s -> referredAt(s).toEpochMilli(), true, s -> s.getReferralId().toString());
  public static final String STORE = VIEW.store();
  /**
   * The same referrals by their last change: {@code {practiceOds}|{last step, newest first, 19 digits}|{referralId}}
   * ({@link ReferralFeed#changedAt}), so that "what changed after a moment" is the start of the practice's range, read
   * a page at most (what a practice's stream resumed from a moment sends), not the whole list.
   */
  public static final PartyView<ReferralState> CHANGES = new PartyView<>("practice-changes",
      PracticeReferrals::practiceOf, s -> ReferralFeed.changedAt(s).toEpochMilli(), true, s -> s.getReferralId().toString());
  /** Per task, whether the referrals stored before the view have been sent to it ({@code ViewFill}). */
  static final String FILLED = "referral-view-filled";

  private PracticeReferrals() {}

  /** The practice that referred, whose list the referral is in. */
  static String practiceOf(ReferralState state) {
    return state.getSubmission().getReferrer().getOdsCode();
  }

  /** When the referral was made: its first event. */
  public static Instant referredAt(ReferralState s) {
    return s.getHistory().isEmpty() ? Instant.EPOCH : s.getHistory().get(0).getAt();
  }

  /** Keeps the views ({@link #VIEW}, {@link #CHANGES}) of the referral states the {@link ReferralProcessor} sends on, keyed by practice (the rest ignored). */
  static void keep(StreamsBuilder builder, AvroSerdes serdes, KStream<String, SpecificRecord> outputs) {
    KStream<String, ReferralState> states = outputs.filter((practice, value) -> value instanceof ReferralState)
        .mapValues(value -> (ReferralState) value);
    CHANGES.keepInTask(builder, serdes, ReferralState.class,
        VIEW.keep(builder, serdes, ReferralState.class, states, "referrals-by-practice"));
  }
}
