package org.linkway.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each part's command line and environment, as ./linkway up and the chaos harness launch them. */
class LaunchTest {

  @TempDir
  Path repo;
  @TempDir
  Path home;

  private Launch launch() throws Exception {
    Files.createDirectories(repo.resolve("local-stack"));
    Files.writeString(repo.resolve("local-stack/gp-systems.properties"),
        "# GP systems\nlinkway.intake.gp-systems.gp-demo=D82044\nlinkway.intake.gp-systems.gp-other=A81001\n");
    Files.writeString(repo.resolve("local-stack/commissioners.properties"), "linkway.commissioners.icb-qmm=QMM\n");
    for (Part s : Part.SERVICES) {
      Path jar = repo.resolve(s.label() + "/target/" + s.label() + "-" + Launch.VERSION + "-exec.jar");
      Files.createDirectories(jar.getParent());
      Files.writeString(jar, "");
    }
    return new Launch(repo, home, new Launch.Ports(1234, 1235, 1236, 1237, 1238, 1239, 1240), "java");
  }

  @Test
  void givenAStack_whenAccessIsGranted_thenEveryPrincipalHasAPrivatePasswordAndTheToolRunsAsTheAdministrator() throws Exception {
    Launch launch = launch();

    List<String> grant = launch.grantKafkaAccess();

    assertThat(grant).contains("-Dloader.main=org.linkway.platform.kafka.KafkaAccess", "127.0.0.1:1234",
        home.resolve("kafka").toString(), launch.gpSystemsFile().toString(), launch.commissionersFile().toString());
    for (String principal : List.of("referral-service", "provider-service", "outcome-service", "gp-demo", "gp-other", "icb-qmm")) {
      Path password = home.resolve("kafka/credentials").resolve(principal + ".password");
      assertThat(password).exists();
      assertThat(Files.getPosixFilePermissions(password)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }
  }

  @Test
  void givenAStack_whenItsTopicsAreSetUp_thenTheToolRunsAsTheAdministratorForItsGpSystemsAndCommissionersWithTheReplication()
      throws Exception {
    Launch launch = launch().sized(new StackSize(2, 3));

    List<String> setUp = launch.setUpTopics();

    assertThat(setUp).contains("-Dloader.main=org.linkway.platform.kafka.TopicSetup", launch.bootstrap(),
        "--kafka-dir=" + home.resolve("kafka"), "--gp-systems=" + launch.gpSystemsFile(),
        "--commissioners=" + launch.commissionersFile(), "--replication-factor=3", "--min-insync-replicas=2");
  }

  @Test
  void givenAService_whenLaunched_thenItLogsInAsItselfWithItsSecretsInItsEnvironmentNotOnItsCommandLine() throws Exception {
    Launch launch = launch();

    String secrets = launch.environment(Part.PROVIDER_SERVICE).get("SPRING_APPLICATION_JSON");
    List<String> command = launch.command(Part.PROVIDER_SERVICE);

    assertThat(secrets).contains("\"spring.kafka.security.protocol\":\"SASL_PLAINTEXT\"", "SCRAM-SHA-256",
        "username=\\\"provider-service\\\" password=\\\""
            + Files.readString(home.resolve("kafka/credentials/provider-service.password")).trim() + "\\\"");
    String identityKey = Files.readString(home.resolve("secrets/identity-key")).trim();
    assertThat(secrets).contains("\"linkway.identity-key\":\"" + identityKey + "\"", "\"linkway.pseudonym-key\":");
    assertThat(Files.getPosixFilePermissions(home.resolve("secrets/identity-key")))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(String.join(" ", command)).doesNotContain(identityKey).doesNotContain("password");
    assertThat(launch.environment(Part.PROVIDER_SERVICE)).containsEntry("SPRING_PROFILES_ACTIVE", "local")
        .containsEntry("MALLOC_ARENA_MAX", "2");
  }

  private static final String NO_SECRETS = ",jdk.InitialEnvironmentVariable#enabled=false,jdk.InitialSystemProperty#enabled=false";

  @Test
  void givenTheBenchmarksExtras_whenAServiceIsLaunched_thenItRecordsIntoItsOwnFileAndTakesTheSettingsLast() throws Exception {
    Path recordings = home.resolve("jfr");
    Launch launch = launch().sized(new StackSize(2, 1))
        .withExtras(new Launch.ServiceExtras(recordings, "-tracing-off", List.of("--linkway.tracing.enabled=false")));
    Instance second = Instance.of(Part.PROVIDER_SERVICE, launch.size()).get(1);

    List<String> command = launch.command(second);

    // the recording leaves out the environment and the system properties, where a service's secrets are
    String recording = "-XX:StartFlightRecording=name=linkway,settings=profile,dumponexit=true,filename="
        + recordings.resolve(second.label() + "-tracing-off.jfr") + NO_SECRETS;
    assertThat(command).contains(recording);
    assertThat(command.indexOf(recording)).isLessThan(command.indexOf("-jar"));
    assertThat(command.get(command.size() - 1)).isEqualTo("--linkway.tracing.enabled=false");
    // every other instance records into a file of its own
    assertThat(launch.command(Part.PROVIDER_SERVICE)).contains("-XX:StartFlightRecording=name=linkway,settings=profile,"
        + "dumponexit=true,filename=" + recordings.resolve("provider-service-tracing-off.jfr") + NO_SECRETS);
  }

  @Test
  void givenNoExtras_whenAServiceIsLaunched_thenItIsAsUpStartsIt() throws Exception {
    Launch launch = launch();

    assertThat(launch.withExtras(Launch.ServiceExtras.NONE).command(Part.OUTCOME_SERVICE))
        .isEqualTo(launch.command(Part.OUTCOME_SERVICE))
        .noneMatch(a -> a.contains("FlightRecording") || a.contains("tracing"));
  }

  @Test
  void givenTheSecretsOfAHome_whenLaunchedAgain_thenTheyAreTheSame() throws Exception {
    String first = launch().environment(Part.REFERRAL_SERVICE).get("SPRING_APPLICATION_JSON");

    String again = new Launch(repo, home, Launch.Ports.LOCAL, "java").environment(Part.REFERRAL_SERVICE)
        .get("SPRING_APPLICATION_JSON");

    assertThat(again).isEqualTo(first);
  }

  @Test
  void givenTheServices_whenLaunched_thenEachHasItsPortTheStacksBrokerRegistryIssuerAndStateAndItsOwnSettingsFile()
      throws Exception {
    Launch launch = launch();

    List<String> referral = launch.command(Part.REFERRAL_SERVICE);
    List<String> outcome = launch.command(Part.OUTCOME_SERVICE);

    assertThat(referral).contains("--server.address=127.0.0.1", "--server.port=1238",
        "--spring.kafka.bootstrap-servers=127.0.0.1:1234",
        "--linkway.kafka.registry-url=http://127.0.0.1:1236/apis/registry/v3",
        "--linkway.kafka.state-dir=" + home.resolve("state/referral-service"),
        "--spring.security.oauth2.resourceserver.jwt.jwk-set-uri=http://127.0.0.1:1237/.well-known/jwks.json",
        "--spring.config.import=file:" + launch.gpSystemsFile());
    assertThat(String.join(" ", referral)).contains(Part.REFERRAL_SERVICE.marker());
    assertThat(outcome).contains("--server.port=1240", "--spring.config.import=file:" + launch.commissionersFile());
    assertThat(launch.command(Part.PROVIDER_SERVICE)).noneMatch(a -> a.startsWith("--spring.config.import"));
  }

  @Test
  void givenTheRegistry_whenLaunchedForTheStackOrForATest_thenItKeepsItsSchemasInAFileOrInMemory() {
    List<String> kept = Launch.registry("java", Path.of("apicurio-registry-app-runner.jar"), 8085, Path.of("/data/registry"));
    List<String> inMemory = Launch.registry("java", Path.of("apicurio-registry-app-runner.jar"), 8085, null);

    assertThat(kept).contains("-Dquarkus.http.port=8085", "-Dapicurio.datasource.url=jdbc:h2:file:/data/registry",
        "-Dapicurio.rules.global.compatibility=BACKWARD_TRANSITIVE").endsWith("-jar", "apicurio-registry-app-runner.jar");
    assertThat(inMemory).noneMatch(a -> a.startsWith("-Dapicurio.datasource.url"));
    assertThat(String.join(" ", kept)).contains(Part.REGISTRY.marker());
  }

  @Test
  void givenTheBroker_whenLaunched_thenItIsTheKafkaLauncherOnItsDataDirectoryAndBothPorts() {
    List<String> broker = Launch.broker("java", "cp", Path.of("/data/kafka"), 9092, 9093);

    assertThat(broker).endsWith(KafkaLauncher.class.getName(), "/data/kafka", "9092", "9093");
    assertThat(String.join(" ", broker)).contains(Part.KAFKA.marker());
  }

  @Test
  void givenAStackOfTwoInstancesAndThreeBrokers_whenLaunched_thenEachProcessHasItsOwnPortsStateAndNodeAndEveryTopicThreeCopies()
      throws Exception {
    Launch launch = launch().sized(new StackSize(2, 3));
    Files.createDirectories(repo.resolve("local-stack/target"));
    Files.writeString(repo.resolve("local-stack/target/local-stack-" + Launch.VERSION + ".jar"), "");
    Files.writeString(repo.resolve("local-stack/target/broker-classpath.txt"), "kafka.jar");
    Instance secondProvider = new Instance(Part.PROVIDER_SERVICE, 2);
    Instance thirdBroker = new Instance(Part.KAFKA, 3);

    List<String> provider = launch.command(secondProvider);
    List<String> broker = launch.command(thirdBroker);

    assertThat(launch.bootstrap()).isEqualTo("127.0.0.1:1234,127.0.0.1:1334,127.0.0.1:1434");
    assertThat(provider).contains("--server.port=1339", "--spring.kafka.bootstrap-servers=" + launch.bootstrap(),
        "--linkway.kafka.state-dir=" + home.resolve("state/provider-service-2"), "--linkway.kafka.instance=2",
        "--linkway.kafka.application-server=127.0.0.1:1339", "--linkway.kafka.replication-factor=3",
        "--linkway.kafka.min-insync-replicas=2", "--linkway.kafka.standby-replicas=1");
    assertThat(broker).endsWith(KafkaLauncher.class.getName(), home.resolve("kafka").toString(), "1434", "1435", "3",
        "1@127.0.0.1:1235,2@127.0.0.1:1335,3@127.0.0.1:1435", "3");
    assertThat(launch.portsOf(thirdBroker)).containsExactly(1434, 1435);
    // the pid file's guard tells instances of one part apart
    assertThat(secondProvider.markers()).allMatch(String.join(" ", provider)::contains);
    assertThat(new Instance(Part.PROVIDER_SERVICE, 3).markers()).noneMatch(m -> m.startsWith("--") && String.join(" ", provider).contains(m));
    assertThat(thirdBroker.markers()).allMatch(String.join(" ", broker)::contains);
    assertThat(new Instance(Part.KAFKA, 2).markers()).anyMatch(m -> !String.join(" ", broker).contains(m));
  }

  @Test
  void givenAStackSize_whenAsked_thenCopiesAndStandbysFollowIt() {
    assertThat(StackSize.SINGLE.replicationFactor()).isEqualTo(1);
    assertThat(StackSize.SINGLE.minInsyncReplicas()).isEqualTo(1);
    assertThat(StackSize.SINGLE.standbyReplicas()).isZero();
    assertThat(new StackSize(2, 3).replicationFactor()).isEqualTo(3);
    assertThat(new StackSize(2, 5).replicationFactor()).isEqualTo(3);
    assertThat(new StackSize(2, 3).minInsyncReplicas()).isEqualTo(2);
    assertThat(new StackSize(2, 1).standbyReplicas()).isEqualTo(1);
    assertThat(Instance.all(new StackSize(2, 3))).extracting(Instance::label).containsExactly("kafka", "kafka-2", "kafka-3",
        "registry", "issuer", "referral-service", "referral-service-2", "provider-service", "provider-service-2",
        "outcome-service", "outcome-service-2");
  }

  @Test
  void givenAStackSizeRecorded_whenReadAgain_thenItIsTheSame() throws Exception {
    assertThat(StackSize.recorded(home)).isEqualTo(StackSize.SINGLE);
    new StackSize(2, 3).record(home);
    assertThat(StackSize.recorded(home)).isEqualTo(new StackSize(2, 3));
    assertThat(StackSize.started(home)).isTrue();
  }

  @Test
  void givenAJsonString_whenQuoted_thenQuotesBackslashesAndControlsAreEscaped() {
    assertThat(Launch.quoted("a \"b\" \\ \n")).isEqualTo("\"a \\\"b\\\" \\\\ \\u000a\"");
  }

  @Test
  void givenNothingBuilt_whenAsked_thenEveryMissingJarIsNamed() throws Exception {
    Launch launch = launch();

    assertThat(launch.missingBuild()).extracting(Path::toString)
        .containsExactly("local-stack/target/local-stack-" + Launch.VERSION + ".jar", "local-stack/target/broker-classpath.txt",
            "local-stack/target/apicurio-registry/apicurio-registry-app-3.0.9-runner.jar");
  }
}
