package org.linkway.outcome.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkway.commands.ContractCommand;
import org.linkway.events.ContractAgreed;
import org.linkway.outcome.budgets.BudgetRulesTest;
import org.linkway.platform.kafka.AvroSerdes;
import org.linkway.platform.kafka.Events;
import org.linkway.platform.kafka.Topics;
import org.linkway.platform.streams.GlobalTables;
import org.linkway.platform.testing.SelfDescribingAvro;
import org.linkway.replies.CommandReply;

/**
 * The contracts' decider as {@link ContractDecider} wires it, with the global table of funding-contracts the service
 * holds: a contract written before the decider held it is learnt from the table, and two claims of one new id, back
 * to back, get one winner although the table has not read the first.
 */
class ContractDeciderTopologyTest {

  @TempDir
  Path stateDir;

  private TopologyTestDriver driver;
  private TestInputTopic<String, SpecificRecord> commands;
  private TestInputTopic<String, SpecificRecord> contractsIn;
  private TestOutputTopic<String, SpecificRecord> contracts;
  private TestOutputTopic<String, SpecificRecord> replies;

  @BeforeEach
  void setUp() {
    AvroSerdes serdes = SelfDescribingAvro.serdes();
    StreamsBuilder builder = new StreamsBuilder();
    GlobalTables.add(builder, serdes, Topics.FUNDING_CONTRACTS);
    new ContractDecider().contractDecisions(builder, serdes);
    driver = SelfDescribingAvro.driver(builder, "outcome-service-contract-decider-test", stateDir);
    commands = SelfDescribingAvro.input(driver, Topics.CONTRACT_COMMANDS);
    contractsIn = SelfDescribingAvro.input(driver, Topics.FUNDING_CONTRACTS);
    contracts = SelfDescribingAvro.output(driver, Topics.FUNDING_CONTRACTS);
    replies = SelfDescribingAvro.output(driver, Topics.OUTCOME_REPLIES);
  }

  @AfterEach
  void tearDown() {
    driver.close();
  }

  @Test
  void givenAContractWrittenBeforeTheDeciderHeldIt_whenAnotherCommissionerClaimsItsId_thenTheClaimIsRefused() {
    contractsIn.pipeInput("qmm-p1-2026", contract("QMM", "qmm-p1-2026"));

    commands.pipeInput("qmm-p1-2026", command(contract("QHM", "qmm-p1-2026")));

    assertThat(reply().getRefusal()).contains("another commissioner");
    assertThat(contracts.readValuesToList()).as("written by the decider").isEmpty();
  }

  @Test
  void givenAReadinessProbeBetweenTwoCommands_whenDecided_thenItIsAnsweredInItsTurnAndDecidesNothing() {
    UUID probe = UUID.randomUUID();
    commands.pipeInput("new-contract", command(contract("QMM", "new-contract")));
    RecordHeaders headers = new RecordHeaders();
    headers.add(AvroSerdes.READINESS_PROBE, probe.toString().getBytes(StandardCharsets.UTF_8));
    commands.pipeInput(new TestRecord<>(probe.toString(), null, headers));
    commands.pipeInput("new-contract", command(contract("QHM", "new-contract")));

    List<CommandReply> answers = replies.readValuesToList().stream().map(CommandReply.class::cast).toList();
    assertThat(answers).hasSize(3);
    assertThat(answers.get(1).getCommandId()).isEqualTo(probe);
    assertThat(answers.get(1).getRefusal()).isNull();
    assertThat(answers.get(1).getDecided()).isNull();
    assertThat(answers.get(2).getRefusal()).contains("another commissioner");
    assertThat(contracts.readValuesToList()).hasSize(1);
  }

  @Test
  void givenAProbeHeaderThatNamesNoProbe_whenRead_thenItIsPassedOverAndTheNextCommandDecided() {
    RecordHeaders headers = new RecordHeaders();
    headers.add(AvroSerdes.READINESS_PROBE, "not-an-id".getBytes(StandardCharsets.UTF_8));
    commands.pipeInput(new TestRecord<>("new-contract", null, headers));
    commands.pipeInput("new-contract", command(contract("QMM", "new-contract")));

    assertThat(replies.readValuesToList()).hasSize(1);
    assertThat(contracts.readValuesToList()).hasSize(1);
  }

  @Test
  void givenAnEmptyRecordWithoutTheProbesHeader_whenRead_thenItIsUnreadableNotAnswered() {
    // refused as unreadable (dead-lettered on a running service; the test driver fails on it), never answered
    assertThatThrownBy(() -> commands.pipeInput(new TestRecord<>("new-contract", null, new RecordHeaders())))
        .rootCause().hasMessageContaining("a tombstone on " + Topics.CONTRACT_COMMANDS.name());
    assertThat(replies.isEmpty()).isTrue();
    assertThat(contracts.isEmpty()).isTrue();
  }

  @Test
  void givenTwoClaimsOfOneNewId_whenDecidedBackToBack_thenTheFirstWinsAndTheSecondIsRefused() {
    commands.pipeInput("new-contract", command(contract("QMM", "new-contract")));
    commands.pipeInput("new-contract", command(contract("QHM", "new-contract")));

    List<CommandReply> answers = replies.readValuesToList().stream().map(CommandReply.class::cast).toList();
    assertThat(answers).hasSize(2);
    assertThat(answers.get(0).getRefusal()).isNull();
    assertThat(answers.get(1).getRefusal()).contains("another commissioner");
    assertThat(contracts.readValuesToList()).singleElement()
        .satisfies(c -> assertThat(((ContractAgreed) c).getCommissioner()).isEqualTo("QMM"));
  }

  private CommandReply reply() {
    return (CommandReply) replies.readValue();
  }

  private static ContractCommand command(ContractAgreed contract) {
    return new ContractCommand(Events.metadata("outcome-service", null, null), contract);
  }

  /** A contract of the budgets' tests (qmm-p1-2026), agreed by {@code commissioner} under {@code contractId}. */
  private static ContractAgreed contract(String commissioner, String contractId) {
    return BudgetRulesTest.contract().setCommissioner(commissioner).setContractId(contractId).build();
  }
}
