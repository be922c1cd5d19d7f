package org.linkway.outcome.ledger.stream;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.linkway.outcome.ledger.domain.FundingRules;
import org.linkway.outcome.opendata.OpenDataEntries;
import org.linkway.outcome.timecredits.Wallets;
import org.linkway.platform.kafka.Topics;
import org.linkway.platform.streams.GlobalTables;
import org.linkway.platform.streams.ViewFill;
import org.linkway.state.FundingState;

/**
 * Decides each referral's events from {@code referrals} and {@code provider-events} by {@link FundingRules}: reads
 * the referral's funding state, decides, writes what the events write and keeps the state they evolve to. Ledger
 * events go out keyed by referralId, outcome reports keyed by commissioner, and each new state to the views kept
 * from it: the commissioner's ({@link CommissionerFunding}, and its lists of entries and outcomes, {@link
 * CommissionerLists}), the open-data entries ({@link OpenDataEntries}) and the wallets ({@link Wallets}); the state and the outputs commit in one transaction, so a redelivered or reprocessed
 * input never makes a payment due twice.
 */
public final class FundingProcessor extends ContextualProcessor<String, SpecificRecord, String, SpecificRecord> {

  /** The funding store, where outcome-service keeps each referral's funding and outcomes. */
  public static final String STORE = "funding-state";

  /**
   * Per task, whether every state it held has been sent to each view once: a store
   * filled before the view existed fills it at its first start, then never again.
   */
  static final String VIEW_FILLED = "funding-view-filled";

  /** The funding rules over the contracts of the global table in this processor's context, on the system clock. */
  private FundingRules rules;
  private KeyValueStore<String, FundingState> funding;

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    super.init(context);
    this.rules = new FundingRules(GlobalTables.in(context, Topics.FUNDING_CONTRACTS), Clock.systemUTC());
    this.funding = context.getStateStore(STORE);
    for (String view : List.of(CommissionerFunding.STORE, OpenDataEntries.STORE, Wallets.STORE, CommissionerLists.FILL)) {
      ViewFill.<FundingState>once(context, VIEW_FILLED, view, STORE,
          (referralId, state) -> context.forward(new Record<String, SpecificRecord>(referralId, state, context.currentSystemTimeMs())));
    }
  }

  @Override
  public void process(Record<String, SpecificRecord> record) {
    Optional<FundingRules.Input> input = FundingRules.Input.of(record.value());
    if (input.isEmpty()) return;
    FundingState before = funding.get(record.key());
    List<FundingRules.Event> events = rules.decide(input.get(), before);
    FundingState after = rules.evolve(before, events);
    if (after == before) return;
    funding.put(record.key(), after);
    // the state itself goes on too, to the commissioner's view (CommissionerFunding)
    context().forward(record.withValue(after));
    for (FundingRules.Event event : events) {
      FundingRules.written(event).ifPresent(entry -> context().forward(record.withValue((SpecificRecord) entry)
          .withTimestamp(entry.getMetadata().getOccurredAt().toEpochMilli())));
      FundingRules.reported(event).ifPresent(outcome -> context().forward(record.withKey(outcome.getCommissioner())
          .withValue((SpecificRecord) outcome).withTimestamp(outcome.getMetadata().getOccurredAt().toEpochMilli())));
    }
  }
}
