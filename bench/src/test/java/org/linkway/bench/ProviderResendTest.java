package org.linkway.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What a simulated provider makes of its offer read after a 409 on a resend ({@link Journey#applied}), and how the
 * referrals a phase could not move are shown in the results' markdown.
 */
class ProviderResendTest {

  private static Journey.Offer read(String status, int sessions) {
    return Journey.Offer.of("{\"referralId\":\"0b8f5f3e-8d0e-4a57-9a59-3d6f1e1c2a10\",\"status\":\"" + status
        + "\",\"taskStatus\":\"in-progress\",\"attempt\":1,\"sessionsAttended\":" + sessions + ",\"sessionsMissed\":0}");
  }

  @Test
  void theOfferIsReadFromWhatTheProviderServiceAnswers() {
    assertThat(read("ACCEPTED", 2)).isEqualTo(new Journey.Offer("ACCEPTED", 2));
    assertThat(Journey.Offer.of("{}")).isEqualTo(new Journey.Offer("unknown", 0));
  }

  @Test
  void anAcceptWhoseAnswerWasLostIsSeenAppliedAndTheSessionsGoOn() {
    assertThat(Journey.applied("accept", 0, read("ACCEPTED", 0))).isTrue();
    assertThat(Journey.applied("accept", 0, read("COMPLETED", 2))).isTrue();
    // still being decided, or refused and offered again: not applied
    assertThat(Journey.applied("accept", 0, read("ACCEPTING", 0))).isFalse();
    assertThat(Journey.applied("accept", 0, read("OFFERED", 0))).isFalse();
    assertThat(Journey.applied("accept", 0, read("CANCELLED", 0))).isFalse();
  }

  @Test
  void aSessionIsAppliedOnceAsManyAreAttendedAndACompletionOnceCompleted() {
    assertThat(Journey.applied("session", 2, read("ACCEPTED", 1))).isFalse();
    assertThat(Journey.applied("session", 2, read("ACCEPTED", 2))).isTrue();
    assertThat(Journey.applied("session", 1, read("COMPLETED", 0))).isTrue();
    assertThat(Journey.applied("complete", 0, read("ACCEPTED", 2))).isFalse();
    assertThat(Journey.applied("complete", 0, read("COMPLETED", 2))).isTrue();
  }

  @Test
  void aDeclineIsSentAgainLikeTheOtherActionsAndIsAppliedOnceTheOfferIsDeclined() {
    assertThat(Journey.applied("decline", 0, read("DECLINED", 0))).isTrue();
    assertThat(Journey.applied("decline", 0, read("OFFERED", 0))).isFalse();
    assertThat(Journey.applied("decline", 0, read("ACCEPTED", 0))).isFalse();
  }

  @Test
  void aDeclineSentAgainAfterTheReferralWasOfferedElsewhereIsDone() {
    // provider-service's words (OfferCommands.offeredElsewhere) when the first decline was applied
    Http.Answer offeredElsewhere = new Http.Answer(409, "{\"title\":\"Conflict\",\"detail\":\"provider P1 declined this"
        + " referral; it has been offered elsewhere\"}");
    assertThat(Journey.done(offeredElsewhere, Journey.DECLINED_AND_OFFERED_ELSEWHERE)).isTrue();
    assertThat(Journey.done(offeredElsewhere)).isFalse();
    assertThat(Journey.done(new Http.Answer(409, "the referral cannot be declined now: it is ACCEPTED"),
        Journey.DECLINED_AND_OFFERED_ELSEWHERE)).isFalse();
    assertThat(Journey.done(new Http.Answer(200, "{}"))).isTrue();
  }

  @Test
  void theReferralsThatCouldNotMoveAreListedByPhaseUnderCorrectness() {
    assertThat(Bench.cannotMoveMarkdown(Map.of())).isEmpty();
    Map<String, Object> cannotMove = new LinkedHashMap<>();
    cannotMove.put("warm-up", Map.of("referrals", 2L, "byLastStepAndAnswer", Map.of("accept (accept 409; read: OFFERED, 0 sessions)", 2L),
        "someIds", List.of("id-1", "id-2")));
    String md = Bench.cannotMoveMarkdown(cannotMove);
    assertThat(md).contains("## Correctness: referrals that could not move")
        .contains("| warm-up | 2 | {accept (accept 409; read: OFFERED, 0 sessions)=2} | id-1, id-2 |");
  }
}
