package org.linkway.outcome.ledger.stream;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.when;

import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.linkway.platform.streams.PartyView;
import org.linkway.platform.streams.StoreQueries;
import org.linkway.platform.testing.SelfDescribingAvro;

/**
 * Has a mocked {@link StoreQueries} answer pages of one of a commissioner's lists ({@link CommissionerLists}) from a
 * store holding what is {@link #add}ed under the keys the list keeps it by, read as {@link StoreQueries#page} reads,
 * and only in the partition of the commissioner the page is of.
 */
public final class CommissionerListsStub<E extends SpecificRecord> {

  private final PartyView<E> list;
  private final KeyValueStore<String, E> store;

  private CommissionerListsStub(PartyView<E> list, KeyValueStore<String, E> store) {
    this.list = list;
    this.store = store;
  }

  public static <E extends SpecificRecord> CommissionerListsStub<E> answerFrom(StoreQueries stores, PartyView<E> list,
      Class<E> type) {
    KeyValueStore<String, E> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(list.store()),
        Serdes.String(), SelfDescribingAvro.serdes().forValues(type)).withLoggingDisabled().build();
    store.init(new MockProcessorContext<Void, Void>().getStateStoreContext(), store);
    when(stores.page(eq(list.store()), anyString(), anyString(), any(), anyInt(), any())).thenAnswer(call -> {
      String partitionKey = call.getArgument(1);
      String prefix = call.getArgument(2);
      if (!prefix.equals(PartyView.prefix(partitionKey))) {
        throw new AssertionError("the list of " + prefix + " is read in the partition of " + partitionKey);
      }
      Predicate<E> filter = call.getArgument(5);
      return StoreQueries.page(store, prefix, call.getArgument(3), call.<Integer>getArgument(4), filter);
    });
    return new CommissionerListsStub<>(list, store);
  }

  /** Puts {@code entry} in its commissioner's list, as the list's keeper would. */
  public void add(E entry) {
    store.put(list.keyOf(entry), entry);
  }
}
