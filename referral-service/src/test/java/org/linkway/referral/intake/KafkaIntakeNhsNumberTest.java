package org.linkway.referral.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.linkway.events.FieldError;
import org.linkway.events.Patient;
import org.linkway.events.ReferralRejected;
import org.linkway.events.ReferralRequested;
import org.linkway.events.Referrer;
import org.linkway.platform.kafka.Events;

/**
 * Issue 13 point 11 on the Kafka intake: a request whose NHS number has a sign or other junk
 * around the digits of a valid number is rejected on {@code referral-rejections} naming the field,
 * not taken as if the number had been written cleanly.
 */
class KafkaIntakeNhsNumberTest {

  @ParameterizedTest(name = "\"{0}\" is rejected")
  @ValueSource(strings = {"+9434765919", "9434765919x", "94347-65919", " 9434765919", "943\t476\t5919", "٩٤٣٤٧٦٥٩١٩"})
  void givenTheDigitsOfAValidNhsNumberWithJunk_whenRequestedOnKafka_thenRejectedNamingTheNhsNumberAndNothingSubmitted(
      String written) {
    MockProcessorContext<String, SpecificRecord> context = new MockProcessorContext<>();
    KeyValueStore<String, Long> seen = KafkaIntakeMemoryTest.seenStoreIn(context);
    // no intake: nothing may be submitted, so nothing may reach it
    KafkaIntakeProcessor processor = new KafkaIntakeProcessor(null, "gp-test",
        new org.linkway.platform.kafka.GpSystems(java.util.Map.of("gp-test", java.util.Set.of("D82044"))));
    processor.init(context);

    processor.process(new Record<>("request-1", request("request-1", written), 0L));

    assertThat(context.forwarded()).singleElement().satisfies(forwarded -> {
      assertThat(forwarded.record().value()).isInstanceOf(ReferralRejected.class);
      List<FieldError> errors = ((ReferralRejected) forwarded.record().value()).getErrors();
      assertThat(errors).singleElement().satisfies(error -> {
        assertThat(error.getField()).isEqualTo("patient.nhsNumber");
        assertThat(error.getReason()).contains("must be 10 digits").doesNotContain("9434765919");
      });
    });
    assertThat(seen.approximateNumEntries()).isZero();
  }

  private static ReferralRequested request(String requestId, String nhsNumber) {
    return ReferralRequested.newBuilder()
        .setMetadata(Events.metadata("gp-system-test", null, requestId))
        .setRequestId(requestId)
        .setPatient(new Patient(nhsNumber, "Grace", "Hopper", LocalDate.of(1946, 12, 9), "NR2 4AB", null, null))
        .setConsent(true)
        .setReferrer(new Referrer("D82044", "Dr Patel"))
        .setCommissioner("QMM")
        .setNeeds(List.of("LONELINESS"))
        .build();
  }
}
