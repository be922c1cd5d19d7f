package org.linkway.outcome.budgets;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.linkway.events.BudgetAgreed;
import org.linkway.events.BudgetDecision;
import org.linkway.events.BudgetRequest;
import org.linkway.events.BudgetUse;
import org.linkway.events.ContractAgreed;
import org.linkway.events.LedgerEvent;
import org.linkway.events.ReserveFunding;
import org.linkway.events.WithdrawReservation;
import org.linkway.outcome.OutcomeServiceApplication;
import org.linkway.platform.domain.Funding;
import org.linkway.platform.domain.SocialPrescribing;
import org.linkway.platform.kafka.Events;
import org.linkway.platform.kafka.Topics;
import org.linkway.platform.streams.FundingTables;
import org.linkway.platform.streams.GlobalTables;
import org.linkway.platform.streams.ReferenceTable;

/**
 * Keeps each commissioner's budget use per financial year and decides reservations. Its inputs are
 * keyed by commissioner ({@code budget-requests}, and the ledger's due and released entries
 * re-keyed), so one commissioner's requests are decided one at a time, in order: two acceptances
 * can never both take the last of a budget. Decisions go to {@code budget-decisions} keyed by
 * referralId; the use, after each change, to {@code budget-use} keyed by commissioner and year.
 */
final class BudgetProcessor extends ContextualProcessor<String, SpecificRecord, String, SpecificRecord> {

  /** Budget use keyed "{commissioner}|{financial year}". */
  static final String STORE = "budget-use";

  /** The contracts and the budgets, read from their global tables ({@link org.linkway.platform.streams.FundingTables}). */
  private ReferenceTable<ContractAgreed> contracts;
  private ReferenceTable<BudgetAgreed> budgets;
  private KeyValueStore<String, BudgetUse> budgetUse;

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    super.init(context);
    this.budgetUse = context.getStateStore(STORE);
    this.contracts = GlobalTables.in(context, Topics.FUNDING_CONTRACTS);
    this.budgets = GlobalTables.in(context, Topics.COMMISSIONER_BUDGETS);
  }

  @Override
  public void process(Record<String, SpecificRecord> record) {
    if (record.value() instanceof BudgetRequest request && request.getPayload() instanceof ReserveFunding reserve) {
      Instant at = request.getMetadata().getOccurredAt();
      String year = Funding.financialYear(at);
      String key = Funding.budgetKey(reserve.getCommissioner(), year);
      Optional<ContractAgreed> contract = FundingTables.contractFor(contracts, reserve.getCommissioner(),
          reserve.getProviderId(), reserve.getServiceId(), LocalDate.ofInstant(at, SocialPrescribing.UK));
      BudgetUse before = budgetUse.get(key);
      BudgetRules.Decision decision = BudgetRules.reserve(reserve.getCommissioner(), year, contract,
          budgets.get(key).orElse(null), before, at);
      if (decision.use() != before) changed(key, decision.use(), record);
      BudgetDecision answer = new BudgetDecision(Events.causedBy(OutcomeServiceApplication.NAME, request.getMetadata(), "budget"),
          reserve.getAcceptCommandId(), decision.payload());
      context().forward(record.withKey(request.getMetadata().getReferralId().toString()).withValue(answer));
    } else if (record.value() instanceof BudgetRequest request && request.getPayload() instanceof WithdrawReservation withdraw) {
      String key = Funding.budgetKey(withdraw.getCommissioner(), withdraw.getFinancialYear());
      BudgetUse use = budgetUse.get(key);
      if (use != null) changed(key, BudgetRules.withdraw(use, withdraw.getAmount(), request.getMetadata().getOccurredAt()), record);
    } else if (record.value() instanceof LedgerEvent entry) {
      BudgetRules.financialYear(entry).ifPresent(year -> {
        String key = Funding.budgetKey(BudgetRules.commissioner(entry), year);
        BudgetUse use = budgetUse.get(key);
        if (use == null) use = BudgetRules.none(BudgetRules.commissioner(entry), year, entry.getMetadata().getOccurredAt());
        changed(key, BudgetRules.apply(use, entry), record);
      });
    }
  }

  private void changed(String key, BudgetUse use, Record<String, SpecificRecord> cause) {
    budgetUse.put(key, use);
    context().forward(cause.withKey(key).withValue(use));
  }
}
