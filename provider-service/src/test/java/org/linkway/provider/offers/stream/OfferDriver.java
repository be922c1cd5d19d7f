package org.linkway.provider.offers.stream;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.linkway.commands.ProviderCommand;
import org.linkway.events.BudgetDecision;
import org.linkway.events.EventMetadata;
import org.linkway.events.FundingReservation;
import org.linkway.events.NeedCode;
import org.linkway.events.Patient;
import org.linkway.events.ReferralEvent;
import org.linkway.events.ReferralOffered;
import org.linkway.platform.kafka.Events;
import org.linkway.platform.kafka.Topics;
import org.linkway.platform.streams.RetentionSettings;
import org.linkway.platform.testing.SelfDescribingAvro;
import org.linkway.provider.measures.MeasureChanges;
import org.linkway.replies.CommandReply;
import org.linkway.state.OfferState;
import org.springframework.core.env.StandardEnvironment;

/**
 * The offer decider as {@link OfferTopology} wires it, driven by {@link TopologyTestDriver}, for one referral: its
 * input topics (offers and cancels, provider commands, the budget's answers), its output topics (provider events,
 * budget requests, replies) and the offer's state.
 */
final class OfferDriver implements AutoCloseable {

  final String referralId = UUID.randomUUID().toString();
  final TopologyTestDriver driver;
  final TestInputTopic<String, SpecificRecord> referrals;
  final TestInputTopic<String, SpecificRecord> commands;
  final TestInputTopic<String, SpecificRecord> budgetDecisions;
  final TestOutputTopic<String, SpecificRecord> events;
  final TestOutputTopic<String, SpecificRecord> budgetRequests;
  final TestOutputTopic<String, SpecificRecord> replies;

  /** @param checkEvery how often the offer's deadlines are checked, in the driver's wall-clock time */
  OfferDriver(Path stateDir, String applicationId, Duration checkEvery) {
    this(stateDir, applicationId, checkEvery, java.util.Map.of());
  }

  /** The same, with {@code settings} added to the streams configuration. */
  OfferDriver(Path stateDir, String applicationId, Duration checkEvery, java.util.Map<String, ?> settings) {
    StreamsBuilder builder = new StreamsBuilder();
    new OfferTopology().offerLifecycle(builder, SelfDescribingAvro.serdes(), checkEvery,
        new MeasureChanges(new StandardEnvironment()), RetentionSettings.defaults());
    driver = SelfDescribingAvro.driver(builder, applicationId, stateDir, Instant.now(), settings);
    referrals = SelfDescribingAvro.input(driver, Topics.REFERRALS);
    commands = SelfDescribingAvro.input(driver, Topics.PROVIDER_COMMANDS);
    budgetDecisions = SelfDescribingAvro.input(driver, Topics.BUDGET_DECISIONS);
    events = SelfDescribingAvro.output(driver, Topics.PROVIDER_EVENTS);
    budgetRequests = SelfDescribingAvro.output(driver, Topics.BUDGET_REQUESTS);
    replies = SelfDescribingAvro.output(driver, Topics.PROVIDER_REPLIES);
  }

  /** referral-service offers the referral to a provider's service "svc-{attempt}", to be answered within so long. */
  void offered(String providerId, int attempt, Duration respondWithin) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    ReferralOffered offer = ReferralOffered.newBuilder()
        .setProviderId(providerId).setServiceId("svc-" + attempt).setAttempt(attempt).setNeedsMet(List.of(NeedCode.LONELINESS))
        .setCommissioner("QMM").setPersonId("p-0123456789abcdef").setNeeds(List.of(NeedCode.LONELINESS))
        .setPatient(new Patient("9434765919", "Ada", "Lovelace", LocalDate.of(1950, 12, 10), "NR1 3SR", null, null))
        .setRespondBy(now.plus(respondWithin))
        .build();
    EventMetadata meta = EventMetadata.newBuilder(Events.metadata("referral-service", uuid(), null)).setOccurredAt(now).build();
    referrals.pipeInput(referralId, new ReferralEvent(meta, offer));
  }

  /** The commissioner's budget reserves £250 for the acceptance with this command id. */
  void reserve(String acceptCommandId) {
    budgetDecisions.pipeInput(referralId, new BudgetDecision(Events.metadata("outcome-service", uuid(), null), acceptCommandId,
        new FundingReservation("contract-QMM-1", new BigDecimal("250.00"), "2026-27", false)));
  }

  void send(ProviderCommand command) {
    commands.pipeInput(referralId, command);
  }

  List<CommandReply> repliesRead() {
    return replies.readValuesToList().stream().map(CommandReply.class::cast).toList();
  }

  OfferState state() {
    KeyValueStore<String, OfferState> store = driver.getKeyValueStore(OfferProcessor.STORE);
    return store.get(referralId);
  }

  /** Every value a store of the topology holds now. */
  List<OfferState> held(String storeName) {
    KeyValueStore<String, OfferState> store = driver.getKeyValueStore(storeName);
    List<OfferState> held = new java.util.ArrayList<>();
    try (var all = store.all()) {
      all.forEachRemaining(entry -> held.add(entry.value));
    }
    return held;
  }

  UUID uuid() {
    return UUID.fromString(referralId);
  }

  @Override
  public void close() {
    driver.close();
  }
}
