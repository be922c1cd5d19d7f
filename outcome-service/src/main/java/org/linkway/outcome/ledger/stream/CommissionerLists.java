package org.linkway.outcome.ledger.stream;

import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.linkway.events.LedgerEvent;
import org.linkway.events.OutcomeReported;
import org.linkway.outcome.budgets.BudgetRules;
import org.linkway.platform.kafka.AvroSerdes;
import org.linkway.platform.streams.PartyView;
import org.linkway.platform.streams.StoreQueries;
import org.linkway.platform.streams.Topologies;
import org.linkway.state.FundingState;

/**
 * Each commissioner's ledger entries and outcomes, newest first, so that its ledger (the API's and the dashboard's),
 * its recent outcomes and what its live streams send on connecting are read a bounded page at a time
 * ({@link StoreQueries#page}), not by decoding every referral it ever had. Two {@link PartyView}s: party = the
 * commissioner, order = when the entry or outcome happened, newest first, id = its event id, so each is kept under
 * {@code {commissioner}|{occurredAt, newest first, 19 digits}|{eventId}}; a page's cursor is what follows the
 * commissioner's prefix ({@link PartyView#CURSOR}).
 *
 * <p>Kept from the ledger entries and outcomes that the funding processor writes, as each referral's funding state
 * carries them ({@code FundingRules}: a state's lists hold every entry and outcome as written, with its id and moment),
 * in the commissioner's task of its funding view ({@link CommissionerFunding#keep}). So the instance that
 * {@code KeyOwners} routes a commissioner to by {@link CommissionerFunding#STORE} holds these lists too, and the
 * dashboard, which reads the view, its totals and these lists, reads them all on one instance. An entry never changes
 * once written: each is put once, the first time a state carrying it arrives, and left alone after.
 *
 * <p>Funding states stored before these lists existed fill them once per task: {@code FundingProcessor} sends every
 * state it holds on again ({@link #FILL}).
 */
public final class CommissionerLists {

  /** The commissioner's ledger entries, newest first. */
  public static final PartyView<LedgerEvent> LEDGER = new PartyView<>("commissioner-ledger", BudgetRules::commissioner,
      e -> e.getMetadata().getOccurredAt().toEpochMilli(), true, e -> e.getMetadata().getEventId().toString());

  /** The outcomes reported to the commissioner, newest first. */
  public static final PartyView<OutcomeReported> OUTCOMES = new PartyView<>("commissioner-outcomes",
      OutcomeReported::getCommissioner, o -> o.getMetadata().getOccurredAt().toEpochMilli(), true,
      o -> o.getMetadata().getEventId().toString());

  /** What {@code ViewFill} remembers the lists by, once filled from the states a task held before them. */
  static final String FILL = "commissioner-lists";

  private CommissionerLists() {}

  /** Keeps both lists from the funding states as they reach the commissioner's task ({@link CommissionerFunding#keep}). */
  static void keep(StreamsBuilder builder, AvroSerdes serdes, KStream<String, FundingState> inCommissionersTask) {
    keep(builder, serdes, LEDGER, LedgerEvent.class,
        inCommissionersTask.flatMapValues(s -> s.getLedger() == null ? List.<LedgerEvent>of() : s.getLedger()));
    keep(builder, serdes, OUTCOMES, OutcomeReported.class,
        inCommissionersTask.flatMapValues(s -> s.getOutcomes() == null ? List.<OutcomeReported>of() : s.getOutcomes()));
  }

  private static <E extends SpecificRecord> void keep(StreamsBuilder builder, AvroSerdes serdes, PartyView<E> view,
      Class<E> type, KStream<String, E> byCommissioner) {
    Topologies.addStore(builder, serdes, view.store(), type);
    byCommissioner.process(() -> new Keeper<>(view), view.store());
  }

  /** One page of a commissioner's {@code list}, newest first, after the cursor {@code after} (null: the first). */
  public static <E extends SpecificRecord> StoreQueries.Page<E> page(StoreQueries stores, PartyView<E> list,
      String commissioner, String after, int limit) {
    return stores.page(list.store(), commissioner, PartyView.prefix(commissioner), after, limit, e -> true);
  }

  /**
   * Puts each entry in its commissioner's list, once: its key never changes (its commissioner, moment and id are
   * fixed when written), so an entry there is not written again. The entries of a state sent on to leave its views
   * ({@link PartyView#removal}: its referral archived) leave the list. One of another commissioner than the key it came
   * under, which cannot be, is left out rather than put in a list in another's partition.
   */
  static final class Keeper<E extends SpecificRecord> extends ContextualProcessor<String, E, Void, Void> {

    private final PartyView<E> view;
    private KeyValueStore<String, E> items;

    Keeper(PartyView<E> view) {
      this.view = view;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
      super.init(context);
      this.items = context.getStateStore(view.store());
    }

    @Override
    public void process(Record<String, E> record) {
      E entry = record.value();
      if (record.key() == null || entry == null || !record.key().equals(view.party().apply(entry))) return;
      String key = view.keyOf(entry);
      if (PartyView.isRemoval(record.headers())) items.delete(key);
      else if (items.get(key) == null) items.put(key, entry);
    }
  }
}
