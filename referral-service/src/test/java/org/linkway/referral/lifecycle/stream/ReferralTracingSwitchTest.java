package org.linkway.referral.lifecycle.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkway.commands.ReferralCommand;
import org.linkway.commands.SubmitReferral;
import org.linkway.events.NeedCode;
import org.linkway.events.ReferralEvent;
import org.linkway.events.ReferralUnplaced;
import org.linkway.events.ReferralSubmitted;
import org.linkway.events.SealedPatient;
import org.linkway.platform.kafka.Events;
import org.linkway.platform.kafka.KafkaPlatformConfiguration;
import org.linkway.platform.observability.Traceparent;
import org.linkway.referral.TestData;
import org.linkway.replies.CommandReply;

/**
 * {@code linkway.tracing.enabled}: the referral decider as {@link ReferralTopology} wires it, with the streams
 * configuration the service makes with tracing on and off. On, a referral's events carry its trace (a new one if its
 * first command brought none); off, they carry the trace header their command brought and no other, and the referral
 * is decided and answered the same.
 */
class ReferralTracingSwitchTest {

  private static final String TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

  @TempDir
  Path stateDir;

  @Test
  void givenTracingOff_whenACommandWithoutATraceIsDecided_thenItsEventsCarryNoTraceAndItIsAnswered() {
    List<TestRecord<String, SpecificRecord>> events = decided(false, null);

    assertThat(events).isNotEmpty().allSatisfy(event -> assertThat(event.headers().lastHeader(Traceparent.HEADER)).isNull());
  }

  @Test
  void givenTracingOff_whenACommandWithATraceIsDecided_thenItsEventsCarryThatTraceAlone() {
    List<TestRecord<String, SpecificRecord>> events = decided(false, TRACEPARENT);

    assertThat(events).isNotEmpty().allSatisfy(event -> assertThat(traceparents(event)).containsExactly(TRACEPARENT));
  }

  @Test
  void givenTracingOn_whenACommandWithoutATraceIsDecided_thenItsEventsCarryOneNewTrace() {
    List<TestRecord<String, SpecificRecord>> events = decided(true, null);

    assertThat(events).isNotEmpty().allSatisfy(event -> assertThat(traceparents(event)).hasSize(1));
    assertThat(events.stream().map(e -> traceparents(e).get(0).split("-")[1]).distinct()).hasSize(1);
  }

  @Test
  void givenTracingOn_whenACommandWithATraceIsDecided_thenItsEventsCarryItsTrace() {
    List<TestRecord<String, SpecificRecord>> events = decided(true, TRACEPARENT);

    assertThat(events).isNotEmpty().allSatisfy(event -> assertThat(traceparents(event)).singleElement()
        .satisfies(value -> assertThat(value.split("-")[1]).isEqualTo("0af7651916cd43dd8448eb211c80319c")));
  }

  /**
   * Switched off with referrals under way: their traces, kept while tracing was on, are forgotten when they end, as they
   * are with tracing on (else they stay in the store for good), and their events carry none of them.
   */
  @Test
  void givenTracesKeptWhileTracingWasOn_whenTracingIsOffAndAReferralEnds_thenItsTraceIsForgottenAndTheOthersStay() {
    UUID referralId = UUID.randomUUID();
    TopologyTestDriver driver = EmptyDirectoryTopology.driver(stateDir, "referral-service-tracing-switched-off",
        KafkaPlatformConfiguration.tracingSettings(false));
    try (DrivenLifecycle lifecycle = new DrivenLifecycle(driver)) {
      KeyValueStore<String, String> traces = driver.getKeyValueStore(ReferralStores.TRACES);
      traces.put(referralId.toString(), TRACEPARENT);
      traces.put("another-under-way", TRACEPARENT);

      lifecycle.commands.pipeInput(new TestRecord<>(referralId.toString(), submit(referralId), new RecordHeaders()));

      List<TestRecord<String, SpecificRecord>> events = lifecycle.referrals.readRecordsToList();
      assertThat(events).as("the referral's events, to its end (unplaced: no service)").last()
          .satisfies(e -> assertThat(((ReferralEvent) e.value()).getPayload()).isInstanceOf(ReferralUnplaced.class));
      assertThat(events).allSatisfy(event -> assertThat(event.headers().lastHeader(Traceparent.HEADER)).isNull());
      assertThat(traces.get(referralId.toString())).as("the ended referral's trace").isNull();
      assertThat(traces.get("another-under-way")).isEqualTo(TRACEPARENT);
    }
  }

  /** A submission decided on a driver configured as the service configures its streams; the events it wrote. */
  private List<TestRecord<String, SpecificRecord>> decided(boolean tracing, String traceparent) {
    UUID referralId = UUID.randomUUID();
    TopologyTestDriver driver = EmptyDirectoryTopology.driver(stateDir, "referral-service-tracing-" + tracing,
        KafkaPlatformConfiguration.tracingSettings(tracing));
    try (DrivenLifecycle lifecycle = new DrivenLifecycle(driver)) {
      RecordHeaders headers = new RecordHeaders();
      if (traceparent != null) headers.add(Traceparent.HEADER, traceparent.getBytes(StandardCharsets.UTF_8));
      lifecycle.commands.pipeInput(new TestRecord<>(referralId.toString(), submit(referralId), headers));
      List<TestRecord<String, SpecificRecord>> events = lifecycle.referrals.readRecordsToList();
      assertThat(events).as("the referral's events").isNotEmpty();
      assertThat(lifecycle.replies.readValuesToList()).as("the answer to the command").singleElement()
          .isInstanceOf(CommandReply.class);
      return events;
    }
  }

  private static List<String> traceparents(TestRecord<String, SpecificRecord> event) {
    List<String> values = new java.util.ArrayList<>();
    for (Header header : event.headers().headers(Traceparent.HEADER)) values.add(new String(header.value(), StandardCharsets.UTF_8));
    return values;
  }

  private static ReferralCommand submit(UUID referralId) {
    SealedPatient sealed = new SealedPatient("p-0123456789abcdef", "key-1", ByteBuffer.allocate(12), ByteBuffer.allocate(16));
    ReferralSubmitted submission = TestData.referral(NeedCode.LONELINESS).setPatient(null).setSealedPatient(sealed)
        .setPostcodeDistrict("NR1").setAgeWhenReferred(75)
        .setRequestId("request-1").build();
    return new ReferralCommand(Events.metadata("referral-service", referralId, null), new SubmitReferral(submission));
  }
}
