package org.linkway.provider.offers.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkway.commands.DeclineReferral;
import org.linkway.commands.ProviderCommand;
import org.linkway.events.DeclineReason;
import org.linkway.events.ProviderEvent;
import org.linkway.events.ReferralDeclined;
import org.linkway.platform.kafka.Events;
import org.linkway.platform.kafka.KafkaPlatformConfiguration;
import org.linkway.platform.observability.Traceparent;

/**
 * {@code linkway.tracing.enabled}: the offer decider as {@link OfferTopology} wires it, with the streams configuration
 * the service makes with tracing on and off. An offer comes without a trace and the provider declines it: on, the
 * decline carries the referral's trace (a new one); off, it carries the trace its command brought, if any, and no other.
 */
class OfferTracingSwitchTest {

  private static final String TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

  @TempDir
  Path stateDir;

  @Test
  void givenTracingOff_whenADeclineWithoutATraceIsDecided_thenItsEventCarriesNoTrace() {
    assertThat(traceparentsOfTheDecline(false, null)).isEmpty();
  }

  @Test
  void givenTracingOff_whenADeclineWithATraceIsDecided_thenItsEventCarriesThatTraceAlone() {
    assertThat(traceparentsOfTheDecline(false, TRACEPARENT)).containsExactly(TRACEPARENT);
  }

  @Test
  void givenTracingOn_whenADeclineWithoutATraceIsDecided_thenItsEventCarriesTheReferralsNewTrace() {
    assertThat(traceparentsOfTheDecline(true, null)).singleElement()
        .satisfies(value -> assertThat(Traceparent.parse(value)).isPresent());
  }

  private List<String> traceparentsOfTheDecline(boolean tracing, String traceparent) {
    try (OfferDriver offers = new OfferDriver(stateDir, "provider-service-tracing-" + tracing, Duration.ofHours(1),
        KafkaPlatformConfiguration.tracingSettings(tracing))) {
      offers.offered("prov-1", 1, Duration.ofDays(14));
      RecordHeaders headers = new RecordHeaders();
      if (traceparent != null) headers.add(Traceparent.HEADER, traceparent.getBytes(StandardCharsets.UTF_8));
      ProviderCommand decline = new ProviderCommand(Events.metadata("provider-service", offers.uuid(), null), "prov-1",
          new DeclineReferral(DeclineReason.CAPACITY, null, null), null);
      offers.commands.pipeInput(new TestRecord<>(offers.referralId, decline, headers));

      List<TestRecord<String, SpecificRecord>> events = offers.events.readRecordsToList();
      assertThat(events).as("the decline").singleElement()
          .satisfies(e -> assertThat(((ProviderEvent) e.value()).getPayload()).isInstanceOf(ReferralDeclined.class));
      assertThat(offers.repliesRead()).as("the answer to the command").singleElement()
          .satisfies(reply -> assertThat(reply.getRefusal()).isNull());
      List<String> values = new ArrayList<>();
      for (Header header : events.get(0).headers().headers(Traceparent.HEADER)) {
        values.add(new String(header.value(), StandardCharsets.UTF_8));
      }
      return values;
    }
  }
}
