/**
 * What every Linkway service shares, one package a concern:
 * <ul>
 *   <li>{@link org.linkway.platform.kafka}: the typed topic registry ({@link
 *       org.linkway.platform.kafka.Topics}), Avro through the schema registry, the event publisher, dead
 *       letters, the broker's ACLs and the outside parties' principals (GP systems, commissioners);
 *   <li>{@link org.linkway.platform.streams}: exactly-once Kafka Streams and what the HTTP side reads of
 *       it: state-store queries, global tables, the hand-over of a decision to the request that asked for
 *       it ({@link org.linkway.platform.streams.Decisions}, {@link org.linkway.platform.streams.KeyedDecider})
 *       and the live feed;
 *   <li>{@link org.linkway.platform.web}: problem+json errors, server-sent event helpers, API descriptions;
 *   <li>{@link org.linkway.platform.security}: tokens, roles and who may call what;
 *   <li>{@link org.linkway.platform.pages}: sign-in and what every page shares;
 *   <li>{@link org.linkway.platform.people}: sealed identities of the people referred;
 *   <li>{@link org.linkway.platform.observability}: traces, the event log, counted dead letters;
 *   <li>{@link org.linkway.platform.domain}: codes and rules of social prescribing and funding that more
 *       than one service applies.
 * </ul>
 */
package org.linkway.platform;
