package org.linkway.platform.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.linkway.platform.web.ProblemException;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;

/** The rules of callers' live streams, without a server: ends at the token's expiry, a limit per caller, places given back. */
class LiveStreamsTest {

  private static JwtAuthenticationToken provider(String id, Duration lifetime) {
    Jwt jwt = Jwt.withTokenValue("t").header("alg", "none").subject("provider:" + id)
        .claim(Caller.ROLE_CLAIM, "provider").claim(Caller.PROVIDER_CLAIM, id)
        .issuedAt(Instant.now()).expiresAt(Instant.now().plus(lifetime)).build();
    return new JwtAuthenticationToken(jwt);
  }

  /** A stream that never ends by itself, opened as the caller of the token. */
  private static Disposable open(LiveStreams streams, JwtAuthenticationToken token) {
    return streams.ofCaller(Flux.never()).contextWrite(ReactiveSecurityContextHolder.withAuthentication(token)).subscribe();
  }

  @Test
  void givenACallerAtItsLimit_whenItOpensOneMore_thenRefusedWith429_othersUnaffected_andAPlaceFreedByAClose() {
    LiveStreams streams = new LiveStreams(2);
    JwtAuthenticationToken walks = provider("walks", Duration.ofHours(1));
    Disposable first = open(streams, walks);
    open(streams, walks);
    assertThat(streams.openBy("provider walks")).isEqualTo(2);

    var third = streams.ofCaller(Flux.never()).contextWrite(ReactiveSecurityContextHolder.withAuthentication(walks));
    assertThatThrownBy(() -> third.blockFirst(Duration.ofSeconds(5)))
        .isInstanceOf(ProblemException.TooManyRequests.class)
        .hasMessageContaining("provider walks already has 2 live streams open")
        .hasMessageContaining(LiveStreams.PER_CALLER);
    assertThat(streams.openBy("provider walks")).as("a refused stream takes no place").isEqualTo(2);

    open(streams, provider("choir", Duration.ofHours(1)));
    assertThat(streams.openBy("provider choir")).as("another caller is not counted with the first").isEqualTo(1);

    first.dispose(); // the client went away
    assertThat(streams.openBy("provider walks")).isEqualTo(1);
    open(streams, walks);
    assertThat(streams.openBy("provider walks")).isEqualTo(2);
  }

  @Test
  void givenAShortToken_whenItExpires_thenTheStreamEndsAndItsPlaceIsFree() {
    LiveStreams streams = new LiveStreams(1);
    var ticks = streams.ofCaller(Flux.interval(Duration.ofMillis(50)))
        .contextWrite(ReactiveSecurityContextHolder.withAuthentication(provider("walks", Duration.ofMillis(500))))
        .collectList().block(Duration.ofSeconds(10));
    assertThat(ticks).isNotEmpty().hasSizeLessThan(20);
    // the place is given back as the stream ends (doFinally), which may be just after the caller saw its end
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(streams.openBy("provider walks")).isZero());
  }
}
