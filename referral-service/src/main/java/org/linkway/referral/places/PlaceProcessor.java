package org.linkway.referral.places;

import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.linkway.events.FillPlace;
import org.linkway.events.PlaceDecision;
import org.linkway.events.PlaceRequest;
import org.linkway.events.ReleasePlace;
import org.linkway.events.ServiceListed;
import org.linkway.events.ServiceLoad;
import org.linkway.events.TakePlace;
import org.linkway.referral.routing.Load;
import org.linkway.state.PlaceHeld;

/**
 * The place decider of the services of one stream task. Its input, {@code place-requests}, is keyed by
 * serviceId, so every request for a place at one service is decided here, one at a time, in order: two
 * referrals can never both take its last place, whichever instance routed them. A place is granted while
 * open offers and accepted referrals are below the service's places (from the directory); else the request
 * goes on to the next candidate's key, and after the last the answer is that there is none. Answers go to
 * {@code place-decisions} keyed by referralId; the load after each change to {@code service-load}. State,
 * answers and load are committed in one transaction with the request's offset, so a place is taken exactly
 * once; a request seen again (the same referral and attempt) is answered as it was and counts once.
 */
final class PlaceProcessor extends ContextualProcessor<String, PlaceRequest, String, SpecificRecord> {

  /** Each service's load, by serviceId. */
  static final String LOADS = "places";
  /** Each place held, by {@code {serviceId}/{referralId}}. */
  static final String HELD = "places-held";

  private final Function<String, Optional<ServiceListed>> directory;
  private KeyValueStore<String, ServiceLoad> loads;
  private KeyValueStore<String, PlaceHeld> held;

  PlaceProcessor(Function<String, Optional<ServiceListed>> directory) {
    this.directory = directory;
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    super.init(context);
    this.loads = context.getStateStore(LOADS);
    this.held = context.getStateStore(HELD);
  }

  @Override
  public void process(Record<String, PlaceRequest> record) {
    String serviceId = record.key();
    PlaceRequest request = record.value();
    String referralId = request.getMetadata().getReferralId().toString();
    String heldKey = serviceId + "/" + referralId;
    PlaceHeld place = held.get(heldKey);
    Object payload = request.getPayload();
    if (payload instanceof TakePlace take) {
      if (place != null && place.getAttempt() == take.getAttempt()) {
        // the same request again: the place it took is still its own
        Load load = load(serviceId);
        answer(record, referralId, Places.granted(request, take, place.getAccepted() ? load
            : new Load(load.openOffers() - 1, load.accepted()), capacity(serviceId)));
        return;
      }
      if (place != null) give(record, serviceId, heldKey, place); // an earlier attempt's place, not given back
      Load load = load(serviceId);
      int capacity = capacity(serviceId);
      if (load.total() < capacity) {
        held.put(heldKey, new PlaceHeld(request.getMetadata().getReferralId(), serviceId, take.getAttempt(), false));
        changed(record, serviceId, new Load(load.openOffers() + 1, load.accepted()), capacity);
        answer(record, referralId, Places.granted(request, take, load, capacity));
      } else {
        SpecificRecord next = Places.passedOn(request, take);
        if (next instanceof PlaceRequest passed) {
          context().forward(record.withKey(Places.serviceOf(passed)).withValue(passed));
        } else {
          answer(record, referralId, (PlaceDecision) next);
        }
      }
    } else if (payload instanceof FillPlace fill) {
      if (place == null || place.getAttempt() != fill.getAttempt() || place.getAccepted()) return;
      held.put(heldKey, PlaceHeld.newBuilder(place).setAccepted(true).build());
      Load load = load(serviceId);
      changed(record, serviceId, new Load(load.openOffers() - 1, load.accepted() + 1), capacity(serviceId));
    } else if (payload instanceof ReleasePlace release) {
      if (place == null || place.getAttempt() != release.getAttempt()) return;
      give(record, serviceId, heldKey, place);
    }
  }

  private void give(Record<String, PlaceRequest> cause, String serviceId, String heldKey, PlaceHeld place) {
    held.delete(heldKey);
    Load load = load(serviceId);
    changed(cause, serviceId, place.getAccepted() ? new Load(load.openOffers(), load.accepted() - 1)
        : new Load(load.openOffers() - 1, load.accepted()), capacity(serviceId));
  }

  private Load load(String serviceId) {
    ServiceLoad load = loads.get(serviceId);
    return load == null ? Load.NONE : new Load(load.getOpenOffers(), load.getAccepted());
  }

  /** The service's places as the directory lists them; none if it is not listed. */
  private int capacity(String serviceId) {
    return directory.apply(serviceId).map(ServiceListed::getCapacity).orElse(0);
  }

  /**
   * Keeps the service's load and sends it to {@code service-load}, as of the later of its last row and the cause: requests
   * reach a service's partition in their own order, not their events' (one made earlier can come later), and a row whose
   * time went back would be "out of order" to the global table that reads it (a warning a row, thousands a minute).
   */
  private void changed(Record<String, PlaceRequest> cause, String serviceId, Load load, int capacity) {
    ServiceLoad before = loads.get(serviceId);
    long asOf = before == null ? cause.timestamp() : Math.max(cause.timestamp(), before.getUpdatedAt().toEpochMilli());
    ServiceLoad row = new ServiceLoad(serviceId, Math.max(0, load.openOffers()), Math.max(0, load.accepted()), capacity,
        Instant.ofEpochMilli(asOf));
    loads.put(serviceId, row);
    context().forward(cause.withKey(serviceId).withValue(row).withTimestamp(asOf));
  }

  private void answer(Record<String, PlaceRequest> cause, String referralId, PlaceDecision decision) {
    context().forward(cause.withKey(referralId).withValue(decision));
  }
}
