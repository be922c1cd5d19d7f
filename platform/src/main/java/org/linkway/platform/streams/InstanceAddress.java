package org.linkway.platform.streams;

import java.util.Optional;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;

/**
 * The address the other instances know this one by ({@code application.server}), read from the Streams
 * configuration once it exists, then kept: it does not change while the instance runs.
 */
final class InstanceAddress {

  private final StreamsBuilderFactoryBean factory;
  private volatile Optional<HostInfo> known;

  InstanceAddress(StreamsBuilderFactoryBean factory) {
    this.factory = factory;
  }

  /** This instance's address; null when it is the only one, or the Streams configuration does not exist yet. */
  HostInfo get() {
    Optional<HostInfo> address = known;
    if (address == null) {
      var config = factory.getStreamsConfiguration();
      if (config == null) return null;
      String server = config.getProperty(StreamsConfig.APPLICATION_SERVER_CONFIG);
      address = server == null || server.isBlank() ? Optional.empty() : Optional.of(HostInfo.buildFromEndpoint(server));
      known = address;
    }
    return address.orElse(null);
  }
}
