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
import org.linkway.outcome.outcomes.OutcomeFeed;
import org.linkway.platform.streams.StoreQueries;
import org.linkway.state.FundingState;

/**
 * Applies {@link FundingRules} to each referral's events from {@code referrals} and
 * {@code provider-events}. Ledger events go out keyed by referralId, outcome reports keyed by
 * commissioner; the state and both outputs commit in one transaction, so a redelivered or
 * reprocessed input never makes a payment due twice.
 */
public final class FundingProcessor extends ContextualProcessor<String, SpecificRecord, String, SpecificRecord> {

  /** The funding store, where outcome-service keeps each referral's funding and outcomes. */
  public static final String STORE = "funding-state";

  /** The funding state of each referral of one commissioner, read from the {@link #STORE} as {@link StoreQueries} reads. */
  public static List<FundingState> ofCommissioner(StoreQueries stores, String commissioner) {
    return stores.all(STORE, (FundingState s) -> commissioner.equals(s.getCommissioner()));
  }

  private final FundingRules rules;
  private final OutcomeFeed feed;
  private final LedgerFeed ledgerFeed;
  private KeyValueStore<String, FundingState> funding;

  FundingProcessor(FundingRules rules, OutcomeFeed feed, LedgerFeed ledgerFeed) {
    this.rules = rules;
    this.feed = feed;
    this.ledgerFeed = ledgerFeed;
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    super.init(context);
    this.funding = context.getStateStore(STORE);
  }

  @Override
  public void process(Record<String, SpecificRecord> record) {
    FundingState before = funding.get(record.key());
    FundingRules.Step step = rules.apply(before, record.value());
    if (step.state() == before) return;
    funding.put(record.key(), step.state());
    for (SpecificRecord output : step.outputs()) {
      if (output instanceof LedgerEvent ledger) {
        context().forward(record.withValue(output).withTimestamp(ledger.getMetadata().getOccurredAt().toEpochMilli()));
        ledgerFeed.publish(ledger);
      } else if (output instanceof OutcomeReported outcome) {
        context().forward(record.withKey(outcome.getCommissioner()).withValue(output)
            .withTimestamp(outcome.getMetadata().getOccurredAt().toEpochMilli()));
        feed.publish(outcome);
      }
    }
  }
}
