package org.linkway.provider.directory;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.linkway.commands.DirectoryCommand;
import org.linkway.events.ServiceListed;
import org.linkway.platform.Decisions;
import org.linkway.platform.Decisions.Decision;

/**
 * The directory's one decider: takes {@code directory-commands} one at a time per service id,
 * decides each against the listing it holds ({@link DirectoryDecider}) and writes what it accepts
 * to {@code provider-directory}, answering the request that sent the command. What it holds is its
 * own store, written in the same transaction as the listing, so a second command for an id sees
 * the first one's result, not a table that has yet to catch up.
 *
 * <p>It also reads {@code provider-directory}, only to learn listings written before it existed:
 * one it already holds is its own, echoed back, and may be older than what it has since decided.
 */
final class DirectoryProcessor implements Processor<String, SpecificRecord, String, SpecificRecord> {

  static final String STORE = "directory-listings";

  private final Decisions decisions;
  private ProcessorContext<String, SpecificRecord> context;
  private KeyValueStore<String, ServiceListed> listings;

  DirectoryProcessor(Decisions decisions) {
    this.decisions = decisions;
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    this.context = context;
    this.listings = context.getStateStore(STORE);
  }

  @Override
  public void process(Record<String, SpecificRecord> record) {
    if (record.value() instanceof ServiceListed listed) {
      if (listings.get(record.key()) == null) listings.put(record.key(), listed);
      return;
    }
    if (!(record.value() instanceof DirectoryCommand command)) return;
    ServiceListed current = listings.get(record.key());
    DirectoryDecider.Step step = DirectoryDecider.decide(current, record.key(), command);
    if (step.refusal() != null) {
      decisions.decided(command.getMetadata().getEventId(), Decision.refused(step.refusal()));
      return;
    }
    if (step.changes(current)) {
      listings.put(record.key(), step.listing());
      context.forward(record.withValue(step.listing()));
    }
    decisions.decided(command.getMetadata().getEventId(), Decision.accepted(step.listing()));
  }
}
