package org.linkway.platform.kafka;

import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.linkway.commands.ContractCommand;
import org.linkway.commands.DirectoryCommand;
import org.linkway.commands.ProviderCommand;
import org.linkway.commands.ReferralCommand;
import org.linkway.events.BudgetAgreed;
import org.linkway.events.BudgetDecision;
import org.linkway.events.BudgetRequest;
import org.linkway.events.BudgetUse;
import org.linkway.events.ContractAgreed;
import org.linkway.events.LedgerEvent;
import org.linkway.events.OutcomeReported;
import org.linkway.events.PersonErased;
import org.linkway.events.PersonKey;
import org.linkway.events.PlaceDecision;
import org.linkway.events.PlaceRequest;
import org.linkway.events.ProviderEvent;
import org.linkway.events.ReferralEvent;
import org.linkway.events.ReferralRejected;
import org.linkway.events.ReferralRequested;
import org.linkway.events.ServiceListed;
import org.linkway.events.ServiceLoad;
import org.linkway.replies.CommandReply;

/**
 * Every topic of Linkway, declared once. Topics keyed by referralId share a partition count so
 * that one referral's events from different topics meet on the same stream task. {@link #all()} are
 * the platform's own; each GP system has two more, {@link #referralRequests} and {@link #referralRejections}, and
 * each commissioner with a Kafka principal two more, {@link #commissionerOutcomes} and {@link #commissionerLedger}.
 */
public final class Topics {

  public static final int REFERRAL_PARTITIONS = 6;
  public static final int TABLE_PARTITIONS = 3;

  public static final String REFERRAL_SERVICE = "referral-service";
  public static final String PROVIDER_SERVICE = "provider-service";
  public static final String OUTCOME_SERVICE = "outcome-service";

  /**
   * What a GP system writes: each GP system has its own {@code referral-requests.<system>}, which only it may
   * write, so that the intake knows who sent a request (see {@link GpSystems}). People's identities are in
   * clear here, so it keeps a week ({@link #REQUESTS_RETENTION}), enough for the intake to read it.
   */
  public static Topic<ReferralRequested> referralRequests(String gpSystem) {
    return new Topic<>(REFERRAL_REQUESTS_PREFIX + GpSystems.checkName(gpSystem), ReferralRequested.class,
        REFERRAL_PARTITIONS, gpSystem, false);
  }

  /** Why a GP system's requests were refused, each field and reason: {@code referral-rejections.<system>}, which only it may read. */
  public static Topic<ReferralRejected> referralRejections(String gpSystem) {
    return new Topic<>(REFERRAL_REJECTIONS_PREFIX + GpSystems.checkName(gpSystem), ReferralRejected.class,
        REFERRAL_PARTITIONS, REFERRAL_SERVICE, false);
  }

  /**
   * One commissioner's outcomes, {@code commissioner-outcomes.<ODS>}: what outcome-service writes to
   * {@link #COMMISSIONER_OUTCOMES} for that ICB, copied in the same transaction, readable by that ICB's
   * principal alone (see {@link Commissioners}). Pseudonymous, like the shared topic.
   */
  public static Topic<OutcomeReported> commissionerOutcomes(String ods) {
    return new Topic<>(COMMISSIONER_OUTCOMES_PREFIX + Commissioners.checkOds(ods), OutcomeReported.class,
        TABLE_PARTITIONS, OUTCOME_SERVICE, false);
  }

  /** One commissioner's ledger entries, {@code funding-ledger.<ODS>}, keyed by referralId like {@link #FUNDING_LEDGER}. */
  public static Topic<LedgerEvent> commissionerLedger(String ods) {
    return new Topic<>(FUNDING_LEDGER_PREFIX + Commissioners.checkOds(ods), LedgerEvent.class,
        REFERRAL_PARTITIONS, OUTCOME_SERVICE, false);
  }

  public static final String COMMISSIONER_OUTCOMES_PREFIX = "commissioner-outcomes.";
  public static final String FUNDING_LEDGER_PREFIX = "funding-ledger.";

  public static final String REFERRAL_REQUESTS_PREFIX = "referral-requests.";
  public static final String REFERRAL_REJECTIONS_PREFIX = "referral-rejections.";

  /** How long a GP system's requests (identities in clear) are kept: 7 days. */
  public static final java.time.Duration REQUESTS_RETENTION = java.time.Duration.ofDays(7);
  /** How long records that could not be read are kept on a -dlt topic, for an operator to look at: 7 days. */
  public static final java.time.Duration DEAD_LETTER_RETENTION = java.time.Duration.ofDays(7);

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
   * Requests to take, fill and give back places at a service, keyed by serviceId, so that one task decides every
   * place of a service, one request at a time: two referrals can never both take its last place. A full service
   * passes a request on to the next candidate's key. Written and read by referral-service alone.
   */
  public static final Topic<PlaceRequest> PLACE_REQUESTS =
      new Topic<>("place-requests", PlaceRequest.class, REFERRAL_PARTITIONS, REFERRAL_SERVICE, false);
  /** A service's answer to a request for a place, keyed by referralId, back to the referral's decider. */
  public static final Topic<PlaceDecision> PLACE_DECISIONS =
      new Topic<>("place-decisions", PlaceDecision.class, REFERRAL_PARTITIONS, REFERRAL_SERVICE, false);
  /** How many places of each service are taken, keyed by serviceId, as its place decider counts them; routing ranks by it. */
  public static final Topic<ServiceLoad> SERVICE_LOAD =
      new Topic<>("service-load", ServiceLoad.class, TABLE_PARTITIONS, REFERRAL_SERVICE, true);

  /**
   * People's data keys, keyed {personId}/{keyId}, compacted, and cleaned soon after an erasure's
   * tombstones (see {@link #PERSON_KEYS_CLEANUP}): what makes a sealed identity readable.
   */
  public static final Topic<PersonKey> PERSON_KEYS =
      new Topic<>("person-keys", PersonKey.class, TABLE_PARTITIONS, REFERRAL_SERVICE, true);

  /**
   * People's erasures, keyed by personId, compacted: what referral-service needs to destroy a key of an
   * erased person that arrives after the erasure (see {@code People}). Never pruned: a key made before an erasure can
   * reach person-keys again for as long as a copy of it exists (one whose tombstone was lost is read again by every
   * instance that starts on an empty disk), and the erasure is what destroys it then. One short record per person
   * erased: it grows with erasures, not with referrals.
   */
  public static final Topic<PersonErased> PERSON_ERASURES =
      new Topic<>("person-erasures", PersonErased.class, TABLE_PARTITIONS, REFERRAL_SERVICE, true);

  /**
   * A person-keys record no service could read may hold a wrapped key: its dead letter is kept an hour, so that an
   * erasure's tombstones are not outlived by a copy on person-keys-dlt for long.
   */
  public static final java.time.Duration PERSON_KEYS_DEAD_LETTER_RETENTION = java.time.Duration.ofHours(1);

  /** person-keys is compacted within a minute of a tombstone, so an erased key leaves the broker's disk too. */
  public static final java.util.Map<String, String> PERSON_KEYS_CLEANUP = java.util.Map.of(
      "segment.ms", "60000", "min.cleanable.dirty.ratio", "0.01", "delete.retention.ms", "1000",
      "max.compaction.lag.ms", "60000");

  /**
   * How the broker cleans the services' changelogs (Kafka Streams creates them compacted; these are the settings it
   * creates them with, {@code topic.}-prefixed in each service's Streams settings), so that what a store no longer
   * holds leaves its changelog in days, and a restore on an empty disk reads what the store keeps, not every referral
   * there ever was. With the broker's defaults a record deleted from a store could be read by every restore for weeks:
   * a segment rolls only after {@code segment.ms} (7 days) or 1 GiB, the active one is never cleaned, and a log is
   * cleaned only once half of it is dirty ({@code min.cleanable.dirty.ratio} 0.5), which a quiet store may not reach.
   * <ul>
   *   <li>{@code max.compaction.lag.ms} 1 day: every record may be cleaned away at most a day after it was written,
   *   whatever the dirty ratio; on a compacted topic the active segment also rolls at that age (the broker rolls at
   *   the lesser of {@code segment.ms} and this), so nothing waits 7 days in an active segment. Not {@code segment.ms}
   *   itself: this rolls the changelogs already, and a {@code topic.} setting applies to every internal topic, the
   *   repartition topics too (not compacted: this setting and the next leave them as they are).</li>
   *   <li>{@code min.cleanable.dirty.ratio} 0.2: a busy changelog is cleaned once a fifth of it is dirty, so a restore
   *   reads at most about a quarter more than what is kept (at 0.5, twice it); the cost is the cleaner copying each
   *   log more often, small beside the hours a restore of every ended referral would take.</li>
   *   <li>{@code delete.retention.ms} left at its default, 1 day: a tombstone (a referral archived, a key erased) stays
   *   that long after its first cleaning, so that a reader half way through the log (a restore, a live stream following
   *   the changelog from its start) sees the delete of a key whose earlier record it read. A day is far more than a
   *   restore takes (minutes); shorter would risk a restored store keeping what was deleted.</li>
   * </ul>
   * So a changelog holds what its store holds, plus about a day or a fifth of writes not cleaned yet, plus the
   * tombstones of the last day or two. Kafka Streams applies these when it creates a changelog only, never to one
   * already there: {@link TopicSetup} sets them on those.
   */
  public static final java.util.Map<String, String> CHANGELOG_CLEANUP = java.util.Map.of(
      "max.compaction.lag.ms", String.valueOf(java.time.Duration.ofDays(1).toMillis()),
      "min.cleanable.dirty.ratio", "0.2");

  /**
   * The topics that are the platform's record of what happened: each referral's events, each provider's, and the money
   * and outcomes that followed. Kept until an operator deletes them ({@code retention.ms} -1), not the broker's 7 days:
   * the services' stores keep only what is live and what ended lately (linkway.retention.ended), so an archived
   * referral's history, its commitments and payments included, is on these topics alone. People's identities on
   * them are sealed, and unreadable once their data keys are erased (linkway.retention.identities after the end, or an
   * erasure). A commissioner's own copies ({@link #commissionerOutcomes}, {@link #commissionerLedger}) are feeds, not
   * the record: they keep the broker's retention.
   */
  public static final List<Topic<?>> HISTORY = List.of(REFERRALS, PROVIDER_EVENTS, FUNDING_LEDGER, COMMISSIONER_OUTCOMES);

  /** {@link #HISTORY}'s retention: kept until deleted. */
  public static final String HISTORY_RETENTION_MS = "-1";

  /**
   * How long a command's reply is kept: the request it answers waits seconds for it; the hour leaves an operator time
   * to look at it, and no more (it carries the state decided, like the service's own topics).
   */
  public static final java.time.Duration REPLIES_RETENTION = java.time.Duration.ofHours(1);

  /**
   * The answers to referral-service's commands, keyed by command id: what {@code Decisions} hands the request that
   * sent the command, whichever instance took it, once the decision is committed. Read by referral-service alone.
   */
  public static final Topic<CommandReply> REFERRAL_REPLIES = replies(REFERRAL_SERVICE);
  /** The answers to provider-service's commands (offers and the directory), like {@link #REFERRAL_REPLIES}. */
  public static final Topic<CommandReply> PROVIDER_REPLIES = replies(PROVIDER_SERVICE);
  /** The answers to outcome-service's commands (contracts), like {@link #REFERRAL_REPLIES}. */
  public static final Topic<CommandReply> OUTCOME_REPLIES = replies(OUTCOME_SERVICE);

  private static Topic<CommandReply> replies(String service) {
    return new Topic<>(service + "-replies", CommandReply.class, REFERRAL_PARTITIONS, service, false);
  }

  private static final List<Topic<?>> ALL = List.of(
      REFERRAL_COMMANDS, REFERRALS, PROVIDER_DIRECTORY, DIRECTORY_COMMANDS,
      PROVIDER_COMMANDS, PROVIDER_EVENTS, FUNDING_CONTRACTS, CONTRACT_COMMANDS, FUNDING_LEDGER, COMMISSIONER_OUTCOMES,
      COMMISSIONER_BUDGETS, BUDGET_USE, BUDGET_REQUESTS, BUDGET_DECISIONS, PLACE_REQUESTS, PLACE_DECISIONS,
      SERVICE_LOAD, PERSON_KEYS, PERSON_ERASURES, REFERRAL_REPLIES, PROVIDER_REPLIES, OUTCOME_REPLIES);

  private Topics() {}

  public static List<Topic<?>> all() {
    return ALL;
  }

  /** Whether {@code topic} is one of the services' command topics, which only the services themselves write. */
  public static boolean isCommands(Topic<?> topic) {
    return topic == REFERRAL_COMMANDS || topic == PROVIDER_COMMANDS || topic == DIRECTORY_COMMANDS
        || topic == CONTRACT_COMMANDS;
  }

  /** Whether {@code topicName} names one of the services' command topics ({@link #isCommands(Topic)}). */
  public static boolean isCommands(String topicName) {
    return REFERRAL_COMMANDS.name().equals(topicName) || PROVIDER_COMMANDS.name().equals(topicName)
        || DIRECTORY_COMMANDS.name().equals(topicName) || CONTRACT_COMMANDS.name().equals(topicName);
  }

  /** The topics of a service's commands, which its deciders take and answer on {@link #repliesOf} the service. */
  public static List<Topic<?>> commandsOf(String service) {
    return switch (service) {
      case REFERRAL_SERVICE -> List.of(REFERRAL_COMMANDS);
      case PROVIDER_SERVICE -> List.of(PROVIDER_COMMANDS, DIRECTORY_COMMANDS);
      case OUTCOME_SERVICE -> List.of(CONTRACT_COMMANDS);
      default -> throw new IllegalArgumentException("no commands topics for " + service);
    };
  }

  /** The topic a service's deciders answer its commands on. */
  public static Topic<CommandReply> repliesOf(String service) {
    return switch (service) {
      case REFERRAL_SERVICE -> REFERRAL_REPLIES;
      case PROVIDER_SERVICE -> PROVIDER_REPLIES;
      case OUTCOME_SERVICE -> OUTCOME_REPLIES;
      default -> throw new IllegalArgumentException("no replies topic for " + service);
    };
  }

  /**
   * The changelog of one of a service's state stores, {@code <service>-<store>-changelog} (the service's name is its
   * Kafka Streams application id): Kafka Streams makes it, compacted, with the store's partitions
   * ({@link #REFERRAL_PARTITIONS} for the stores of referrals and of the parties' lists), and writes each change of the
   * store to it in the transaction that made the change. Not one of {@link #all()}: the service owns it as one of its
   * Kafka Streams internals. Tailed by the live streams that follow a store's states.
   */
  public static <V extends SpecificRecord> Topic<V> changelog(String service, String store,
      Class<V> valueType) {
    return new Topic<>(service + "-" + store + "-changelog", valueType, REFERRAL_PARTITIONS, service, true);
  }

  /** A commissioner's pair of topics. */
  public static List<Topic<?>> ofCommissioner(String ods) {
    return List.of(commissionerOutcomes(ods), commissionerLedger(ods));
  }

  /** A GP system's pair of topics. */
  public static List<Topic<?>> of(String gpSystem) {
    return List.of(referralRequests(gpSystem), referralRejections(gpSystem));
  }
}
