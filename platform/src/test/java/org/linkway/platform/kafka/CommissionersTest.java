package org.linkway.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.acl.AclOperation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.mock.env.MockEnvironment;

class CommissionersTest {

  static final Commissioners TWO = new Commissioners(Map.of("icb-qmm", "QMM", "icb-qe1", "QE1"));

  @Test
  void givenTheSettings_eachPrincipalHasOneIcb() {
    Commissioners commissioners = Commissioners.from(new MockEnvironment()
        .withProperty("linkway.commissioners.icb-qmm", " QMM")
        .withProperty("linkway.commissioners.icb-qe1", "QE1"));
    assertThat(commissioners).isEqualTo(TWO);
    assertThat(commissioners.names()).containsExactly("icb-qe1", "icb-qmm");
    assertThat(commissioners.codes()).containsExactlyInAnyOrder("QMM", "QE1");
    assertThat(commissioners.has("QMM")).isTrue();
    assertThat(commissioners.has("QXW")).isFalse();
    assertThat(commissioners.has(null)).isFalse();
    assertThat(commissioners.principalFor("QE1")).contains("icb-qe1");
    assertThat(commissioners.principalFor("QXW")).isEmpty();
  }

  @Test
  void givenAFile_theToolsReadTheSameSettings(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("commissioners.properties"),
        "# two ICBs\nlinkway.commissioners.icb-qmm=QMM\nlinkway.other=x\nlinkway.commissioners.icb-qe1=QE1\n");
    assertThat(Commissioners.from(file)).isEqualTo(TWO);
  }

  @Test
  void aNameThatCouldPassForAnotherPrincipal_aCodeThatIsNoIcbs_orAnIcbGivenTwice_isRefused() {
    for (String name : new String[] {"outcome-service", "gp-demo", "icb-", "icb-x-dlt", "ICB-X", "icb-a.b", "icb-" + "x".repeat(40)}) {
      assertThatThrownBy(() -> new Commissioners(Map.of(name, "QMM"))).as(name)
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot name a commissioner's principal");
    }
    for (String ods : new String[] {"qmm", "QMMX", "D82044", "Q.M", "*", ""}) {
      assertThatThrownBy(() -> new Commissioners(Map.of("icb-a", ods))).as(ods).hasMessageContaining("is not an ICB ODS code");
    }
    assertThatThrownBy(() -> new Commissioners(Map.of("icb-a", "QMM", "icb-b", "QMM")))
        .hasMessageContaining("QMM is given to both icb-a and icb-b");
  }

  @Test
  void eachIcbHasItsOwnPairOfTopics_andItsPrincipalMayReadThoseAlone() {
    assertThat(Topics.commissionerOutcomes("QMM").name()).isEqualTo("commissioner-outcomes.QMM");
    assertThat(Topics.commissionerLedger("QMM").name()).isEqualTo("funding-ledger.QMM");
    assertThat(Topics.commissionerOutcomes("QMM").writer()).isEqualTo(Topics.OUTCOME_SERVICE);
    assertThatThrownBy(() -> Topics.commissionerOutcomes("QMM.x")).isInstanceOf(IllegalArgumentException.class);

    var acls = KafkaAccess.bindings(new GpSystems(Map.of("gp-a", Set.of("D82044"))), TWO);
    var icb = acls.stream().filter(b -> b.entry().principal().equals("User:icb-qmm")).toList();
    assertThat(icb).allSatisfy(b -> assertThat(b.pattern().name())
        .isIn("commissioner-outcomes.QMM", "funding-ledger.QMM", "icb-qmm."));
    assertThat(icb).allSatisfy(b -> assertThat(b.entry().operation()).isIn(AclOperation.READ, AclOperation.DESCRIBE));
    assertThat(icb).anySatisfy(b -> {
      assertThat(b.pattern().name()).isEqualTo("funding-ledger.QMM");
      assertThat(b.entry().operation()).isEqualTo(AclOperation.READ);
    });
    // only outcome-service writes them
    assertThat(acls).filteredOn(b -> b.pattern().name().equals("commissioner-outcomes.QE1")
            && b.entry().operation() == AclOperation.WRITE)
        .singleElement().satisfies(b -> assertThat(b.entry().principal()).isEqualTo("User:outcome-service"));
    // and without commissioners, the ACLs are those of before
    assertThat(KafkaAccess.bindings(new GpSystems(Map.of()))).noneMatch(b -> b.entry().principal().startsWith("User:icb-"));
  }

  @Test
  void theClientSettingsOfAnIcb_nameItsPrincipalAndItsTopics(@TempDir Path kafkaDir) throws Exception {
    Files.createDirectories(kafkaDir.resolve("credentials"));
    Files.writeString(kafkaDir.resolve("credentials/icb-qe1.password"), "pw-qe1\n");
    Path gp = Files.writeString(kafkaDir.resolve("gp.properties"), "linkway.intake.gp-systems.gp-a=D82044\n");
    Path icbs = Files.writeString(kafkaDir.resolve("icbs.properties"),
        "linkway.commissioners.icb-qmm=QMM\nlinkway.commissioners.icb-qe1=QE1\n");
    Map<String, String> settings = KafkaClientSettings.forArguments("127.0.0.1:9092", "http://127.0.0.1:8085/apis/ccompat/v7",
        kafkaDir.toString(), gp.toString(), icbs.toString(), "commissioner", "--ods", "QE1");
    assertThat(settings).containsEntry("bootstrap.servers", "127.0.0.1:9092")
        .containsEntry("security.protocol", "SASL_PLAINTEXT").containsEntry("sasl.mechanism", "SCRAM-SHA-256")
        .containsEntry("schema.registry.url", "http://127.0.0.1:8085/apis/ccompat/v7")
        .containsEntry("isolation.level", "read_committed").containsEntry("group.id", "icb-qe1.outcomes")
        .containsEntry("topic", "commissioner-outcomes.QE1").containsEntry("ledger.topic", "funding-ledger.QE1");
    assertThat(settings.get("sasl.jaas.config")).contains("username=\"icb-qe1\" password=\"pw-qe1\"");
    assertThatThrownBy(() -> KafkaClientSettings.forArguments("b", "r", kafkaDir.toString(), gp.toString(), icbs.toString(),
        "commissioner", "--ods", "QXW")).hasMessageContaining("no commissioner principal reads the topics of QXW");
    // its password is made by ./linkway up
    assertThatThrownBy(() -> KafkaClientSettings.forArguments("b", "r", kafkaDir.toString(), gp.toString(), icbs.toString(),
        "commissioner", "--ods", "QMM")).hasMessageContaining("no password for icb-qmm yet");
    // the GP half reads the same arguments
    Files.writeString(kafkaDir.resolve("credentials/gp-a.password"), "pw-a\n");
    assertThat(KafkaClientSettings.forArguments("b", "r", kafkaDir.toString(), gp.toString(), icbs.toString(),
        "gp", "--ods", "D82044")).containsEntry("topic", "referral-requests.gp-a");
    assertThatThrownBy(() -> KafkaClientSettings.forArguments("b", "r", kafkaDir.toString(), gp.toString(), icbs.toString(),
        "provider", "--ods", "QMM")).hasMessage(KafkaClientSettings.USAGE);
  }
}
