package org.linkway.system;

import org.linkway.events.ReferralRejected;
import org.linkway.events.ReferralRequested;
import org.linkway.platform.kafka.Topic;
import org.linkway.platform.kafka.Topics;
import org.linkway.platform.testing.TestStack;
import org.linkway.referral.intake.ReferralIntake;
import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;

/**
 * The journey tests' callers: each request goes with a token of the party whose resource it
 * addresses, as the real callers would send it: a provider's queue with that provider's token, a
 * commissioner's ledger with that commissioner's, a referral with its GP practice's (D82044, the
 * practice of every journey). A request that already carries a token keeps it; {@code AccessIT}
 * tries every endpoint with every role that way.
 */
final class OwnerTokens {

  static final String PRACTICE = "D82044";
  /** The GP system that refers for {@link #PRACTICE} over Kafka, and the one that refers for another practice. */
  static final String GP_SYSTEM = "gp-test";
  static final String OTHER_GP_SYSTEM = "gp-other-test";
  static final String OTHER_GP_PRACTICE = "A81001";
  /** What {@link #GP_SYSTEM} writes its requests to, and reads its rejections from. */
  static final Topic<ReferralRequested> REQUESTS = Topics.referralRequests(GP_SYSTEM);
  static final Topic<ReferralRequested> OTHER_REQUESTS = Topics.referralRequests(OTHER_GP_SYSTEM);
  static final Topic<ReferralRejected> REJECTIONS = Topics.referralRejections(GP_SYSTEM);

  /** The referral a request of {@link #GP_SYSTEM} for {@link #PRACTICE} becomes. */
  static String kafkaReferralId(String requestId) {
    return ReferralIntake.kafkaReferralId(GP_SYSTEM, PRACTICE, requestId).toString();
  }

  private OwnerTokens() {}

  static ExchangeFilterFunction filter() {
    return (request, next) -> {
      if (request.headers().containsHeader(HttpHeaders.AUTHORIZATION)) return next.exchange(request);
      String token = tokenFor(request.url().getRawPath());
      return next.exchange(token == null ? request
          : ClientRequest.from(request).headers(h -> h.setBearerAuth(token)).build());
    };
  }

  /** The owner's token for a path, or null for what is public. */
  static String tokenFor(String path) {
    return TestStack.issuer().ownerOf(path, PRACTICE);
  }
}
