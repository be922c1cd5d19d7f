package org.linkway.platform;

import java.util.List;
import org.linkway.commands.ContractCommand;
import org.linkway.commands.DirectoryCommand;
import org.linkway.commands.ProviderCommand;
import org.linkway.commands.ReferralCommand;
import org.linkway.events.PersonKey;
import org.linkway.events.BudgetAgreed;
import org.linkway.events.BudgetDecision;
import org.linkway.events.BudgetRequest;
import org.linkway.events.BudgetUse;
import org.linkway.events.ContractAgreed;
import org.linkway.events.LedgerEvent;
import org.linkway.events.OutcomeReported;
import org.linkway.events.ProviderEvent;
import org.linkway.events.ReferralEvent;
import org.linkway.events.ReferralRejected;
import org.linkway.events.ReferralRequested;
import org.linkway.events.ServiceListed;

/**
 * Every topic of Linkway, declared once. Topics keyed by referralId share a partition count so
 * that one referral's events from different topics meet on the same stream task.
 */
public final class Topics {

  public static final int REFERRAL_PARTITIONS = 6;
  public static final int TABLE_PARTITIONS = 3;

  public static final String REFERRAL_SERVICE = "referral-service";
  public static final String PROVIDER_SERVICE = "provider-service";
  public static final String OUTCOME_SERVICE = "outcome-service";

  public static final Topic<ReferralRequested> REFERRAL_REQUESTS =
      new Topic<>("referral-requests", ReferralRequested.class, REFERRAL_PARTITIONS, "GP systems", false);
  public static final Topic<ReferralRejected> REFERRAL_REJECTIONS =
      new Topic<>("referral-rejections", ReferralRejected.class, REFERRAL_PARTITIONS, REFERRAL_SERVICE, false);
  public static final Topic<ReferralCommand> REFERRAL_COMMANDS =
      new Topic<>("referral-commands", ReferralCommand.class, REFERRAL_PARTITIONS, REFERRAL_SERVICE, false);
  public static final Topic<ReferralEvent> REFERRALS =
      new Topic<>("referrals", ReferralEvent.class, REFERRAL_PARTITIONS, REFERRAL_SERVICE, false);
  public static final Topic<ServiceListed> PROVIDER_DIRECTORY =
      new Topic<>("provider-directory", ServiceListed.class, TABLE_PARTITIONS, PROVIDER_SERVICE, true);
  /** Changes to the directory, keyed by serviceId like provider-directory: one decider per service id. */
  public static final Topic<DirectoryCommand> DIRECTORY_COMMANDS =
      new Topic<>("directory-commands", DirectoryCommand.class, TABLE_PARTITIONS, PROVIDER_SERVICE, false);
  public static final Topic<ProviderCommand> PROVIDER_COMMANDS =
      new Topic<>("provider-commands", ProviderCommand.class, REFERRAL_PARTITIONS, PROVIDER_SERVICE, false);
  public static final Topic<ProviderEvent> PROVIDER_EVENTS =
      new Topic<>("provider-events", ProviderEvent.class, REFERRAL_PARTITIONS, PROVIDER_SERVICE, false);
  public static final Topic<ContractAgreed> FUNDING_CONTRACTS =
      new Topic<>("funding-contracts", ContractAgreed.class, TABLE_PARTITIONS, OUTCOME_SERVICE, true);
  /** Contracts agreed, keyed by contract id like funding-contracts: one decider per contract id. */
  public static final Topic<ContractCommand> CONTRACT_COMMANDS =
      new Topic<>("contract-commands", ContractCommand.class, TABLE_PARTITIONS, OUTCOME_SERVICE, false);
  public static final Topic<LedgerEvent> FUNDING_LEDGER =
      new Topic<>("funding-ledger", LedgerEvent.class, REFERRAL_PARTITIONS, OUTCOME_SERVICE, false);
  public static final Topic<OutcomeReported> COMMISSIONER_OUTCOMES =
      new Topic<>("commissioner-outcomes", OutcomeReported.class, TABLE_PARTITIONS, OUTCOME_SERVICE, false);
  /** Each commissioner's budget per financial year, keyed "{commissioner}|{financial year}". */
  public static final Topic<BudgetAgreed> COMMISSIONER_BUDGETS =
      new Topic<>("commissioner-budgets", BudgetAgreed.class, TABLE_PARTITIONS, OUTCOME_SERVICE, true);
  /** How much of each budget is used, keyed like commissioner-budgets; routing reads it. */
  public static final Topic<BudgetUse> BUDGET_USE =
      new Topic<>("budget-use", BudgetUse.class, TABLE_PARTITIONS, OUTCOME_SERVICE, true);
  /** Requests to reserve funding for an acceptance, keyed by commissioner so that one task sees all of them. */
  public static final Topic<BudgetRequest> BUDGET_REQUESTS =
      new Topic<>("budget-requests", BudgetRequest.class, REFERRAL_PARTITIONS, PROVIDER_SERVICE, false);
  /** The budget's answer to each request, keyed by referralId, back to the offer it is for. */
  public static final Topic<BudgetDecision> BUDGET_DECISIONS =
      new Topic<>("budget-decisions", BudgetDecision.class, REFERRAL_PARTITIONS, OUTCOME_SERVICE, false);

  /**
   * People's data keys, keyed {personId}/{keyId}, compacted, and cleaned soon after an erasure's
   * tombstones (see {@link #PERSON_KEYS_CLEANUP}): what makes a sealed identity readable.
   */
  public static final Topic<PersonKey> PERSON_KEYS =
      new Topic<>("person-keys", PersonKey.class, TABLE_PARTITIONS, REFERRAL_SERVICE, true);

  /** person-keys is compacted within a minute of a tombstone, so an erased key leaves the broker's disk too. */
  public static final java.util.Map<String, String> PERSON_KEYS_CLEANUP = java.util.Map.of(
      "segment.ms", "60000", "min.cleanable.dirty.ratio", "0.01", "delete.retention.ms", "1000",
      "max.compaction.lag.ms", "60000");

  private static final List<Topic<?>> ALL = List.of(
      REFERRAL_REQUESTS, REFERRAL_REJECTIONS, REFERRAL_COMMANDS, REFERRALS, PROVIDER_DIRECTORY, DIRECTORY_COMMANDS,
      PROVIDER_COMMANDS, PROVIDER_EVENTS, FUNDING_CONTRACTS, CONTRACT_COMMANDS, FUNDING_LEDGER, COMMISSIONER_OUTCOMES,
      COMMISSIONER_BUDGETS, BUDGET_USE, BUDGET_REQUESTS, BUDGET_DECISIONS, PERSON_KEYS);

  private Topics() {}

  public static List<Topic<?>> all() {
    return ALL;
  }
}
