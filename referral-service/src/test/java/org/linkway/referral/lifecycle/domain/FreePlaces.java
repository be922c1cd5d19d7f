package org.linkway.referral.lifecycle.domain;

import java.util.ArrayList;
import java.util.List;
import org.linkway.events.PlaceRequest;
import org.linkway.events.ReferralEvent;
import org.linkway.events.TakePlace;
import org.linkway.referral.lifecycle.domain.ReferralLifecycle.Step;
import org.linkway.referral.places.Places;
import org.linkway.referral.routing.Load;

/**
 * The services' place deciders as they answer when every service has places free: a request for a place is
 * granted by its first candidate. So that a test of the lifecycle can follow a referral from its submission to
 * its offer as one step, the requests and answers in between being the place deciders' business (tested in
 * {@code PlaceProcessorTest}).
 */
final class FreePlaces {

  private FreePlaces() {}

  /** The step, with its request for a place (if any) answered and the answer applied: the events of both. */
  static Step placed(ReferralLifecycle lifecycle, Step step) {
    for (PlaceRequest request : step.places()) {
      if (request.getPayload() instanceof TakePlace take) {
        Step decided = lifecycle.placeDecided(step.state(), Places.granted(request, take, Load.NONE, 5));
        List<ReferralEvent> events = new ArrayList<>(step.events());
        events.addAll(decided.events());
        List<PlaceRequest> places = new ArrayList<>(step.places());
        places.remove(request);
        places.addAll(decided.places());
        List<ReferralLifecycle.Answer> answers = new ArrayList<>(step.answers());
        answers.addAll(decided.answers());
        return placed(lifecycle, new Step(decided.state(), events, decided.refusal(), answers, places));
      }
    }
    return step;
  }
}
