package org.linkway.referral.lifecycle.stream;

import org.linkway.platform.streams.Feed;
import org.linkway.state.ReferralState;
import org.springframework.stereotype.Component;

/** Every change to a referral as the state machine makes it, for the referrers' SSE streams. */
@Component
public class ReferralFeed extends Feed<ReferralState> {}
