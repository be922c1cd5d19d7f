package org.linkway.outcome.statements;

import java.nio.file.Path;
import java.util.Collection;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.linkway.outcome.analytics.CommissionerTotals;
import org.linkway.outcome.ledger.stream.CommissionerFunding;
import org.linkway.platform.streams.StoreQueries;
import org.linkway.platform.testing.SelfDescribingAvro;
import org.linkway.state.FundingState;

/**
 * The commissioner's funding view with what is kept beside it (its totals, its statements' lines and totals), on
 * Kafka Streams' test driver: funding states go in as FundingProcessor sends them on, and the stores are read as the
 * commissioner's owner reads them.
 */
final class StatementViews implements AutoCloseable {

  final TopologyTestDriver driver;
  private final TestInputTopic<String, SpecificRecord> outputs;

  StatementViews(Path stateDir) {
    StreamsBuilder builder = new StreamsBuilder();
    CommissionerFunding.keep(builder, SelfDescribingAvro.serdes(), SelfDescribingAvro.anyRecords(builder, "outputs"),
        CommissionerTotals.TALLY, StatementLines.LINES, StatementLines.TOTALS);
    this.driver = SelfDescribingAvro.driver(builder, "outcome-service-statements-test", stateDir);
    this.outputs = SelfDescribingAvro.input(driver, "outputs");
  }

  /** The views holding {@code states}. */
  static StatementViews of(Path stateDir, Collection<FundingState> states) {
    StatementViews views = new StatementViews(stateDir);
    states.forEach(views::send);
    return views;
  }

  void send(FundingState state) {
    outputs.pipeInput(state.getReferralId().toString(), state);
  }

  /** Reads the stores as {@code StoreQueries::scan} reads them on the commissioner's owner. */
  StatementLines.Scan scan() {
    return (store, partitionKey, prefix, after, descending, action) -> {
      KeyValueStore<String, String> kept = driver.getKeyValueStore(store);
      StoreQueries.scan(kept, prefix, after, descending, action);
    };
  }

  @Override
  public void close() {
    driver.close();
  }
}
