package org.linkway.referral.places;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.linkway.events.EventMetadata;
import org.linkway.events.FillPlace;
import org.linkway.events.NoPlace;
import org.linkway.events.PlaceDecision;
import org.linkway.events.PlaceGranted;
import org.linkway.events.PlaceRequest;
import org.linkway.events.ReleasePlace;
import org.linkway.events.TakePlace;
import org.linkway.platform.kafka.Events;
import org.linkway.referral.ReferralServiceApplication;
import org.linkway.referral.routing.Load;

/** The requests a referral's decider sends to the services' place deciders, and their answers. */
public final class Places {

  private static final String SELF = ReferralServiceApplication.NAME;

  private Places() {}

  /** Ask the first of {@code candidates} (best first) for a place for this attempt. */
  public static PlaceRequest take(EventMetadata cause, int attempt, List<String> candidates) {
    return take(cause, attempt, candidates, Clock.systemUTC());
  }

  /** {@link #take(EventMetadata, int, List)}, asked at the {@code clock}'s instant. */
  public static PlaceRequest take(EventMetadata cause, int attempt, List<String> candidates, Clock clock) {
    return new PlaceRequest(Events.causedBy(SELF, cause, "place-" + attempt, clock),
        new TakePlace(attempt, candidates, List.of()));
  }

  public static PlaceRequest fill(EventMetadata cause, int attempt, String serviceId) {
    return fill(cause, attempt, serviceId, Clock.systemUTC());
  }

  /** {@link #fill(EventMetadata, int, String)}, asked at the {@code clock}'s instant. */
  public static PlaceRequest fill(EventMetadata cause, int attempt, String serviceId, Clock clock) {
    return new PlaceRequest(Events.causedBy(SELF, cause, "fill-" + attempt, clock), new FillPlace(attempt, serviceId));
  }

  public static PlaceRequest release(EventMetadata cause, int attempt, String serviceId, String reason) {
    return release(cause, attempt, serviceId, reason, Clock.systemUTC());
  }

  /** {@link #release(EventMetadata, int, String, String)}, asked at the {@code clock}'s instant. */
  public static PlaceRequest release(EventMetadata cause, int attempt, String serviceId, String reason, Clock clock) {
    return new PlaceRequest(Events.causedBy(SELF, cause, "release-" + attempt + "-" + serviceId, clock),
        new ReleasePlace(attempt, serviceId, reason));
  }

  /** The service whose place decider decides the request: it is keyed by it. */
  public static String serviceOf(PlaceRequest request) {
    Object payload = request.getPayload();
    if (payload instanceof TakePlace take) return take.getCandidates().get(0);
    if (payload instanceof FillPlace fill) return fill.getServiceId();
    if (payload instanceof ReleasePlace release) return release.getServiceId();
    throw new IllegalArgumentException("not a place request: " + payload);
  }

  /** The place at the first candidate is taken; {@code before} is its load before it was. */
  public static PlaceDecision granted(PlaceRequest request, TakePlace take, Load before, int capacity) {
    return new PlaceDecision(Events.causedBy(SELF, request.getMetadata(), "granted"), take.getAttempt(),
        new PlaceGranted(take.getCandidates().get(0), before.openOffers(), before.accepted(), capacity, take.getFull()));
  }

  /**
   * The first candidate is full: the request for the next, keyed by it ({@link PlaceRequest}), or, when it was the
   * last, the answer that none has a place ({@link PlaceDecision}).
   */
  public static SpecificRecord passedOn(PlaceRequest request, TakePlace take) {
    List<String> full = new ArrayList<>(take.getFull());
    full.add(take.getCandidates().get(0));
    if (take.getCandidates().size() == 1) {
      return new PlaceDecision(Events.causedBy(SELF, request.getMetadata(), "no-place"), take.getAttempt(), new NoPlace(full));
    }
    return new PlaceRequest(Events.causedBy(SELF, request.getMetadata(), "passed-on"),
        new TakePlace(take.getAttempt(), List.copyOf(take.getCandidates().subList(1, take.getCandidates().size())), full));
  }
}
