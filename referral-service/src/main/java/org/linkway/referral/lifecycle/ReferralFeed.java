package org.linkway.referral.lifecycle;

import org.linkway.state.ReferralState;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/** Every change to a referral as the state machine makes it, for the referrers' SSE streams. */
@Component
public class ReferralFeed {

  private final Sinks.Many<ReferralState> changes = Sinks.many().multicast().directBestEffort();

  void changed(ReferralState state) {
    changes.tryEmitNext(state);
  }

  Flux<ReferralState> changes() {
    return changes.asFlux();
  }
}
