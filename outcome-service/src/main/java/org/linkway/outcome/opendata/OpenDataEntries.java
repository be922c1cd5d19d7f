package org.linkway.outcome.opendata;

import java.math.BigDecimal;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.linkway.outcome.opendata.OpenDataTable.Row;
import org.linkway.platform.kafka.AvroSerdes;
import org.linkway.platform.streams.KeyedView;
import org.linkway.platform.streams.PartyView;
import org.linkway.platform.streams.StoreQueries;
import org.linkway.platform.streams.Tally;
import org.linkway.state.FundingState;
import org.linkway.state.OpenDataEntry;

/**
 * Every referral's part in the open-data release of its month ({@link OpenDataTable#entry}), held by the month
 * ({@link KeyedView}): each change of a referral's {@link FundingState} sends its entry on, keyed by the month it was
 * submitted in, to be kept under {@code {month}|{referralId}}, and the month's running counts are kept beside them
 * ({@link #CELLS}, a {@link Tally}): {@code {month}|{commissioner}|{provider}|{need}} to the eight counts of that row of
 * the release. So the months are spread over the partitions, each month's cells are in one partition, and a release
 * is read as its month's cells on the instance owning the month ({@code OpenDataRoutes}): as many as the release has
 * rows, not as many as the month has referrals, the same after ten years as after one.
 *
 * <p>Which months have referrals at all (for the list of releases, from the first) is kept under the one key
 * {@value #KEY} ({@link #MONTHS}): each month's task sends it on once, the first time it sees the month, so that key
 * gets one record per month, not one per change.
 *
 * <p>A referral archived ({@code FundingProcessor}) leaves its month's entries; the month's cells keep its counts
 * ({@link KeyedView}'s removal), and the month stays in the list of releases.
 */
public final class OpenDataEntries {

  /** The entries: {@code {month}|{referralId}} to the referral's {@link OpenDataEntry}. */
  public static final String STORE = "open-data-by-month";
  /** The months' cells: {@code {month}|{commissioner}|{provider}|{need}} to the row's counts, by {@code Measure}. */
  public static final Tally<OpenDataEntry> CELLS = new Tally<>("open-data-cells", OpenDataEntries::cells);
  /** The months with referrals: {@code open-data|{month}} to the first entry seen of the month. */
  public static final String MONTHS = "open-data-months";
  /** The key the months travel under, so that the list of months is in one partition. */
  public static final String KEY = "open-data";
  /** Per month's task, the months it has sent on to {@link #MONTHS}. */
  static final String MONTHS_SENT = "open-data-months-sent";

  private OpenDataEntries() {}

  /** Keeps the entries of the funding states among a processor's {@code outputs} (the others are ignored). */
  public static void keep(StreamsBuilder builder, AvroSerdes serdes, KStream<String, SpecificRecord> outputs) {
    KStream<String, OpenDataEntry> inMonthsTask = KeyedView.keep(builder, serdes, STORE, OpenDataEntry.class, STORE,
        outputs.flatMap(OpenDataEntries::entryOf), (month, entry) -> prefix(month) + entry.getReferralId(), CELLS);
    builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(MONTHS_SENT), Serdes.String(),
        Serdes.Long()));
    KeyedView.keep(builder, serdes, MONTHS, OpenDataEntry.class, MONTHS,
        inMonthsTask.process(FirstOfMonth::new, MONTHS_SENT), (key, entry) -> prefix(key) + entry.getMonth());
  }

  /** The entry of a funding state, keyed by its month; none for anything else, or a state whose submission is not seen. */
  private static List<KeyValue<String, OpenDataEntry>> entryOf(String referralId, SpecificRecord value) {
    if (!(value instanceof FundingState state)) return List.of();
    return OpenDataTable.entry(state).map(entry -> List.of(KeyValue.pair(entry.getMonth(), entry))).orElse(List.of());
  }

  /** What one referral's entry adds to its month's cells: its counts, once under each of its needs. */
  static Map<String, List<BigDecimal>> cells(OpenDataEntry entry) {
    List<BigDecimal> counts = entry.getCounts().stream().map(BigDecimal::valueOf).toList();
    Map<String, List<BigDecimal>> cells = new LinkedHashMap<>();
    for (String need : entry.getNeeds()) cells.put(entry.getCommissioner() + "|" + entry.getProvider() + "|" + need, counts);
    return cells;
  }

  /**
   * The raw rows of the release of {@code month}, from its cells, sorted by commissioner, provider and need, as
   * {@link OpenDataTable#rows(Iterable)} counts them from the month's entries.
   */
  static List<Row> rows(YearMonth month, Map<String, List<BigDecimal>> cells) {
    List<Row> rows = new ArrayList<>(cells.size());
    cells.forEach((cell, numbers) -> {
      // the provider and the need have no '|' ([a-z0-9-], a need's name): the commissioner is what is left
      int needAt = cell.lastIndexOf('|');
      int providerAt = cell.lastIndexOf('|', needAt - 1);
      long[] c = numbers.stream().mapToLong(BigDecimal::longValueExact).toArray();
      rows.add(new Row(cell.substring(0, providerAt), cell.substring(providerAt + 1, needAt), cell.substring(needAt + 1),
          month.toString(), c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]));
    });
    rows.sort(Comparator.comparing(Row::commissioner).thenComparing(Row::provider).thenComparing(Row::need));
    return rows;
  }

  /** The raw rows of one month's release, read from its cells on the instance that owns the month. */
  static List<Row> rows(StoreQueries stores, YearMonth month) {
    return rows(month, CELLS.of(stores, month.toString()));
  }

  /** The first month with a referral, if any, read on the instance that owns {@value #KEY}. */
  static Optional<YearMonth> firstMonth(StoreQueries stores) {
    StoreQueries.Page<OpenDataEntry> first = stores.page(MONTHS, KEY, prefix(KEY), null, 1, entry -> true);
    return first.values().stream().findFirst().map(entry -> YearMonth.parse(entry.getMonth()));
  }

  /** The start of the keys of one month's entries and cells (or of the months, under {@value #KEY}). */
  static String prefix(String month) {
    return month + "|";
  }

  /** Sends each month on under {@value #KEY} the first time its task sees it. */
  private static final class FirstOfMonth extends ContextualProcessor<String, OpenDataEntry, String, OpenDataEntry> {

    private KeyValueStore<String, Long> sent;

    @Override
    public void init(ProcessorContext<String, OpenDataEntry> context) {
      super.init(context);
      this.sent = context.getStateStore(MONTHS_SENT);
    }

    @Override
    public void process(Record<String, OpenDataEntry> record) {
      // an entry leaving its month's view (its referral archived) leaves the month in the list of releases
      if (record.value() == null || PartyView.isRemoval(record.headers()) || sent.get(record.value().getMonth()) != null) return;
      sent.put(record.value().getMonth(), record.timestamp());
      context().forward(record.withKey(KEY));
    }
  }
}
