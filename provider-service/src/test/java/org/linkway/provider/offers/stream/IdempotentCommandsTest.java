package org.linkway.provider.offers.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkway.commands.AcceptReferral;
import org.linkway.commands.DeclineReferral;
import org.linkway.commands.ProviderCommand;
import org.linkway.commands.RecordSession;
import org.linkway.commands.RecordTimeCredits;
import org.linkway.events.BudgetDecision;
import org.linkway.events.BudgetRequest;
import org.linkway.events.DeclineReason;
import org.linkway.events.EventMetadata;
import org.linkway.events.FundingRefused;
import org.linkway.events.ProviderEvent;
import org.linkway.events.SessionAttended;
import org.linkway.events.TimeCreditsEarned;
import org.linkway.platform.kafka.Events;
import org.linkway.platform.web.IdempotencyKeys;
import org.linkway.provider.offers.domain.RememberedCommands;
import org.linkway.replies.CommandReply;
import org.linkway.state.OfferState;
import org.linkway.state.OfferStatus;

/**
 * The offer decider as {@link OfferTopology} wires it, driven by {@link TopologyTestDriver}: provider commands
 * sent with an Idempotency-Key are decided once, their resends answered as the first was, from what the offer's
 * own state remembers; a key used for another request is refused and decides nothing.
 */
class IdempotentCommandsTest {

  private static final String PROVIDER = "prov-1";

  @TempDir
  Path stateDir;

  private OfferDriver offers;
  private String referralId;
  private TestInputTopic<String, SpecificRecord> budgetDecisions;
  private TestOutputTopic<String, SpecificRecord> events;
  private TestOutputTopic<String, SpecificRecord> budgetRequests;
  private TestOutputTopic<String, SpecificRecord> replies;

  @BeforeEach
  void setUp() {
    offers = new OfferDriver(stateDir, "provider-service-idempotency-test", Duration.ofHours(1));
    referralId = offers.referralId;
    budgetDecisions = offers.budgetDecisions;
    events = offers.events;
    budgetRequests = offers.budgetRequests;
    replies = offers.replies;
  }

  @AfterEach
  void tearDown() {
    offers.close();
  }

  @Test
  void givenASessionWithAKey_whenItIsSentTwice_thenOneSessionIsRecordedAndBothAreAnsweredTheSame() {
    accepted();

    send(keyed(session("2026-11-02"), "session-1", "{attendedOn=2026-11-02}"));
    send(keyed(session("2026-11-02"), "session-1", "{attendedOn=2026-11-02}"));

    assertThat(events.readValuesToList()).singleElement()
        .satisfies(e -> assertThat(((ProviderEvent) e).getPayload()).isInstanceOf(SessionAttended.class));
    List<CommandReply> answers = repliesRead();
    assertThat(answers).hasSize(2).allSatisfy(reply -> {
      assertThat(reply.getRefusal()).isNull();
      assertThat(((OfferState) reply.getDecided()).getSessionsAttended()).isEqualTo(1);
    });
    assertThat(answers.get(0).getCommandId()).isEqualTo(answers.get(1).getCommandId());
  }

  @Test
  void givenAKeyUsedForOneSession_whenAnotherSessionComesWithIt_thenItIsRefusedAsKeyReusedAndNothingIsRecorded() {
    accepted();

    send(keyed(session("2026-11-02"), "session-1", "{attendedOn=2026-11-02}"));
    send(keyed(session("2026-11-09"), "session-1", "{attendedOn=2026-11-09}"));

    assertThat(events.readValuesToList()).hasSize(1);
    List<CommandReply> answers = repliesRead();
    assertThat(answers.get(0).getIdempotencyKeyReused()).isFalse();
    assertThat(answers.get(1).getIdempotencyKeyReused()).isTrue();
    assertThat(answers.get(1).getDecided()).isNull();
    assertThat(state().getSessionsAttended()).isEqualTo(1);
  }

  @Test
  void givenTwoSessionsWithDifferentKeys_whenBothAreSent_thenBothAreRecorded() {
    accepted();

    send(keyed(session("2026-11-02"), "session-1", "{attendedOn=2026-11-02}"));
    send(keyed(session("2026-11-02"), "session-2", "{attendedOn=2026-11-02}"));

    assertThat(events.readValuesToList()).hasSize(2);
    assertThat(repliesRead()).extracting(CommandReply::getRefusal).containsOnlyNulls();
    assertThat(state().getSessionsAttended()).isEqualTo(2);
  }

  @Test
  void givenMoreKeyedCommandsThanAreKept_whenTheyAreDecided_thenOnlyTheLastAreRemembered() {
    accepted();

    for (int i = 0; i < RememberedCommands.KEPT + 5; i++) {
      send(keyed(timeCredits(), "credits-" + i, "{hours=1}"));
    }
    send(keyed(timeCredits(), "credits-" + (RememberedCommands.KEPT + 4), "{hours=1}"));

    assertThat(events.readValuesToList()).hasSize(RememberedCommands.KEPT + 5)
        .allSatisfy(e -> assertThat(((ProviderEvent) e).getPayload()).isInstanceOf(TimeCreditsEarned.class));
    assertThat(state().getRememberedCommands()).hasSize(RememberedCommands.KEPT);
    assertThat(state().getRememberedCommands().get(0).getCommandId()).isEqualTo(commandId("credits-5").toString());
  }

  @Test
  void givenAKeyedCommandThatWasRefused_whenItIsSentAgainAfterTheStateChanged_thenItIsRefusedTheSame() {
    offered();
    ProviderCommand early = keyed(session("2026-11-02"), "session-early", "{attendedOn=2026-11-02}");
    send(early);
    accept(null);
    reserve(commandOf(budgetRequests.readValue()));
    events.readValuesToList();
    repliesRead();

    send(early);

    assertThat(events.isEmpty()).isTrue();
    assertThat(repliesRead()).singleElement()
        .satisfies(reply -> assertThat(reply.getRefusal()).contains("only once the referral is accepted"));
  }

  @Test
  void givenAKeyedAcceptance_whenItIsResentWhileTheBudgetDecides_thenTheBudgetIsAskedOnceAndItsAnswerAnswersIt() {
    offered();
    ProviderCommand accept = keyed(new AcceptReferral(null, List.of(), null), "accept-1", "null");

    send(accept);
    send(accept);

    List<SpecificRecord> asked = budgetRequests.readValuesToList();
    assertThat(asked).hasSize(1);
    assertThat(replies.isEmpty()).isTrue();
    budgetDecisions.pipeInput(referralId, new BudgetDecision(Events.metadata("outcome-service", uuid(), null),
        accept.getMetadata().getEventId().toString(), new FundingRefused("QMM", "2026-27", new BigDecimal("10.00"), new BigDecimal("0.00"), "spent")));
    assertThat(repliesRead()).singleElement().satisfies(reply -> assertThat(reply.getRefusal()).isEqualTo("spent"));

    send(accept);

    assertThat(budgetRequests.isEmpty()).isTrue();
    assertThat(repliesRead()).singleElement().satisfies(reply -> assertThat(reply.getRefusal()).isEqualTo("spent"));
    assertThat(state().getStatus()).isEqualTo(OfferStatus.OFFERED);
  }

  @Test
  void givenAKeyedDecline_whenItIsResentAfterTheReferralWasOfferedToAnotherProvider_thenItIsNotShownTheirOffer() {
    offered();
    ProviderCommand decline = keyed(new DeclineReferral(DeclineReason.CAPACITY, null, null), "decline-1", "{CAPACITY}");
    send(decline);
    offered("prov-2", 2);
    repliesRead();

    send(decline);

    assertThat(repliesRead()).singleElement().satisfies(reply -> {
      assertThat(reply.getDecided()).isNull();
      assertThat(reply.getRefusal()).contains("offered elsewhere");
    });
  }

  @Test
  void givenCommandsWithoutAKey_whenTheSameSessionIsSentTwice_thenBothAreRecordedAsBefore() {
    accepted();

    send(new ProviderCommand(Events.metadata("provider-service", uuid(), null), PROVIDER, session("2026-11-02"), null));
    send(new ProviderCommand(Events.metadata("provider-service", uuid(), null), PROVIDER, session("2026-11-02"), null));

    assertThat(events.readValuesToList()).hasSize(2);
    assertThat(state().getRememberedCommands()).isEmpty();
  }

  @Test
  void givenKeyedCommands_whenTheyAreDecided_thenTheProvidersListsAndTheAnswersHoldTheOfferWithoutTheDecidersBookkeeping() {
    offered();
    send(keyed(new AcceptReferral(null, List.of(), null), "accept-1", "null"));
    assertThat(state().getPendingAccept()).isNotNull();
    assertThat(listsHeld()).isNotEmpty().allSatisfy(listed -> {
      assertThat(listed.getStatus()).isEqualTo(OfferStatus.ACCEPTING);
      assertThat(listed.getPendingAccept()).isNull();
    });
    reserve(commandOf(budgetRequests.readValue()));
    send(keyed(session("2026-11-02"), "session-1", "{attendedOn=2026-11-02}"));

    OfferState kept = state();
    assertThat(kept.getRememberedCommands()).hasSize(2);
    assertThat(kept.getProcessedCommandIds()).isNotEmpty();
    assertThat(listsHeld()).hasSize(3).allSatisfy(listed -> {
      assertThat(listed.getSessionsAttended()).isEqualTo(1);
      assertThat(listed.getRememberedCommands()).isEmpty();
      assertThat(listed.getProcessedCommandIds()).isEmpty();
      assertThat(listed.getPendingAccept()).isNull();
      assertThat(listed.getChangedAt()).isEqualTo(kept.getChangedAt());
      assertThat(listed.getOffer()).isEqualTo(kept.getOffer());
    });
    assertThat(repliesRead()).hasSize(2).allSatisfy(reply -> {
      OfferState decided = (OfferState) reply.getDecided();
      assertThat(decided.getRememberedCommands()).isEmpty();
      assertThat(decided.getProcessedCommandIds()).isEmpty();
    });
  }

  // ---------------------------------------------------------------- helpers

  /** What the provider's three lists hold of its offers. */
  private List<OfferState> listsHeld() {
    return java.util.stream.Stream.of(ProviderOffers.STORE, ProviderOffers.BY_STATUS.store(), ProviderOffers.CHANGES.store())
        .flatMap(store -> offers.held(store).stream()).toList();
  }


  private void offered() {
    offered(PROVIDER, 1);
  }

  private void offered(String providerId, int attempt) {
    offers.offered(providerId, attempt, Duration.ofDays(14));
  }

  /** Offered, accepted without a key and its funding reserved; what that wrote is read and set aside. */
  private void accepted() {
    offered();
    accept(null);
    reserve(commandOf(budgetRequests.readValue()));
    events.readValuesToList();
    repliesRead();
  }

  private void accept(String key) {
    ProviderCommand accept = new ProviderCommand(Events.metadata("provider-service", uuid(), null), PROVIDER,
        new AcceptReferral(null, List.of(), null), null);
    send(key == null ? accept : keyed(accept.getCommand(), key, "null"));
  }

  private void reserve(String acceptCommandId) {
    offers.reserve(acceptCommandId);
  }

  private static String commandOf(SpecificRecord budgetRequest) {
    return ((org.linkway.events.ReserveFunding) ((BudgetRequest) budgetRequest).getPayload()).getAcceptCommandId();
  }

  /** A command as provider-service's API writes it with an Idempotency-Key: its id derived from the key, the request's digest. */
  private ProviderCommand keyed(Object command, String key, String request) {
    EventMetadata meta = EventMetadata.newBuilder(Events.metadata("provider-service", uuid(), null))
        .setEventId(commandId(key)).build();
    return new ProviderCommand(meta, PROVIDER, command, IdempotencyKeys.digest(command.getClass().getSimpleName(), request));
  }

  private UUID commandId(String key) {
    return IdempotencyKeys.commandId(key, "provider-service", PROVIDER, referralId);
  }

  private static RecordSession session(String on) {
    return new RecordSession(LocalDate.parse(on), true, List.of());
  }

  private static RecordTimeCredits timeCredits() {
    return new RecordTimeCredits(LocalDate.parse("2026-11-02"), new BigDecimal("1.00"), null);
  }

  private void send(ProviderCommand command) {
    offers.send(command);
  }

  private List<CommandReply> repliesRead() {
    return offers.repliesRead();
  }

  private OfferState state() {
    return offers.state();
  }

  private UUID uuid() {
    return offers.uuid();
  }
}
