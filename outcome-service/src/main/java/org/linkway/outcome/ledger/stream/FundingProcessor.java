package org.linkway.outcome.ledger.stream;

import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.linkway.events.LedgerEvent;
import org.linkway.events.OutcomeReported;
import org.linkway.outcome.ledger.domain.FundingRules;
import org.linkway.outcome.opendata.OpenDataEntries;
import org.linkway.outcome.timecredits.Wallets;
import org.linkway.platform.kafka.Topics;
import org.linkway.platform.streams.GlobalTables;
import org.linkway.platform.streams.ViewFill;
import org.linkway.state.FundingState;

/**
 * Applies {@link FundingRules} to each referral's events from {@code referrals} and
 * {@code provider-events}. Ledger events go out keyed by referralId, outcome reports keyed by
 * commissioner, and each new state to the views kept from it: the commissioner's ({@link CommissionerFunding}),
 * the open-data entries ({@link OpenDataEntries}) and the wallets ({@link Wallets}); the state and the
 * outputs commit in one transaction, so a redelivered or reprocessed input never makes a payment due twice.
 */
public final class FundingProcessor extends ContextualProcessor<String, SpecificRecord, String, SpecificRecord> {

  /** The funding store, where outcome-service keeps each referral's funding and outcomes. */
  public static final String STORE = "funding-state";

  /**
   * Per task, whether every state it held has been sent to each view once: a store
   * filled before the view existed fills it at its first start, then never again.
   */
  static final String VIEW_FILLED = "funding-view-filled";

  /** The funding rules over the contracts, read from the global table in this processor's context. */
  private FundingRules rules;
  private KeyValueStore<String, FundingState> funding;

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    super.init(context);
    this.rules = new FundingRules(GlobalTables.in(context, Topics.FUNDING_CONTRACTS)::values);
    this.funding = context.getStateStore(STORE);
    for (String view : List.of(CommissionerFunding.STORE, OpenDataEntries.STORE, Wallets.STORE)) {
      ViewFill.<FundingState>once(context, VIEW_FILLED, view, STORE,
          (referralId, state) -> context.forward(new Record<String, SpecificRecord>(referralId, state, context.currentSystemTimeMs())));
    }
  }

  @Override
  public void process(Record<String, SpecificRecord> record) {
    FundingState before = funding.get(record.key());
    FundingRules.Step step = rules.apply(before, record.value());
    if (step.state() == before) return;
    funding.put(record.key(), step.state());
    // the state itself goes on too, to the commissioner's view (CommissionerFunding)
    context().forward(record.withValue(step.state()));
    for (SpecificRecord output : step.outputs()) {
      if (output instanceof LedgerEvent ledger) {
        context().forward(record.withValue(output).withTimestamp(ledger.getMetadata().getOccurredAt().toEpochMilli()));
      } else if (output instanceof OutcomeReported outcome) {
        context().forward(record.withKey(outcome.getCommissioner()).withValue(output)
            .withTimestamp(outcome.getMetadata().getOccurredAt().toEpochMilli()));
      }
    }
  }
}
