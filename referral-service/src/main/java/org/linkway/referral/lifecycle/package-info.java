/**
 * A referral's life after intake, one sub-package a layer: {@code domain} holds the one decider of
 * the lifecycle ({@link org.linkway.referral.lifecycle.domain.ReferralLifecycle}, pure: no Spring, no
 * Kafka); {@code stream} runs it on Kafka Streams (processor, topology, stores, live feed, metrics);
 * {@code api} is the HTTP side (commands sent to the stream, state read from its stores, the message
 * back); {@code pages} is the GP practice's pages.
 */
package org.linkway.referral.lifecycle;
