/**
 * A provider's offers, one sub-package a layer: {@code domain} holds an offer's lifecycle
 * ({@link org.linkway.provider.offers.domain.OfferLifecycle}) and the deciders of the provider's commands
 * ({@link org.linkway.provider.offers.domain.OfferCommands}) and the referrer's cancel
 * ({@link org.linkway.provider.offers.domain.OfferCancels}), all pure; {@code stream} runs them on
 * Kafka Streams (processor with its deadlines, topology, stores, live feed, metrics); {@code api} is the
 * provider's queue over HTTP; {@code pages} is the provider's inbox and its forms.
 */
package org.linkway.provider.offers;
