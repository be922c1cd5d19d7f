package org.linkway.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.linkway.platform.security.Secrets;
import org.linkway.platform.testing.TestStack;
import org.linkway.provider.ProviderServiceApplication;
import org.linkway.referral.ReferralServiceApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;

/**
 * The services that hold people's identities start only with secret keys of their own: outside the local
 * profile, a missing key, a short one or one that was ever published in the repository stops the start,
 * and the error names the setting. Each attempt is a real start of the service against the test broker (that the
 * services start with keys of their own, every other system test shows).
 */
class SecretKeysIT {

  static final String GOOD = Base64.getEncoder().encodeToString("another secret of 32 bytes, ok!!".getBytes());

  @Test
  void referralService_withoutItsKeys_refusesToStart_namingTheSetting() {
    assertRefused(ReferralServiceApplication.builder(), List.of("--linkway.pseudonym-key=" + GOOD), "linkway.identity-key is not set");
    assertRefused(ReferralServiceApplication.builder(), List.of("--linkway.identity-key=" + GOOD), "linkway.pseudonym-key is not set");
  }

  @Test
  void referralService_withThePublishedDevelopmentKeys_refusesToStart() {
    assertRefused(ReferralServiceApplication.builder(),
        List.of("--linkway.identity-key=bG9jYWwtZGV2ZWxvcG1lbnQtb25seS1jaGFuZ2UtbWU=", "--linkway.pseudonym-key=" + GOOD),
        "linkway.identity-key is a published value");
    assertRefused(ReferralServiceApplication.builder(),
        List.of("--linkway.identity-key=" + GOOD, "--linkway.pseudonym-key=local-development-key-change-me"),
        "linkway.pseudonym-key is a published value");
  }

  @Test
  void providerService_withAShortIdentityKey_refusesToStart() {
    assertRefused(ProviderServiceApplication.builder(),
        List.of("--linkway.identity-key=" + Base64.getEncoder().encodeToString(new byte[16])), "linkway.identity-key is too short");
  }

  private static void assertRefused(SpringApplicationBuilder service, List<String> keys, String message) {
    assertThatThrownBy(() -> service.run(args(keys)).close())
        .satisfies(e -> assertThat(causes(e)).anySatisfy(cause ->
            assertThat(cause).isInstanceOf(Secrets.Unfit.class).hasMessageStartingWith(message)));
  }

  private static List<Throwable> causes(Throwable e) {
    List<Throwable> all = new ArrayList<>();
    for (Throwable t = e; t != null && !all.contains(t); t = t.getCause()) all.add(t);
    return all;
  }

  private static String[] args(List<String> keys) {
    List<String> args = new ArrayList<>(List.of(
        "--server.port=0", "--server.address=127.0.0.1",
        "--spring.kafka.bootstrap-servers=" + TestStack.bootstrapServers(),
        "--linkway.kafka.registry-url=" + TestStack.registry().apiUrl(),
        "--spring.security.oauth2.resourceserver.jwt.jwk-set-uri=" + TestStack.jwkSetUri()));
    try {
      args.add("--linkway.kafka.state-dir=" + Files.createTempDirectory("linkway-keys-streams"));
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
    args.addAll(keys);
    return args.toArray(String[]::new);
  }
}
