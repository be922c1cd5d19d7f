package org.linkway.provider.offers.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkway.state.OfferState;
import org.linkway.state.OfferStatus;

/**
 * The figures the offer gauges read ({@link OpenOffers}), kept by the offer decider as it changes offers: an offer
 * made counts as open, since the moment it was made, until it is answered or expires; and a task that held offers
 * before the figures existed counts them once.
 */
class OpenOffersTest {

  @TempDir
  Path stateDir;

  @Test
  void givenAnOfferMadeThenExpired_whenTheFiguresAreRead_thenItCountsWhileItWaitsAndNotAfter() {
    try (OfferDriver offers = new OfferDriver(stateDir, "provider-service-open-offers-test", Duration.ofSeconds(1))) {
      // its deadline already past, so that the first check of the deadlines expires it
      offers.offered("wensum-walkers", 1, Duration.ofMillis(-1_000));
      long offeredAt = offers.state().getOfferedAt().toEpochMilli();

      assertThat(figures(offers)).containsEntry("count", 1L).containsEntry("oldest", offeredAt);

      // well past the deadline on the driver's clock too, however long the offer took to make on a busy machine
      offers.driver.advanceWallClockTime(Duration.ofMinutes(10));
      assertThat(offers.state().getStatus()).isEqualTo(OfferStatus.DECLINED);
      assertThat(figures(offers)).containsEntry("count", 0L).doesNotContainKey("oldest");
      assertThat(count(offers.driver.getKeyValueStore(OpenOffers.SINCE))).isZero();
    }
  }

  @Test
  void givenOffersHeldBeforeTheFigures_whenTheTaskHasRunASecond_thenTheOpenOnesAreCountedOnce() {
    try (OfferDriver offers = new OfferDriver(stateDir, "provider-service-open-offers-fill-test", Duration.ofHours(1))) {
      offers.offered("wensum-walkers", 1, Duration.ofDays(14));
      OfferState open = offers.state();
      KeyValueStore<String, OfferState> store = offers.driver.getKeyValueStore(OfferProcessor.STORE);
      String other = UUID.randomUUID().toString();
      store.put(other, OfferState.newBuilder(open).setReferralId(UUID.fromString(other))
          .setOfferedAt(open.getOfferedAt().minusSeconds(60)).build());
      String answered = UUID.randomUUID().toString();
      store.put(answered, OfferState.newBuilder(open).setReferralId(UUID.fromString(answered))
          .setStatus(OfferStatus.ACCEPTED).build());

      offers.driver.advanceWallClockTime(Duration.ofSeconds(1));

      assertThat(figures(offers)).containsEntry("count", 2L)
          .containsEntry("oldest", open.getOfferedAt().minusSeconds(60).toEpochMilli());
      offers.driver.advanceWallClockTime(Duration.ofSeconds(1));
      assertThat(figures(offers)).as("filled once").containsEntry("count", 2L);
    }
  }

  private static Map<String, Long> figures(OfferDriver offers) {
    Map<String, Long> figures = new HashMap<>();
    KeyValueStore<String, Long> store = offers.driver.getKeyValueStore(OpenOffers.FIGURES);
    try (KeyValueIterator<String, Long> all = store.all()) {
      all.forEachRemaining(entry -> figures.put(entry.key, entry.value));
    }
    return figures;
  }

  private static long count(KeyValueStore<String, String> store) {
    long n = 0;
    try (KeyValueIterator<String, String> all = store.all()) {
      while (all.hasNext()) {
        all.next();
        n++;
      }
    }
    return n;
  }
}
