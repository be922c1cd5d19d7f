/**
 * Kafka for every service: each topic declared once ({@link org.linkway.platform.kafka.Topics}), its
 * Avro values in the Confluent wire format, the event publisher, dead-letter twins, what each
 * principal may do on the broker ({@link org.linkway.platform.kafka.KafkaAccess}) and the outside
 * parties that are principals of their own.
 */
package org.linkway.platform.kafka;
