package org.linkway.bench.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.linkway.stack.Instance;
import org.linkway.stack.StackSize;

/** Which instances a fault run kills at each stack size, and how a report written while the run goes on reads. */
class ChaosOptionsTest {

  private static final StackSize TWO_BY_THREE = new StackSize(2, 3);

  @Test
  void onTheSingleStackTheBrokerAndEachServiceAreKilledAsTheyAlwaysWere() {
    assertThat(Chaos.Options.EVERY_FAULT).extracting(Instance::label)
        .containsExactly("kafka", "referral-service", "provider-service", "outcome-service");
    assertThat(new Chaos.Options(120, 8, 3, 10, Chaos.Options.EVERY_FAULT).size()).isEqualTo(StackSize.SINGLE);
  }

  @Test
  void onTwoInstancesAndThreeBrokersTheLastOfEachIsKilledAndTheOthersGoOn() {
    assertThat(Chaos.Options.everyFault(TWO_BY_THREE)).extracting(Instance::label)
        .containsExactly("kafka-3", "referral-service-2", "provider-service-2", "outcome-service-2");
  }

  @Test
  void anInstanceTheStackDoesNotHaveCannotBeKilled() {
    assertThatThrownBy(() -> new Chaos.Options(120, 8, 3, 10, List.of(Instance.named("referral-service-2"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no referral-service-2 to kill");
    assertThatThrownBy(() -> new Chaos.Options(120, 8, 3, 10, List.of(Instance.named("kafka-4")), TWO_BY_THREE))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no kafka-4 to kill");
  }

  @Test
  void aReportWrittenWhileTheRunGoesOnSaysSoAndWhatTheStackWas() {
    Chaos.Options options = new Chaos.Options(300, 3, 3, 10, Chaos.Options.everyFault(TWO_BY_THREE), TWO_BY_THREE);
    FaultRun.Result first = new FaultRun.Result("SIGKILL kafka-3", "QK1", Map.of("lost", 0, "keysServedAgainSeconds", 12.3),
        List.of());
    Chaos.Outcome soFar = new Chaos.Outcome(options, List.of(first), 500.0, 900.0, true,
        List.of(Chaos.IN_PROGRESS + "1 of 4 faults run when this was written; the run goes on"), Path.of("work"));

    String report = ChaosReport.markdown(soFar, "./linkway chaos --instances 2 --brokers 3");

    assertThat(soFar.passed()).isFalse();
    assertThat(report).contains("3 brokers, the registry, 2 instances of each of the three services")
        .contains("**every check held so far (run in progress)**")
        .contains("| kill → its keys served again by the instances left (s; a round of reads by key all answered) | 12.3 |")
        .contains("- IN PROGRESS: 1 of 4 faults run");
  }
}
