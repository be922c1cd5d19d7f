package org.linkway.outcome.ledger.stream;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.linkway.outcome.ledger.domain.FundingRules;
import org.linkway.outcome.statements.Reconciliation;
import org.linkway.platform.streams.StoreQueries;
import org.linkway.platform.streams.Tally;
import org.linkway.state.FundingState;

/**
 * What outcome-service still holds of a referral whose funding ended and left the hot stores ({@link #STORE}, by
 * referralId, in the funding processor's task): when it ended, when it was archived, how it ended and whose it was, so
 * that an input read for it afterwards decides nothing (it is never committed or paid again) and
 * {@code GET /commissioners/{c}/ledger?referralId=} can say it was archived rather than answer as if it never was.
 * Kept until {@code linkway.retention.identities} after its end; its history is on {@code funding-ledger} and
 * {@code referrals}.
 *
 * <p>Its figures stay in the commissioner's running totals, and are also counted, from its archiving, among the
 * commissioner's archived figures ({@link #TALLY}, beside the commissioner's funding view), so that the reconciliation
 * compares the live states plus what was archived with those totals.
 *
 * @param endedAt when the referral ended
 * @param archivedAt when its funding left the hot stores
 * @param status how it ended
 * @param commissioner whose referral it was: only it is told
 */
public record ArchivedFunding(Instant endedAt, Instant archivedAt, String status, String commissioner) {

  /** The notes: referralId to {@link #text}. */
  public static final String STORE = "funding-archive";

  /**
   * The archived referrals' figures per commissioner, kept beside its funding view ({@link Tally#ofRemoved}): cell
   * {@value #REFERRALS} how many, {@value #MONEY} their committed, due and released sums, and {@code held|{financial
   * year}} what they held of each year's budget (committed less released in it), for the budget's check.
   */
  public static final Tally<FundingState> TALLY = new Tally<>("commissioner-archived", ArchivedFunding::cells);

  static final String REFERRALS = "referrals";
  static final String MONEY = "money";
  static final String HELD = "held|";

  /** An archived referral's part in {@link #TALLY}. */
  static Map<String, List<BigDecimal>> cells(FundingState s) {
    Map<String, List<BigDecimal>> cells = new LinkedHashMap<>();
    cells.put(REFERRALS, List.of(BigDecimal.ONE));
    cells.put(MONEY, List.of(FundingRules.committed(s), FundingRules.due(s), FundingRules.released(s)));
    Reconciliation.heldByYear(s.getLedger()).forEach((year, held) -> cells.put(HELD + year, List.of(held)));
    return cells;
  }

  /**
   * A commissioner's archived referrals: how many, their committed, due and released sums, and what they held of each
   * financial year's budget.
   */
  public record Figures(long referrals, BigDecimal committed, BigDecimal due, BigDecimal released,
      Map<String, BigDecimal> heldByYear) {}

  /** The commissioner's archived figures, read as two cells on the instance that owns the commissioner. */
  public static Figures of(StoreQueries stores, String commissioner) {
    return figures(TALLY.of(stores, commissioner));
  }

  /** The figures in a commissioner's {@link #TALLY} cells. */
  public static Figures figures(Map<String, List<BigDecimal>> cells) {
    List<BigDecimal> count = cells.getOrDefault(REFERRALS, List.of(BigDecimal.ZERO));
    List<BigDecimal> money = cells.getOrDefault(MONEY, List.of(BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO));
    Map<String, BigDecimal> held = new java.util.TreeMap<>();
    cells.forEach((cell, sums) -> {
      if (cell.startsWith(HELD)) held.put(cell.substring(HELD.length()), sums.get(0));
    });
    return new Figures(count.get(0).longValueExact(), money.get(0), money.get(1), money.get(2), held);
  }

  /** The referral's note, read by key on the instance that owns the referral ({@code FundingProcessor.STORE}'s). */
  public static Optional<ArchivedFunding> of(StoreQueries stores, String commissioner, String referralId) {
    return stores.<String>get(STORE, referralId).map(ArchivedFunding::parse)
        .filter(note -> note.commissioner().equals(commissioner));
  }

  /** As kept: {@code {ended at millis}|{archived at millis}|{status}|{commissioner}}. */
  public String text() {
    return endedAt.toEpochMilli() + "|" + archivedAt.toEpochMilli() + "|" + status + "|" + commissioner;
  }

  static ArchivedFunding parse(String text) {
    String[] parts = text.split("\\|", 4);
    return new ArchivedFunding(Instant.ofEpochMilli(Long.parseLong(parts[0])), Instant.ofEpochMilli(Long.parseLong(parts[1])),
        parts[2], parts[3]);
  }

  /** What the reader is told (no patient identifier: the referral's id is pseudonymous). */
  public String explained(String referralId) {
    long days = Duration.between(endedAt, archivedAt).toDays();
    return "referral " + referralId + " ended (" + status + ") on " + LocalDate.ofInstant(endedAt, ZoneOffset.UTC)
        + " and its funding was archived " + days + (days == 1 ? " day" : " days") + " later, on "
        + LocalDate.ofInstant(archivedAt, ZoneOffset.UTC) + ": its entries are on the funding-ledger topic, its figures"
        + " in the commissioner's totals";
  }
}
