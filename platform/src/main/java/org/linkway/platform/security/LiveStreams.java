package org.linkway.platform.security;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.linkway.platform.web.ProblemException;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import reactor.core.publisher.Flux;

/**
 * The live streams (SSE, of the API and of the pages) that callers hold open. A stream lasts only as
 * long as the token that opened it: it ends by itself at the token's expiry ({@code exp}), so that
 * a token that has run out, or been taken from someone, stops receiving events. And each caller (a
 * role acting for one organisation: a practice, a provider, an ICB) holds at most
 * {@value #PER_CALLER} streams at once ({@value #DEFAULT_PER_CALLER} unless set); one more is refused
 * with 429, so that one caller cannot tie up the service's connections and memory. A stream's place
 * is given back as soon as it ends: the client went away, the token expired, or the service stopped it.
 */
public class LiveStreams {

  public static final String PER_CALLER = "linkway.streams.per-caller";
  public static final int DEFAULT_PER_CALLER = 10;

  private final int perCaller;
  /** The streams each caller holds open now; a caller with none has no entry. */
  private final ConcurrentHashMap<String, Integer> open = new ConcurrentHashMap<>();

  public LiveStreams(@Value("${" + PER_CALLER + ":" + DEFAULT_PER_CALLER + "}") int perCaller) {
    if (perCaller < 1) throw new IllegalArgumentException(PER_CALLER + " must be at least 1, not " + perCaller);
    this.perCaller = perCaller;
  }

  /**
   * The stream for the caller of the request being handled: refused (429) if the caller already
   * holds its most streams, else holding one of its places until it ends, and ending at the token's
   * expiry. Nothing here blocks: the count is kept in memory.
   */
  public <T> Flux<T> ofCaller(Flux<T> stream) {
    return ReactiveSecurityContextHolder.getContext()
        .map(SecurityContext::getAuthentication)
        .ofType(JwtAuthenticationToken.class)
        .flatMapMany(token -> {
          String holder = Caller.of(token).map(Caller::actor).orElse(String.valueOf(token.getToken().getSubject()));
          if (!take(holder)) {
            return Flux.error(new ProblemException.TooManyRequests(holder + " already has " + perCaller
                + " live streams open, the most one caller may hold at once (" + PER_CALLER + "): close one "
                + "before opening another"));
          }
          return untilExpiry(token.getToken(), stream).doFinally(signal -> giveBack(holder));
        });
  }

  /** The stream until the token expires (at once if it names no expiry). */
  static <T> Flux<T> untilExpiry(Jwt token, Flux<T> stream) {
    Instant expires = Optional.ofNullable(token.getExpiresAt()).orElse(Instant.now());
    Duration left = Duration.between(Instant.now(), expires);
    return stream.take(left.isNegative() ? Duration.ZERO : left);
  }

  /** How many streams the caller holds now (for tests and metrics). */
  public int openBy(String holder) {
    return open.getOrDefault(holder, 0);
  }

  private boolean take(String holder) {
    boolean[] taken = {false};
    open.compute(holder, (key, count) -> {
      int now = count == null ? 0 : count;
      if (now >= perCaller) return count;
      taken[0] = true;
      return now + 1;
    });
    return taken[0];
  }

  private void giveBack(String holder) {
    open.computeIfPresent(holder, (key, count) -> count <= 1 ? null : count - 1);
  }
}
