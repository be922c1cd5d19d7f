/**
 * The funding ledger, one sub-package a layer: {@code domain} holds the ledger rules ({@link
 * org.linkway.outcome.ledger.domain.FundingRules}, pure: what each event commits, pays or releases);
 * {@code stream} applies them on Kafka Streams and copies each commissioner's entries to its own topics;
 * {@code api} is the commissioner's ledger over HTTP.
 */
package org.linkway.outcome.ledger;
