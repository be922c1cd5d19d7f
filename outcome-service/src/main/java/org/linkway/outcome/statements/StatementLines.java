package org.linkway.outcome.statements;

import static org.linkway.platform.domain.SocialPrescribing.UK;

import java.math.BigDecimal;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiPredicate;
import java.util.regex.Pattern;
import org.linkway.events.LedgerEvent;
import org.linkway.events.PaymentDue;
import org.linkway.platform.streams.FixedWidth;
import org.linkway.platform.streams.Lines;
import org.linkway.platform.streams.Tally;
import org.linkway.state.FundingState;

/**
 * A commissioner's payments due by month, kept beside its funding view ({@code CommissionerFunding}) as its referrals'
 * ledgers change, so that a statement reads one month of one commissioner (and one provider within it) by range,
 * the same with a month of history or ten years:
 *
 * <ul>
 *   <li>{@link #LINES}: every PaymentDue of the commissioner's referrals, one line each, keyed
 *       {@code {commissioner}|{YYYY-MM}|{providerId}|{occurredAt}|{referralId}|{milestone}|{place in the ledger}}, the
 *       month in UK time as {@link Statement} reads it, the time as 19 digits of epoch milliseconds: within a provider
 *       the keys sort as a statement lists its items (time, referral, milestone, then the ledger's order);</li>
 *   <li>{@link #TOTALS}: per month and provider, how many items and their sum, so that a statement's totals and the
 *       dashboard's rows of the latest months are a few cells.</li>
 * </ul>
 *
 * <p>A provider id is written with {@code %} and {@code |} escaped, so that one provider's lines are exactly one
 * prefix. The providers of a month are put in order from its totals (a handful of cells), not from the keys, so a
 * statement has them in the order {@link Statement#of} gives whatever characters their ids use.
 */
public final class StatementLines {

  /** The lines: {@code {commissioner}|{YYYY-MM}|{provider}|…} to {@code serviceId;contractId;amount}. */
  public static final Lines<FundingState> LINES = new Lines<>("commissioner-due-lines", StatementLines::lines);

  /** The totals: {@code {commissioner}|{YYYY-MM}|{provider}} to {@code {items};{amount}}. */
  public static final Tally<FundingState> TOTALS = new Tally<>("commissioner-due-totals", StatementLines::totals);

  /** What a cursor of a statement's items ({@code ?after=}) looks like: a provider and the rest of a line's key. */
  public static final Pattern CURSOR = Pattern.compile("[^|]{1,200}\\|\\d{19}\\|[0-9a-fA-F-]{36}\\|[A-Z]{1,20}\\|\\d{6}");

  /**
   * Reads a store's entries whose keys start with a prefix, by the rest of their key, from just after {@code after},
   * in key order or last first, for as long as {@code action} returns true: {@code StoreQueries::scan} on the
   * commissioner's owner, or a test's stores.
   */
  @FunctionalInterface
  public interface Scan {
    void scan(String store, String partitionKey, String prefix, String after, boolean descending,
        BiPredicate<String, String> action);
  }

  /** One page of a statement: the statement with this page's items, and the cursor of the next page (null: none). */
  public record Page(Statement statement, String next) {}

  /** A month's total and how many providers have something due in it. */
  public record MonthTotal(YearMonth month, BigDecimal total, int providers) {}

  private static final String SEPARATOR = "|";

  private StatementLines() {}

  /** The lines of one referral's funding: each PaymentDue of its ledger. */
  static Map<String, String> lines(FundingState s) {
    Map<String, String> lines = new LinkedHashMap<>();
    List<LedgerEvent> ledger = s.getLedger();
    for (int i = 0; i < ledger.size(); i++) {
      if (!(ledger.get(i).getPayload() instanceof PaymentDue p)) continue;
      Instant at = ledger.get(i).getMetadata().getOccurredAt();
      String key = String.join(SEPARATOR, month(at).toString(), escape(p.getProviderId()),
          FixedWidth.digits(at.toEpochMilli(), 19), s.getReferralId().toString(), p.getMilestone().name(),
          FixedWidth.digits(i, 6));
      lines.put(key, String.join(";", encode(p.getServiceId()), encode(p.getContractId()),
          Money.pence(p.getAmount()).toPlainString()));
    }
    return lines;
  }

  /** What one referral's funding adds to the month and provider of each of its payments due: one item, its amount. */
  static Map<String, List<BigDecimal>> totals(FundingState s) {
    Map<String, List<BigDecimal>> cells = new LinkedHashMap<>();
    for (LedgerEvent e : s.getLedger()) {
      if (!(e.getPayload() instanceof PaymentDue p)) continue;
      String cell = month(e.getMetadata().getOccurredAt()) + SEPARATOR + escape(p.getProviderId());
      cells.merge(cell, List.of(BigDecimal.ONE, p.getAmount()),
          (a, b) -> List.of(a.get(0).add(b.get(0)), a.get(1).add(b.get(1))));
    }
    return cells;
  }

  /**
   * One page of the month's statement of {@code commissioner}: up to {@code limit} items in the statement's order,
   * from just after the cursor {@code after} (null: the first). The page lists the providers with items on it (and
   * the one asked for, if one was), each with its total for the whole month, and the month's grand total: with a
   * {@code limit} as large as the month, it is exactly {@link Statement#of} over the commissioner's funding states.
   */
  public static Page page(Scan scan, String commissioner, YearMonth month, String providerId, String after, int limit) {
    String only = providerId == null || providerId.isBlank() ? null : providerId;
    Map<String, List<BigDecimal>> totals = monthTotals(scan, commissioner, month);
    if (only != null) totals = Map.of(only, totals.getOrDefault(only, List.of(BigDecimal.ZERO, BigDecimal.ZERO)));
    String fromProvider = after == null ? null : unescape(after.substring(0, after.indexOf(SEPARATOR)));
    String fromLine = after == null ? null : after.substring(after.indexOf(SEPARATOR) + 1);

    Map<String, List<Statement.Item>> items = new TreeMap<>();
    if (only != null) items.put(only, new ArrayList<>());
    String[] next = {null};
    String[] last = {null};
    int[] taken = {0};
    for (String provider : totals.keySet()) {
      if (fromProvider != null && provider.compareTo(fromProvider) < 0) continue;
      if (next[0] != null) break;
      String prefix = commissioner + SEPARATOR + month + SEPARATOR + escape(provider) + SEPARATOR;
      scan.scan(LINES.store(), commissioner, prefix, provider.equals(fromProvider) ? fromLine : null, false, (line, text) -> {
        if (taken[0] == limit) {
          next[0] = last[0];
          return false;
        }
        items.computeIfAbsent(provider, p -> new ArrayList<>()).add(item(commissioner, line, text));
        taken[0]++;
        last[0] = escape(provider) + SEPARATOR + line;
        return true;
      });
    }

    List<Statement.ProviderStatement> providers = new ArrayList<>();
    BigDecimal total = Money.ZERO;
    for (Map.Entry<String, List<BigDecimal>> p : totals.entrySet()) {
      total = total.add(p.getValue().get(1));
      List<Statement.Item> theirs = items.get(p.getKey());
      if (theirs != null) providers.add(new Statement.ProviderStatement(p.getKey(), List.copyOf(theirs), Money.pence(p.getValue().get(1))));
    }
    return new Page(new Statement(commissioner, month.toString(), UK.getId(), month.atDay(1), month.atEndOfMonth(), only,
        Money.CURRENCY, List.copyOf(providers), Money.pence(total)), next[0]);
  }

  /**
   * The whole month's statement: one month of one commissioner's lines, however many ({@link #page}), held at once: for
   * tests. A request reads a page ({@link #page}), or writes the CSV a page at a time ({@link StatementCsv#byPages}).
   */
  public static Statement statement(Scan scan, String commissioner, YearMonth month, String providerId) {
    return page(scan, commissioner, month, providerId, null, Integer.MAX_VALUE).statement();
  }

  /**
   * The latest {@code count} months with something due, and {@code now}'s month whatever it holds, latest first,
   * at most {@code count}: read from the last of the commissioner's totals back, so it costs those months' cells.
   */
  public static List<MonthTotal> latestMonths(Scan scan, String commissioner, YearMonth now, int count) {
    TreeMap<YearMonth, MonthTotal> months = new TreeMap<>(java.util.Comparator.reverseOrder());
    months.put(now, new MonthTotal(now, Money.ZERO, 0));
    scan.scan(TOTALS.store(), commissioner, commissioner + SEPARATOR, null, true, (cell, text) -> {
      YearMonth month = YearMonth.parse(cell.substring(0, cell.indexOf(SEPARATOR)));
      if (!months.containsKey(month) && months.size() > count) return false;
      BigDecimal amount = Tally.parse(text).get(1);
      months.merge(month, new MonthTotal(month, amount, 1),
          (a, b) -> new MonthTotal(month, a.total().add(b.total()), a.providers() + b.providers()));
      return true;
    });
    return months.values().stream().limit(count)
        .map(m -> new MonthTotal(m.month(), Money.pence(m.total()), m.providers())).toList();
  }

  /** The month's totals by provider (items, amount), in the order of their ids. */
  private static Map<String, List<BigDecimal>> monthTotals(Scan scan, String commissioner, YearMonth month) {
    Map<String, List<BigDecimal>> totals = new TreeMap<>();
    scan.scan(TOTALS.store(), commissioner, commissioner + SEPARATOR + month + SEPARATOR, null, false, (provider, text) -> {
      totals.put(unescape(provider), Tally.parse(text));
      return true;
    });
    return totals;
  }

  private static Statement.Item item(String commissioner, String line, String text) {
    String[] key = line.split(Pattern.quote(SEPARATOR), -1);
    String[] fields = text.split(";", -1);
    LocalDate date = Instant.ofEpochMilli(Long.parseLong(key[0])).atZone(UK).toLocalDate();
    return new Statement.Item(date, key[1], decode(fields[0]), decode(fields[1]), key[2], new BigDecimal(fields[2]));
  }

  /** The month of a time, in UK time, as {@link Statement} reads it. */
  static YearMonth month(Instant at) {
    return YearMonth.from(at.atZone(UK));
  }

  static String escape(String id) {
    return id.replace("%", "%25").replace("|", "%7C");
  }

  static String unescape(String id) {
    return id.replace("%7C", "|").replace("%25", "%");
  }

  private static String encode(String field) {
    return URLEncoder.encode(field, StandardCharsets.UTF_8);
  }

  private static String decode(String field) {
    return URLDecoder.decode(field, StandardCharsets.UTF_8);
  }
}
