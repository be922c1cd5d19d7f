package org.linkway.platform.streams;

import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

/**
 * One memory budget for all of a service's RocksDB stores, as the Kafka Streams memory-management
 * guide describes: a shared block cache of {@value #TOTAL_MB} MiB that also accounts for the
 * memtables (at most {@value #MEMTABLE_MB} MiB of it) and the index and filter blocks. Without it,
 * each store partition has its own 50 MiB cache and three 16 MiB memtables, so a service with two
 * stores of six partitions may hold several hundred MiB off the Java heap as records arrive.
 */
public final class BoundedRocksDbMemory implements RocksDBConfigSetter {

  static final long TOTAL_MB = 48;
  static final long MEMTABLE_MB = 16;
  private static final long MIB = 1024 * 1024;

  private static final Cache CACHE = new LRUCache(TOTAL_MB * MIB, -1, false, 0.1);
  private static final WriteBufferManager MEMTABLES = new WriteBufferManager(MEMTABLE_MB * MIB, CACHE);

  @Override
  public void setConfig(String storeName, Options options, Map<String, Object> configs) {
    BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
    table.setBlockCache(CACHE);
    table.setCacheIndexAndFilterBlocks(true);
    table.setCacheIndexAndFilterBlocksWithHighPriority(true);
    table.setPinTopLevelIndexAndFilter(true);
    options.setWriteBufferManager(MEMTABLES);
    options.setMaxWriteBufferNumber(2);
    options.setWriteBufferSize(4 * MIB);
    options.setTableFormatConfig(table);
  }

  @Override
  public void close(String storeName, Options options) {
    // the cache and the write buffer manager are shared by every store: they live as long as the service
  }
}
