package org.linkway.outcome.ledger.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.KStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkway.events.Completion;
import org.linkway.events.LedgerEvent;
import org.linkway.events.Milestone;
import org.linkway.events.OutcomeReported;
import org.linkway.events.PaymentDue;
import org.linkway.platform.kafka.AvroSerdes;
import org.linkway.platform.kafka.Commissioners;
import org.linkway.platform.kafka.Events;
import org.linkway.platform.kafka.Topics;
import org.linkway.platform.testing.SelfDescribingAvro;

/**
 * What the funding processor writes for a commissioner with topics of its own is copied to them: its
 * outcomes to {@code commissioner-outcomes.<ODS>}, its ledger entries to {@code funding-ledger.<ODS>},
 * with the same keys; another commissioner's records are not.
 */
class CommissionersOwnTopicsTest {

  @TempDir
  Path stateDir;

  @Test
  void givenOutputsOfTwoCommissioners_whenOneHasTopicsOfItsOwn_thenOnlyItsRecordsAreCopiedThere() {
    AvroSerdes serdes = SelfDescribingAvro.serdes();
    StreamsBuilder builder = new StreamsBuilder();
    KStream<String, SpecificRecord> outputs = SelfDescribingAvro.anyRecords(builder, "outputs");
    FundingTopology.toCommissionersOwnTopics(outputs, serdes, new Commissioners(Map.of("icb-qmm", "QMM")));
    try (TopologyTestDriver driver = SelfDescribingAvro.driver(builder, "outcome-service-own-topics-test", stateDir)) {
      TestInputTopic<String, SpecificRecord> in = SelfDescribingAvro.input(driver, "outputs");
      LedgerEvent qmmEntry = new LedgerEvent(Events.metadata("outcome-service", java.util.UUID.randomUUID(), null),
          new PaymentDue("QMM", "qmm-p1", "p1", "svc-1", Milestone.ENGAGEMENT, new BigDecimal("50.00"), "GBP", "2026-27"));
      in.pipeInput("referral-1", qmmEntry);
      in.pipeInput("QMM", outcome("QMM"));
      in.pipeInput("QXW", outcome("QXW"));
      var outcomes = driver.createOutputTopic(Topics.commissionerOutcomes("QMM").name(), new StringDeserializer(),
          new SelfDescribingAvro.AvroDeserializer()).readKeyValuesToList();
      assertThat(outcomes).singleElement().satisfies(kv -> {
        assertThat(kv.key).isEqualTo("QMM");
        assertThat(((OutcomeReported) kv.value).getCommissioner()).isEqualTo("QMM");
      });
      var ledger = driver.createOutputTopic(Topics.commissionerLedger("QMM").name(), new StringDeserializer(),
          new SelfDescribingAvro.AvroDeserializer()).readKeyValuesToList();
      assertThat(ledger).singleElement().satisfies(kv -> {
        assertThat(kv.key).isEqualTo("referral-1");
        assertThat(kv.value).isEqualTo(qmmEntry);
      });
      assertThat(driver.producedTopicNames()).containsExactlyInAnyOrder(
          Topics.commissionerOutcomes("QMM").name(), Topics.commissionerLedger("QMM").name());
    }
  }

  private static OutcomeReported outcome(String commissioner) {
    return OutcomeReported.newBuilder()
        .setMetadata(Events.metadata("outcome-service", java.util.UUID.randomUUID(), null))
        .setCommissioner(commissioner).setPersonId("p-1").setProviderId("provider").setServiceId("service")
        .setNeeds(List.of()).setCompletion(Completion.COMPLETED).setSessionsAttended(2).setMeasures(List.of())
        .build();
  }
}
