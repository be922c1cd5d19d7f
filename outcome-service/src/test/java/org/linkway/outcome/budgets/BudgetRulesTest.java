package org.linkway.outcome.budgets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;
import org.linkway.events.BudgetAgreed;
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
import org.linkway.platform.domain.Funding;
import org.linkway.platform.kafka.Events;

/**
 * A commissioner's budget, request by request, and the arithmetic under it ({@link Funding}: the
 * financial year, what a referral can earn, what is reserved and what is free). Every amount is
 * compared with {@code isEqualTo}, so its scale (two places) is checked as well as its value.
 */
public class BudgetRulesTest {

  private static final String QMM = "QMM";
  private static final String YEAR = "2026-27";
  private static final Instant AT = Instant.parse("2026-11-22T10:00:00Z");
  private static final Instant LATER = Instant.parse("2026-11-23T10:00:00Z");

  static BigDecimal money(String amount) {
    return new BigDecimal(amount);
  }

  /** Engagement 50.00 and completion 150.00: a referral can earn up to 200.00. */
  public static ContractAgreed.Builder contract() {
    return ContractAgreed.newBuilder()
        .setMetadata(Events.metadata("outcome-service", null, null))
        .setContractId("qmm-p1-2026")
        .setCommissioner(QMM)
        .setProviderId("p1")
        .setServiceIds(List.of())
        .setValidFrom(LocalDate.of(2026, 4, 1))
        .setValidTo(LocalDate.of(2027, 3, 31))
        .setCurrency("GBP")
        .setEngagementFee(money("50.00"))
        .setCompletionFee(money("150.00"))
        .setCompletionMinSessions(3);
  }

  static BudgetAgreed budget(String amount) {
    return new BudgetAgreed(Events.metadata("outcome-service", null, null), QMM, YEAR, money(amount), "GBP");
  }

  static BudgetUse use(String committed, String due, String released) {
    return new BudgetUse(QMM, YEAR, money(committed), money(due), money(released), AT);
  }

  static LedgerEvent entry(Object payload, Instant at) {
    EventMetadata meta = EventMetadata.newBuilder(Events.metadata("outcome-service", UUID.randomUUID(), null))
        .setOccurredAt(at).build();
    return new LedgerEvent(meta, payload);
  }

  static PaymentDue due(String amount, String year) {
    return new PaymentDue(QMM, "qmm-p1-2026", "p1", "svc-1", Milestone.ENGAGEMENT, money(amount), "GBP", year);
  }

  static FundingReleased released(String amount, String year) {
    return new FundingReleased(QMM, "qmm-p1-2026", "p1", "svc-1", money(amount), "GBP", year, "referral ended");
  }

  static FundingCommitted committed(String amount, String year) {
    return new FundingCommitted(QMM, "qmm-p1-2026", "p1", "svc-1", money(amount), "GBP", year);
  }

  private static BudgetRules.Decision reserve(ContractAgreed contract, BudgetAgreed budget, BudgetUse use) {
    return BudgetRules.reserve(QMM, YEAR, Optional.ofNullable(contract), budget, use, LATER);
  }

  @Nested
  class FinancialYears {

    @ParameterizedTest(name = "{0} is in {1}")
    @CsvSource({
        "2026-03-31, 2025-26",
        "2026-04-01, 2026-27",
        "2026-12-31, 2026-27",
        "2027-01-01, 2026-27",
        "2027-03-31, 2026-27",
        "2027-04-01, 2027-28",
        "1999-04-01, 1999-00",
        "2000-03-31, 1999-00",
        "2009-04-01, 2009-10",
    })
    void givenADay_whenItsFinancialYearIsAskedFor_thenItRunsFrom1AprilTo31March(LocalDate day, String year) {
      assertThat(Funding.financialYear(day)).isEqualTo(year);
    }

    /**
     * British Summer Time has begun by 1 April every year (it starts on the last Sunday of March),
     * so the year turns at 23:00 UTC on 31 March: a UTC date would put that last hour in the wrong year.
     */
    @ParameterizedTest(name = "{0} is in {1}")
    @CsvSource({
        "2026-03-31T22:59:59.999Z, 2025-26", // 23:59:59.999 BST on 31 March 2026
        "2026-03-31T23:00:00Z,     2026-27", // 00:00 BST on 1 April 2026, still 31 March in UTC
        "2027-03-31T22:59:59Z,     2026-27", // 23:59:59 BST on 31 March 2027
        "2027-03-31T23:00:00Z,     2027-28", // 00:00 BST on 1 April 2027
        "2027-04-01T00:00:00Z,     2027-28",
        "2026-12-31T23:30:00Z,     2026-27", // GMT: the calendar year turning changes nothing
    })
    void givenAnInstant_whenItsFinancialYearIsAskedFor_thenTheUkDateDecides(Instant at, String year) {
      assertThat(Funding.financialYear(at)).isEqualTo(year);
    }

    @ParameterizedTest(name = "{0}: {1} to {2}")
    @CsvSource({
        "2026-27, 2026-04-01, 2027-03-31",
        "2027-28, 2027-04-01, 2028-03-31",
        "1999-00, 1999-04-01, 2000-03-31",
    })
    void givenAFinancialYear_whenItsDatesAreAskedFor_thenTheyRunFrom1AprilTo31MarchNextYear(String year, LocalDate from, LocalDate to) {
      assertThat(Funding.financialYearDates(year)).hasValueSatisfying(dates -> assertThat(dates).containsExactly(from, to));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @NullAndEmptySource
    @ValueSource(strings = {"2026-28", "2026-26", "2026-2027", "26-27", "2026/27", "2026-27 ", " 2026-27", "2026-7",
        "abcd-ef", "2026", "2026-27-28"})
    void givenSomethingThatIsNotAFinancialYear_whenItsDatesAreAskedFor_thenThereAreNone(String year) {
      assertThat(Funding.financialYearDates(year)).isEmpty();
    }

    @Test
    void givenACommissionerAndAYear_whenKeyed_thenTheKeyIsBothJoinedByABar() {
      assertThat(Funding.budgetKey(QMM, YEAR)).isEqualTo("QMM|2026-27");
    }
  }

  @Nested
  class Arithmetic {

    @Test
    void givenEveryFee_whenTheMostEarnedIsAskedFor_thenItIsTheirSumToThePenny() {
      ContractAgreed thirds = contract().setEngagementFee(money("33.33")).setCompletionFee(money("33.33"))
          .setOutcomePayment(money("33.34")).build();

      assertThat(Funding.mostEarned(thirds)).isEqualTo(money("100.00"));
    }

    @ParameterizedTest(name = "cap {0}: {1}")
    @CsvSource({"199.99, 199.99", "200.00, 200.00", "200.01, 200.00", "0.00, 0.00"})
    void givenACapPerReferral_whenTheMostEarnedIsAskedFor_thenItIsTheSumUpToTheCap(String cap, String most) {
      assertThat(Funding.mostEarned(contract().setPerReferralCap(money(cap)).build())).isEqualTo(money(most));
    }

    @Test
    void givenAGrant_whenTheMostEarnedIsAskedFor_thenItIsNothingWhateverItsFees() {
      assertThat(Funding.mostEarned(contract().setGrant(true).build())).isEqualTo(money("0.00"));
    }

    @Test
    void givenNoFees_whenTheMostEarnedIsAskedFor_thenItIsZeroAtTwoPlaces() {
      assertThat(Funding.mostEarned(contract().setEngagementFee(null).setCompletionFee(null).build()))
          .isEqualTo(money("0.00"));
    }

    @Test
    void givenAUse_whenWhatIsReservedIsAskedFor_thenItIsCommittedLessDueLessReleased() {
      assertThat(Funding.reserved(use("600.00", "150.00", "200.01"))).isEqualTo(money("249.99"));
      assertThat(Funding.reserved(null)).isEqualTo(money("0.00"));
    }

    @Test
    void givenABudgetAndAUse_whenWhatIsFreeIsAskedFor_thenWhatIsDueStaysSpentAndWhatIsReleasedComesBack() {
      // free = budget − (committed − released) = budget − reserved − due
      BudgetUse use = use("600.00", "150.00", "200.01");

      assertThat(Funding.free(budget("1000.00"), use)).contains(money("600.01"));
      assertThat(money("1000.00").subtract(Funding.reserved(use)).subtract(use.getDue())).isEqualTo(money("600.01"));
    }

    @Test
    void givenNoUseYet_whenWhatIsFreeIsAskedFor_thenItIsTheWholeBudget() {
      assertThat(Funding.free(budget("1000.00"), null)).contains(money("1000.00"));
    }

    @Test
    void givenNoBudget_whenWhatIsFreeIsAskedFor_thenThereIsNoAnswerBecauseNothingLimitsIt() {
      assertThat(Funding.free(null, use("600.00", "0.00", "0.00"))).isEmpty();
      assertThat(Funding.free(null, null)).isEmpty();
    }

    @Test
    void givenABudgetLoweredBelowWhatIsSpent_whenWhatIsFreeIsAskedFor_thenItIsNegative() {
      assertThat(Funding.free(budget("100.00"), use("200.00", "50.00", "0.00"))).contains(money("-100.00"));
    }
  }

  @Nested
  class Reserving {

    @Test
    void givenNoContract_whenReserved_thenNothingIsReservedAndTheReferralIsUnfunded() {
      BudgetUse before = use("100.00", "0.00", "0.00");

      BudgetRules.Decision decision = reserve(null, budget("100.00"), before);

      assertThat(decision.reserved()).isTrue();
      assertThat(decision.payload()).isEqualTo(new FundingReservation(null, money("0.00"), YEAR, false));
      assertThat(decision.use()).isSameAs(before);
    }

    @Test
    void givenNoContractAndNoUseYet_whenReserved_thenTheUseIsZeroForThatCommissionerAndYear() {
      BudgetRules.Decision decision = reserve(null, null, null);

      assertThat(decision.use()).isEqualTo(new BudgetUse(QMM, YEAR, money("0.00"), money("0.00"), money("0.00"), LATER));
    }

    @Test
    void givenNoBudgetSetForTheYear_whenReserved_thenItIsNotLimitedAndTheMostItCanEarnIsCommitted() {
      BudgetRules.Decision decision = reserve(contract().build(), null, use("1000000.00", "0.00", "0.00"));

      assertThat(decision.payload()).isEqualTo(new FundingReservation("qmm-p1-2026", money("200.00"), YEAR, false));
      assertThat(decision.use()).isEqualTo(new BudgetUse(QMM, YEAR, money("1000200.00"), money("0.00"), money("0.00"), LATER));
    }

    @Test
    void givenNoUseYet_whenReserved_thenTheUseStartsFromZero() {
      BudgetRules.Decision decision = reserve(contract().build(), budget("200.00"), null);

      assertThat(decision.reserved()).isTrue();
      assertThat(decision.use()).isEqualTo(new BudgetUse(QMM, YEAR, money("200.00"), money("0.00"), money("0.00"), LATER));
    }

    @Test
    void givenExactlyWhatIsNeededIsFree_whenReserved_thenItIsReservedAndNothingIsLeft() {
      BudgetUse before = use("900.00", "100.00", "100.00"); // free = 1000.00 − (900.00 − 100.00) = 200.00

      BudgetRules.Decision decision = reserve(contract().build(), budget("1000.00"), before);

      assertThat(decision.reserved()).isTrue();
      assertThat(decision.payload()).isEqualTo(new FundingReservation("qmm-p1-2026", money("200.00"), YEAR, false));
      assertThat(decision.use().getCommitted()).isEqualTo(money("1100.00"));
      assertThat(decision.use().getDue()).isEqualTo(money("100.00"));
      assertThat(decision.use().getReleased()).isEqualTo(money("100.00"));
      assertThat(decision.use().getUpdatedAt()).isEqualTo(LATER);
      assertThat(Funding.free(budget("1000.00"), decision.use())).contains(money("0.00"));
    }

    @Test
    void givenOnePennyLessThanNeededIsFree_whenReserved_thenItIsRefusedNamingTheCommissionerYearFreeAndNeeded() {
      BudgetUse before = use("800.01", "0.00", "0.00"); // free 199.99, needed 200.00

      BudgetRules.Decision decision = reserve(contract().build(), budget("1000.00"), before);

      assertThat(decision.reserved()).isFalse();
      assertThat(decision.use()).isSameAs(before);
      assertThat(decision.payload()).isInstanceOfSatisfying(FundingRefused.class, refused -> {
        assertThat(refused.getCommissioner()).isEqualTo(QMM);
        assertThat(refused.getFinancialYear()).isEqualTo(YEAR);
        assertThat(refused.getNeeded()).isEqualTo(money("200.00"));
        assertThat(refused.getFree()).isEqualTo(money("199.99"));
        assertThat(refused.getReason()).isEqualTo("the budget of QMM for 2026-27 is spent: 199.99 GBP is free and this"
            + " referral can earn up to 200.00 under contract qmm-p1-2026; the offer stays open until it is declined or expires");
      });
    }

    @Test
    void givenAZeroBudget_whenReserved_thenItIsRefusedWithNothingFree() {
      BudgetRules.Decision decision = reserve(contract().build(), budget("0.00"), null);

      assertThat(decision.payload()).isInstanceOfSatisfying(FundingRefused.class, refused -> {
        assertThat(refused.getFree()).isEqualTo(money("0.00"));
        assertThat(refused.getReason()).contains(" 0.00 GBP is free", "up to 200.00");
      });
    }

    @Test
    void givenABudgetLoweredBelowWhatIsSpent_whenReserved_thenItIsRefusedAndTheReasonSaysNothingIsFree() {
      BudgetRules.Decision decision = reserve(contract().build(), budget("100.00"), use("150.00", "0.00", "0.00"));

      assertThat(decision.payload()).isInstanceOfSatisfying(FundingRefused.class, refused -> {
        // the record keeps the overspend; the reason shown to the provider does not speak of negative money
        assertThat(refused.getFree()).isEqualTo(money("-50.00"));
        assertThat(refused.getReason()).contains(" 0.00 GBP is free").doesNotContain("-50");
      });
    }

    @Test
    void givenAGrant_whenReserved_thenNothingIsReservedAndTheReservationSaysItIsAGrant() {
      BudgetUse before = use("1000.00", "0.00", "0.00"); // nothing free

      BudgetRules.Decision decision = reserve(contract().setGrant(true).build(), budget("1000.00"), before);

      assertThat(decision.payload()).isEqualTo(new FundingReservation("qmm-p1-2026", money("0.00"), YEAR, true));
      assertThat(decision.use().getCommitted()).isEqualTo(money("1000.00"));
    }

    /** A grant is paid as a block: its referrals reserve nothing, so an overspent budget does not stop them. */
    @Test
    void givenAGrantAndABudgetLoweredBelowWhatIsSpent_whenReserved_thenItIsStillReserved() {
      BudgetRules.Decision decision = reserve(contract().setGrant(true).build(), budget("100.00"), use("150.00", "0.00", "0.00"));

      assertThat(decision.payload()).isEqualTo(new FundingReservation("qmm-p1-2026", money("0.00"), YEAR, true));
      assertThat(decision.use().getCommitted()).isEqualTo(money("150.00"));
    }

    @Test
    void givenThirdsOfABudget_whenReservedOneAfterAnother_thenThreeFitAndTheFourthFindsOnePennyFree() {
      ContractAgreed third = contract().setEngagementFee(money("33.33")).setCompletionFee(null).build();
      BudgetAgreed budget = budget("100.00");
      BudgetUse use = null;
      for (int i = 0; i < 3; i++) {
        BudgetRules.Decision decision = reserve(third, budget, use);
        assertThat(decision.reserved()).as("reservation %d", i + 1).isTrue();
        use = decision.use();
      }
      assertThat(use.getCommitted()).isEqualTo(money("99.99"));

      BudgetRules.Decision fourth = reserve(third, budget, use);

      assertThat(fourth.payload()).isInstanceOfSatisfying(FundingRefused.class, refused -> {
        assertThat(refused.getFree()).isEqualTo(money("0.01"));
        assertThat(refused.getNeeded()).isEqualTo(money("33.33"));
      });
    }
  }

  @Nested
  class Withdrawing {

    @Test
    void givenAReservation_whenWithdrawn_thenItIsNoLongerCommittedAndIsFreeAgain() {
      BudgetUse reserved = reserve(contract().build(), budget("200.00"), null).use();

      BudgetUse after = BudgetRules.withdraw(reserved, money("200.00"), LATER.plusSeconds(60));

      assertThat(after).isEqualTo(new BudgetUse(QMM, YEAR, money("0.00"), money("0.00"), money("0.00"), LATER.plusSeconds(60)));
      assertThat(Funding.free(budget("200.00"), after)).contains(money("200.00"));
      assertThat(reserve(contract().build(), budget("200.00"), after).reserved()).isTrue();
    }

    @Test
    void givenDueAndReleasedAmounts_whenAReservationIsWithdrawn_thenOnlyWhatIsCommittedChanges() {
      BudgetUse after = BudgetRules.withdraw(use("400.01", "50.00", "150.00"), money("200.00"), LATER);

      assertThat(after).isEqualTo(new BudgetUse(QMM, YEAR, money("200.01"), money("50.00"), money("150.00"), LATER));
    }
  }

  @Nested
  class ApplyingTheLedger {

    @Test
    void givenAPaymentDue_whenApplied_thenItIsAddedToWhatIsDue() {
      BudgetUse after = BudgetRules.apply(use("200.00", "0.01", "0.00"), entry(due("50.00", YEAR), LATER));

      assertThat(after).isEqualTo(new BudgetUse(QMM, YEAR, money("200.00"), money("50.01"), money("0.00"), LATER));
    }

    @Test
    void givenARelease_whenApplied_thenItIsAddedToWhatIsReleased() {
      BudgetUse after = BudgetRules.apply(use("200.00", "50.00", "0.01"), entry(released("150.00", YEAR), LATER));

      assertThat(after).isEqualTo(new BudgetUse(QMM, YEAR, money("200.00"), money("50.00"), money("150.01"), LATER));
    }

    /** Entries are processed as they arrive, not as they happened: the dashboard waits for the latest time seen. */
    @Test
    void givenAnEntryOlderThanTheUse_whenApplied_thenTheAmountCountsButUpdatedAtStaysTheLatestSeen() {
      BudgetUse after = BudgetRules.apply(use("200.00", "0.00", "0.00"), entry(due("50.00", YEAR), LATER));
      after = BudgetRules.apply(after, entry(released("150.00", YEAR), AT));
      after = BudgetRules.withdraw(after, money("10.00"), AT.minusSeconds(60));
      after = reserve(contract().build(), null, after).use(); // at LATER

      assertThat(after).isEqualTo(new BudgetUse(QMM, YEAR, money("390.00"), money("50.00"), money("150.00"), LATER));
      assertThat(BudgetRules.apply(after, entry(due("1.00", YEAR), LATER.plusSeconds(1))).getUpdatedAt())
          .isEqualTo(LATER.plusSeconds(1));
    }

    @Test
    void givenACommitment_whenApplied_thenNothingChangesBecauseItWasCountedWhenReserved() {
      BudgetUse before = use("200.00", "0.00", "0.00");

      assertThat(BudgetRules.apply(before, entry(committed("200.00", YEAR), LATER))).isSameAs(before);
    }

    @Test
    void givenAFullBudget_whenAReferralEndsWithPartOfItsFundingReleased_thenThatPartIsFreeAgainAndWhatWasDueIsNot() {
      BudgetAgreed budget = budget("400.00");
      BudgetUse use = reserve(contract().build(), budget, null).use();
      use = reserve(contract().build(), budget, use).use();
      assertThat(Funding.free(budget, use)).contains(money("0.00"));
      assertThat(reserve(contract().build(), budget, use).reserved()).isFalse();

      use = BudgetRules.apply(use, entry(due("50.00", YEAR), LATER));
      assertThat(Funding.free(budget, use)).as("a payment due stays spent").contains(money("0.00"));
      use = BudgetRules.apply(use, entry(released("150.00", YEAR), LATER));

      assertThat(Funding.free(budget, use)).contains(money("150.00"));
      assertThat(Funding.reserved(use)).isEqualTo(money("200.00"));
      assertThat(reserve(contract().build(), budget, use).payload()).as("200.00 does not fit in 150.00")
          .isInstanceOf(FundingRefused.class);
      BudgetRules.Decision completionOnly = reserve(contract().setEngagementFee(null).build(), budget, use);
      assertThat(completionOnly.payload()).isEqualTo(new FundingReservation("qmm-p1-2026", money("150.00"), YEAR, false));
      assertThat(Funding.free(budget, completionOnly.use())).contains(money("0.00"));
    }

    @Test
    void givenLedgerEntries_whenTheirYearIsAskedFor_thenDueAndReleasedSayItAndACommitmentDoesNotCount() {
      assertThat(BudgetRules.financialYear(entry(due("1.00", YEAR), AT))).contains(YEAR);
      assertThat(BudgetRules.financialYear(entry(released("1.00", "2025-26"), AT))).contains("2025-26");
      assertThat(BudgetRules.financialYear(entry(committed("1.00", YEAR), AT))).isEmpty();
      assertThat(BudgetRules.financialYear(entry(due("1.00", null), AT))).as("written before budgets").isEmpty();
      assertThat(BudgetRules.financialYear(entry(released("1.00", null), AT))).isEmpty();
    }

    @Test
    void givenLedgerEntries_whenTheirCommissionerIsAskedFor_thenEachTypeNamesIt() {
      assertThat(BudgetRules.commissioner(entry(due("1.00", YEAR), AT))).isEqualTo(QMM);
      assertThat(BudgetRules.commissioner(entry(released("1.00", YEAR), AT))).isEqualTo(QMM);
      assertThat(BudgetRules.commissioner(entry(committed("1.00", YEAR), AT))).isEqualTo(QMM);
      assertThatThrownBy(() -> BudgetRules.commissioner(entry("not a payload", AT)))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
