package org.linkway.platform.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

class SecretsTest {

  static final String GOOD = Base64.getEncoder().encodeToString("a secret of thirty-two bytes!!!!".getBytes());

  @Test
  void givenNoKey_outsideTheLocalProfile_theServiceRefusesToStartNamingTheSetting() {
    assertThatThrownBy(() -> Secrets.key(new MockEnvironment(), Secrets.IDENTITY_KEY))
        .isInstanceOf(Secrets.Unfit.class).hasMessageStartingWith("linkway.identity-key is not set");
    assertThatThrownBy(() -> Secrets.key(new MockEnvironment().withProperty(Secrets.PSEUDONYM_KEY, " "), Secrets.PSEUDONYM_KEY))
        .isInstanceOf(Secrets.Unfit.class).hasMessageStartingWith("linkway.pseudonym-key is not set");
  }

  @Test
  void givenTheValuesOnceWrittenInTheRepository_theyAreRefusedEvenThoughTheyLookLikeKeys() {
    for (String published : Secrets.PUBLISHED) {
      MockEnvironment environment = new MockEnvironment();
      environment.setActiveProfiles(Secrets.LOCAL_PROFILE);
      environment.setProperty(Secrets.IDENTITY_KEY, published);
      assertThatThrownBy(() -> Secrets.key(environment, Secrets.IDENTITY_KEY))
          .isInstanceOf(Secrets.Unfit.class).hasMessageContaining("published");
    }
  }

  @Test
  void givenAShortOrMalformedKey_itIsRefused() {
    String sixteen = Base64.getEncoder().encodeToString(new byte[16]);
    assertThatThrownBy(() -> Secrets.check(Secrets.PSEUDONYM_KEY, sixteen)).hasMessageContaining("too short: 16 bytes");
    assertThatThrownBy(() -> Secrets.check(Secrets.PSEUDONYM_KEY, "not base64 at all!")).hasMessageContaining("base64");
    String sixtyFour = Base64.getEncoder().encodeToString(new byte[64]);
    assertThat(Secrets.check(Secrets.PSEUDONYM_KEY, sixtyFour)).hasSize(64);
    assertThatThrownBy(() -> Secrets.check(Secrets.IDENTITY_KEY, sixtyFour)).hasMessageContaining("exactly 32 bytes");
  }

  @Test
  void givenAGoodKey_itIsUsedAsGiven() {
    assertThat(Secrets.key(new MockEnvironment().withProperty(Secrets.IDENTITY_KEY, GOOD), Secrets.IDENTITY_KEY))
        .isEqualTo(Base64.getDecoder().decode(GOOD));
  }

  @Test
  void givenTheLocalProfile_aMissingKeyIsARandomOneForThisProcess() {
    MockEnvironment environment = new MockEnvironment();
    environment.setActiveProfiles(Secrets.LOCAL_PROFILE);
    byte[] first = Secrets.key(environment, Secrets.PSEUDONYM_KEY);
    assertThat(first).hasSize(32).isNotEqualTo(Secrets.key(environment, Secrets.PSEUDONYM_KEY));
  }
}
