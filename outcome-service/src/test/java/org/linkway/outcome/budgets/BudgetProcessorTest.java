package org.linkway.outcome.budgets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.linkway.outcome.budgets.BudgetRulesTest.money;
import static org.mockito.Mockito.when;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkway.events.BudgetAgreed;
import org.linkway.events.BudgetDecision;
import org.linkway.events.BudgetRequest;
import org.linkway.events.BudgetUse;
import org.linkway.events.ContractAgreed;
import org.linkway.events.EventMetadata;
import org.linkway.events.FundingCommitted;
import org.linkway.events.FundingRefused;
import org.linkway.events.FundingReleased;
import org.linkway.events.FundingReservation;
import org.linkway.events.LedgerEvent;
import org.linkway.events.Milestone;
import org.linkway.events.PaymentDue;
import org.linkway.events.ReserveFunding;
import org.linkway.events.WithdrawReservation;
import org.linkway.platform.domain.Funding;
import org.linkway.platform.kafka.AvroSerdes;
import org.linkway.platform.kafka.Events;
import org.linkway.platform.kafka.Topics;
import org.linkway.platform.streams.GlobalTables;
import org.linkway.platform.testing.SelfDescribingAvro;

/**
 * The budget topology as {@link BudgetTopology} wires it, driven by {@link TopologyTestDriver}:
 * reservation requests keyed by commissioner, the funding ledger keyed by referral and re-keyed by
 * commissioner, decisions back keyed by referral, and the use of each budget keyed by commissioner
 * and year. Values go through a self-describing Avro serde instead of the schema registry ({@link SelfDescribingAvro}).
 */
public class BudgetProcessorTest {

  private static final String QMM = "QMM";
  private static final String YEAR = "2026-27";
  private static final Instant DURING = Instant.parse("2026-11-22T10:00:00Z");

  @TempDir
  Path stateDir;

  /** The budgets written to commissioner-budgets, as the table holds them. */
  private final Map<String, BudgetAgreed> budgets = new HashMap<>();
  private TopologyTestDriver driver;
  private TestInputTopic<String, SpecificRecord> requests;
  private TestInputTopic<String, SpecificRecord> ledger;
  private TestInputTopic<String, SpecificRecord> contractsIn;
  private TestInputTopic<String, SpecificRecord> budgetsIn;
  private TestOutputTopic<String, SpecificRecord> decisions;
  private TestOutputTopic<String, SpecificRecord> uses;

  @BeforeEach
  void setUp() {
    AvroSerdes serdes = SelfDescribingAvro.serdes();
    StreamsBuilder builder = new StreamsBuilder();
    // the contracts and budgets as the service holds them: global tables of their topics (FundingTables)
    GlobalTables.add(builder, serdes, Topics.FUNDING_CONTRACTS);
    GlobalTables.add(builder, serdes, Topics.COMMISSIONER_BUDGETS);
    new BudgetTopology().budgetReservations(builder, serdes);

    driver = SelfDescribingAvro.driver(builder, "outcome-service-budgets-test", stateDir);
    Serializer<SpecificRecord> values = new SelfDescribingAvro.AvroSerializer();
    requests = driver.createInputTopic(Topics.BUDGET_REQUESTS.name(), new StringSerializer(), values);
    ledger = driver.createInputTopic(Topics.FUNDING_LEDGER.name(), new StringSerializer(), values);
    contractsIn = driver.createInputTopic(Topics.FUNDING_CONTRACTS.name(), new StringSerializer(), values);
    budgetsIn = driver.createInputTopic(Topics.COMMISSIONER_BUDGETS.name(), new StringSerializer(), values);
    contract(BudgetRulesTest.contract().build());
    decisions = driver.createOutputTopic(Topics.BUDGET_DECISIONS.name(), new StringDeserializer(), new SelfDescribingAvro.AvroDeserializer());
    uses = driver.createOutputTopic(Topics.BUDGET_USE.name(), new StringDeserializer(), new SelfDescribingAvro.AvroDeserializer());
  }

  @AfterEach
  void tearDown() {
    driver.close();
  }

  private void budget(String year, String amount) {
    BudgetAgreed budget = new BudgetAgreed(Events.metadata("outcome-service", null, null), QMM, year,
        money(amount), "GBP");
    budgets.put(Funding.budgetKey(QMM, year), budget);
    budgetsIn.pipeInput(Funding.budgetKey(QMM, year), budget);
  }

  /** Agrees a contract: written to funding-contracts, keyed by its id (a later one of the same id replaces it). */
  private void contract(ContractAgreed contract) {
    contractsIn.pipeInput(contract.getContractId(), contract);
  }

  private static EventMetadata meta(UUID referralId, Instant at) {
    return EventMetadata.newBuilder(Events.metadata("provider-service", referralId, "corr-" + referralId))
        .setOccurredAt(at).build();
  }

  /** A provider accepts a referral: provider-service asks for its funding to be reserved. */
  private BudgetRequest reserve(String commissioner, UUID referralId, String serviceId, Instant at) {
    BudgetRequest request = new BudgetRequest(meta(referralId, at),
        new ReserveFunding(commissioner, "p1", serviceId, "accept-" + referralId));
    requests.pipeInput(commissioner, request);
    return request;
  }

  private BudgetRequest reserve(UUID referralId) {
    return reserve(QMM, referralId, "svc-1", DURING);
  }

  private void withdraw(String year, String amount) {
    requests.pipeInput(QMM, new BudgetRequest(meta(UUID.randomUUID(), DURING),
        new WithdrawReservation(QMM, year, money(amount), "the referral was CANCELLED before its funding was reserved")));
  }

  private void ledger(UUID referralId, Object payload) {
    ledger.pipeInput(referralId.toString(), new LedgerEvent(meta(referralId, DURING), payload));
  }

  /** The one decision written since the last read, keyed by the referral it answers. */
  private BudgetDecision decisionFor(UUID referralId) {
    KeyValue<String, SpecificRecord> record = decisions.readKeyValue();
    assertThat(record.key).isEqualTo(referralId.toString());
    assertThat(decisions.isEmpty()).isTrue();
    return (BudgetDecision) record.value;
  }

  private List<KeyValue<String, BudgetUse>> usesWritten() {
    return uses.readKeyValuesToList().stream()
        .map(kv -> KeyValue.pair(kv.key, (BudgetUse) kv.value)).toList();
  }

  private BudgetUse stored(String commissioner, String year) {
    KeyValueStore<String, BudgetUse> store = driver.getKeyValueStore(BudgetProcessor.STORE);
    return store.get(Funding.budgetKey(commissioner, year));
  }

  private static BudgetUse use(String commissioner, String year, String committed, String due, String released) {
    return BudgetUse.newBuilder().setCommissioner(commissioner).setFinancialYear(year).setCommitted(money(committed))
        .setDue(money(due)).setReleased(money(released)).setUpdatedAt(Instant.EPOCH).build();
  }

  /** Compares a use by its figures, leaving out when it was updated. */
  private static void assertUse(BudgetUse actual, BudgetUse expected) {
    assertThat(actual).usingRecursiveComparison().ignoringFields("updatedAt").isEqualTo(expected);
  }

  @Test
  void givenNoBudgetForTheYear_whenAProviderAccepts_thenTheMostItCanEarnIsReservedAndTheAnswerGoesBackToTheReferral() {
    UUID referral = UUID.randomUUID();
    BudgetRequest request = reserve(referral);

    BudgetDecision decision = decisionFor(referral);
    assertThat(decision.getAcceptCommandId()).isEqualTo("accept-" + referral);
    assertThat(decision.getPayload()).isEqualTo(new FundingReservation("qmm-p1-2026", money("200.00"), YEAR, false));
    assertThat(decision.getMetadata().getReferralId()).isEqualTo(referral);
    assertThat(decision.getMetadata().getCorrelationId()).isEqualTo(request.getMetadata().getCorrelationId());
    assertThat(decision.getMetadata().getProducer()).isEqualTo("outcome-service");
    List<KeyValue<String, BudgetUse>> written = usesWritten();
    assertThat(written).singleElement().satisfies(kv -> {
      assertThat(kv.key).isEqualTo("QMM|2026-27");
      assertUse(kv.value, use(QMM, YEAR, "200.00", "0.00", "0.00"));
      assertThat(kv.value.getUpdatedAt()).isEqualTo(DURING);
    });
    assertThat(stored(QMM, YEAR)).isEqualTo(written.get(0).value);
  }

  @Test
  void givenABudget_whenASecondAcceptanceWouldTakeMoreThanIsFree_thenItIsRefusedAndTheUseIsNotChanged() {
    budget(YEAR, "399.99");
    UUID first = UUID.randomUUID();
    UUID second = UUID.randomUUID();

    reserve(first);
    assertThat(decisionFor(first).getPayload()).isInstanceOf(FundingReservation.class);
    reserve(second);

    assertThat(decisionFor(second).getPayload()).isInstanceOfSatisfying(FundingRefused.class, refused -> {
      assertThat(refused.getFree()).isEqualTo(money("199.99"));
      assertThat(refused.getNeeded()).isEqualTo(money("200.00"));
      assertThat(refused.getReason()).contains("QMM", "2026-27", "199.99", "200.00");
    });
    assertThat(usesWritten()).hasSize(1);
    assertUse(stored(QMM, YEAR), use(QMM, YEAR, "200.00", "0.00", "0.00"));
  }

  @Test
  void givenAFullBudget_whenTheLedgerReleasesWhatAReferralDidNotEarn_thenTheNextAcceptanceCanReserveIt() {
    budget(YEAR, "250.00");
    UUID first = UUID.randomUUID();
    UUID second = UUID.randomUUID();
    reserve(first);
    decisionFor(first);
    reserve(second);
    assertThat(decisionFor(second).getPayload()).isInstanceOf(FundingRefused.class);
    usesWritten();

    ledger(first, new FundingCommitted(QMM, "qmm-p1-2026", "p1", "svc-1", money("200.00"), "GBP", YEAR));
    assertThat(uses.isEmpty()).as("a commitment was counted when it was reserved").isTrue();
    ledger(first, new PaymentDue(QMM, "qmm-p1-2026", "p1", "svc-1", Milestone.ENGAGEMENT, money("50.00"), "GBP", YEAR));
    ledger(first, new FundingReleased(QMM, "qmm-p1-2026", "p1", "svc-1", money("150.00"), "GBP", YEAR, "cancelled"));

    assertThat(usesWritten()).extracting(kv -> kv.key).containsExactly("QMM|2026-27", "QMM|2026-27");
    assertUse(stored(QMM, YEAR), use(QMM, YEAR, "200.00", "50.00", "150.00"));
    reserve(second);
    assertThat(decisionFor(second).getPayload()).isEqualTo(new FundingReservation("qmm-p1-2026", money("200.00"), YEAR, false));
    assertUse(stored(QMM, YEAR), use(QMM, YEAR, "400.00", "50.00", "150.00"));
    assertThat(Funding.free(budgets.get("QMM|2026-27"), stored(QMM, YEAR))).contains(money("0.00"));
  }

  @Test
  void givenLedgerEntriesWrittenBeforeBudgets_whenRead_thenTheyCountAgainstNoBudget() {
    UUID referral = UUID.randomUUID();
    ledger(referral, new PaymentDue(QMM, "qmm-p1-2026", "p1", "svc-1", Milestone.ENGAGEMENT, money("50.00"), "GBP", null));
    ledger(referral, new FundingReleased(QMM, "qmm-p1-2026", "p1", "svc-1", money("150.00"), "GBP", null, "cancelled"));

    assertThat(uses.isEmpty()).isTrue();
    assertThat(stored(QMM, YEAR)).isNull();
  }

  @Test
  void givenADueEntryBeforeAnyReservation_whenRead_thenTheUseOfItsYearStartsFromIt() {
    ledger(UUID.randomUUID(), new PaymentDue(QMM, "qmm-p1-2026", "p1", "svc-1", Milestone.OUTCOME, money("0.01"), "GBP", "2025-26"));

    assertThat(usesWritten()).singleElement().satisfies(kv -> {
      assertThat(kv.key).isEqualTo("QMM|2025-26");
      assertUse(kv.value, use(QMM, "2025-26", "0.00", "0.01", "0.00"));
    });
  }

  @Test
  void givenAReservation_whenItIsWithdrawn_thenItIsNoLongerCommitted() {
    budget(YEAR, "200.00");
    UUID referral = UUID.randomUUID();
    reserve(referral);
    decisionFor(referral);
    usesWritten();

    withdraw(YEAR, "200.00");

    assertThat(decisions.isEmpty()).as("a withdrawal is not answered").isTrue();
    assertThat(usesWritten()).singleElement().satisfies(kv -> assertUse(kv.value, use(QMM, YEAR, "0.00", "0.00", "0.00")));
    reserve(referral);
    assertThat(decisionFor(referral).getPayload()).isInstanceOf(FundingReservation.class);
  }

  @Test
  void givenNothingReservedInAYear_whenAWithdrawalForItArrives_thenNothingIsWritten() {
    withdraw("2025-26", "200.00");

    assertThat(uses.isEmpty()).isTrue();
    assertThat(stored(QMM, "2025-26")).isNull();
  }

  @Test
  void givenAServiceNoContractCovers_whenAccepted_thenTheReferralIsUnfundedAndNothingIsCommitted() {
    budget(YEAR, "0.00");
    contractsIn.pipeInput(BudgetRulesTest.contract().build().getContractId(), (SpecificRecord) null);
    UUID referral = UUID.randomUUID();

    reserve(referral);

    assertThat(decisionFor(referral).getPayload()).isEqualTo(new FundingReservation(null, money("0.00"), YEAR, false));
    assertUse(stored(QMM, YEAR), use(QMM, YEAR, "0.00", "0.00", "0.00"));
  }

  @Test
  void givenAnAcceptanceInTheLastSecondOf31MarchUkTime_whenDecided_thenItCountsAgainstTheYearEndingThatDay() {
    contract(BudgetRulesTest.contract().setValidTo(LocalDate.of(2028, 3, 31)).build());
    budget("2027-28", "0.00");
    UUID referral = UUID.randomUUID();

    reserve(QMM, referral, "svc-1", Instant.parse("2027-03-31T22:59:59Z")); // 23:59:59 BST

    assertThat(decisionFor(referral).getPayload()).isEqualTo(new FundingReservation("qmm-p1-2026", money("200.00"), "2026-27", false));
    assertUse(stored(QMM, "2026-27"), use(QMM, "2026-27", "200.00", "0.00", "0.00"));
    assertThat(stored(QMM, "2027-28")).isNull();
  }

  @Test
  void givenAnAcceptanceAtMidnightOn1AprilUkTime_whenDecided_thenItCountsAgainstTheNewYearsBudget() {
    contract(BudgetRulesTest.contract().setValidTo(LocalDate.of(2028, 3, 31)).build());
    budget("2027-28", "0.00");
    UUID referral = UUID.randomUUID();

    reserve(QMM, referral, "svc-1", Instant.parse("2027-03-31T23:00:00Z")); // 00:00 BST on 1 April

    assertThat(decisionFor(referral).getPayload()).isInstanceOfSatisfying(FundingRefused.class, refused -> {
      assertThat(refused.getFinancialYear()).isEqualTo("2027-28");
      assertThat(refused.getReason()).contains("for 2027-28");
    });
    assertThat(stored(QMM, "2026-27")).isNull();
  }

  @Test
  void givenAContractStarting1April_whenAcceptedHalfAnHourIntoThatDayUkTime_thenTheContractPaysForIt() {
    UUID referral = UUID.randomUUID();

    reserve(QMM, referral, "svc-1", Instant.parse("2026-03-31T23:30:00Z")); // 00:30 BST on 1 April 2026

    assertThat(decisionFor(referral).getPayload()).isEqualTo(new FundingReservation("qmm-p1-2026", money("200.00"), "2026-27", false));
  }

  @Test
  void givenTwoCommissioners_whenOneBudgetIsSpent_thenTheOtherIsNotLimitedByIt() {
    contract(BudgetRulesTest.contract().setCommissioner("QHM").setContractId("qhm-p1-2026").build());
    budget(YEAR, "0.00");
    UUID ours = UUID.randomUUID();
    UUID theirs = UUID.randomUUID();

    reserve(QMM, ours, "svc-1", DURING);
    assertThat(decisionFor(ours).getPayload()).isInstanceOf(FundingRefused.class);
    reserve("QHM", theirs, "svc-1", DURING);

    assertThat(decisionFor(theirs).getPayload()).isEqualTo(new FundingReservation("qhm-p1-2026", money("200.00"), YEAR, false));
    assertUse(stored("QHM", YEAR), use("QHM", YEAR, "200.00", "0.00", "0.00"));
    assertUse(stored(QMM, YEAR), use(QMM, YEAR, "0.00", "0.00", "0.00"));
  }
}
