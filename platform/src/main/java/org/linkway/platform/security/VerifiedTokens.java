package org.linkway.platform.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import reactor.core.publisher.Mono;

/**
 * A bearer token verified once is not verified again on the caller's next request: the resource
 * server's decoder (signature, expiry, issuer, {@link PlatformAudience}) runs on the first sight of
 * a token, and the same token, character for character, is then taken as decoded until the earlier
 * of its expiry and {@link #LONGEST_KEPT} after it was verified. A provider's system or a GP system
 * sends many requests a minute under one token, and the RSA signature check was the largest single
 * cost of each (issue 19's profile: 9 % of provider-service's HTTP threads).
 *
 * <p>Never more lenient than the decoder: a refused token is not kept (each try is checked in
 * full); a kept one is given back only before its {@code exp}, and the decoder's own allowance for
 * clock skew applies only when it checks again; a signing key withdrawn from the issuer's key set
 * stops taking its tokens within {@link #LONGEST_KEPT}, as the decoder's cached key set would. At
 * most {@link #MOST_KEPT} tokens are kept: a new one past that pushes out the one used least
 * recently (an expired one is dropped when it is asked for again, or pushed out in its turn), so that a flood of new tokens costs
 * their own verifications, not those of every caller whose token was kept.
 */
public final class VerifiedTokens implements ReactiveJwtDecoder {

  /** How long a verified token is taken without checking it again, at most. */
  public static final Duration LONGEST_KEPT = Duration.ofMinutes(5);

  /** How many verified tokens are kept at most. */
  public static final int MOST_KEPT = 4_096;

  private final ReactiveJwtDecoder decoder;
  private final Clock clock;
  /** The kept tokens, least recently used first; a get counts as a use. Guarded by itself. */
  private final Map<String, Kept> kept = new LinkedHashMap<>(256, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Kept> eldest) {
      return size() > MOST_KEPT;
    }
  };

  private record Kept(Jwt jwt, Instant until) {}

  public VerifiedTokens(ReactiveJwtDecoder decoder) {
    this(decoder, Clock.systemUTC());
  }

  VerifiedTokens(ReactiveJwtDecoder decoder, Clock clock) {
    this.decoder = decoder;
    this.clock = clock;
  }

  @Override
  public Mono<Jwt> decode(String token) throws JwtException {
    Instant now = clock.instant();
    synchronized (kept) {
      Kept known = kept.get(token);
      if (known != null) {
        if (now.isBefore(known.until())) return Mono.just(known.jwt());
        kept.remove(token);
      }
    }
    return decoder.decode(token).doOnNext(jwt -> keep(token, jwt));
  }

  private void keep(String token, Jwt jwt) {
    Instant now = clock.instant();
    Instant until = now.plus(LONGEST_KEPT);
    if (jwt.getExpiresAt() == null) return; // a token without exp is checked every time
    if (jwt.getExpiresAt().isBefore(until)) until = jwt.getExpiresAt();
    if (!now.isBefore(until)) return;
    synchronized (kept) {
      kept.put(token, new Kept(jwt, until));
    }
  }

  /** How many verified tokens are kept now. */
  int size() {
    synchronized (kept) {
      return kept.size();
    }
  }
}
