package org.linkway.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local stack's secrets are the owner's alone: the broker's configuration (with the super user's
 * password), each principal's password and the issuer's signing key are 0600, in 0700 directories.
 */
class PrivateFilesTest {

  @TempDir
  Path home;

  @Test
  void theBrokersConfiguration_withTheSuperUsersPassword_isReadableByTheOwnerOnly() throws Exception {
    Path kafka = home.resolve("kafka");
    PrivateFiles.directory(kafka);
    Path config = kafka.resolve("server.properties");
    KafkaLauncher.writeConfig(config, kafka.resolve("data"), 9092, 9093, KafkaCredentials.adminPassword(kafka), KafkaLauncher.Node.ALONE);
    assertThat(Files.readString(config)).contains("super.users");
    assertPrivate(config);
    assertPrivate(kafka.resolve("admin.password"));
  }

  @Test
  void aPrincipalsPasswordAndTheIssuersKey_areReadableByTheOwnerOnly_inDirectoriesOnlyTheOwnerOpens() throws Exception {
    KafkaCredentials.passwordOf(home.resolve("kafka"), "gp-test");
    assertPrivate(home.resolve("kafka").resolve("credentials").resolve("gp-test.password"));
    LocalIssuer.inDirectory(home.resolve("issuer"), "http://127.0.0.1:1");
    assertPrivate(home.resolve("issuer").resolve("signing-key.json"));
  }

  @Test
  void aDirectoryMadeBeforeFilesWereKeptPrivate_isNarrowed() throws Exception {
    Path old = Files.createDirectories(home.resolve("old"));
    Files.setPosixFilePermissions(old, PosixFilePermissions.fromString("rwxr-xr-x"));
    PrivateFiles.write(old.resolve("secret"), "s");
    assertPrivate(old.resolve("secret"));
  }

  private static void assertPrivate(Path file) throws Exception {
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).as(file.toString()).isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent()))).as(file.getParent().toString())
        .isEqualTo("rwx------");
  }
}
