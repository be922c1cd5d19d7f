package org.linkway.referral.intake;

import java.net.URI;
import java.util.Map;
import org.linkway.platform.security.Caller;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * POST /referrals: a GP system refers a person. A valid referral answers 202 with its id; an
 * invalid one 400 naming every invalid field, and nothing is written. With an
 * {@code Idempotency-Key} header, sending the same request again answers 200 with the same referral.
 */
@RestController
class ReferralIntakeController {

  private final ReferralIntake intake;

  ReferralIntakeController(ReferralIntake intake) {
    this.intake = intake;
  }

  @PostMapping("/referrals")
  Mono<ResponseEntity<Map<String, Object>>> submit(
      @RequestBody ReferralRequest request,
      @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey,
      @RequestHeader(name = "X-Correlation-Id", required = false) String correlationId) {
    return Caller.current()
        .flatMap(caller -> intake.submit(request, idempotencyKey, correlationId, caller))
        .map(received -> ResponseEntity.status(received.repeated() ? HttpStatus.OK : HttpStatus.ACCEPTED)
            .location(URI.create("/referrals/" + received.referralId()))
            .body(Map.of("referralId", received.referralId(), "status", received.status())));
  }
}
