package org.linkway.platform.streams;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * Fills a view ({@link PartyView}) from the states a task held before the view existed: once, a
 * second after the task's first start with the view, every state it holds is sent on, and a
 * per-task store remembers that it was done. A processor cannot send anything from {@code init},
 * hence the one-off punctuation.
 */
public final class ViewFill {

  private ViewFill() {}

  /** The per-task store of the views filled (the view's name to when). */
  public static void addStore(StreamsBuilder builder, String name) {
    builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.String(), Serdes.Long()));
  }

  /**
   * Sends every entry of {@code source} to {@code send}, once per task for {@code view}; call from the
   * processor's {@code init}, with {@code filledStore} and {@code source} connected to it.
   */
  public static <V> void once(ProcessorContext<?, ?> context, String filledStore, String view, String source,
      BiConsumer<String, V> send) {
    once(context, filledStore, view, source, List.of(), send);
  }

  /**
   * {@link #once(ProcessorContext, String, String, String, BiConsumer)}, for a view the processor keeps in stores of
   * its own ({@code rebuilt}, connected to it too): they are emptied first, so that what a change put there in the
   * second before the fill is not counted twice.
   */
  public static <V> void once(ProcessorContext<?, ?> context, String filledStore, String view, String source,
      List<KeyValueStore<String, ?>> rebuilt, BiConsumer<String, V> send) {
    KeyValueStore<String, Long> filled = context.getStateStore(filledStore);
    KeyValueStore<String, V> states = context.getStateStore(source);
    Cancellable[] schedule = new Cancellable[1];
    schedule[0] = context.schedule(Duration.ofSeconds(1), PunctuationType.WALL_CLOCK_TIME, now -> {
      if (filled.get(view) == null) {
        rebuilt.forEach(ViewFill::empty);
        try (KeyValueIterator<String, V> all = states.all()) {
          all.forEachRemaining(entry -> send.accept(entry.key, entry.value));
        }
        filled.put(view, now);
      }
      schedule[0].cancel();
    });
  }

  private static void empty(KeyValueStore<String, ?> store) {
    List<String> keys = new ArrayList<>();
    try (KeyValueIterator<String, ?> all = store.all()) {
      all.forEachRemaining(entry -> keys.add(entry.key));
    }
    keys.forEach(store::delete);
  }
}
