package org.linkway.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * The local broker's credentials, kept beside its data and readable by the owner only: the
 * administrator's password ({@code admin.password}, SASL/PLAIN) and one password per service
 * principal ({@code credentials/<principal>.password}, SASL/SCRAM-SHA-256). Each is made on first use.
 */
public final class KafkaCredentials {

  public static final String ADMIN = "admin";
  public static final String SCRAM = "SCRAM-SHA-256";

  private KafkaCredentials() {}

  public static String adminPassword(Path kafkaDir) throws IOException {
    return secret(kafkaDir.resolve("admin.password"));
  }

  public static String passwordOf(Path kafkaDir, String principal) throws IOException {
    return secret(kafkaDir.resolve("credentials").resolve(principal + ".password"));
  }

  /** Client settings for the administrator: everything, for the tools that grant access and read the log. */
  public static Map<String, Object> admin(Path kafkaDir) throws IOException {
    return client("PLAIN", "org.apache.kafka.common.security.plain.PlainLoginModule", ADMIN, adminPassword(kafkaDir));
  }

  /** Client settings for a service principal. */
  public static Map<String, Object> principal(String name, String password) {
    return client(SCRAM, "org.apache.kafka.common.security.scram.ScramLoginModule", name, password);
  }

  /** The JAAS line a client logs in with. */
  public static String jaas(String loginModule, String name, String password) {
    return loginModule + " required username=\"" + name + "\" password=\"" + password + "\";";
  }

  private static Map<String, Object> client(String mechanism, String loginModule, String name, String password) {
    Map<String, Object> config = new HashMap<>();
    config.put("security.protocol", "SASL_PLAINTEXT");
    config.put("sasl.mechanism", mechanism);
    config.put("sasl.jaas.config", jaas(loginModule, name, password));
    return config;
  }

  private static synchronized String secret(Path file) throws IOException {
    if (!Files.exists(file)) {
      byte[] random = new byte[24];
      new SecureRandom().nextBytes(random);
      PrivateFiles.write(file, Base64.getUrlEncoder().withoutPadding().encodeToString(random));
    }
    return Files.readString(file).trim();
  }
}
