package org.linkway.provider.offers.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkway.commands.AcceptReferral;
import org.linkway.commands.CompleteReferral;
import org.linkway.commands.DeclineReferral;
import org.linkway.commands.ProviderCommand;
import org.linkway.events.BudgetRequest;
import org.linkway.events.CancelRefused;
import org.linkway.events.CancelRequested;
import org.linkway.events.Completion;
import org.linkway.events.DeclineReason;
import org.linkway.events.OfferCancelled;
import org.linkway.events.ProviderEvent;
import org.linkway.events.ReferralAccepted;
import org.linkway.events.ReferralDeclined;
import org.linkway.events.ReferralEvent;
import org.linkway.events.WithdrawReservation;
import org.linkway.platform.kafka.Events;
import org.linkway.replies.CommandReply;
import org.linkway.state.OfferState;
import org.linkway.state.OfferStatus;

/**
 * The pairs that can race on one referral, decided by the offer's one decider as {@link OfferTopology} wires it
 * (driven by {@link TopologyTestDriver}): the referrer's cancel ({@link CancelRequested}) against the provider's
 * accept and complete, and the provider's decline against the offer's expiry. Whichever reaches the decider first
 * wins; the other is told the end it made, and only one end is ever written.
 */
class OfferRacesTest {

  private static final String PROVIDER = "prov-1";

  @TempDir
  Path stateDir;

  private OfferDriver offers;

  @BeforeEach
  void setUp() {
    offers = new OfferDriver(stateDir, "provider-service-races-test", Duration.ofSeconds(1));
  }

  @AfterEach
  void tearDown() {
    offers.close();
  }

  // ---------------------------------------------------------------- cancel vs accept

  @Test
  void givenAnOffer_whenTheCancelComesBeforeTheAccept_thenTheOfferIsCancelledAndTheAcceptRefused() {
    offered(Duration.ofDays(14));

    String cancelId = cancelRequested();
    send(accept());

    assertThat(payloads()).singleElement().isEqualTo(new OfferCancelled(PROVIDER, "svc-1", cancelId, false));
    assertThat(repliesRead()).singleElement()
        .satisfies(reply -> assertThat(reply.getRefusal()).isEqualTo("the referral was cancelled by the referrer"));
    assertThat(offers.budgetRequests.isEmpty()).isTrue();
    assertThat(state().getStatus()).isEqualTo(OfferStatus.CANCELLED);
  }

  @Test
  void givenAnAcceptWithTheBudget_whenTheCancelComes_thenItWinsTheAcceptIsRefusedAndTheReservationGivenBack() {
    offered(Duration.ofDays(14));
    ProviderCommand accept = accept();
    send(accept);
    assertThat(offers.budgetRequests.readValue()).isInstanceOf(BudgetRequest.class);

    String cancelId = cancelRequested();
    reserve(accept);

    assertThat(payloads()).singleElement().isEqualTo(new OfferCancelled(PROVIDER, "svc-1", cancelId, false));
    assertThat(repliesRead()).singleElement().satisfies(reply -> {
      assertThat(reply.getCommandId()).isEqualTo(accept.getMetadata().getEventId());
      assertThat(reply.getRefusal()).isEqualTo("the referral was cancelled by the referrer");
    });
    assertThat(offers.budgetRequests.readValue()).satisfies(request ->
        assertThat(((BudgetRequest) request).getPayload()).isInstanceOf(WithdrawReservation.class));
    assertThat(state().getAccepted()).isFalse();
  }

  @Test
  void givenAnAcceptedOffer_whenTheCancelComes_thenItIsCancelledAfterTheAcceptance() {
    accepted();

    String cancelId = cancelRequested();

    assertThat(payloads()).singleElement().isEqualTo(new OfferCancelled(PROVIDER, "svc-1", cancelId, true));
    assertThat(state().getStatus()).isEqualTo(OfferStatus.CANCELLED);
    assertThat(state().getAccepted()).isTrue();
  }

  // ---------------------------------------------------------------- cancel vs complete

  @Test
  void givenAnAcceptedOffer_whenTheCompletionComesBeforeTheCancel_thenTheCancelIsRefusedWithTheCompletion() {
    accepted();

    send(complete());
    String cancelId = cancelRequested();

    List<Object> written = payloads();
    assertThat(written).hasSize(2);
    assertThat(written.get(1)).isEqualTo(new CancelRefused(PROVIDER, "svc-1", cancelId, "the referral has been completed"));
    assertThat(repliesRead()).singleElement().satisfies(reply -> assertThat(reply.getRefusal()).isNull());
    assertThat(state().getStatus()).isEqualTo(OfferStatus.COMPLETED);
  }

  @Test
  void givenAnAcceptedOffer_whenTheCancelComesBeforeTheCompletion_thenTheCompletionIsRefused() {
    accepted();

    String cancelId = cancelRequested();
    send(complete());

    assertThat(payloads()).singleElement().isEqualTo(new OfferCancelled(PROVIDER, "svc-1", cancelId, true));
    assertThat(repliesRead()).singleElement().satisfies(reply -> assertThat(reply.getRefusal()).endsWith("it is CANCELLED"));
  }

  // ---------------------------------------------------------------- cancel vs decline

  @Test
  void givenAnOfferTheProviderDeclined_whenTheCancelComesBeforeTheNextOffer_thenItIsCancelledAndNotOfferedAgain() {
    offered(Duration.ofDays(14));
    send(decline(DeclineReason.CAPACITY));

    String cancelId = cancelRequested();
    offered("prov-2", 2, Duration.ofDays(14));

    List<Object> written = payloads();
    assertThat(written.get(0)).isInstanceOf(ReferralDeclined.class);
    assertThat(written.get(1)).isEqualTo(new OfferCancelled(PROVIDER, "svc-1", cancelId, false));
    assertThat(state().getStatus()).isEqualTo(OfferStatus.CANCELLED);
    assertThat(state().getOffer().getProviderId()).isEqualTo(PROVIDER);
  }

  @Test
  void givenAnOfferThePersonDeclined_whenTheCancelComes_thenItIsRefusedWithThePersonsDecline() {
    offered(Duration.ofDays(14));
    send(decline(DeclineReason.PERSON_DECLINED));

    String cancelId = cancelRequested();

    assertThat(payloads().get(1)).isEqualTo(new CancelRefused(PROVIDER, "svc-1", cancelId, "the person declined the referral"));
    assertThat(state().getStatus()).isEqualTo(OfferStatus.DECLINED);
  }

  // ---------------------------------------------------------------- decline vs expiry

  @Test
  void givenAnOfferPastItsDeadline_whenTheProviderDeclinesBeforeTheDeadlineIsChecked_thenOnlyTheDeclineIsWritten() {
    offered(Duration.ofMillis(-1_000));

    send(decline(DeclineReason.CAPACITY));
    offers.driver.advanceWallClockTime(Duration.ofSeconds(2));

    List<ReferralDeclined> declines = payloads().stream().filter(ReferralDeclined.class::isInstance)
        .map(ReferralDeclined.class::cast).toList();
    assertThat(declines).singleElement().satisfies(d -> assertThat(d.getReason()).isEqualTo(DeclineReason.CAPACITY));
    assertThat(repliesRead()).singleElement().satisfies(reply -> assertThat(reply.getRefusal()).isNull());
    assertThat(state().getDeclineReason()).isEqualTo(DeclineReason.CAPACITY);
  }

  @Test
  void givenAnOfferPastItsDeadline_whenTheDeadlineIsCheckedBeforeTheDecline_thenOnlyTheExpiryIsWrittenAndTheDeclineRefused() {
    offered(Duration.ofMillis(-1_000));

    offers.driver.advanceWallClockTime(Duration.ofSeconds(2));
    send(decline(DeclineReason.CAPACITY));

    List<ReferralDeclined> declines = payloads().stream().filter(ReferralDeclined.class::isInstance)
        .map(ReferralDeclined.class::cast).toList();
    assertThat(declines).singleElement().satisfies(d -> assertThat(d.getReason()).isEqualTo(DeclineReason.EXPIRED));
    assertThat(repliesRead()).singleElement()
        .satisfies(reply -> assertThat(reply.getRefusal()).isEqualTo("provider " + PROVIDER + " declined this referral"));
    assertThat(state().getDeclineReason()).isEqualTo(DeclineReason.EXPIRED);
  }

  // ---------------------------------------------------------------- helpers

  private void offered(Duration respondWithin) {
    offered(PROVIDER, 1, respondWithin);
  }

  private void offered(String providerId, int attempt, Duration respondWithin) {
    offers.offered(providerId, attempt, respondWithin);
  }

  /** Offered, accepted and its funding reserved; what that wrote is read and set aside. */
  private void accepted() {
    offered(Duration.ofDays(14));
    ProviderCommand accept = accept();
    send(accept);
    reserve(accept);
    assertThat(payloads()).singleElement().isInstanceOf(ReferralAccepted.class);
    offers.budgetRequests.readValuesToList();
    repliesRead();
  }

  /** The referrer's cancel as referral-service asks it; its id. */
  private String cancelRequested() {
    String cancelId = UUID.randomUUID().toString();
    offers.referrals.pipeInput(offers.referralId, new ReferralEvent(Events.metadata("referral-service", uuid(), null),
        new CancelRequested("D82044", cancelId)));
    return cancelId;
  }

  private ProviderCommand accept() {
    return command(new AcceptReferral(null, List.of(), null));
  }

  private ProviderCommand complete() {
    return command(new CompleteReferral(Completion.COMPLETED, List.of()));
  }

  private ProviderCommand decline(DeclineReason reason) {
    return command(new DeclineReferral(reason, null, null));
  }

  private ProviderCommand command(Object command) {
    return new ProviderCommand(Events.metadata("provider-service", uuid(), null), PROVIDER, command, null);
  }

  private void reserve(ProviderCommand accept) {
    offers.reserve(accept.getMetadata().getEventId().toString());
  }

  private void send(ProviderCommand command) {
    offers.send(command);
  }

  private List<Object> payloads() {
    return offers.events.readValuesToList().stream().map(e -> ((ProviderEvent) e).getPayload()).toList();
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
