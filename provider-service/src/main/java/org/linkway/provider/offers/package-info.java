/**
 * A provider's offers, one sub-package a layer: {@code domain} holds the one decider of an offer's
 * lifecycle ({@link org.linkway.provider.offers.domain.OfferLifecycle}, pure); {@code stream} runs it on
 * Kafka Streams (processor with its deadlines, topology, stores, live feed, metrics); {@code api} is the
 * provider's queue over HTTP; {@code pages} is the provider's inbox and its forms.
 */
package org.linkway.provider.offers;
