package org.linkway.provider.offers.domain;

import java.time.Clock;
import java.util.List;
import org.linkway.events.CancelRefused;
import org.linkway.events.CancelRequested;
import org.linkway.events.EventMetadata;
import org.linkway.events.OfferCancelled;
import org.linkway.events.ProviderEvent;
import org.linkway.platform.domain.Decider;
import org.linkway.platform.kafka.Events;
import org.linkway.provider.ProviderServiceApplication;
import org.linkway.state.OfferState;

/**
 * The referrer's cancel of a referral that is with a provider: the part of the offer's lifecycle
 * ({@link OfferLifecycle}) that decides it, with the provider's own commands for the referral: the offer's one stream
 * task takes the {@link CancelRequested} (on {@code referrals}) and the provider's accept, decline, session and
 * complete (on {@code provider-commands}) one at a time, in the order they reach it, so whichever comes first wins
 * and the other is told the end it made. A cancel that finds the offer open (offered, being accepted, accepted) or
 * declined by its provider (the referral between providers) cancels it ({@link OfferCancelled}): a later accept or
 * completion is refused. A cancel that finds it completed, or declined by the person, is refused
 * ({@link CancelRefused}) with that end. referral-service applies either and answers the referrer with it, so both
 * parties are told the same end.
 *
 * <p>Money follows from the events: an acceptance still with the budget when the cancel wins is refused when the
 * budget answers and its reservation is given back ({@link OfferLifecycle.GivenBack}); after an acceptance, the
 * ledger releases what was reserved and not earned when it reads the referral's cancellation.
 */
public final class OfferCancels implements Decider<OfferCancels.Command, OfferState, OfferCancels.Event> {

  private static final String SELF = ProviderServiceApplication.NAME;

  /** What this decider is asked. */
  public sealed interface Command permits Cancel {
    Kind kind();

    enum Kind { CANCEL }
  }

  /** The referrer's request to cancel, as read from {@code referrals}. */
  public record Cancel(EventMetadata metadata, CancelRequested request) implements Command {
    @Override
    public Kind kind() {
      return Kind.CANCEL;
    }
  }

  /** What it decides: each is written to {@code provider-events} as it is. */
  public sealed interface Event permits Cancelled, Refused {
    ProviderEvent event();

    Kind kind();

    enum Kind { CANCELLED, REFUSED }
  }

  /** The offer is cancelled ({@link OfferCancelled}). */
  public record Cancelled(ProviderEvent event) implements Event {
    @Override
    public Kind kind() {
      return Kind.CANCELLED;
    }
  }

  /** The offer had ended otherwise first ({@link CancelRefused}). */
  public record Refused(ProviderEvent event) implements Event {
    @Override
    public Kind kind() {
      return Kind.REFUSED;
    }
  }

  private final Clock clock;

  public OfferCancels(Clock clock) {
    this.clock = clock;
  }

  @Override
  public List<Event> decide(Command command, OfferState state) {
    return switch (command.kind()) {
      case CANCEL -> cancel((Cancel) command, state);
    };
  }

  @Override
  public OfferState evolve(OfferState state, Event event) {
    return switch (event.kind()) {
      case CANCELLED -> state == null ? null : OfferLifecycle.cancelled(state);
      case REFUSED -> state;
    };
  }

  private List<Event> cancel(Cancel cancel, OfferState state) {
    String cancelId = cancel.request().getCancelId();
    EventMetadata meta = metadata(cancel.metadata());
    if (state == null) return List.of(new Cancelled(new ProviderEvent(meta, new OfferCancelled(null, null, cancelId, false))));
    String providerId = state.getOffer().getProviderId();
    String serviceId = state.getOffer().getServiceId();
    String refusal = refusal(state);
    if (refusal != null) return List.of(new Refused(new ProviderEvent(meta, new CancelRefused(providerId, serviceId, cancelId, refusal))));
    return List.of(new Cancelled(new ProviderEvent(meta, new OfferCancelled(providerId, serviceId, cancelId, state.getAccepted()))));
  }

  /** Why the offer can no longer be cancelled, or null when it can. */
  private static String refusal(OfferState state) {
    return switch (state.getStatus()) {
      case OFFERED, ACCEPTING, ACCEPTED, CANCELLED -> null;
      // a decline by the provider leaves the referral to be offered again: it is still the referrer's to cancel
      case DECLINED -> OfferLifecycle.declinedByThePerson(state) ? "the person declined the referral" : null;
      case COMPLETED -> "the referral has been completed";
      case WITHDRAWN -> "the offer was withdrawn";
      case UNKNOWN -> "the offer is in a state this service does not know";
    };
  }

  private EventMetadata metadata(EventMetadata cause) {
    return Events.causedBy(SELF, cause, "decided", clock);
  }
}
