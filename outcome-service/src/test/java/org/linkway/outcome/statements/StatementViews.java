package org.linkway.outcome.statements;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.Collection;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.linkway.outcome.analytics.BreakdownCells;
import org.linkway.outcome.analytics.CommissionerTotals;
import org.linkway.outcome.ledger.stream.CommissionerFunding;
import org.linkway.platform.streams.PartyView;
import org.linkway.platform.streams.StoreQueries;
import org.linkway.platform.testing.SelfDescribingAvro;
import org.linkway.state.FundingState;

/**
 * The commissioner's funding view with what is kept beside it (its totals, its statements' lines and totals, its
 * breakdown's cells) and in its task (the reconciliation results), on
 * Kafka Streams' test driver: funding states go in as FundingProcessor sends them on, and the stores are read as the
 * commissioner's owner reads them.
 */
public final class StatementViews implements AutoCloseable {

  static final String APPLICATION = "outcome-service-statements-test";

  final TopologyTestDriver driver;
  /** Where the job hands its results over, for the commissioner's task to keep. */
  final ReconciliationResults results = new ReconciliationResults();
  private final TestInputTopic<String, SpecificRecord> outputs;

  public StatementViews(Path stateDir) {
    StreamsBuilder builder = new StreamsBuilder();
    ReconciliationResults.keep(builder, CommissionerFunding.keep(builder, SelfDescribingAvro.serdes(),
        SelfDescribingAvro.anyRecords(builder, "outputs"), CommissionerTotals.TALLY, CommissionerTotals.IN_TASK, StatementLines.LINES,
        StatementLines.TOTALS, BreakdownCells.TALLY, BreakdownCells.MONTHS), results);
    this.driver = SelfDescribingAvro.driver(builder, APPLICATION, stateDir);
    this.outputs = SelfDescribingAvro.input(driver, "outputs");
  }

  /** The views holding {@code states}. */
  public static StatementViews of(Path stateDir, Collection<FundingState> states) {
    StatementViews views = new StatementViews(stateDir);
    states.forEach(views::send);
    return views;
  }

  public void send(FundingState state) {
    outputs.pipeInput(state.getReferralId().toString(), state);
  }

  /** Sends the state on to leave the views, as FundingProcessor does when it archives the referral. */
  public void archive(FundingState state) {
    outputs.pipeInput(new TestRecord<>(state.getReferralId().toString(), state, PartyView.removal()));
  }

  /** Reads the stores as {@code StoreQueries::scan} reads them on the commissioner's owner. */
  StatementLines.Scan scan() {
    return (store, partitionKey, prefix, after, descending, action) -> {
      KeyValueStore<String, String> kept = driver.getKeyValueStore(store);
      StoreQueries.scan(kept, prefix, after, descending, action);
    };
  }

  /**
   * A {@link StoreQueries} reading the driver's stores as the commissioner's owner reads its own: by prefix, by
   * range, from a cursor; each read by prefix checked to be in the partition of the key it names.
   */
  public StoreQueries stores() {
    StoreQueries stores = mock(StoreQueries.class);
    doAnswer(call -> {
      StoreQueries.scan(store(call.getArgument(0)), inPartition(call.getArgument(1), call.getArgument(2)), call.getArgument(3),
          call.getArgument(4), call.getArgument(5));
      return null;
    }).when(stores).scan(anyString(), anyString(), anyString(), any(), anyBoolean(), any());
    doAnswer(call -> {
      Consumer<Object> action = call.getArgument(3);
      entries(call.getArgument(0), inPartition(call.getArgument(1), call.getArgument(2))).values().forEach(action);
      return null;
    }).when(stores).forEachWithPrefix(anyString(), anyString(), anyString(), any());
    when(stores.withPrefix(anyString(), anyString(), anyString()))
        .thenAnswer(call -> new ArrayList<>(entries(call.getArgument(0), inPartition(call.getArgument(1), call.getArgument(2))).values()));
    when(stores.entriesWithPrefix(anyString(), anyString(), anyString()))
        .thenAnswer(call -> entries(call.getArgument(0), inPartition(call.getArgument(1), call.getArgument(2))));
    when(stores.get(anyString(), anyString()))
        .thenAnswer(call -> Optional.ofNullable(store(call.getArgument(0)).get(call.getArgument(1))));
    when(stores.keys(anyString(), anyString(), anyString())).thenAnswer(call -> {
      List<String> keys = new ArrayList<>();
      try (KeyValueIterator<String, Object> it = store(call.getArgument(0)).range(call.getArgument(1), call.getArgument(2))) {
        it.forEachRemaining(entry -> keys.add(entry.key));
      }
      return keys;
    });
    return stores;
  }

  private KeyValueStore<String, Object> store(String name) {
    return driver.getKeyValueStore(name);
  }

  /** The entries of the store whose keys start with {@code prefix}, by the rest of their keys, in key order. */
  private Map<String, Object> entries(String name, String prefix) {
    Map<String, Object> entries = new LinkedHashMap<>();
    StoreQueries.scan(store(name), prefix, null, false, (key, value) -> {
      entries.put(key, value);
      return true;
    });
    return entries;
  }

  private static String inPartition(String partitionKey, String prefix) {
    if (!prefix.startsWith(partitionKey + "|")) {
      throw new AssertionError("the keys " + prefix + "… are read in the partition of " + partitionKey);
    }
    return prefix;
  }

  @Override
  public void close() {
    driver.close();
  }
}
