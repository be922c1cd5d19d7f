package org.linkway.bench.chaos;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.linkway.bench.Journey;
import org.linkway.events.EventMetadata;
import org.linkway.events.FundingCommitted;
import org.linkway.events.FundingReleased;
import org.linkway.events.PaymentDue;
import org.linkway.events.ReferralOffered;
import org.linkway.platform.kafka.AvroSerdes;
import org.linkway.platform.kafka.LinkwayKafkaProperties;
import org.linkway.platform.kafka.Topic;
import org.linkway.platform.kafka.Topics;

/**
 * Reads back, from the start and as any read_committed consumer would, every topic the journey
 * writes, for the whole run: each event id seen twice on a topic, and per referral what was
 * recorded of it (each kind of fact counted) and the money of its ledger. It is the witness the
 * checks believe, rather than the services' own answers.
 */
final class JourneyAudit implements AutoCloseable {

  static final List<Topic<?>> TOPICS = List.of(Topics.REFERRALS, Topics.PROVIDER_COMMANDS, Topics.PROVIDER_EVENTS,
      Topics.BUDGET_REQUESTS, Topics.BUDGET_DECISIONS, Topics.FUNDING_LEDGER, Topics.COMMISSIONER_OUTCOMES);

  /**
   * Facts that happen at most once to a referral on this journey, whatever is retried or
   * redelivered. Not in the list: the providers' commands, which a provider sends again (with the same
   * {@code Idempotency-Key}) when its answer is lost, and sessions, of which a referral has several (the
   * run checks their number).
   */
  static final Set<String> AT_MOST_ONCE = Set.of("ReferralSubmitted", "ReferralAccepted", "ReferralCompleted",
      "ReferralUnplaced", "ReferralCancelled", "ReserveFunding", "FundingReservation", "FundingCommitted",
      "PaymentDue:ENGAGEMENT", "PaymentDue:COMPLETION", "PaymentDue:OUTCOME", "FundingReleased", "OutcomeReported");

  /** An event id read a second time on one topic. */
  record Duplicate(String topic, UUID eventId, String fact, UUID referralId) {}

  /** What the log holds of one referral. */
  static final class Facts {
    final Map<String, Integer> counts = new TreeMap<>();
    String commissioner;
    BigDecimal committed = BigDecimal.ZERO;
    BigDecimal due = BigDecimal.ZERO;
    BigDecimal released = BigDecimal.ZERO;
    /** When (System.nanoTime) its outcome report, or its being unplaced, was read: the journey's end. */
    volatile long endedAt;
    /** The provider its last offer went to (null before its first offer). */
    volatile String offeredTo;

    synchronized int count(String fact) {
      return counts.getOrDefault(fact, 0);
    }

    synchronized Map<String, Integer> repeated() {
      Map<String, Integer> out = new TreeMap<>();
      counts.forEach((fact, n) -> {
        if (n > 1 && (AT_MOST_ONCE.contains(fact) || fact.startsWith("ReferralOffered#"))) out.put(fact, n);
      });
      return out;
    }

    synchronized String describe() {
      return counts + ", committed " + committed + ", due " + due + ", released " + released;
    }

    private synchronized void add(String fact, Object payload) {
      counts.merge(fact, 1, Integer::sum);
      if (payload instanceof ReferralOffered o) offeredTo = o.getProviderId();
      if (payload instanceof FundingCommitted c) {
        committed = committed.add(c.getAmount());
        commissioner = c.getCommissioner();
      } else if (payload instanceof PaymentDue d) {
        due = due.add(d.getAmount());
      } else if (payload instanceof FundingReleased r) {
        released = released.add(r.getAmount());
      }
    }
  }

  private final KafkaConsumer<String, SpecificRecord> consumer;
  private final List<TopicPartition> partitions = new ArrayList<>();
  private final Map<String, Set<UUID>> seen = new HashMap<>();
  private final List<Duplicate> duplicates = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final AtomicLong commandsResent = new AtomicLong();
  private final Map<UUID, Facts> facts = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
  private final Thread reader;
  /** How the harness reaches the broker (as its administrator). */
  private final Map<String, Object> harnessClient;
  private volatile boolean running = true;
  private volatile long catchUpAsked;
  private volatile long caughtUpFor;
  private volatile Throwable failure;

  JourneyAudit(ChaosKafka kafka, String registryApi) {
    AvroSerdes serdes = new AvroSerdes(new LinkwayKafkaProperties(registryApi, null, null, null, 0, null));
    this.harnessClient = Map.copyOf(kafka.harnessClient());
    Map<String, Object> config = new HashMap<>(harnessClient);
    config.putAll(serdes.registryConfig());
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
    this.consumer = new KafkaConsumer<>(config, new StringDeserializer(),
        serdes.<SpecificRecord>forValues(SpecificRecord.class).deserializer());
    for (Topic<?> topic : TOPICS) {
      seen.put(topic.name(), new HashSet<>());
      counts.put(topic.name(), new AtomicLong());
      for (int p = 0; p < topic.partitions(); p++) partitions.add(new TopicPartition(topic.name(), p));
    }
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    this.reader = new Thread(this::read, "chaos-journey-audit");
    reader.setDaemon(true);
    reader.start();
  }

  private void read() {
    try {
      while (running) {
        long asked = catchUpAsked;
        for (ConsumerRecord<String, SpecificRecord> record : consumer.poll(Duration.ofMillis(200))) {
          take(record);
        }
        if (asked > caughtUpFor && caughtUp()) caughtUpFor = asked;
      }
    } catch (InterruptException | WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      failure = e;
    }
  }

  /** Whether this reader is at the end (the last stable offset) of every partition. */
  private boolean caughtUp() {
    try {
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(5));
      return ends.entrySet().stream().allMatch(e -> consumer.position(e.getKey(), Duration.ofSeconds(5)) >= e.getValue());
    } catch (TimeoutException brokerAway) {
      return false;
    }
  }

  private void take(ConsumerRecord<String, SpecificRecord> record) {
    counts.get(record.topic()).incrementAndGet();
    SpecificRecord value = record.value();
    if (value == null) return;
    EventMetadata meta = (EventMetadata) field(value, "metadata");
    if (meta == null) return;
    Object payload = field(value, "payload");
    if (payload == null) payload = field(value, "command");
    if (payload == null) payload = value;
    String fact = payload.getClass().getSimpleName();
    if (payload instanceof ReferralOffered o) fact += "#" + o.getAttempt();
    if (payload instanceof PaymentDue d) fact += ":" + d.getMilestone();
    UUID referralId = meta.getReferralId();
    if (!seen.get(record.topic()).add(meta.getEventId())) {
      if (record.topic().equals(Journey.COMMANDS_RESENT_UNDER_THEIR_ID)) commandsResent.incrementAndGet();
      else duplicates.add(new Duplicate(record.topic(), meta.getEventId(), fact, referralId));
    }
    if (referralId == null) return;
    Facts f = facts.computeIfAbsent(referralId, id -> new Facts());
    f.add(fact, payload);
    if ((fact.equals("OutcomeReported") || fact.equals("ReferralUnplaced")) && f.endedAt == 0) f.endedAt = System.nanoTime();
  }

  private static Object field(SpecificRecord record, String name) {
    Schema.Field field = record.getSchema().getField(name);
    return field == null ? null : record.get(field.pos());
  }

  /** Waits until everything committed so far has been read; false when the bound passed first. */
  boolean awaitCaughtUp(Duration bound) {
    long asked = System.nanoTime();
    catchUpAsked = asked;
    return Await.until(() -> caughtUpFor >= asked || failure != null, bound) && failure == null;
  }

  /** What the log holds of a referral (nothing read yet: an empty record). */
  Facts of(UUID referralId) {
    Facts f = facts.get(referralId);
    return f == null ? new Facts() : f;
  }

  boolean ended(UUID referralId) {
    Facts f = facts.get(referralId);
    return f != null && f.endedAt != 0;
  }

  /** Provider commands read again under their id: sent again with their Idempotency-Key, decided once. */
  long commandsResent() {
    return commandsResent.get();
  }

  /** The event ids read twice, on the given referrals (or with no referral). */
  List<Duplicate> duplicates(Set<UUID> referrals) {
    return duplicates.stream().filter(d -> d.referralId() == null || referrals.contains(d.referralId())).toList();
  }

  /** Events read, by topic. */
  Map<String, Long> counts() {
    Map<String, Long> out = new LinkedHashMap<>();
    TOPICS.forEach(t -> out.put(t.name(), counts.get(t.name()).get()));
    return out;
  }

  /**
   * Where every dead-letter topic (the twin of each platform topic, {@code -dlt}) ends now: a record written there is
   * an input a service could not read and went on without.
   */
  Map<TopicPartition, Long> deadLetterEnds() {
    try (KafkaConsumer<byte[], byte[]> reader = deadLetterReader()) {
      return reader.endOffsets(deadLetterPartitions(), Duration.ofSeconds(30));
    }
  }

  /**
   * The records written on the dead-letter topics since {@code from} ({@link #deadLetterEnds}), each as its topic and
   * why it could not be read (the recoverer's exception header), at most {@code limit}; the rest counted.
   */
  List<String> deadLettersSince(Map<TopicPartition, Long> from, int limit) {
    List<String> out = new ArrayList<>();
    long more = 0;
    try (KafkaConsumer<byte[], byte[]> reader = deadLetterReader()) {
      Map<TopicPartition, Long> ends = reader.endOffsets(from.keySet(), Duration.ofSeconds(30));
      List<TopicPartition> grown = from.keySet().stream().filter(tp -> ends.get(tp) > from.get(tp)).toList();
      if (grown.isEmpty()) return out;
      reader.assign(grown);
      grown.forEach(tp -> reader.seek(tp, from.get(tp)));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (grown.stream().anyMatch(tp -> reader.position(tp) < ends.get(tp)) && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : reader.poll(Duration.ofMillis(500))) {
          if (out.size() >= limit) {
            more++;
            continue;
          }
          Header why = r.headers().lastHeader("kafka_dlt-exception-message");
          String because = why == null ? "no reason given" : new String(why.value(), java.nio.charset.StandardCharsets.UTF_8);
          out.add(r.topic() + " partition " + r.partition() + " offset " + r.offset() + ": "
              + because.substring(0, Math.min(300, because.length())));
        }
      }
    }
    if (more > 0) out.add("and " + more + " more");
    return out;
  }

  private KafkaConsumer<byte[], byte[]> deadLetterReader() {
    Map<String, Object> config = new HashMap<>(harnessClient);
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    return new KafkaConsumer<>(config, new ByteArrayDeserializer(),
        new ByteArrayDeserializer());
  }

  private static List<TopicPartition> deadLetterPartitions() {
    List<TopicPartition> out = new ArrayList<>();
    for (Topic<?> topic : Topics.all()) {
      for (int p = 0; p < topic.partitions(); p++) out.add(new TopicPartition(topic.deadLetterName(), p));
    }
    return out;
  }

  /** Why the reader stopped, if it did. */
  Throwable failure() {
    return failure;
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    reader.join(10_000);
    consumer.close(Duration.ofSeconds(5));
  }
}
