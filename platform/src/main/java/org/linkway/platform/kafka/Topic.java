package org.linkway.platform.kafka;

import org.apache.avro.specific.SpecificRecord;

/**
 * One Kafka topic: its name, the Avro type of its values, its partitions, the one service that
 * writes it, and whether it is compacted (a table) or a log. Keys are always strings.
 */
public record Topic<V extends SpecificRecord>(
    String name, Class<V> valueType, int partitions, String writer, boolean compacted) {

  public static final String DEAD_LETTER_SUFFIX = "-dlt";

  /** The twin that holds, as raw bytes, the records of this topic that could not be read. */
  public String deadLetterName() {
    return name + DEAD_LETTER_SUFFIX;
  }
}
