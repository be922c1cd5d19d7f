package org.linkway.platform.streams;

/**
 * A value read from a topic, with its place there (partition, offset) and where its reader was once it had
 * passed it ({@code after}: this record and every one read before it, of every partition, the others' included).
 */
public record Positioned<V>(V value, int partition, long offset, Position after) {}
