package org.linkway.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.linkway.events.EventMetadata;
import org.linkway.events.FundingCommitted;
import org.linkway.events.LedgerEvent;
import org.linkway.events.OutcomeReported;
import org.linkway.events.ReferralEvent;
import org.linkway.events.ReferralOffered;
import org.linkway.events.ReferralSubmitted;
import org.linkway.events.ReferralUnplaced;
import org.linkway.platform.kafka.AvroSerdes;
import org.linkway.platform.kafka.Topic;
import org.linkway.platform.kafka.Topics;

/**
 * Reads every Linkway topic the journey writes, from where they ended when the benchmark began, as
 * any read_committed consumer would: counts the events, finds any event id written twice, and tells
 * the journey when a referral's funding is committed in the ledger and when its outcome is reported.
 */
final class TopicAudit implements AutoCloseable {

  /** What the journey wants to hear about. */
  interface Listener {
    void committed(UUID referralId);

    void outcome(UUID referralId);

    void unplaced(UUID referralId);

    /** The referral's ReferralSubmitted or first ReferralOffered is readable on {@code referrals}. */
    void onReferrals(UUID referralId, boolean offered);
  }

  static final List<Topic<?>> JOURNEY_TOPICS = List.of(Topics.referralRequests(BenchPeople.GP_SYSTEM),
      Topics.referralRejections(BenchPeople.GP_SYSTEM),
      Topics.REFERRALS, Topics.PROVIDER_COMMANDS, Topics.PROVIDER_EVENTS, Topics.BUDGET_REQUESTS, Topics.BUDGET_DECISIONS,
      Topics.FUNDING_LEDGER, Topics.COMMISSIONER_OUTCOMES);

  private final KafkaConsumer<String, SpecificRecord> consumer;
  private final Listener listener;
  private final Map<String, AtomicLong> counts = new LinkedHashMap<>();
  private final Map<String, Set<UUID>> seen = new HashMap<>();
  private final Map<String, AtomicLong> duplicates = new LinkedHashMap<>();
  private final AtomicLong commandsResent = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicLong records = new AtomicLong();
  private final Thread reader;
  private volatile boolean running = true;

  TopicAudit(String bootstrap, AvroSerdes serdes, Listener listener) {
    this.listener = listener;
    Map<String, Object> config = new HashMap<>(serdes.registryConfig());
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
    this.consumer = new KafkaConsumer<>(BenchKafka.withLogin(config), new StringDeserializer(),
        serdes.<SpecificRecord>forValues(SpecificRecord.class).deserializer());
    List<TopicPartition> partitions = new ArrayList<>();
    for (Topic<?> topic : JOURNEY_TOPICS) {
      counts.put(topic.name(), new AtomicLong());
      duplicates.put(topic.name(), new AtomicLong());
      seen.put(topic.name(), new HashSet<>());
      for (int p = 0; p < topic.partitions(); p++) partitions.add(new TopicPartition(topic.name(), p));
    }
    consumer.assign(partitions);
    consumer.seekToEnd(partitions);
    partitions.forEach(consumer::position); // fix the starting point now, before the journey writes anything
    this.reader = new Thread(this::read, "bench-topic-audit");
    reader.setDaemon(true);
    reader.start();
  }

  private void read() {
    while (running) {
      for (ConsumerRecord<String, SpecificRecord> record : consumer.poll(Duration.ofMillis(200))) {
        String topic = record.topic();
        counts.get(topic).incrementAndGet();
        records.incrementAndGet();
        bytes.addAndGet(Math.max(0, record.serializedValueSize()));
        if (record.value() == null) continue;
        EventMetadata meta = (EventMetadata) ((GenericRecord) record.value()).get("metadata");
        if (!seen.get(topic).add(meta.getEventId())) {
          (topic.equals(Journey.COMMANDS_RESENT_UNDER_THEIR_ID) ? commandsResent : duplicates.get(topic)).incrementAndGet();
        }
        UUID referralId = meta.getReferralId();
        if (referralId == null) continue;
        Object value = record.value();
        if (value instanceof LedgerEvent e && e.getPayload() instanceof FundingCommitted) listener.committed(referralId);
        else if (value instanceof OutcomeReported) listener.outcome(referralId);
        else if (value instanceof ReferralEvent e && e.getPayload() instanceof ReferralUnplaced) listener.unplaced(referralId);
        else if (value instanceof ReferralEvent e && e.getPayload() instanceof ReferralSubmitted) listener.onReferrals(referralId, false);
        else if (value instanceof ReferralEvent e && e.getPayload() instanceof ReferralOffered o && o.getAttempt() == 1) {
          listener.onReferrals(referralId, true);
        }
      }
    }
  }

  /** Events read so far, by topic. */
  Map<String, Long> counts() {
    Map<String, Long> out = new LinkedHashMap<>();
    counts.forEach((topic, n) -> out.put(topic, n.get()));
    return out;
  }

  long events() {
    return records.get();
  }

  /** Event ids read more than once, by topic. */
  Map<String, Long> duplicates() {
    Map<String, Long> out = new LinkedHashMap<>();
    duplicates.forEach((topic, n) -> out.put(topic, n.get()));
    return out;
  }

  /** Provider commands read again under their id: sent again with their Idempotency-Key. */
  long commandsResent() {
    return commandsResent.get();
  }

  /** The mean size of an event's value as written (Confluent wire format: magic byte, schema id, Avro). */
  int meanEventBytes() {
    long n = records.get();
    return n == 0 ? 0 : (int) (bytes.get() / n);
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    reader.join(5_000);
    consumer.close();
  }
}
