package org.linkway.platform.kafka;

import io.apicurio.registry.serde.avro.DefaultAvroDatumProvider;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DatumWriter;

/**
 * Apicurio's datum provider with its readers and writers cached by the schema object itself. The
 * default caches them by the schema's parsing-form fingerprint, which it computes again for every
 * record: profiling the journey showed that normalisation as the largest single cost of each
 * service. The serde hands over the same schema object each time (the generated class's schema,
 * or the one resolved once per schema id), so looking it up by identity finds the same reader or
 * writer the default would, without the work. The caches are bounded in case a caller does not.
 */
public class CachingAvroDatumProvider<T> extends DefaultAvroDatumProvider<T> {

  private static final int MOST_SCHEMAS = 1000;

  /** A schema compared by identity: cheap to hash, and equal only to itself. */
  private record Same(Schema schema) {
    @Override
    public boolean equals(Object other) {
      return other instanceof Same same && same.schema == schema;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(schema);
    }
  }

  private final Map<Same, DatumWriter<T>> writers = new ConcurrentHashMap<>();
  private final Map<Same, DatumReader<T>> readers = new ConcurrentHashMap<>();

  @Override
  public DatumWriter<T> createDatumWriter(T data, Schema schema) {
    if (writers.size() > MOST_SCHEMAS) writers.clear();
    return writers.computeIfAbsent(new Same(schema), key -> super.createDatumWriter(data, schema));
  }

  @Override
  public DatumReader<T> createDatumReader(Schema schema) {
    if (readers.size() > MOST_SCHEMAS) readers.clear();
    return readers.computeIfAbsent(new Same(schema), key -> super.createDatumReader(schema));
  }
}
