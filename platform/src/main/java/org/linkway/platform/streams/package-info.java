/**
 * Kafka Streams and the bridge from HTTP to it: a command's decision handed back, once committed, to
 * the request that sent it, through the service's replies topic ({@link org.linkway.platform.streams.Decisions}, {@link
 * org.linkway.platform.streams.KeyedDecider}), state stores read for queries ({@link
 * org.linkway.platform.streams.StoreQueries}), compacted topics every instance holds whole as global tables
 * ({@link org.linkway.platform.streams.GlobalTables}, on disk, read as {@link org.linkway.platform.streams.ReferenceTable}s:
 * the directory, the funding tables, people's data keys and erasures) and what is committed to a topic or a store's
 * changelog, fed to live streams ({@link org.linkway.platform.streams.TailedFeed}; a store's states, resumable from
 * a position in its changelog, {@link org.linkway.platform.streams.ResumableFeed}).
 */
package org.linkway.platform.streams;
