package org.linkway.outcome.timecredits;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkway.events.TimeCreditsEarned;
import org.linkway.platform.testing.SelfDescribingAvro;
import org.linkway.state.EarnedInReferral;
import org.linkway.state.FundingState;
import org.linkway.state.ReferralStatus;

/** A person's wallet holds what they earned in each of their referrals, as the latest funding state has it, and no one else's. */
class WalletsTest {

  @TempDir
  Path stateDir;

  @Test
  void givenCreditsInTwoReferralsOfOnePerson_whenTheStatesChange_thenTheWalletHoldsEachReferralOnceAsItIsNow() {
    StreamsBuilder builder = new StreamsBuilder();
    Wallets.keep(builder, SelfDescribingAvro.serdes(), SelfDescribingAvro.anyRecords(builder, "outputs"));
    try (TopologyTestDriver driver = SelfDescribingAvro.driver(builder, "outcome-service-wallets-test", stateDir)) {
      TestInputTopic<String, SpecificRecord> outputs = SelfDescribingAvro.input(driver, "outputs");
      UUID first = UUID.randomUUID();
      UUID second = UUID.randomUUID();
      send(outputs, state(first, credits("p-a", "2.00")));
      send(outputs, state(first, credits("p-a", "2.00"), credits("p-a", "1.50")));
      send(outputs, state(second, credits("p-a", "3.00")));
      send(outputs, state(UUID.randomUUID(), credits("p-b", "4.00")));
      send(outputs, state(UUID.randomUUID()));

      KeyValueStore<String, EarnedInReferral> store = driver.getKeyValueStore(Wallets.STORE);
      List<EarnedInReferral> wallet = withPrefix(store, "p-a|");
      assertThat(wallet).extracting(EarnedInReferral::getReferralId).containsExactlyInAnyOrder(first, second);
      assertThat(wallet.stream().flatMap(r -> r.getEarned().stream()).map(TimeCreditsEarned::getCredits)
          .reduce(BigDecimal.ZERO, BigDecimal::add)).isEqualByComparingTo("6.50");
      assertThat(withPrefix(store, "p-b|")).singleElement()
          .satisfies(r -> assertThat(r.getEarned()).extracting(TimeCreditsEarned::getPersonId).containsOnly("p-b"));
      assertThat(withPrefix(store, "")).as("a referral without credits is in no wallet").hasSize(3);
    }
  }

  private static FundingState state(UUID referralId, TimeCreditsEarned... earned) {
    return FundingState.newBuilder().setReferralId(referralId).setCommissioner("QMM").setStatus(ReferralStatus.ACCEPTED)
        .setTimeCredits(List.of(earned)).build();
  }

  private static TimeCreditsEarned credits(String personId, String credits) {
    return TimeCreditsEarned.newBuilder().setProviderId("wensum-walkers").setServiceId("walks").setCommissioner("QMM")
        .setPersonId(personId).setGivenOn(LocalDate.of(2026, 11, 20)).setHours(new BigDecimal(credits))
        .setCredits(new BigDecimal(credits)).build();
  }

  private static void send(TestInputTopic<String, SpecificRecord> outputs, FundingState state) {
    outputs.pipeInput(state.getReferralId().toString(), state);
  }

  private static List<EarnedInReferral> withPrefix(KeyValueStore<String, EarnedInReferral> store, String prefix) {
    List<EarnedInReferral> found = new ArrayList<>();
    try (KeyValueIterator<String, EarnedInReferral> it = store.prefixScan(prefix, new StringSerializer())) {
      it.forEachRemaining(kv -> found.add(kv.value));
    }
    return found;
  }
}
