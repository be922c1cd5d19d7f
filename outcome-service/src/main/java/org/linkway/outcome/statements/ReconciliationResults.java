package org.linkway.outcome.statements;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.linkway.outcome.ledger.stream.ArchivedFunding;
import org.linkway.outcome.ledger.stream.CommissionerFunding;
import org.linkway.platform.streams.StoreQueries;
import org.linkway.state.FundingState;
import org.springframework.stereotype.Component;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The last reconciliation of each commissioner ({@link ReconciliationRun}), kept in a store of the commissioner's own
 * task ({@value #STORE}: commissioner to the run as JSON), whose changelog a new instance, or this one after a
 * restart, restores with the commissioner's partition: so {@code GET /commissioners/{c}/ledger/reconciliation}
 * answers the last result wherever and whenever the commissioner's partition runs, not 503 until the job runs there
 * again.
 *
 * <p>The job ({@link ReconciliationJob}) runs on a thread of its own and hands each result here; the task that holds
 * the commissioner's funding view takes it within a second (a wall-clock punctuation) and puts it in the store, in the
 * task's transaction. Until then the result handed over is answered as it is.
 */
@Component
public class ReconciliationResults {

  /** The results: commissioner to its last run, as JSON. */
  public static final String STORE = "reconciliation-results";
  private static final JsonMapper JSON = JsonMapper.builder()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

  /** The results made here and not in the store yet, by commissioner. */
  private final Map<String, ReconciliationRun> handedOver = new ConcurrentHashMap<>();

  /**
   * Keeps the results in the task of the commissioner's funding view: {@code inCommissionersTask} is the stream of
   * that task ({@link CommissionerFunding#keep}), so that the store is in the commissioner's partition.
   */
  public static void keep(StreamsBuilder builder, KStream<String, FundingState> inCommissionersTask, ReconciliationResults results) {
    builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(), Serdes.String()));
    inCommissionersTask.process(() -> new Keeper(results), STORE, CommissionerFunding.STORE, ArchivedFunding.TALLY.store());
  }

  /** Hands a run over, to be kept by the task holding its commissioner. */
  void handOver(ReconciliationRun run) {
    handedOver.put(run.commissioner(), run);
  }

  /** Forgets the runs handed over and not kept of the commissioners not among {@code held}. */
  void retainOnly(Set<String> held) {
    handedOver.keySet().retainAll(held);
  }

  /** The commissioner's last run: the one handed over and not kept yet, else the one kept, read on its owner. */
  Optional<ReconciliationRun> last(StoreQueries stores, String commissioner) {
    ReconciliationRun run = handedOver.get(commissioner);
    if (run != null) return Optional.of(run);
    return stores.<String>get(STORE, commissioner).map(ReconciliationResults::parse);
  }

  static String json(ReconciliationRun run) {
    return JSON.writeValueAsString(run);
  }

  static ReconciliationRun parse(String json) {
    return JSON.readValue(json, ReconciliationRun.class);
  }

  /**
   * Puts the runs handed over of the commissioners this task holds (those with funding states in its view, or
   * referrals archived from it) into the
   * store, every second; it reads nothing of the stream it hangs on.
   */
  private static final class Keeper extends ContextualProcessor<String, FundingState, Void, Void> {

    private final ReconciliationResults results;

    Keeper(ReconciliationResults results) {
      this.results = results;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
      super.init(context);
      KeyValueStore<String, String> kept = context.getStateStore(STORE);
      KeyValueStore<String, Object> view = context.getStateStore(CommissionerFunding.STORE);
      KeyValueStore<String, Object> archived = context.getStateStore(ArchivedFunding.TALLY.store());
      context.schedule(Duration.ofSeconds(1), PunctuationType.WALL_CLOCK_TIME, now ->
          results.handedOver.forEach((commissioner, run) -> {
            // every referral of a commissioner may have been archived: its archived figures are in this task too
            if (!holds(view, commissioner) && !holds(archived, commissioner)) return;
            kept.put(commissioner, json(run));
            results.handedOver.remove(commissioner, run);
          }));
    }

    @Override
    public void process(Record<String, FundingState> record) {}

    private static boolean holds(KeyValueStore<String, Object> view, String commissioner) {
      try (KeyValueIterator<String, Object> it = view.prefixScan(commissioner + "|", new StringSerializer())) {
        return it.hasNext();
      }
    }
  }
}
