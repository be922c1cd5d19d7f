package org.linkway.referral.lifecycle.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.Test;
import org.linkway.events.NeedCode;
import org.linkway.platform.kafka.Topics;
import org.linkway.platform.testing.TestStack;
import org.linkway.referral.PracticeClients;
import org.linkway.referral.ReferralServiceApplication;
import org.linkway.referral.TestData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;
import org.springframework.kafka.core.CleanupConfig;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;

/**
 * What a replacement instance of referral-service restores on an empty disk does not grow with the referrals that
 * have ended: on a broker of its own (so that no other test's referrals are on its changelogs), with short retention
 * ({@code linkway.retention.ended} 1 second, {@code identities} 2) and the changelogs' cleaning scaled down as the
 * periods are ({@link #TEST_CLEANUP}, set as an operator sets it on changelogs already there), {@value #LIVE} referrals
 * stay live (offered) while 40 end, then 400 more; each time, once the sweeps and the log cleaner have done their work,
 * the service's Kafka Streams is started again on an emptied state directory and the records it restores are counted
 * per store ({@link StateRestoreListener}) and timed (logged, not asserted). Each store restores what it holds plus at
 * most {@value #BOUND} records, and no more after 440 ended than after 40 (give or take {@value #BOUND}).
 *
 * <p>The log cleaner cleans a log only when it has been written to since its last cleaning, and drops a tombstone only
 * at the cleaning after the one that first kept it: as in service, referrals go on ending while it works (a few a
 * second, {@link #churn}), and what they leave on the logs is the constant beside what is kept.
 */
@SpringBootTest(classes = ReferralServiceApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
    properties = {"spring.config.name=referral-service", "linkway.retention.ended=PT1S", "linkway.retention.identities=PT2S"})
@DirtiesContext
class ReferralRestoreIT {

  private static final Logger log = LoggerFactory.getLogger(ReferralRestoreIT.class);

  /** A broker whose log cleaner looks for work every 100 ms (its default: every 15 s). */
  private static final EmbeddedKafkaKraftBroker BROKER = TestStack.newBroker(Map.of("log.cleaner.backoff.ms", "100"));

  static {
    TestStack.beforeShutdown(BROKER::destroy);
  }

  /**
   * The production settings ({@code Topics.CHANGELOG_CLEANUP}: a day) scaled to the test's seconds: a record may be
   * cleaned away a second after it was written (and the active segment rolls then), any dirt is worth a cleaning, and a
   * tombstone goes half a second after its first cleaning.
   */
  private static final Map<String, String> TEST_CLEANUP = Map.of("max.compaction.lag.ms", "1000",
      "min.cleanable.dirty.ratio", "0.01", "delete.retention.ms", "500");

  /** Referrals offered to a service, still live at each restore. */
  private static final int LIVE = 5;
  /** What a store's restore may read beyond what it holds: what the referrals ending meanwhile leave on its log. */
  private static final long BOUND = 100;

  @DynamicPropertySource
  static void stack(DynamicPropertyRegistry registry) {
    TestStack.register(registry, BROKER.getBrokersAsString());
  }

  @LocalServerPort int port;
  @Autowired StreamsBuilderFactoryBean streams;
  @Autowired KafkaTemplate<String, SpecificRecord> kafka;

  /** What one restore on an empty disk read, per store, what the stores held after it, and how long it took. */
  record Restore(Map<String, Long> restored, Map<String, Long> held, Duration took) {}

  @Test
  void givenReferralsEndedAndPruned_whenAnInstanceRestoresOnAnEmptyDisk_thenItReadsWhatIsKeptWhetherFortyOrFourHundredAndFortyEnded()
      throws Exception {
    WebTestClient http = PracticeClients.practice(port);
    kafka.send(Topics.PROVIDER_DIRECTORY.name(), "svc-restore",
        TestData.service("svc-restore", NeedCode.LONELINESS).setCapacity(LIVE).build()).get();
    List<String> live = new ArrayList<>();
    for (int i = 0; i < LIVE; i++) {
      String referralId = refer(http, "QMM");
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> http.get().uri("/referrals/{id}", referralId).exchange()
          .expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("OFFERED"));
      live.add(referralId);
    }

    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, BROKER.getBrokersAsString()))) {
      List<String> changelogs = admin.listTopics().names().get().stream()
          .filter(name -> name.startsWith(Topics.REFERRAL_SERVICE + "-") && name.endsWith("-changelog")).sorted().toList();
      // as Kafka Streams made them, with the service's settings
      Config made = admin.describeConfigs(List.of(topic(changelogOf(ReferralStores.STATE)))).all().get()
          .get(topic(changelogOf(ReferralStores.STATE)));
      assertThat(made.get("max.compaction.lag.ms").value()).isEqualTo("86400000");
      assertThat(made.get("min.cleanable.dirty.ratio").value()).isEqualTo("0.2");
      Map<ConfigResource, Collection<AlterConfigOp>> scaled = new HashMap<>();
      for (String changelog : changelogs) {
        scaled.put(topic(changelog), TEST_CLEANUP.entrySet().stream()
            .map(e -> new AlterConfigOp(new ConfigEntry(e.getKey(), e.getValue()), AlterConfigOp.OpType.SET)).toList());
      }
      admin.incrementalAlterConfigs(scaled).all().get();

      Restore afterForty = endPruneAndRestore(http, changelogs, 40);
      Restore afterFourHundredForty = endPruneAndRestore(http, changelogs, 400);

      for (Restore restore : List.of(afterForty, afterFourHundredForty)) {
        assertThat(restore.held()).containsEntry(ReferralStores.STATE, (long) LIVE)
            .containsEntry(PracticeReferrals.STORE, (long) LIVE).containsEntry(ReferralStores.ARCHIVE, 0L);
        restore.restored().forEach((store, restored) -> assertThat(restored)
            .as("%s restores what it holds (%s) and at most %s more", store, restore.held().get(store), BOUND)
            .isLessThanOrEqualTo(restore.held().getOrDefault(store, 0L) + BOUND));
      }
      afterFourHundredForty.restored().forEach((store, restored) -> assertThat(restored)
          .as("%s restores no more after 400 more referrals ended", store)
          .isLessThanOrEqualTo(afterForty.restored().getOrDefault(store, 0L) + BOUND));
      for (String referralId : live) {
        http.get().uri("/referrals/{id}", referralId).exchange().expectStatus().isOk();
      }
    }
  }

  /**
   * {@code count} referrals end (unplaced: no service for QRV), the sweeps archive them and erase their identities, and
   * the log cleaner takes them off the changelogs, referrals ending all the while; then the service restores on an
   * empty disk.
   */
  private Restore endPruneAndRestore(WebTestClient http, List<String> changelogs, int count) {
    end(count);
    awaitPruned();
    await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(1)).until(() -> {
      churn();
      Map<String, Long> onLogs = recordsOn(changelogs);
      Map<String, Long> held = held(changelogs);
      log.info("on the changelogs {}, held {}", onLogs, held);
      return onLogs.entrySet().stream().allMatch(e -> e.getValue() <= held.getOrDefault(e.getKey(), 0L) + BOUND / 2);
    });
    awaitPruned();
    Restore restore = restoreOnAnEmptyDisk(changelogs);
    log.info("restore on an empty disk after {} more ended: {} ms, records restored per store {}, held {}", count,
        restore.took().toMillis(), restore.restored(), restore.held());
    return restore;
  }

  /** Until every referral ended has been archived and its identity erased: the stores hold the live ones alone. */
  private void awaitPruned() {
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
      Map<String, Long> held = held(List.of(changelogOf(ReferralStores.STATE), changelogOf(ReferralStores.ARCHIVE),
          changelogOf(ReferralStores.ENDED), changelogOf(ReferralStores.IDENTITIES_DUE), changelogOf(PracticeReferrals.STORE)));
      assertThat(held).containsEntry(ReferralStores.STATE, (long) LIVE).containsEntry(PracticeReferrals.STORE, (long) LIVE)
          .containsEntry(ReferralStores.ARCHIVE, 0L).containsEntry(ReferralStores.ENDED, 0L)
          .containsEntry(ReferralStores.IDENTITIES_DUE, 0L);
    });
  }

  /** Stops the service's Kafka Streams, empties its state directory and starts it again, counting what it restores. */
  private Restore restoreOnAnEmptyDisk(List<String> changelogs) {
    Map<String, AtomicLong> restored = new ConcurrentHashMap<>();
    streams.stop();
    streams.setCleanupConfig(new CleanupConfig(true, false));
    streams.setStateRestoreListener(new StateRestoreListener() {
      @Override
      public void onRestoreStart(TopicPartition partition, String store, long start, long end) {}

      @Override
      public void onBatchRestored(TopicPartition partition, String store, long batchEnd, long count) {
        restored.computeIfAbsent(store, s -> new AtomicLong()).addAndGet(count);
      }

      @Override
      public void onRestoreEnd(TopicPartition partition, String store, long total) {}
    });
    long started = System.nanoTime();
    streams.start();
    await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(20))
        .until(() -> streams.getKafkaStreams() != null && streams.getKafkaStreams().state() == KafkaStreams.State.RUNNING);
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    streams.setCleanupConfig(new CleanupConfig(false, false));
    Map<String, Long> counted = new TreeMap<>();
    for (String changelog : changelogs) {
      String store = storeOf(changelog);
      counted.put(store, restored.containsKey(store) ? restored.get(store).get() : 0L);
    }
    await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> held(changelogs) != null);
    return new Restore(counted, held(changelogs), took);
  }

  /** How many records each store's changelog holds now: what a restore on an empty disk would read. */
  private static Map<String, Long> recordsOn(List<String> changelogs) {
    Properties config = new Properties();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, BROKER.getBrokersAsString());
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    Map<String, Long> counts = new TreeMap<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (String changelog : changelogs) {
        counts.put(storeOf(changelog), 0L);
        consumer.partitionsFor(changelog).forEach(p -> partitions.add(new TopicPartition(changelog, p.partition())));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          if (record.offset() < end.get(new TopicPartition(record.topic(), record.partition()))) {
            counts.merge(storeOf(record.topic()), 1L, Long::sum);
          }
        }
      }
    }
    return counts;
  }

  /** How many entries each store holds on the running instance. */
  private Map<String, Long> held(List<String> changelogs) {
    Map<String, Long> held = new TreeMap<>();
    for (String changelog : changelogs) {
      String store = storeOf(changelog);
      ReadOnlyKeyValueStore<Object, Object> entries = streams.getKafkaStreams()
          .store(StoreQueryParameters.fromNameAndType(store, QueryableStoreTypes.keyValueStore()));
      long count = 0;
      try (KeyValueIterator<Object, Object> all = entries.all()) {
        while (all.hasNext()) {
          all.next();
          count++;
        }
      }
      held.put(store, count);
    }
    return held;
  }

  /** {@code count} referrals that end as they are made, sixteen at a time. */
  private void end(int count) {
    WebClient client = WebClient.builder().baseUrl("http://127.0.0.1:" + port)
        .defaultHeaders(h -> h.setBearerAuth(TestStack.issuer().gp("D82044"))).build();
    Flux.range(0, count).flatMap(i -> client.post().uri("/referrals").bodyValue(body("QRV")).retrieve().toBodilessEntity(), 16)
        .blockLast(Duration.ofMinutes(3));
  }

  /** Referrals go on ending while the cleaner works, as they do in service: three a second. */
  private void churn() {
    end(3);
  }

  /** The practice refers Ada Lovelace to {@code commissioner}; the referral's id. */
  private static String refer(WebTestClient http, String commissioner) {
    Map<?, ?> body = http.post().uri("/referrals").bodyValue(body(commissioner))
        .exchange().expectStatus().isAccepted().expectBody(Map.class).returnResult().getResponseBody();
    return (String) body.get("referralId");
  }

  private static Map<String, Object> body(String commissioner) {
    return Map.of(
        "patient", Map.of("nhsNumber", "9434765919", "givenName", "Ada", "familyName", "Lovelace",
            "birthDate", "1950-12-10", "postcode", "NR1 3SR"),
        "consent", true, "referrer", Map.of("odsCode", "D82044"), "commissioner", commissioner,
        "needs", List.of(NeedCode.LONELINESS.name()));
  }


  private static String changelogOf(String store) {
    return Topics.REFERRAL_SERVICE + "-" + store + "-changelog";
  }

  private static String storeOf(String changelog) {
    return changelog.substring(Topics.REFERRAL_SERVICE.length() + 1, changelog.length() - "-changelog".length());
  }

  private static ConfigResource topic(String name) {
    return new ConfigResource(ConfigResource.Type.TOPIC, name);
  }
}
