package org.linkway.provider.directory.api;

import java.util.List;
import org.linkway.events.NeedCode;
import org.linkway.events.ServiceListed;
import org.linkway.events.ServiceStatus;
import org.linkway.platform.kafka.Events;

/** The directory tests' listing: Wensum Walkers' riverside walks for QMM, active, 12 places, intake open. */
final class WalksListing {

  private WalksListing() {}

  static ServiceListed.Builder of(String providerId, String serviceId) {
    return ServiceListed.newBuilder()
        .setMetadata(Events.metadata("provider-service", null, null))
        .setServiceId(serviceId)
        .setProviderId(providerId)
        .setProviderName("Wensum Walkers")
        .setServiceName("Riverside walks")
        .setNeeds(List.of(NeedCode.PHYSICAL_ACTIVITY))
        .setCommissioners(List.of("QMM"))
        .setCapacity(12)
        .setStatus(ServiceStatus.ACTIVE)
        .setIntakePaused(false);
  }
}
