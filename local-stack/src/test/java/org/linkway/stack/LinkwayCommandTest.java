package org.linkway.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What ./linkway's stack commands understand, and what they refuse. */
class LinkwayCommandTest {

  @Test
  void givenUp_whenParsed_thenTheDemoIsLoadedUnlessNoDemoIsGiven() {
    assertThat(Linkway.Command.parse("up").demo()).isTrue();
    assertThat(Linkway.Command.parse("up", "--no-demo").demo()).isFalse();
    assertThatIllegalArgumentException().isThrownBy(() -> Linkway.Command.parse("up", "--demo"))
        .withMessage("up: unknown option '--demo'");
  }

  @Test
  void givenUpWithASize_whenParsed_thenItIsTheStackSizeAndASizeWithoutAQuorumIsRefused() {
    assertThat(Linkway.Command.parse("up").size()).isEqualTo(StackSize.SINGLE);
    assertThat(Linkway.Command.parse("up", "--instances", "2", "--brokers", "3", "--no-demo").size())
        .isEqualTo(new StackSize(2, 3));
    assertThatIllegalArgumentException().isThrownBy(() -> Linkway.Command.parse("up", "--brokers", "2"))
        .withMessageStartingWith("up: --brokers takes 1, or 3 to 5");
    assertThatIllegalArgumentException().isThrownBy(() -> Linkway.Command.parse("up", "--instances", "0"))
        .withMessage("up: --instances takes 1 to 5, not 0");
    assertThatIllegalArgumentException().isThrownBy(() -> Linkway.Command.parse("up", "--instances"))
        .withMessageContaining("takes a number");
  }

  @Test
  void givenLogs_whenParsed_thenThePartMayBeNamedWithoutServiceAndTheLinesDefaultTo100() {
    Linkway.Command logs = Linkway.Command.parse("logs", "referral");
    assertThat(logs.instance()).isEqualTo(Instance.first(Part.REFERRAL_SERVICE));
    assertThat(Linkway.Command.parse("logs", "provider-service-2").instance()).isEqualTo(new Instance(Part.PROVIDER_SERVICE, 2));
    assertThat(Linkway.Command.parse("logs", "kafka-3").instance()).isEqualTo(new Instance(Part.KAFKA, 3));
    assertThat(logs.lines()).isEqualTo(100);
    assertThat(Linkway.Command.parse("logs", "kafka", "20").lines()).isEqualTo(20);
    assertThatIllegalArgumentException().isThrownBy(() -> Linkway.Command.parse("logs"))
        .withMessageContaining("which part?").withMessageContaining(Part.labels());
    assertThatIllegalArgumentException().isThrownBy(() -> Linkway.Command.parse("logs", "zookeeper"))
        .withMessageStartingWith("unknown part 'zookeeper'");
    assertThatIllegalArgumentException().isThrownBy(() -> Linkway.Command.parse("logs", "kafka", "many"));
  }

  @Test
  void givenACommandNotUnderstood_whenRun_thenItExitsWith2AndSaysWhy() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream());

    int status = Linkway.run(new String[] {"launch"}, quiet, new PrintStream(err, true, StandardCharsets.UTF_8));

    assertThat(status).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("linkway: unknown command 'launch'" + System.lineSeparator());
    assertThatIllegalArgumentException().isThrownBy(() -> Linkway.Command.parse("status", "--all"));
    assertThat(Linkway.run(new String[] {"logs", "zookeeper"}, quiet, quiet)).as("a part not known, as before").isEqualTo(1);
  }

  @Test
  void givenThePartsInStartOrder_whenListed_thenTheyAreAsTheCommandNamesThem() {
    assertThat(Part.labels()).isEqualTo("kafka registry issuer referral-service provider-service outcome-service");
    assertThat(Part.KAFKA.ports()).containsExactly(9092, 9093);
    assertThat(Part.OUTCOME_SERVICE.ports()).containsExactly(8083);
  }
}
