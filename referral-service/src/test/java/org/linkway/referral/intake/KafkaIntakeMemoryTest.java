package org.linkway.referral.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/** The Kafka intake remembers request ids for 24 hours, and then forgets them. */
class KafkaIntakeMemoryTest {

  @Test
  void givenRequestsSeenAnHourAndTwoDaysAgo_whenTheForgettingRuns_thenOnlyTheRecentOneIsRemembered() {
    MockProcessorContext<String, SpecificRecord> context = new MockProcessorContext<>();
    KeyValueStore<String, Long> store = seenStoreIn(context);
    KafkaIntakeProcessor processor = new KafkaIntakeProcessor(null, "gp-test", new org.linkway.platform.kafka.GpSystems(java.util.Map.of()));
    processor.init(context);

    long now = Instant.now().toEpochMilli();
    store.put("D82044/recent", now - Duration.ofHours(1).toMillis());
    store.put("D82044/old", now - Duration.ofDays(2).toMillis());

    assertThat(context.scheduledPunctuators()).singleElement()
        .satisfies(p -> assertThat(p.getInterval()).isEqualTo(KafkaIntakeProcessor.FORGET_EVERY));
    context.scheduledPunctuators().get(0).getPunctuator().punctuate(now);

    assertThat(store.get("D82044/recent")).isNotNull();
    assertThat(store.get("D82044/old")).isNull();
  }

  /** The intake's store of request ids seen, in memory, added to the context as the processor finds it. */
  static KeyValueStore<String, Long> seenStoreIn(MockProcessorContext<String, SpecificRecord> context) {
    KeyValueStore<String, Long> store = Stores.keyValueStoreBuilder(
            Stores.inMemoryKeyValueStore(KafkaIntakeProcessor.STORE), Serdes.String(), Serdes.Long())
        .withLoggingDisabled().build();
    store.init(context.getStateStoreContext(), store);
    context.addStateStore(store);
    return store;
  }
}
