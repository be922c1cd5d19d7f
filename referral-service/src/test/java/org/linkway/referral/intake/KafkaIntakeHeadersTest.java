package org.linkway.referral.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;
import org.linkway.events.Patient;
import org.linkway.events.ReferralRejected;
import org.linkway.events.ReferralRequested;
import org.linkway.events.Referrer;
import org.linkway.platform.kafka.Events;
import org.linkway.platform.kafka.AvroSerdes;
import org.linkway.platform.kafka.GpSystems;
import org.linkway.platform.streams.PartyView;

/**
 * A GP system's record headers go on with what its request causes, but not the platform's own: a request that carries
 * the view-removal header cannot take anything out of a view, nor one with the readiness probe's pass for a probe.
 */
class KafkaIntakeHeadersTest {

  @Test
  void givenARequestCarryingThePlatformsOwnHeaders_whenRead_thenWhatItCausesCarriesTheGpSystemsHeadersButNotThose() {
    MockProcessorContext<String, SpecificRecord> context = new MockProcessorContext<>();
    KafkaIntakeMemoryTest.seenStoreIn(context);
    KafkaIntakeProcessor processor = new KafkaIntakeProcessor(null, "gp-test", new GpSystems(Map.of("gp-test", Set.of("D82044"))));
    processor.init(context);
    RecordHeaders headers = new RecordHeaders(PartyView.removal().toArray());
    headers.add("gp-system-batch", "b-7".getBytes());
    headers.add(AvroSerdes.READINESS_PROBE, "a-probe-of-its-own".getBytes());

    // an NHS number that fails its check digit: rejected, so nothing needs an intake
    processor.process(new Record<>("request-1", request("request-1"), 0L, headers));

    assertThat(context.forwarded()).singleElement().satisfies(forwarded -> {
      assertThat(forwarded.record().value()).isInstanceOf(ReferralRejected.class);
      assertThat(PartyView.isRemoval(forwarded.record().headers())).isFalse();
      assertThat(forwarded.record().headers().lastHeader(AvroSerdes.READINESS_PROBE)).isNull();
      assertThat(forwarded.record().headers().lastHeader("gp-system-batch").value()).isEqualTo("b-7".getBytes());
    });
  }

  private static ReferralRequested request(String requestId) {
    return ReferralRequested.newBuilder()
        .setMetadata(Events.metadata("gp-system-test", null, requestId))
        .setRequestId(requestId)
        .setPatient(new Patient("9434765918", "Grace", "Hopper", LocalDate.of(1946, 12, 9), "NR2 4AB", null, null))
        .setConsent(true)
        .setReferrer(new Referrer("D82044", "Dr Patel"))
        .setCommissioner("QMM")
        .setNeeds(List.of("LONELINESS"))
        .build();
  }
}
