package org.linkway.outcome.timecredits;

import java.math.BigDecimal;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.linkway.events.TimeCreditsEarned;
import org.linkway.platform.streams.KeptBeside;
import org.linkway.platform.streams.StoreQueries;
import org.linkway.platform.streams.Tally;
import org.linkway.platform.streams.ViewFill;
import org.linkway.state.FundingState;

/**
 * A commissioner's Time Credits by month and provider, kept as its referrals' funding changes (beside the
 * commissioner's funding view, {@link KeptBeside}), so that a month's totals are read as that month's cells, two a
 * provider, the same after ten years as after one and whatever the people in it:
 * {@code {YYYY-MM}|{providerId}|given} holds the hours and credits given, and {@code {YYYY-MM}|{providerId}|people}
 * how many (pseudonymous) people gave them. So that each person counts once,
 * {@code person|{YYYY-MM}|{providerId}|{personId}} holds how many entries the person has there: kept, never read by a
 * request; the count moves when a person's first entry of the provider's month arrives or their last one goes.
 */
public final class TimeCreditTotals {

  private static final String GIVEN = "|given";
  private static final String PEOPLE = "|people";
  private static final String PERSON = "person|";

  /** The sums of what each referral gives: hours and credits, and each person's entries. */
  private static final Tally<FundingState> SUMS = new Tally<>("commissioner-time-credits", TimeCreditTotals::cells);

  /** A count of people, one a call: what a person's first entry in a provider's month adds. */
  private static final Tally<String> COUNT = new Tally<>(SUMS.store(), cell -> Map.of(cell, List.of(BigDecimal.ONE)));

  /** The totals: {@code {commissioner}|{cell}} to its numbers. */
  public static final KeptBeside<FundingState> TALLY = new KeptBeside<>() {
    @Override
    public String store() {
      return SUMS.store();
    }

    @Override
    public void change(KeyValueStore<String, String> kept, String key, FundingState before, FundingState after) {
      // each person's cell the change touches, to the count of its provider's month, and whether it was there
      Map<String, String> counts = new LinkedHashMap<>();
      if (before != null) counts.putAll(people(before));
      if (after != null) counts.putAll(people(after));
      Map<String, Boolean> had = new LinkedHashMap<>();
      counts.keySet().forEach(cell -> had.put(cell, has(kept, key, cell)));
      SUMS.change(kept, key, before, after);
      counts.forEach((cell, count) -> {
        boolean is = has(kept, key, cell);
        if (is && !had.get(cell)) COUNT.change(kept, key, null, count);
        if (!is && had.get(cell)) COUNT.change(kept, key, count, null);
      });
    }

    /** Once per task, under a name of its own: a task filled when people were counted by their cells fills again. */
    @Override
    public void fillOnce(ProcessorContext<?, ?> context, String source, UnaryOperator<String> keyOf) {
      KeyValueStore<String, String> kept = context.getStateStore(store());
      ViewFill.<FundingState>once(context, filledStore(), store() + " with people counted", source, List.of(kept),
          (key, value) -> change(kept, keyOf.apply(key), null, value));
    }
  };

  /** One provider's month: hours and credits given, and how many people gave them. */
  record ProviderMonth(String providerId, YearMonth month, BigDecimal hours, BigDecimal credits, long people) {}

  private TimeCreditTotals() {}

  /** What one referral's Time Credits add to its commissioner's totals. */
  static Map<String, List<BigDecimal>> cells(FundingState s) {
    Map<String, List<BigDecimal>> cells = new LinkedHashMap<>();
    for (TimeCreditsEarned t : s.getTimeCredits()) {
      String at = YearMonth.from(t.getGivenOn()) + "|" + t.getProviderId();
      cells.merge(at + GIVEN, List.of(t.getHours(), t.getCredits()),
          (a, b) -> List.of(a.get(0).add(b.get(0)), a.get(1).add(b.get(1))));
      cells.merge(PERSON + at + "|" + t.getPersonId(), List.of(BigDecimal.ONE), (a, b) -> List.of(a.get(0).add(b.get(0))));
    }
    return cells;
  }

  /**
   * The commissioner's months from {@code from} to {@code to}, by provider, from the instance that owns it: two cells
   * a provider a month, not one a person.
   */
  static List<ProviderMonth> of(StoreQueries stores, String commissioner, YearMonth from, YearMonth to) {
    List<ProviderMonth> months = new ArrayList<>();
    for (YearMonth month = from; !month.isAfter(to); month = month.plusMonths(1)) {
      months.addAll(inMonth(month, SUMS.of(stores, commissioner, month + "|")));
    }
    return months;
  }

  /** The providers' totals of one month, from its cells (their names after {@code {YYYY-MM}|}). */
  static List<ProviderMonth> inMonth(YearMonth month, Map<String, List<BigDecimal>> cells) {
    Map<String, List<BigDecimal>> given = new TreeMap<>();
    Map<String, Long> people = new TreeMap<>();
    cells.forEach((cell, numbers) -> {
      if (cell.endsWith(GIVEN)) given.put(cell.substring(0, cell.length() - GIVEN.length()), numbers);
      else if (cell.endsWith(PEOPLE)) people.put(cell.substring(0, cell.length() - PEOPLE.length()), numbers.get(0).longValueExact());
    });
    return given.entrySet().stream().map(p -> new ProviderMonth(p.getKey(), month, pence(p.getValue().get(0)),
        pence(p.getValue().get(1)), people.getOrDefault(p.getKey(), 0L))).toList();
  }

  /** The referral's people's cells, each to the cell counting the people of its provider's month. */
  private static Map<String, String> people(FundingState s) {
    Map<String, String> cells = new LinkedHashMap<>();
    for (TimeCreditsEarned t : s.getTimeCredits()) {
      String at = YearMonth.from(t.getGivenOn()) + "|" + t.getProviderId();
      cells.put(PERSON + at + "|" + t.getPersonId(), at + PEOPLE);
    }
    return cells;
  }

  private static boolean has(KeyValueStore<String, String> kept, String key, String cell) {
    return kept.get(KeptBeside.prefix(key) + cell) != null;
  }

  private static BigDecimal pence(BigDecimal amount) {
    return amount.setScale(2, java.math.RoundingMode.HALF_UP);
  }
}
