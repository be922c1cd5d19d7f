package org.linkway.referral.lifecycle.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkway.commands.ReferralCommand;
import org.linkway.commands.SubmitReferral;
import org.linkway.events.NeedCode;
import org.linkway.events.ReferralEvent;
import org.linkway.events.ReferralSubmitted;
import org.linkway.events.SealedPatient;
import org.linkway.platform.kafka.Events;
import org.linkway.referral.TestData;
import org.linkway.replies.CommandReply;
import org.linkway.state.ReferralState;

/**
 * The referral decider as {@link ReferralTopology} wires it, driven by {@link TopologyTestDriver}: a GP system's
 * request sent twice (the second while the first was still on its way, so no store had it yet) reaches the
 * referral's one decider twice, and only the first becomes a referral; both are answered with it. The directory,
 * contracts and budgets are empty tables (no service, so the referral is unplaced).
 */
class RepeatedSubmissionTest {

  @TempDir
  Path stateDir;

  private final UUID referralId = UUID.randomUUID();
  private DrivenLifecycle lifecycle;

  @BeforeEach
  void setUp() {
    lifecycle = new DrivenLifecycle(EmptyDirectoryTopology.driver(stateDir, "referral-service-repeats-test"));
  }

  @AfterEach
  void tearDown() {
    lifecycle.close();
  }

  @Test
  void givenTheSameRequestSentTwice_whenBothReachTheDecider_thenOneReferralIsSubmittedAndBothAreAnsweredWithIt() {
    lifecycle.commands.pipeInput(referralId.toString(), submit("key-first"));
    lifecycle.commands.pipeInput(referralId.toString(), submit("key-second"));

    List<ReferralEvent> written = lifecycle.referrals.readValuesToList().stream().map(ReferralEvent.class::cast).toList();
    assertThat(written.stream().filter(e -> e.getPayload() instanceof ReferralSubmitted)).singleElement()
        .satisfies(e -> assertThat(((ReferralSubmitted) e.getPayload()).getSealedPatient().getKeyId()).isEqualTo("key-first"));
    List<ReferralState> answers = lifecycle.replies.readValuesToList().stream()
        .map(reply -> (ReferralState) ((CommandReply) reply).getDecided()).toList();
    assertThat(answers).hasSize(2).allSatisfy(state -> {
      assertThat(state.getReferralId()).isEqualTo(referralId);
      assertThat(state.getSubmission().getSealedPatient().getKeyId()).isEqualTo("key-first");
    });
  }

  @Test
  void givenASubmissionDecided_whenItsEventComesBackOnReferrals_thenNothingMoreIsWritten() {
    lifecycle.commands.pipeInput(referralId.toString(), submit("key-first"));
    List<SpecificRecord> written = lifecycle.referrals.readValuesToList();

    written.forEach(event -> lifecycle.referralsIn.pipeInput(referralId.toString(), event));

    assertThat(lifecycle.referrals.isEmpty()).isTrue();
  }

  /** What the HTTP intake sends: the submission, its identity sealed with a data key of its own. */
  private ReferralCommand submit(String keyId) {
    SealedPatient sealed = new SealedPatient("p-0123456789abcdef", keyId, ByteBuffer.allocate(12), ByteBuffer.allocate(16));
    ReferralSubmitted submission = TestData.referral(NeedCode.LONELINESS).setPatient(null).setSealedPatient(sealed)
        .setPostcodeDistrict("NR1").setAgeWhenReferred(75)
        .setRequestId("request-1").build();
    return new ReferralCommand(Events.metadata("referral-service", referralId, null), new SubmitReferral(submission));
  }
}
