/**
 * Kafka Streams and the bridge from HTTP to it: a command's decision handed back, once committed, to
 * the request that sent it, through the service's replies topic ({@link org.linkway.platform.streams.Decisions}, {@link
 * org.linkway.platform.streams.KeyedDecider}), state stores read for queries ({@link
 * org.linkway.platform.streams.StoreQueries}), compacted topics every instance holds whole as global tables
 * ({@link org.linkway.platform.streams.GlobalTables}, on disk, read as {@link org.linkway.platform.streams.ReferenceTable}s:
 * the directory, the funding tables, people's data keys and erasures) and what a processor has just decided, fed to
 * live streams.
 */
package org.linkway.platform.streams;
