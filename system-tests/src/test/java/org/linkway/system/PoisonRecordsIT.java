package org.linkway.system;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serde;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.ThrowingRunnable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.linkway.commands.AcceptReferral;
import org.linkway.commands.CancelReferral;
import org.linkway.commands.ContractCommand;
import org.linkway.commands.DirectoryCommand;
import org.linkway.commands.ProviderCommand;
import org.linkway.commands.ReferralCommand;
import org.linkway.events.BudgetAgreed;
import org.linkway.events.BudgetDecision;
import org.linkway.events.BudgetRequest;
import org.linkway.events.BudgetUse;
import org.linkway.events.ContractAgreed;
import org.linkway.events.FundingCommitted;
import org.linkway.events.FundingRefused;
import org.linkway.events.FundingReleased;
import org.linkway.events.LedgerEvent;
import org.linkway.events.Milestone;
import org.linkway.events.NeedCode;
import org.linkway.events.OfferReminderDue;
import org.linkway.events.Patient;
import org.linkway.events.PaymentDue;
import org.linkway.events.PersonErased;
import org.linkway.events.PersonKey;
import org.linkway.events.ProviderEvent;
import org.linkway.events.ReferralAccepted;
import org.linkway.events.ReferralCancelled;
import org.linkway.events.ReferralEvent;
import org.linkway.events.ReferralOffered;
import org.linkway.events.ReferralRequested;
import org.linkway.events.ReferralUnplaced;
import org.linkway.events.Referrer;
import org.linkway.events.ServiceListed;
import org.linkway.events.ServiceStatus;
import org.linkway.events.WithdrawReservation;
import org.linkway.platform.domain.Funding;
import org.linkway.platform.kafka.AvroSerdes;
import org.linkway.platform.kafka.Events;
import org.linkway.platform.kafka.LinkwayKafkaProperties;
import org.linkway.platform.kafka.Topic;
import org.linkway.platform.kafka.Topics;
import org.linkway.platform.people.Identities;
import org.linkway.referral.intake.ReferralIntake;

/**
 * 1,000 poison records written to each topic a service consumes ({@link DeadLetterIT#CONSUMED}) all
 * land, byte for byte and with the error in their headers, in the topic's {@code -dlt} twin; valid
 * records written between and after them are processed; and no partition stalls: at the end every
 * consumer group of the services has committed the end of every partition it reads. Checked through
 * Kafka only: the topics, and the consumer groups' offsets through the AdminClient.
 *
 * <p>The poison is what the services' Avro deserializer cannot read, a fifth of each {@link Kind},
 * spread evenly over the topic's partitions, written by one batching producer in two halves. Each
 * poison record carries a header naming it ({@value #POISON}: run, topic, number, kind), so that this
 * run's records are told apart from any other test's in the {@code -dlt} topics. Every reader of a
 * topic dead-letters what it cannot read ({@link #READERS}): a poison record on {@code referrals},
 * which all three services read, is dead-lettered three times, once by each.
 *
 * <p>The valid records are a journey through Kafka alone, for a commissioner of this test's own
 * ({@value #COMMISSIONER}), so that nothing else is routed or funded with them. Between the halves: a
 * service listing, a contract (25.00 at acceptance, 40.00 on completion), a budget of 100.00, and a
 * GP request for a need no service meets, which must end unplaced; another provider's service and
 * contract through the deciders' command topics, the other GP system's request for its own practice
 * (unplaced too) and an erasure. After the poison: two GP requests,
 * both offered to the listed service; the first accepted, 65.00 reserved and committed, 25.00 falling
 * due; the second refused because only 35.00 of the budget is free; the first cancelled and its
 * 40.00 released; the budget's use shows all of it. Every consumed topic carries at least one of
 * these records.
 *
 * <p>Not poison, so not among the 1,000: a null value (tombstone) on a compacted table topic is a
 * delete. A few are written there too, with keys nothing uses, and must not be dead-lettered. A null
 * value on an event topic, and a well-formed record of another topic's type, are dead-lettered too:
 * the last test shows it.
 *
 * <p>The figures (records written, dead-lettered, time taken) are printed with the prefix
 * {@code [poison]}, to {@code system-tests/target/failsafe-reports/org.linkway.system.PoisonRecordsIT-output.txt}.
 */
class PoisonRecordsIT {

  static final int PER_TOPIC = 1_000;
  private static final String COMMISSIONER = "QPZ";
  private static final String PRACTICE = "D82044";
  /** The header naming each poison record: "{run}|{topic}|{number}|{kind}". */
  private static final String POISON = "linkway-poison";
  /** The header naming each tombstone written to a table topic: not poison. */
  private static final String TOMBSTONE = "linkway-tombstone";
  private static final int TOMBSTONES_PER_TABLE = 10;
  /** How long the whole test may take, from the first poison record: a few minutes on two cores. */
  private static final Duration BOUND = Duration.ofMinutes(4);
  /** How often a wait prints how far each reader is. */
  private static final Duration REPORT_EVERY = Duration.ofSeconds(15);

  /** What the services' Avro deserializer (magic byte 0, a 4-byte schema id, the Avro body) cannot read. */
  enum Kind {
    /** Text: no magic byte, no schema id. */
    NOT_AVRO,
    /** A well-formed record of the topic with its magic byte 0 replaced by 1. */
    WRONG_MAGIC_BYTE,
    /** Magic byte 0 and a schema id the registry does not have, then a well-formed Avro body. */
    UNKNOWN_SCHEMA_ID,
    /** A well-formed record of the topic, its schema id registered, cut off halfway through its Avro body. */
    TRUNCATED,
    /** No bytes at all (not null: a null value is a tombstone). */
    EMPTY;

    /** The poison of this kind numbered {@code n}, made from a well-formed record of the topic. */
    byte[] value(byte[] wellFormed, String name, int n) {
      return switch (this) {
        case NOT_AVRO -> ("poison " + name + ": not Avro").getBytes(UTF_8);
        case WRONG_MAGIC_BYTE -> {
          byte[] value = wellFormed.clone();
          value[0] = 1;
          yield value;
        }
        case UNKNOWN_SCHEMA_ID -> ByteBuffer.allocate(wellFormed.length).put((byte) 0).putInt(Integer.MAX_VALUE - n)
            .put(wellFormed, 5, wellFormed.length - 5).array();
        case TRUNCATED -> Arrays.copyOf(wellFormed, 5 + (wellFormed.length - 5) / 2);
        case EMPTY -> new byte[0];
      };
    }
  }

  /**
   * Who reads a topic: Kafka Streams applications, whose consumer group is the application id; and the services
   * whose Kafka Streams hold the topic as a global table, read with no consumer group (seen through the table).
   */
  record Readers(List<String> streams, List<String> globalTables) {
    int count() {
      return streams.size() + globalTables.size();
    }
  }

  static final Map<String, Readers> READERS = Map.ofEntries(
      Map.entry(OwnerTokens.REQUESTS.name(), streams(Topics.REFERRAL_SERVICE)),
      Map.entry(OwnerTokens.OTHER_REQUESTS.name(), streams(Topics.REFERRAL_SERVICE)),
      Map.entry(Topics.DIRECTORY_COMMANDS.name(), streams(Topics.PROVIDER_SERVICE)),
      Map.entry(Topics.CONTRACT_COMMANDS.name(), streams(Topics.OUTCOME_SERVICE)),
      // people's data keys: global tables of referral-service and provider-service, which open identities;
      // erasures: a global table of referral-service, which destroys the erased people's keys
      Map.entry(Topics.PERSON_KEYS.name(), globalTables(Topics.REFERRAL_SERVICE, Topics.PROVIDER_SERVICE)),
      Map.entry(Topics.PERSON_ERASURES.name(), globalTables(Topics.REFERRAL_SERVICE)),
      Map.entry(Topics.REFERRALS.name(), streams(Topics.REFERRAL_SERVICE, Topics.PROVIDER_SERVICE, Topics.OUTCOME_SERVICE)),
      Map.entry(Topics.PROVIDER_EVENTS.name(), streams(Topics.REFERRAL_SERVICE, Topics.OUTCOME_SERVICE)),
      Map.entry(Topics.REFERRAL_COMMANDS.name(), streams(Topics.REFERRAL_SERVICE)),
      Map.entry(Topics.PROVIDER_COMMANDS.name(), streams(Topics.PROVIDER_SERVICE)),
      Map.entry(Topics.FUNDING_LEDGER.name(), streams(Topics.OUTCOME_SERVICE)),
      Map.entry(Topics.BUDGET_REQUESTS.name(), streams(Topics.OUTCOME_SERVICE)),
      Map.entry(Topics.BUDGET_DECISIONS.name(), streams(Topics.PROVIDER_SERVICE)),
      // the directory: global tables of referral-service (routing) and provider-service (which its directory
      // decider reads too); contracts, budgets and the budgets' use: global tables of referral-service (routing)
      // and outcome-service (funding, the contract decider, any instance answering a budget)
      Map.entry(Topics.PROVIDER_DIRECTORY.name(), globalTables(Topics.REFERRAL_SERVICE, Topics.PROVIDER_SERVICE)),
      Map.entry(Topics.FUNDING_CONTRACTS.name(), globalTables(Topics.REFERRAL_SERVICE, Topics.OUTCOME_SERVICE)),
      Map.entry(Topics.COMMISSIONER_BUDGETS.name(), globalTables(Topics.REFERRAL_SERVICE, Topics.OUTCOME_SERVICE)),
      Map.entry(Topics.BUDGET_USE.name(), globalTables(Topics.REFERRAL_SERVICE, Topics.OUTCOME_SERVICE)));

  /** A readable event of a topic, where it is. */
  record Read<V>(TopicPartition partition, long offset, String key, V value) {}

  private RunningPlatform platform;
  private String run;
  private AvroSerdes avro;
  private final Map<String, Serde<?>> serdes = new HashMap<>();
  private KafkaProducer<byte[], byte[]> producer;
  private Admin admin;
  /** When every wait ends at the latest. */
  private Instant deadline;

  // the journey's names, this run's own
  private String providerId;
  private String serviceId;
  private String contractId;
  private String financialYear;
  private String otherProviderId;
  private String otherServiceId;
  private String otherContractId;

  @BeforeEach
  void connect() {
    platform = EmbeddedPlatform.get();
    run = UUID.randomUUID().toString().substring(0, 8);
    avro = new AvroSerdes(new LinkwayKafkaProperties(platform.registryUrl(), null, null, null, 0, null));
    producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers(),
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.LINGER_MS_CONFIG, 20,
        ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024),
        new ByteArraySerializer(), new ByteArraySerializer());
    admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers()));
    providerId = "poison-" + run + "-allotments";
    serviceId = "poison-" + run + "-plots";
    contractId = "poison-" + run + "-tariff";
    otherProviderId = "poison-" + run + "-choir";
    otherServiceId = "poison-" + run + "-singing";
    otherContractId = "poison-" + run + "-choir-tariff";
    financialYear = Funding.financialYear(Instant.now());
    deadline = Instant.now().plus(BOUND);
  }

  @AfterEach
  void close() {
    producer.close();
    admin.close();
    serdes.values().forEach(Serde::close);
  }

  @Test
  void givenAThousandPoisonRecordsOnEveryConsumedTopic_whenValidRecordsComeBetweenAndAfter_thenAllPoisonIsDeadLetteredTheValidRecordsAreProcessedAndNoPartitionStalls()
      throws Exception {
    assertThat(READERS.keySet()).as("a reader for every consumed topic")
        .isEqualTo(DeadLetterIT.CONSUMED.stream().map(Topic::name).collect(Collectors.toSet()));
    Map<String, byte[]> wellFormed = wellFormedRecords();
    Map<String, Map<String, byte[]>> written = new LinkedHashMap<>(); // topic -> poison name -> value

    // the first half of the poison
    Instant poisonStarted = Instant.now();
    deadline = poisonStarted.plus(BOUND);
    Duration firstHalf = writePoison(0, PER_TOPIC / 2, wellFormed, written);
    int tombstones = writeTombstones();
    print("first half written: %,d poison records (%,d per topic, %d topics) and %d tombstones on the table topics in %,d ms",
        PER_TOPIC / 2 * written.size(), PER_TOPIC / 2, written.size(), tombstones, firstHalf.toMillis());

    // between the halves: the listing, the contract and the budget, and a GP request for a need no service meets
    RecordMetadata listed = send(Topics.PROVIDER_DIRECTORY, serviceId, listing());
    RecordMetadata contracted = send(Topics.FUNDING_CONTRACTS, contractId, contract());
    RecordMetadata budgeted = send(Topics.COMMISSIONER_BUDGETS, Funding.budgetKey(COMMISSIONER, financialYear),
        budget(new BigDecimal("100.00")));
    String requestUnmet = "poison-" + run + "-unmet";
    send(OwnerTokens.REQUESTS, requestUnmet, request(requestUnmet, NeedCode.HOUSING));
    // and on the topics the deciders, the other GP system and the erasures read: another provider's service and
    // contract, decided one id at a time; the other GP system's request for its practice; an erasure
    RecordMetadata directoryCommand = send(Topics.DIRECTORY_COMMANDS, otherServiceId, directoryCommand());
    RecordMetadata contractCommand = send(Topics.CONTRACT_COMMANDS, otherContractId, contractCommand());
    String requestOther = "poison-" + run + "-other";
    send(OwnerTokens.OTHER_REQUESTS, requestOther, request(requestOther, NeedCode.HOUSING, OwnerTokens.OTHER_GP_PRACTICE));
    RecordMetadata erased = send(Topics.PERSON_ERASURES, "poison-" + run + "-person",
        new PersonErased("poison-" + run + "-person", Instant.now()));
    // and a data key of another person, whom no erasure touches
    String keptKey = Identities.keyOf("poison-" + run + "-kept", "kept");
    RecordMetadata keyed = send(Topics.PERSON_KEYS, keptKey, new PersonKey("poison-" + run + "-kept", "kept",
        ByteBuffer.wrap(new byte[12]), ByteBuffer.wrap(new byte[48]), Instant.now()));

    // the second half
    Duration secondHalf = writePoison(PER_TOPIC / 2, PER_TOPIC, wellFormed, written);
    Duration writing = firstHalf.plus(secondHalf);
    print("second half written: %,d poison records in %,d ms; in all %,d poison records written in %,d ms (%,d a second)",
        PER_TOPIC / 2 * written.size(), secondHalf.toMillis(), PER_TOPIC * written.size(), writing.toMillis(),
        PER_TOPIC * written.size() * 1000L / Math.max(1, writing.toMillis()));

    // the Kafka Streams applications through all of it
    awaitThat("every Kafka Streams application at the end of the topics it reads", () -> {
      Map<String, Map<TopicPartition, Long>> committed = committedOffsets();
      for (Topic<?> topic : DeadLetterIT.CONSUMED) {
        Map<TopicPartition, Long> end = ends(topic);
        for (String application : READERS.get(topic.name()).streams()) {
          assertThat(lag(committed.getOrDefault(application, Map.of()), end))
              .as("%s behind on %s", application, topic.name()).isZero();
        }
      }
    });
    print("Kafka Streams applications (referral-service, provider-service, outcome-service) at the end of every topic they read,"
        + " %,d ms after the first poison record", Duration.between(poisonStarted, Instant.now()).toMillis());

    // the valid records written between the halves are processed: the request unplaced, the rest read by all their readers
    awaitEvent(Topics.REFERRALS, OwnerTokens.kafkaReferralId(requestUnmet),
        e -> e.getPayload() instanceof ReferralUnplaced);
    awaitReadByAll(Topics.PROVIDER_DIRECTORY, listed, serviceId);
    awaitReadByAll(Topics.FUNDING_CONTRACTS, contracted, contractId);
    awaitReadByAll(Topics.COMMISSIONER_BUDGETS, budgeted, Funding.budgetKey(COMMISSIONER, financialYear));
    awaitReadByAll(Topics.DIRECTORY_COMMANDS, directoryCommand);
    awaitEvent(Topics.PROVIDER_DIRECTORY, otherServiceId, listing -> listing.getProviderId().equals(otherProviderId));
    awaitReadByAll(Topics.CONTRACT_COMMANDS, contractCommand);
    awaitEvent(Topics.FUNDING_CONTRACTS, otherContractId, contract -> contract.getProviderId().equals(otherProviderId));
    awaitEvent(Topics.REFERRALS, ReferralIntake.kafkaReferralId(OwnerTokens.OTHER_GP_SYSTEM, OwnerTokens.OTHER_GP_PRACTICE,
        requestOther).toString(), e -> e.getPayload() instanceof ReferralUnplaced);
    awaitReadByAll(Topics.PERSON_ERASURES, erased, "poison-" + run + "-person");
    awaitReadByAll(Topics.PERSON_KEYS, keyed, keptKey);
    print("the records written between the halves processed by all their readers (requests of both GP systems unplaced;"
        + " listing, contract, budget, erasure and data key read by every global table; the deciders' listing and"
        + " contract decided),"
        + " %,d ms after the first poison record",
        Duration.between(poisonStarted, Instant.now()).toMillis());

    // after the poison: two GP requests, both offered to the listed service
    String requestA = "poison-" + run + "-a";
    String requestB = "poison-" + run + "-b";
    send(OwnerTokens.REQUESTS, requestA, request(requestA, NeedCode.NATURE));
    send(OwnerTokens.REQUESTS, requestB, request(requestB, NeedCode.NATURE));
    String referralA = OwnerTokens.kafkaReferralId(requestA);
    String referralB = OwnerTokens.kafkaReferralId(requestB);
    Read<ReferralEvent> offeredA = awaitEvent(Topics.REFERRALS, referralA, e -> e.getPayload() instanceof ReferralOffered);
    Read<ReferralEvent> offeredB = awaitEvent(Topics.REFERRALS, referralB, e -> e.getPayload() instanceof ReferralOffered);
    assertThat(((ReferralOffered) offeredA.value().getPayload()).getServiceId()).isEqualTo(serviceId);
    assertThat(((ReferralOffered) offeredB.value().getPayload()).getServiceId()).isEqualTo(serviceId);

    // the first accepted within the budget: 65.00 reserved and committed, the engagement fee of 25.00 due
    awaitReadByAll(Topics.REFERRALS, offeredA.partition(), offeredA.offset());
    send(Topics.PROVIDER_COMMANDS, referralA, accept(referralA));
    ReferralAccepted accepted = (ReferralAccepted) awaitEvent(Topics.PROVIDER_EVENTS, referralA,
        e -> e.getPayload() instanceof ReferralAccepted).value().getPayload();
    assertThat(accepted.getFunding().getContractId()).isEqualTo(contractId);
    assertThat(accepted.getFunding().getAmount()).isEqualByComparingTo("65.00");
    awaitEvent(Topics.FUNDING_LEDGER, referralA, e -> e.getPayload() instanceof FundingCommitted c
        && c.getAmount().compareTo(new BigDecimal("65.00")) == 0);
    awaitEvent(Topics.FUNDING_LEDGER, referralA, e -> e.getPayload() instanceof PaymentDue d
        && d.getMilestone() == Milestone.ENGAGEMENT && d.getAmount().compareTo(new BigDecimal("25.00")) == 0);

    // the second refused: 65.00 is more than the 35.00 left of the budget
    awaitReadByAll(Topics.REFERRALS, offeredB.partition(), offeredB.offset());
    send(Topics.PROVIDER_COMMANDS, referralB, accept(referralB));
    FundingRefused refused = (FundingRefused) awaitEvent(Topics.BUDGET_DECISIONS, referralB,
        e -> e.getPayload() instanceof FundingRefused).value().getPayload();
    assertThat(refused.getFree()).isEqualByComparingTo("35.00");

    // the first cancelled: what it has not earned, 40.00, released; the budget's use shows all of it
    send(Topics.REFERRAL_COMMANDS, referralA, cancel(referralA));
    awaitEvent(Topics.FUNDING_LEDGER, referralA, e -> e.getPayload() instanceof FundingReleased r
        && r.getAmount().compareTo(new BigDecimal("40.00")) == 0);
    String budgetKey = Funding.budgetKey(COMMISSIONER, financialYear);
    awaitThat("the use of " + budgetKey + " after the cancellation", () -> {
      BudgetUse use = events(Topics.BUDGET_USE).stream().filter(e -> budgetKey.equals(e.key()))
          .max(Comparator.comparingLong(Read::offset)).orElseThrow().value();
      assertThat(use.getCommitted()).isEqualByComparingTo("65.00");
      assertThat(use.getDue()).isEqualByComparingTo("25.00");
      assertThat(use.getReleased()).isEqualByComparingTo("40.00");
    });
    print("journey after the poison done (offered, accepted and funded, refused, cancelled and released), %,d ms after the"
        + " first poison record", Duration.between(poisonStarted, Instant.now()).toMillis());

    // every poison record in -dlt, once for each reader of its topic
    awaitThat("every poison record dead-lettered by every reader", () -> {
      for (Topic<?> topic : DeadLetterIT.CONSUMED) {
        long copies = deadLettered(topic).values().stream().mapToLong(List::size).sum();
        assertThat(copies).as("poison from %s dead-lettered", topic.name())
            .isGreaterThanOrEqualTo((long) PER_TOPIC * READERS.get(topic.name()).count());
      }
    });
    Duration toDeadLetter = Duration.between(poisonStarted, Instant.now());
    List<String> problems = new ArrayList<>();
    long allCopies = 0;
    for (Topic<?> topic : DeadLetterIT.CONSUMED) {
      Map<String, byte[]> ours = written.get(topic.name());
      Map<String, List<ConsumerRecord<byte[], byte[]>>> deadLettered = deadLettered(topic);
      int readers = READERS.get(topic.name()).count();
      long missing = ours.keySet().stream().filter(name -> !deadLettered.containsKey(name)).count();
      long unknown = deadLettered.keySet().stream().filter(name -> !ours.containsKey(name)).count();
      long wrongCount = deadLettered.values().stream().filter(copies -> copies.size() != readers).count();
      long altered = 0;
      Map<String, Long> withoutError = new TreeMap<>(); // "{kind} {exception class}" -> copies
      for (Map.Entry<String, List<ConsumerRecord<byte[], byte[]>>> poison : deadLettered.entrySet()) {
        int partition = Integer.parseInt(poison.getKey().split("\\|")[2]) % topic.partitions();
        for (ConsumerRecord<byte[], byte[]> copy : poison.getValue()) {
          allCopies++;
          if (!Arrays.equals(copy.value(), ours.get(poison.getKey())) || copy.partition() != partition
              || !topic.name().equals(header(copy, "kafka_dlt-original-topic"))) {
            altered++;
          }
          String error = header(copy, "kafka_dlt-exception-message");
          if (error == null || error.isBlank()) {
            withoutError.merge(poison.getKey().substring(poison.getKey().lastIndexOf('|') + 1) + " "
                + header(copy, "kafka_dlt-exception-fqcn"), 1L, Long::sum);
          }
        }
      }
      long copies = deadLettered.values().stream().mapToLong(List::size).sum();
      long errorless = withoutError.values().stream().mapToLong(Long::longValue).sum();
      print("%-20s %,d poison written over %d partitions (%s); %,d copies in %s, %d reader%s%s", topic.name(), ours.size(),
          topic.partitions(), kinds(ours.keySet()), copies, topic.deadLetterName(), readers,
          readers == 1 ? "" : "s, each dead-letters each record once", errorless == 0 ? "" : String.format(
              "; %,d without an error message (%s)", errorless, withoutError));
      String dlt = topic.deadLetterName();
      if (missing > 0) problems.add(String.format("%s: %,d poison records not in %s", topic.name(), missing, dlt));
      if (unknown > 0) problems.add(String.format("%s: %,d records of this run that were never written", dlt, unknown));
      if (wrongCount > 0) {
        problems.add(String.format("%s: %,d poison records not dead-lettered once by each of its %d readers", dlt, wrongCount, readers));
      }
      if (altered > 0) {
        problems.add(String.format("%s: %,d copies not byte for byte, in the same partition, from %s", dlt, altered, topic.name()));
      }
      if (errorless > 0) {
        problems.add(String.format("%s: %,d copies without kafka_dlt-exception-message, by kind and exception: %s", dlt, errorless,
            withoutError));
      }
      if (platform.records(topic.deadLetterName(), topic.partitions()).stream()
          .anyMatch(r -> r.headers().lastHeader(TOMBSTONE) != null && header(r, TOMBSTONE).startsWith(run + "|"))) {
        problems.add(String.format("%s: a tombstone of this run dead-lettered", topic.deadLetterName()));
      }
    }
    print("dead letters: %,d copies of the %,d poison records in the -dlt topics, all there when checked, %,d ms after the first"
        + " poison record", allCopies, PER_TOPIC * written.size(), toDeadLetter.toMillis());
    problems.forEach(problem -> print("  wrong: %s", problem));

    // no partition stalls: every group of the services has committed the end of every partition it reads
    AtomicReference<Map<String, Collection<String>>> atEnd = new AtomicReference<>();
    awaitThat("every consumer group at the end of every partition it reads", () ->
        assertThat(groupsAtTheEnd()).as("groups at the end").hasValueSatisfying(atEnd::set));
    Duration toNoLag = Duration.between(poisonStarted, Instant.now());
    atEnd.get().forEach((group, topics) -> print("  %-75s lag 0 on every partition of %s", group, topics));
    print("no partition stalls: %d consumer groups at the end of every partition they read, %,d ms after the first poison record",
        atEnd.get().size(), toNoLag.toMillis());

    assertThat(problems).as("each poison record in its topic's -dlt, once for each reader, byte for byte, with its error")
        .isEmpty();
  }

  /**
   * A value the Avro deserializer reads, but that is not what the topic carries: a null value, or a
   * well-formed record of another topic's type. This test found that it used to fail the processors
   * (NullPointerException, ClassCastException) and shut referral-service's and outcome-service's
   * Kafka Streams clients down; the topics' serdes now refuse such values as unreadable
   * (AvroSerdes.forTopic), so they are dead-lettered like any poison and the services go on.
   */
  @Test
  void givenANullValueOrAnotherTopicsRecord_whenReadFromATopicThatDoesNotCarryIt_thenItIsDeadLetteredAndTheServicesGoOn()
      throws Exception {
    Map<String, byte[]> wellFormed = wellFormedRecords();
    byte[] anotherTopics = wellFormed.get(Topics.BUDGET_USE.name());
    Map<Topic<?>, List<String>> written = new LinkedHashMap<>();
    for (Topic<?> topic : List.of(OwnerTokens.REQUESTS, Topics.FUNDING_LEDGER, Topics.PROVIDER_DIRECTORY)) {
      // on a compacted topic a null value is a delete: only the record of another type there
      List<byte[]> values = topic.compacted() ? List.of(anotherTopics) : Arrays.asList((byte[]) null, anotherTopics);
      for (int n = 0; n < values.size(); n++) {
        String name = run + "|" + topic.name() + "|" + n + "|" + (values.get(n) == null ? "NULL" : "ANOTHER_TOPICS_RECORD");
        producer.send(new ProducerRecord<>(topic.name(), 0, ("poison-" + run + "-" + n).getBytes(UTF_8), values.get(n),
            List.of(new RecordHeader(POISON, name.getBytes(UTF_8))))).get();
        written.computeIfAbsent(topic, t -> new ArrayList<>()).add(name);
      }
    }
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
        written.forEach((topic, names) -> assertThat(deadLettered(topic).keySet()).containsAll(names)));
    String requestId = "poison-" + run + "-after";
    send(OwnerTokens.REQUESTS, requestId, request(requestId, NeedCode.NATURE));
    awaitEvent(Topics.REFERRALS, OwnerTokens.kafkaReferralId(requestId), e -> true);
    for (var service : List.of(platform.referralService(), platform.providerService(), platform.outcomeService())) {
      service.get().uri("/actuator/health").exchange().expectStatus().isOk();
    }
  }

  /**
   * Writes poison records {@code from} to {@code to} (exclusive) to every consumed topic, record
   * {@code n} to partition {@code n % partitions}, of kind {@code n % 5}; returns how long it took.
   */
  private Duration writePoison(int from, int to, Map<String, byte[]> wellFormed, Map<String, Map<String, byte[]>> written)
      throws Exception {
    Instant start = Instant.now();
    List<Future<RecordMetadata>> sent = new ArrayList<>();
    for (int n = from; n < to; n++) {
      for (Topic<?> topic : DeadLetterIT.CONSUMED) {
        Kind kind = Kind.values()[n % Kind.values().length];
        String name = run + "|" + topic.name() + "|" + n + "|" + kind;
        byte[] value = kind.value(wellFormed.get(topic.name()), name, n);
        written.computeIfAbsent(topic.name(), t -> new LinkedHashMap<>()).put(name, value);
        sent.add(producer.send(new ProducerRecord<>(topic.name(), n % topic.partitions(),
            ("poison-" + run + "-" + n).getBytes(UTF_8), value, List.of(new RecordHeader(POISON, name.getBytes(UTF_8))))));
      }
    }
    producer.flush();
    for (Future<RecordMetadata> record : sent) record.get();
    return Duration.between(start, Instant.now());
  }

  /** Deletes of keys nothing uses on the compacted table topics: not poison, nothing to dead-letter. */
  private int writeTombstones() throws Exception {
    int written = 0;
    for (Topic<?> topic : DeadLetterIT.CONSUMED) {
      if (!topic.compacted()) continue;
      for (int n = 0; n < TOMBSTONES_PER_TABLE; n++) {
        String name = run + "|" + topic.name() + "|" + n;
        producer.send(new ProducerRecord<>(topic.name(), n % topic.partitions(), ("tombstone-" + run + "-" + n).getBytes(UTF_8),
            null, List.of(new RecordHeader(TOMBSTONE, name.getBytes(UTF_8)))));
        written++;
      }
    }
    producer.flush();
    return written;
  }

  /** One well-formed record of each consumed topic's type, serialized as its writer would (and so registered). */
  private Map<String, byte[]> wellFormedRecords() {
    UUID referralId = UUID.randomUUID();
    Map<Topic<?>, SpecificRecord> records = new LinkedHashMap<>();
    records.put(OwnerTokens.REQUESTS, request("poison-" + run + "-well-formed", NeedCode.NATURE));
    records.put(OwnerTokens.OTHER_REQUESTS,
        request("poison-" + run + "-well-formed", NeedCode.NATURE, OwnerTokens.OTHER_GP_PRACTICE));
    records.put(Topics.DIRECTORY_COMMANDS, directoryCommand());
    records.put(Topics.CONTRACT_COMMANDS, contractCommand());
    records.put(Topics.PERSON_KEYS, new PersonKey("poison-" + run + "-person", "well-formed", ByteBuffer.wrap(new byte[12]),
        ByteBuffer.wrap(new byte[48]), Instant.now()));
    records.put(Topics.PERSON_ERASURES, new PersonErased("poison-" + run + "-person", Instant.now()));
    records.put(Topics.REFERRALS, new ReferralEvent(metadata(referralId), new ReferralCancelled(null, PRACTICE, null)));
    records.put(Topics.PROVIDER_EVENTS,
        new ProviderEvent(metadata(referralId), new OfferReminderDue(providerId, serviceId, Instant.now())));
    records.put(Topics.REFERRAL_COMMANDS, cancel(referralId.toString()));
    records.put(Topics.PROVIDER_COMMANDS, accept(referralId.toString()));
    records.put(Topics.PROVIDER_DIRECTORY, listing());
    records.put(Topics.FUNDING_CONTRACTS, contract());
    records.put(Topics.FUNDING_LEDGER, new LedgerEvent(metadata(referralId), new FundingReleased(COMMISSIONER, contractId,
        providerId, serviceId, new BigDecimal("40.00"), "GBP", financialYear, "well-formed")));
    records.put(Topics.BUDGET_REQUESTS, new BudgetRequest(metadata(referralId),
        new WithdrawReservation(COMMISSIONER, financialYear, new BigDecimal("1.00"), "well-formed")));
    records.put(Topics.BUDGET_DECISIONS, new BudgetDecision(metadata(referralId), UUID.randomUUID().toString(),
        new FundingRefused(COMMISSIONER, financialYear, new BigDecimal("1.00"), new BigDecimal("0.00"), "well-formed")));
    records.put(Topics.COMMISSIONER_BUDGETS, budget(new BigDecimal("1.00")));
    records.put(Topics.BUDGET_USE, new BudgetUse(COMMISSIONER, financialYear, new BigDecimal("0.00"), new BigDecimal("0.00"),
        new BigDecimal("0.00"), Instant.now()));
    Map<String, byte[]> serialized = new HashMap<>();
    records.forEach((topic, record) -> serialized.put(topic.name(), serialize(topic, record)));
    return serialized;
  }

  private ServiceListed listing() {
    return ServiceListed.newBuilder().setMetadata(metadata(null)).setServiceId(serviceId).setProviderId(providerId)
        .setProviderName("Poison Allotments").setServiceName("Allotment plots").setNeeds(List.of(NeedCode.NATURE))
        .setCommissioners(List.of(COMMISSIONER)).setCapacity(10).setStatus(ServiceStatus.ACTIVE).build();
  }

  private ContractAgreed contract() {
    return ContractAgreed.newBuilder().setMetadata(metadata(null)).setContractId(contractId).setCommissioner(COMMISSIONER)
        .setProviderId(providerId).setValidFrom(LocalDate.now().minusYears(1)).setValidTo(LocalDate.now().plusYears(1))
        .setEngagementFee(new BigDecimal("25.00")).setCompletionFee(new BigDecimal("40.00")).setCompletionMinSessions(2)
        .build();
  }

  /** Another provider lists a service of its own through the directory's decider (a need none of the requests has). */
  private DirectoryCommand directoryCommand() {
    ServiceListed listing = ServiceListed.newBuilder(listing()).setServiceId(otherServiceId).setProviderId(otherProviderId)
        .setNeeds(List.of(NeedCode.ARTS_AND_CULTURE)).build();
    return DirectoryCommand.newBuilder().setMetadata(metadata(null)).setProviderId(otherProviderId).setListing(listing).build();
  }

  /** A contract of that other provider, agreed through the contracts' decider. */
  private ContractCommand contractCommand() {
    return new ContractCommand(metadata(null),
        ContractAgreed.newBuilder(contract()).setContractId(otherContractId).setProviderId(otherProviderId).build());
  }

  private BudgetAgreed budget(BigDecimal amount) {
    return new BudgetAgreed(metadata(null), COMMISSIONER, financialYear, amount, "GBP");
  }

  private static ReferralRequested request(String requestId, NeedCode need) {
    return request(requestId, need, PRACTICE);
  }

  private static ReferralRequested request(String requestId, NeedCode need, String practice) {
    return ReferralRequested.newBuilder().setMetadata(Events.metadata("gp-system-test", null, requestId))
        .setRequestId(requestId)
        .setPatient(new Patient("9434765919", "Grace", "Hopper", LocalDate.of(1946, 12, 9), "NR2 4AB", null, null))
        .setConsent(true).setReferrer(new Referrer(practice, null)).setCommissioner(COMMISSIONER)
        .setNeeds(List.of(need.name())).build();
  }

  private ProviderCommand accept(String referralId) {
    return new ProviderCommand(metadata(UUID.fromString(referralId)), providerId, new AcceptReferral(null, List.of(), null), null);
  }

  private static ReferralCommand cancel(String referralId) {
    return new ReferralCommand(metadata(UUID.fromString(referralId)), new CancelReferral("poison test", PRACTICE, null));
  }

  private static org.linkway.events.EventMetadata metadata(UUID referralId) {
    return Events.metadata(PoisonRecordsIT.class.getSimpleName(), referralId, null);
  }

  /** Writes a valid event, keyed as its writer keys it, through the same producer as the poison. */
  private RecordMetadata send(Topic<?> topic, String key, SpecificRecord value) throws Exception {
    return producer.send(new ProducerRecord<>(topic.name(), key.getBytes(UTF_8), serialize(topic, value))).get();
  }

  private RecordMetadata awaitReadByAll(Topic<?> topic, RecordMetadata record) {
    awaitReadByAll(topic, new TopicPartition(record.topic(), record.partition()), record.offset());
    return record;
  }

  /**
   * Waits until every reader of a table topic has read a record: those with consumer groups by their offsets, the
   * global tables (which commit none) by holding its key.
   */
  private void awaitReadByAll(Topic<?> topic, RecordMetadata record, String key) {
    awaitReadByAll(topic, record);
    for (String service : READERS.get(topic.name()).globalTables()) {
      awaitThat("the global table of " + topic.name() + " in " + service + " holding " + key,
          () -> assertThat(platform.globalTableHolds(service, topic, key)).as("%s holds %s", service, key).isTrue());
    }
  }

  /** Waits until every reader of a topic has committed past a record: it has read it and everything before it. */
  private void awaitReadByAll(Topic<?> topic, TopicPartition partition, long offset) {
    Readers readers = READERS.get(topic.name());
    awaitThat("every reader of " + partition + " past offset " + offset, () -> {
      List<String> past = committedOffsets().entrySet().stream()
          .filter(group -> group.getValue().getOrDefault(partition, -1L) > offset).map(Map.Entry::getKey).toList();
      assertThat(past).as("readers of %s past offset %d", partition, offset).containsAll(readers.streams());
    });
  }

  /** Waits for the first readable event with a key that matches. */
  private <V extends SpecificRecord> Read<V> awaitEvent(Topic<V> topic, String key, Predicate<V> matches) {
    AtomicReference<Read<V>> found = new AtomicReference<>();
    awaitThat("an event on " + topic.name() + " for " + key, () -> assertThat(
        events(topic).stream().filter(e -> key.equals(e.key()) && matches.test(e.value())).findFirst())
        .as("the event").hasValueSatisfying(found::set));
    return found.get();
  }

  /**
   * Waits for an assertion to hold, at the latest until the test's deadline. Every 15 s, and when it
   * gives up, prints how many records each reader still has to read.
   */
  private void awaitThat(String what, ThrowingRunnable assertion) {
    Instant start = Instant.now();
    AtomicLong reported = new AtomicLong();
    try {
      await().atMost(Duration.between(start, deadline).isNegative() ? Duration.ofSeconds(1) : Duration.between(start, deadline))
          .pollInterval(Duration.ofMillis(500))
          .conditionEvaluationListener(condition -> {
            if (condition.getElapsedTimeInMS() - reported.get() >= REPORT_EVERY.toMillis()) {
              reported.set(condition.getElapsedTimeInMS());
              stillToRead().ifPresent(behind -> print("  waiting %d s for %s; %s", condition.getElapsedTimeInMS() / 1000, what, behind));
            }
          })
          .untilAsserted(assertion);
    } catch (ConditionTimeoutException timeout) {
      print("gave up after %d s waiting for %s; %s", Duration.between(start, Instant.now()).toSeconds(), what,
          stillToRead().orElse("(the offsets could not be read)"));
      throw timeout;
    }
  }

  /** How many records each reader of the consumed topics still has to read, where any has; empty if the offsets cannot be read. */
  private Optional<String> stillToRead() {
    try {
      Map<String, Map<TopicPartition, Long>> committed = committedOffsets();
      List<String> behind = new ArrayList<>();
      for (Topic<?> topic : DeadLetterIT.CONSUMED) {
        Map<TopicPartition, Long> end = ends(topic);
        for (Map.Entry<String, Map<TopicPartition, Long>> group : committed.entrySet()) {
          boolean reads = READERS.get(topic.name()).streams().contains(group.getKey());
          long lag = reads ? lag(group.getValue(), end) : 0;
          if (lag > 0) {
            behind.add(String.format("%s %,d of %,d on %s", group.getKey(), lag,
                end.values().stream().mapToLong(Long::longValue).sum(), topic.name()));
          }
        }
      }
      return Optional.of(behind.isEmpty() ? "every reader at the end of every consumed topic" : "still to read: " + String.join("; ", behind));
    } catch (Exception interruptedAtTheDeadline) {
      return Optional.empty();
    }
  }

  /** Every readable event of a topic: none of the poison, nor any other test's garbage. */
  private <V extends SpecificRecord> List<Read<V>> events(Topic<V> topic) {
    List<Read<V>> events = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> record : platform.records(topic)) {
      byte[] value = record.value();
      if (record.headers().lastHeader(POISON) != null || value == null || value.length < 5 || value[0] != 0) continue;
      try {
        V event = serde(topic).deserializer().deserialize(topic.name(), record.headers(), value);
        events.add(new Read<>(new TopicPartition(record.topic(), record.partition()), record.offset(),
            record.key() == null ? null : new String(record.key(), UTF_8), event));
      } catch (RuntimeException unreadable) {
        // another test's garbage (DeadLetterIT)
      }
    }
    return events;
  }

  /** This run's poison in a topic's -dlt twin, by name: one copy for each reader that dead-lettered it. */
  private Map<String, List<ConsumerRecord<byte[], byte[]>>> deadLettered(Topic<?> topic) {
    return platform.records(topic.deadLetterName(), topic.partitions()).stream()
        .filter(r -> r.headers().lastHeader(POISON) != null && header(r, POISON).startsWith(run + "|"))
        .collect(Collectors.groupingBy(r -> header(r, POISON), TreeMap::new, Collectors.toList()));
  }

  /**
   * The consumer groups of the services, each with the consumed topics it reads, if every one has
   * committed the end of every partition it reads; empty while any is behind. The global tables
   * commit no offsets: {@link #awaitReadByAll(Topic, RecordMetadata, String)} sees them through their tables.
   */
  private Optional<Map<String, Collection<String>>> groupsAtTheEnd() throws Exception {
    Map<String, Map<TopicPartition, Long>> committed = committedOffsets();
    Map<String, Collection<String>> atEnd = new TreeMap<>();
    for (Topic<?> topic : DeadLetterIT.CONSUMED) {
      Map<TopicPartition, Long> end = ends(topic);
      Readers readers = READERS.get(topic.name());
      if (!committed.keySet().containsAll(readers.streams())) return Optional.empty();
      for (Map.Entry<String, Map<TopicPartition, Long>> group : committed.entrySet()) {
        boolean reads = readers.streams().contains(group.getKey())
            || group.getValue().keySet().stream().anyMatch(tp -> tp.topic().equals(topic.name()));
        if (!reads) continue;
        if (lag(group.getValue(), end) == 0) {
          atEnd.computeIfAbsent(group.getKey(), g -> new ArrayList<>()).add(topic.name());
        } else {
          return Optional.empty(); // a Kafka Streams application, or a group this test does not know, is behind
        }
      }
    }
    return Optional.of(atEnd);
  }

  /** How many records a group has yet to read: the group's committed offsets against the ends. */
  private static long lag(Map<TopicPartition, Long> committed, Map<TopicPartition, Long> end) {
    return end.entrySet().stream().mapToLong(e -> Math.max(0, e.getValue() - committed.getOrDefault(e.getKey(), 0L))).sum();
  }

  /**
   * The end of each partition of a topic: the offset after its last record. A transaction marker
   * after it is not a record to read: a listener container commits the offset after the last record
   * it read, never past a trailing marker.
   */
  private Map<TopicPartition, Long> ends(Topic<?> topic) {
    Map<TopicPartition, Long> ends = new HashMap<>();
    for (int p = 0; p < topic.partitions(); p++) ends.put(new TopicPartition(topic.name(), p), 0L);
    for (ConsumerRecord<byte[], byte[]> record : platform.records(topic)) {
      ends.merge(new TopicPartition(record.topic(), record.partition()), record.offset() + 1, Math::max);
    }
    return ends;
  }

  /** Every consumer group's committed offsets. */
  private Map<String, Map<TopicPartition, Long>> committedOffsets() throws Exception {
    Map<String, ListConsumerGroupOffsetsSpec> groups = new HashMap<>();
    for (ConsumerGroupListing group : admin.listConsumerGroups().all().get()) {
      groups.put(group.groupId(), new ListConsumerGroupOffsetsSpec());
    }
    Map<String, Map<TopicPartition, Long>> committed = new HashMap<>();
    if (groups.isEmpty()) return committed;
    admin.listConsumerGroupOffsets(groups).all().get().forEach((group, offsets) -> {
      Map<TopicPartition, Long> positions = new HashMap<>();
      offsets.forEach((tp, offset) -> {
        if (offset != null) positions.put(tp, offset.offset());
      });
      committed.put(group, positions);
    });
    return committed;
  }

  private <V extends SpecificRecord> byte[] serialize(Topic<V> topic, SpecificRecord value) {
    return serde(topic).serializer().serialize(topic.name(), topic.valueType().cast(value));
  }

  @SuppressWarnings("unchecked")
  private <V extends SpecificRecord> Serde<V> serde(Topic<V> topic) {
    return (Serde<V>) serdes.computeIfAbsent(topic.name(), name -> avro.forTopic(topic));
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String key) {
    Header header = record.headers().lastHeader(key);
    return header == null ? null : new String(header.value(), UTF_8);
  }

  /** How many of each kind, e.g. "200 NOT_AVRO, 200 WRONG_MAGIC_BYTE, ...". */
  private static String kinds(Collection<String> names) {
    Map<String, Long> counts = names.stream().collect(Collectors.groupingBy(n -> n.substring(n.lastIndexOf('|') + 1),
        TreeMap::new, Collectors.counting()));
    return counts.entrySet().stream().map(e -> e.getValue() + " " + e.getKey()).collect(Collectors.joining(", "));
  }

  private static Readers streams(String... applications) {
    return new Readers(List.of(applications), List.of());
  }

  private static Readers globalTables(String... services) {
    return new Readers(List.of(), List.of(services));
  }

  private static void print(String format, Object... args) {
    System.out.println("[poison] " + String.format(format, args));
  }
}
