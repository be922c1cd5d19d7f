package org.linkway.provider.offers.stream;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.linkway.platform.kafka.AvroSerdes;
import org.linkway.platform.streams.PartyView;
import org.linkway.state.OfferState;

/**
 * Each provider's offers, held together by the instance that owns the provider's id: every change of
 * an offer's state is sent on keyed by its provider (and, when the referral was offered to another
 * provider since, keyed by the one it was offered to before, to leave that provider's list) through a
 * repartition topic, and kept here under {@code {providerId}|{offeredAt}|{referralId}}, oldest first.
 * So a provider's queue and inbox are read from one instance by a bounded range, complete whichever
 * instance holds the referrals.
 */
public final class ProviderOffers {

  /** The view: {@code {providerId}|{offeredAt, 19 digits}|{referralId}} to the offer's state. */
  public static final PartyView<OfferState> VIEW = new PartyView<>("provider-offers", s -> s.getOffer().getProviderId(),
      s -> s.getOfferedAt().toEpochMilli(), false, s -> s.getReferralId().toString());
  public static final String STORE = VIEW.store();
  /** Per task, whether the offers stored before the view have been sent to it ({@code ViewFill}). */
  static final String FILLED = "offer-view-filled";

  private ProviderOffers() {}

  /** Keeps the view of the offer states the {@link OfferProcessor} sends on, keyed by provider (the rest ignored). */
  static void keep(StreamsBuilder builder, AvroSerdes serdes, KStream<String, SpecificRecord> outputs) {
    KStream<String, OfferState> states = outputs.filter((providerId, value) -> value instanceof OfferState)
        .mapValues(value -> (OfferState) value);
    VIEW.keep(builder, serdes, OfferState.class, states, "offers-by-provider");
  }
}
