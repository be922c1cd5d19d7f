package org.linkway.outcome.timecredits;

import static org.linkway.platform.streams.KeyOwners.KeyedRoute.get;

import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.linkway.platform.kafka.AvroSerdes;
import org.linkway.platform.streams.KeyOwners.KeyedRoutes;
import org.linkway.platform.streams.KeyedView;
import org.linkway.platform.streams.PartyView;
import org.linkway.platform.streams.StoreQueries;
import org.linkway.state.EarnedInReferral;
import org.linkway.state.FundingState;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Each person's Time Credits wallet, held by the instance that owns the person's (pseudonymous) id
 * ({@link KeyedView}): every change of a referral's {@link FundingState} that carries credits sends them
 * on, keyed by the person, kept under {@code {personId}|{referralId}}. So a wallet is one prefix read on one instance ({@link #routes}),
 * complete whichever instance holds the referrals. A referral's entry stays when its funding is archived
 * ({@code FundingProcessor}): the wallet is the person's, and its balance is the sum of its entries.
 */
public final class Wallets {

  /** The wallets: {@code {personId}|{referralId}} to what the person earned in that referral. */
  public static final String STORE = "time-credits-wallets";

  private Wallets() {}

  /** What the person earned in each of their referrals, from the instance that owns the person's id. */
  static List<EarnedInReferral> of(StoreQueries stores, String personId) {
    return stores.withPrefix(STORE, personId, personId + "|");
  }

  /** Keeps the wallets from the funding states among a processor's {@code outputs} (the others are ignored). */
  public static void keep(StreamsBuilder builder, AvroSerdes serdes, KStream<String, SpecificRecord> outputs) {
    // a referral archived keeps its entry here: the wallet is the person's, and its balance is the sum of its entries
    KeyedView.keep(builder, serdes, STORE, EarnedInReferral.class, STORE,
        PartyView.withoutRemovals(outputs).flatMap(Wallets::earnedIn),
        (personId, earned) -> personId + "|" + earned.getReferralId());
  }

  /** What a funding state's person earned in its referral, keyed by the person; nothing for anything else or no credits. */
  private static List<KeyValue<String, EarnedInReferral>> earnedIn(String referralId, SpecificRecord value) {
    if (!(value instanceof FundingState state) || state.getTimeCredits().isEmpty()) return List.of();
    String personId = state.getTimeCredits().get(0).getPersonId();
    return List.of(KeyValue.pair(personId, new EarnedInReferral(state.getReferralId(), personId, state.getTimeCredits())));
  }

  /** A wallet is read on the instance that owns the person's id. */
  @Configuration(proxyBeanMethods = false)
  static class Routes {
    @Bean
    KeyedRoutes walletKeyedRoutes() {
      return KeyedRoutes.of(get("/time-credits/wallets/{personId}", STORE, "personId"));
    }
  }
}
