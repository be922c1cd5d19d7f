package org.linkway.referral.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.linkway.events.NeedCode.LONELINESS;
import static org.linkway.referral.TestData.service;
import static org.linkway.referral.routing.FundingRoom.Room.FUNDED;
import static org.linkway.referral.routing.FundingRoom.Room.SPENT;
import static org.linkway.referral.routing.FundingRoom.Room.UNFUNDED;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.linkway.events.BudgetAgreed;
import org.linkway.events.BudgetUse;
import org.linkway.events.ContractAgreed;
import org.linkway.events.ServiceListed;
import org.linkway.platform.kafka.Events;
import org.linkway.platform.testing.ReferenceTables;

/**
 * How routing classifies a service for a commissioner on a day, read from real tables of
 * contracts, budgets and budget use. The contract used throughout pays £50 on engagement, £100 on
 * completion and £50 for an outcome, capped at £150 a referral: its most is £150.
 */
class FundingRoomTest {

  static final LocalDate TODAY = LocalDate.of(2026, 11, 22);
  static final String YEAR = "2026-27";
  /** Provider prov-s1, QMM, one need. */
  static final ServiceListed S1 = service("s1", LONELINESS).build();

  // ---- builders, shared with the router tests ----

  static BigDecimal money(String amount) {
    return new BigDecimal(amount).setScale(2);
  }

  /** QMM's contract with prov-s1 for the 2026-27 year, covering all its services, most £150 a referral. */
  static ContractAgreed.Builder contract(String contractId) {
    return ContractAgreed.newBuilder()
        .setMetadata(Events.metadata("test", null, null))
        .setContractId(contractId)
        .setCommissioner("QMM")
        .setProviderId("prov-s1")
        .setServiceIds(List.of())
        .setValidFrom(LocalDate.of(2026, 4, 1))
        .setValidTo(LocalDate.of(2027, 3, 31))
        .setEngagementFee(money("50"))
        .setCompletionFee(money("100"))
        .setOutcomePayment(money("50"))
        .setPerReferralCap(money("150"));
  }

  /** A contract paying only on engagement: its most is the fee. */
  static ContractAgreed.Builder contractWorth(String contractId, String providerId, String most) {
    return contract(contractId).setProviderId(providerId).setEngagementFee(money(most))
        .setCompletionFee(null).setOutcomePayment(null).setPerReferralCap(null);
  }

  static BudgetAgreed budget(String commissioner, String year, String amount) {
    return BudgetAgreed.newBuilder()
        .setMetadata(Events.metadata("test", null, null))
        .setCommissioner(commissioner)
        .setFinancialYear(year)
        .setAmount(money(amount))
        .build();
  }

  static BudgetUse use(String commissioner, String year, String committed, String due, String released) {
    return BudgetUse.newBuilder()
        .setCommissioner(commissioner)
        .setFinancialYear(year)
        .setCommitted(money(committed))
        .setDue(money(due))
        .setReleased(money(released))
        .setUpdatedAt(Instant.parse("2026-11-01T09:00:00Z"))
        .build();
  }

  static FundingRoom room(List<ContractAgreed> contracts, List<BudgetAgreed> budgets, List<BudgetUse> uses) {
    Map<String, ContractAgreed> byId = new LinkedHashMap<>();
    contracts.forEach(c -> byId.put(c.getContractId(), c));
    Map<String, BudgetAgreed> budgetByKey = new LinkedHashMap<>();
    budgets.forEach(b -> budgetByKey.put(b.getCommissioner() + "|" + b.getFinancialYear(), b));
    Map<String, BudgetUse> useByKey = new LinkedHashMap<>();
    uses.forEach(u -> useByKey.put(u.getCommissioner() + "|" + u.getFinancialYear(), u));
    return new FundingRoom(
        ReferenceTables.of(byId),
        ReferenceTables.of(budgetByKey),
        ReferenceTables.of(useByKey));
  }

  static FundingRoom room(ContractAgreed contract, BudgetAgreed budget, BudgetUse use) {
    return room(List.of(contract), budget == null ? List.of() : List.of(budget), use == null ? List.of() : List.of(use));
  }

  // ---- the three rooms ----

  @Test
  void givenNoContractsKnown_whenAServiceIsClassified_thenItIsUnfunded() {
    assertThat(FundingRoom.UNKNOWN.of("QMM", S1, TODAY)).isEqualTo(UNFUNDED);
    assertThat(room(List.of(), List.of(budget("QMM", YEAR, "1000")), List.of()).of("QMM", S1, TODAY))
        .isEqualTo(UNFUNDED);
  }

  /** Free is the budget (£1,000) less what is committed and not released; the contract's most is £150. */
  @ParameterizedTest(name = "committed {0}, due {1}, released {2}: {3}")
  @CsvSource({
      "500,    100, 0,  FUNDED", // 500 free, more than the contract's most
      "900,    0,   0,  SPENT",  // 100 free, less than the contract's most
      "900,    200, 50, FUNDED", // 1000 - (900 - 50) = 150, the contract's most exactly
      "900.01, 200, 50, SPENT",  // 1000 - (900.01 - 50) = 149.99, a penny short of the contract's most
  })
  void givenAContractAndTheBudgetsUse_whenClassified_thenFundedOnlyIfItsMostFitsWhatIsFree(String committed, String due,
      String released, FundingRoom.Room expected) {
    FundingRoom room = room(contract("c1").build(), budget("QMM", YEAR, "1000"), use("QMM", YEAR, committed, due, released));

    assertThat(room.of("QMM", S1, TODAY)).isEqualTo(expected);
  }

  /** Without a cap the most is every fee: 50 + 100 + 50 = 200, which 150 free does not cover. */
  @Test
  void givenAContractWithoutACap_whenClassified_thenItsMostIsEveryFee() {
    ContractAgreed uncapped = contract("c1").setPerReferralCap(null).build();

    assertThat(room(uncapped, budget("QMM", YEAR, "200"), null).of("QMM", S1, TODAY)).isEqualTo(FUNDED);
    assertThat(room(uncapped, budget("QMM", YEAR, "199.99"), null).of("QMM", S1, TODAY)).isEqualTo(SPENT);
  }

  @Test
  void givenAGrant_whenClassified_thenFundedEvenWhenTheBudgetIsSpentOrOverspent() {
    ContractAgreed grant = contract("c1").setGrant(true).build();

    assertThat(room(grant, budget("QMM", YEAR, "1000"), use("QMM", YEAR, "1000", "0", "0")).of("QMM", S1, TODAY))
        .isEqualTo(FUNDED);
    assertThat(room(grant, budget("QMM", YEAR, "1000"), use("QMM", YEAR, "1500", "0", "0")).of("QMM", S1, TODAY))
        .isEqualTo(FUNDED);
    assertThat(room(grant, budget("QMM", YEAR, "0"), null).of("QMM", S1, TODAY)).isEqualTo(FUNDED);
  }

  @Test
  void givenNoBudgetSetForTheYear_whenClassified_thenFunded() {
    assertThat(room(contract("c1").build(), null, null).of("QMM", S1, TODAY)).isEqualTo(FUNDED);
  }

  @Test
  void givenOnlyUseAndNoBudget_whenClassified_thenFunded() {
    FundingRoom room = room(contract("c1").build(), null, use("QMM", YEAR, "99999", "0", "0"));

    assertThat(room.of("QMM", S1, TODAY)).isEqualTo(FUNDED);
  }

  @Test
  void givenABudgetWithNoUseYet_whenClassified_thenTheWholeBudgetIsFree() {
    ContractAgreed c1 = contract("c1").build();

    assertThat(room(c1, budget("QMM", YEAR, "150"), null).of("QMM", S1, TODAY)).isEqualTo(FUNDED);
    assertThat(room(c1, budget("QMM", YEAR, "149.99"), null).of("QMM", S1, TODAY)).isEqualTo(SPENT);
  }

  // ---- which contract and which budget ----

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource({
      "2026-03-31, UNFUNDED",
      "2026-04-01, FUNDED",
      "2027-03-31, FUNDED",
      "2027-04-01, UNFUNDED",
  })
  void givenAContractValidFor2026To27_whenClassifiedOnADay_thenItCountsOnlyWithinItsDates(
      LocalDate day, FundingRoom.Room expected) {
    FundingRoom room = room(contract("c1").build(), null, null);

    assertThat(room.of("QMM", S1, day)).isEqualTo(expected);
  }

  @Test
  void givenAContractThatEnded_whenClassifiedAfterItsEnd_thenUnfundedEvenThoughTheBudgetHasRoom() {
    ContractAgreed ended = contract("c1").setValidFrom(LocalDate.of(2026, 4, 1)).setValidTo(LocalDate.of(2026, 9, 30)).build();

    assertThat(room(ended, budget("QMM", YEAR, "100000"), null).of("QMM", S1, TODAY)).isEqualTo(UNFUNDED);
  }

  @Test
  void givenAContractNotYetStarted_whenClassifiedBeforeItsStart_thenUnfunded() {
    ContractAgreed later = contract("c1").setValidFrom(LocalDate.of(2027, 1, 1)).build();

    assertThat(room(later, budget("QMM", YEAR, "100000"), null).of("QMM", S1, TODAY)).isEqualTo(UNFUNDED);
  }

  @Test
  void givenOnlyAnotherCommissionersContract_whenClassifiedForQmm_thenUnfunded() {
    FundingRoom room = room(contract("c1").setCommissioner("QUE").build(), null, null);

    assertThat(room.of("QMM", S1, TODAY)).isEqualTo(UNFUNDED);
    assertThat(room.of("QUE", S1, TODAY)).isEqualTo(FUNDED);
  }

  @Test
  void givenAnotherCommissionersSpentBudget_whenClassifiedForQmm_thenOnlyQmmsBudgetCounts() {
    FundingRoom room = room(
        List.of(contract("c-qmm").build(), contract("c-que").setCommissioner("QUE").build()),
        List.of(budget("QMM", YEAR, "1000"), budget("QUE", YEAR, "1000")),
        List.of(use("QUE", YEAR, "1000", "0", "0")));

    assertThat(room.of("QMM", S1, TODAY)).isEqualTo(FUNDED);
    assertThat(room.of("QUE", S1, TODAY)).isEqualTo(SPENT);
  }

  @Test
  void givenAContractWithAnotherProvider_whenClassified_thenUnfunded() {
    assertThat(room(contract("c1").setProviderId("prov-other").build(), null, null).of("QMM", S1, TODAY))
        .isEqualTo(UNFUNDED);
  }

  @Test
  void givenAContractNamingServices_whenClassified_thenOnlyThoseServicesAreCovered() {
    FundingRoom room = room(contract("c1").setServiceIds(List.of("s1-other", "s1")).build(), null, null);
    ServiceListed sibling = service("s1-sibling", LONELINESS).setProviderId("prov-s1").build();

    assertThat(room.of("QMM", S1, TODAY)).isEqualTo(FUNDED);
    assertThat(room.of("QMM", sibling, TODAY)).isEqualTo(UNFUNDED);
  }

  /** The budget of the financial year the day falls in counts: in March 2027 that is 2026-27, in April 2027-28. */
  @Test
  void givenBudgetsForTwoYears_whenClassified_thenTheBudgetOfTheDaysFinancialYearCounts() {
    ContractAgreed twoYears = contract("c1").setValidTo(LocalDate.of(2028, 3, 31)).build();
    FundingRoom room = room(List.of(twoYears),
        List.of(budget("QMM", "2026-27", "1000"), budget("QMM", "2027-28", "1000")),
        List.of(use("QMM", "2026-27", "1000", "0", "0")));

    assertThat(room.of("QMM", S1, LocalDate.of(2027, 3, 31))).isEqualTo(SPENT);
    assertThat(room.of("QMM", S1, LocalDate.of(2027, 4, 1))).isEqualTo(FUNDED);
  }

  /** When several contracts cover the service the lowest id pays: here the grant c1, not the dear c2. */
  @Test
  void givenTwoContractsCoveringTheService_whenClassified_thenTheLowestContractIdDecides() {
    FundingRoom room = room(List.of(contract("c2").build(), contract("c1").setGrant(true).build()),
        List.of(budget("QMM", YEAR, "0")), List.of());

    assertThat(room.of("QMM", S1, TODAY)).isEqualTo(FUNDED);
  }

  @Test
  void givenTheRooms_whenListed_thenTheyAreInTheOrderRoutingPrefersThem() {
    assertThat(Arrays.asList(FundingRoom.Room.values())).containsExactly(FUNDED, UNFUNDED, SPENT);
  }
}
