package org.linkway.referral.places;

import java.util.function.Function;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.linkway.events.ServiceLoad;
import org.linkway.platform.kafka.AvroSerdes;
import org.linkway.platform.kafka.Topics;
import org.linkway.referral.routing.Load;

/**
 * The load of every service, as its place decider published it on {@code service-load}: a global table
 * every instance holds on disk (RocksDB), so that routing on any instance ranks by every service's load,
 * not by the part it happens to run. It may lag its decider by a commit; the decider caps.
 */
public final class ServiceLoads {

  /** The global store of {@code service-load}, by serviceId. */
  public static final String STORE = "service-load-table";

  private ServiceLoads() {}

  /** Adds the global table to the topology. */
  public static void addTable(StreamsBuilder builder, AvroSerdes serdes) {
    builder.globalTable(Topics.SERVICE_LOAD.name(), Consumed.with(Serdes.String(), serdes.forTopic(Topics.SERVICE_LOAD)),
        Materialized.<String, ServiceLoad>as(Stores.persistentKeyValueStore(STORE))
            .withKeySerde(Serdes.String()).withValueSerde(serdes.forTopic(Topics.SERVICE_LOAD)));
  }

  /** Each service's load as the table holds it, read from a processor of the same topology. */
  public static Function<String, Load> in(ProcessorContext<?, ?> context) {
    KeyValueStore<String, ValueAndTimestamp<ServiceLoad>> store = context.getStateStore(STORE);
    return serviceId -> {
      ValueAndTimestamp<ServiceLoad> row = store.get(serviceId);
      return row == null ? Load.NONE : new Load(row.value().getOpenOffers(), row.value().getAccepted());
    };
  }
}
