package org.linkway.platform.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import reactor.core.publisher.Mono;

class VerifiedTokensTest {

  private Instant now = Instant.parse("2026-12-06T12:00:00Z");
  private final Clock clock = new Clock() {
    @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
    @Override public Clock withZone(java.time.ZoneId zone) { return this; }
    @Override public Instant instant() { return now; }
  };
  private final AtomicInteger checks = new AtomicInteger();

  /** A decoder that counts its checks and takes every token, expiring at the instant the token's text names. */
  private final ReactiveJwtDecoder counting = token -> {
    checks.incrementAndGet();
    Instant exp = Instant.parse(token.substring(token.indexOf('@') + 1));
    if (!now.isBefore(exp)) return Mono.error(new org.springframework.security.oauth2.jwt.BadJwtException("expired"));
    return Mono.just(Jwt.withTokenValue(token).header("alg", "RS256").subject("s").issuedAt(now.minusSeconds(1))
        .expiresAt(exp).build());
  };

  @Test
  void givenATokenVerifiedOnce_whenItComesAgainBeforeItExpires_thenItIsNotVerifiedAgain() {
    VerifiedTokens tokens = new VerifiedTokens(counting, clock);
    String token = "a@" + now.plus(Duration.ofHours(1));
    Jwt first = tokens.decode(token).block();
    now = now.plus(Duration.ofMinutes(4));
    Jwt second = tokens.decode(token).block();
    assertThat(second).isSameAs(first);
    assertThat(checks).hasValue(1);
  }

  @Test
  void givenAKeptToken_whenFiveMinutesHavePassed_thenItIsVerifiedAgain() {
    VerifiedTokens tokens = new VerifiedTokens(counting, clock);
    String token = "a@" + now.plus(Duration.ofHours(1));
    tokens.decode(token).block();
    now = now.plus(VerifiedTokens.LONGEST_KEPT);
    tokens.decode(token).block();
    assertThat(checks).hasValue(2);
  }

  @Test
  void givenAKeptToken_whenItHasExpired_thenTheDecoderRefusesIt() {
    VerifiedTokens tokens = new VerifiedTokens(counting, clock);
    String token = "a@" + now.plus(Duration.ofMinutes(2));
    tokens.decode(token).block();
    now = now.plus(Duration.ofMinutes(2));
    assertThatThrownBy(() -> tokens.decode(token).block()).hasMessageContaining("expired");
    assertThat(checks).hasValue(2);
    assertThat(tokens.size()).isZero();
  }

  @Test
  void givenManyCallers_whenMoreTokensThanKeptCome_thenTheStoreStaysBoundedAndEachIsStillTaken() {
    VerifiedTokens tokens = new VerifiedTokens(counting, clock);
    for (int i = 0; i < VerifiedTokens.MOST_KEPT * 2 + 10; i++) {
      assertThat(tokens.decode(i + "@" + now.plus(Duration.ofHours(1))).block()).isNotNull();
      assertThat(tokens.size()).isLessThanOrEqualTo(VerifiedTokens.MOST_KEPT);
    }
  }

  @Test
  void givenAsManyTokensAsKept_whenNewOnesFloodIn_thenOneUsedRecentlyIsStillTakenWithoutAVerificationAndTheLeastRecentGo() {
    VerifiedTokens tokens = new VerifiedTokens(counting, clock);
    String regular = "regular@" + now.plus(Duration.ofHours(1));
    String idle = "idle@" + now.plus(Duration.ofHours(1));
    tokens.decode(idle).block();
    tokens.decode(regular).block();
    for (int i = 0; i < VerifiedTokens.MOST_KEPT * 3; i++) {
      tokens.decode("flood-" + i + "@" + now.plus(Duration.ofHours(1))).block();
      assertThat(tokens.size()).isLessThanOrEqualTo(VerifiedTokens.MOST_KEPT);
      // the regular caller's requests come among the flood's, a few hundred new tokens apart
      if (i % 500 == 0) {
        int before = checks.get();
        tokens.decode(regular).block();
        assertThat(checks).as("the regular caller's token after %d new ones", i + 1).hasValue(before);
      }
    }
    assertThat(tokens.size()).as("full, not emptied").isEqualTo(VerifiedTokens.MOST_KEPT);
    int before = checks.get();
    tokens.decode(regular).block();
    assertThat(checks).as("the regular caller's token, kept").hasValue(before);
    tokens.decode(idle).block();
    assertThat(checks).as("the idle caller's token, pushed out by newer ones, verified again").hasValue(before + 1);
  }

  @Test
  void givenCallersOnManyThreads_whenTheirTokensComeAtOnce_thenEachIsTakenAndTheKeptStayBounded() {
    VerifiedTokens tokens = new VerifiedTokens(counting, clock);
    String expiry = "@" + now.plus(Duration.ofHours(1));
    java.util.stream.IntStream.range(0, VerifiedTokens.MOST_KEPT * 4).parallel().forEach(i -> {
      assertThat(tokens.decode((i % (VerifiedTokens.MOST_KEPT * 2)) + expiry).block().getTokenValue())
          .isEqualTo((i % (VerifiedTokens.MOST_KEPT * 2)) + expiry);
      assertThat(tokens.size()).isLessThanOrEqualTo(VerifiedTokens.MOST_KEPT);
    });
    assertThat(tokens.size()).isEqualTo(VerifiedTokens.MOST_KEPT);
  }

  @Test
  void givenARealDecoder_whenATokenIsSignedByAnotherKey_thenItIsRefusedEveryTimeAndNeverKept() throws Exception {
    KeyPair issuer = rsa();
    KeyPair other = rsa();
    VerifiedTokens tokens = new VerifiedTokens(NimbusReactiveJwtDecoder.withPublicKey((RSAPublicKey) issuer.getPublic()).build());
    String good = signed(issuer);
    String forged = signed(other);
    assertThat(tokens.decode(good).block().getSubject()).isEqualTo("provider-1");
    assertThat(tokens.decode(good).block().getSubject()).isEqualTo("provider-1");
    assertThatThrownBy(() -> tokens.decode(forged).block()).isInstanceOf(org.springframework.security.oauth2.jwt.BadJwtException.class).hasRootCauseMessage("Signed JWT rejected: Invalid signature");
    assertThatThrownBy(() -> tokens.decode(forged).block()).isInstanceOf(org.springframework.security.oauth2.jwt.BadJwtException.class).hasRootCauseMessage("Signed JWT rejected: Invalid signature");
    assertThat(tokens.size()).isEqualTo(1);
  }

  private static KeyPair rsa() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    return generator.generateKeyPair();
  }

  private static String signed(KeyPair key) throws Exception {
    SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), new JWTClaimsSet.Builder().subject("provider-1")
        .issueTime(new Date()).expirationTime(Date.from(Instant.now().plus(Duration.ofHours(1)))).build());
    jwt.sign(new RSASSASigner(key.getPrivate()));
    return jwt.serialize();
  }
}
