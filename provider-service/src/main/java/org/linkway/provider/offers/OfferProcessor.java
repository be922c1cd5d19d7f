package org.linkway.provider.offers;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.linkway.commands.ProviderCommand;
import org.linkway.events.ReferralCancelled;
import org.linkway.events.ReferralEvent;
import org.linkway.events.ReferralOffered;
import org.linkway.platform.Decisions;
import org.linkway.platform.Decisions.Decision;
import org.linkway.state.OfferState;
import org.linkway.state.OfferStatus;

/**
 * Keeps each referral's offer state from {@code referrals} (offers, cancellations) and decides the
 * providers' commands from {@code provider-commands}, writing what it decides to
 * {@code provider-events}. One referral's inputs are handled one at a time, in order.
 */
final class OfferProcessor implements Processor<String, SpecificRecord, String, org.linkway.events.ProviderEvent> {

  static final String STORE = "offer-state";

  private final Decisions decisions;
  private final OfferFeed feed;
  private ProcessorContext<String, org.linkway.events.ProviderEvent> context;
  private KeyValueStore<String, OfferState> store;

  OfferProcessor(Decisions decisions, OfferFeed feed) {
    this.decisions = decisions;
    this.feed = feed;
  }

  @Override
  public void init(ProcessorContext<String, org.linkway.events.ProviderEvent> context) {
    this.context = context;
    this.store = context.getStateStore(STORE);
  }

  @Override
  public void process(Record<String, SpecificRecord> record) {
    OfferState state = store.get(record.key());
    if (record.value() instanceof ReferralEvent event) {
      if (event.getPayload() instanceof ReferralOffered offer) {
        OfferState after = OfferLifecycle.offered(state, offer, event.getMetadata());
        if (after != state) {
          store.put(record.key(), after);
          if (after.getStatus() == OfferStatus.OFFERED) feed.published(after);
        }
      } else if (event.getPayload() instanceof ReferralCancelled && state != null) {
        OfferState after = OfferLifecycle.cancelled(state);
        if (after != state) {
          store.put(record.key(), after);
          feed.published(after);
        }
      }
    } else if (record.value() instanceof ProviderCommand command) {
      String commandId = command.getMetadata().getEventId().toString();
      if (state == null) {
        decisions.decided(command.getMetadata().getEventId(), Decision.refused("no referral " + record.key() + " has been offered"));
        return;
      }
      if (state.getProcessedCommandIds().contains(commandId)) {
        return;
      }
      OfferLifecycle.Step step = OfferLifecycle.decide(state, command);
      if (step.refusal() != null) {
        decisions.decided(command.getMetadata().getEventId(), Decision.refused(step.refusal()));
        return;
      }
      store.put(record.key(), step.state());
      context.forward(record.withValue(step.event())
          .withTimestamp(step.event().getMetadata().getOccurredAt().toEpochMilli()));
      decisions.decided(command.getMetadata().getEventId(), Decision.accepted(step.state()));
    }
  }
}
