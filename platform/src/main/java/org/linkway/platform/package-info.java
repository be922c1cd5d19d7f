/**
 * What every Linkway service shares: the typed topic registry ({@link org.linkway.platform.Topics}),
 * Avro through the schema registry, dead-letter handling, exactly-once Kafka Streams, the hand-over
 * of state-machine decisions to HTTP requests, and problem+json errors.
 */
package org.linkway.platform;
