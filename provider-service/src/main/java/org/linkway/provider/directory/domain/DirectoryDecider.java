package org.linkway.provider.directory.domain;

import java.util.ArrayList;
import java.util.List;
import org.linkway.commands.DirectoryCommand;
import org.linkway.events.EventMetadata;
import org.linkway.events.ServiceKind;
import org.linkway.events.ServiceListed;
import org.linkway.platform.kafka.Events;
import org.linkway.platform.streams.KeyedDecider;
import org.linkway.platform.streams.KeyedDecider.Step;
import org.linkway.provider.ProviderServiceApplication;

/**
 * What one command makes of one service's listing, given the listing as the decider holds it
 * (null for a service id nobody holds yet). Applied one command at a time per service id, so the
 * first provider to claim an id owns it and every later claim by another is refused. No state,
 * no broker: the directory's {@link KeyedDecider} runs it for each command in order.
 */
public final class DirectoryDecider {

  private DirectoryDecider() {}

  public static Step<ServiceListed> decide(ServiceListed current, String serviceId, DirectoryCommand command) {
    if (current != null && !current.getProviderId().equals(command.getProviderId())) {
      return Step.refused("service " + serviceId + " belongs to another provider");
    }
    ServiceListed asked = command.getListing();
    if (asked == null && current == null) return Step.refused("no service " + serviceId + " in the directory");
    // the listing is an event of its own, caused by the command and naming its caller
    ServiceListed.Builder next = ServiceListed.newBuilder(asked != null ? asked : current)
        .setMetadata(EventMetadata.newBuilder(Events.metadata(ProviderServiceApplication.NAME, null,
            command.getMetadata().getCorrelationId())).setActor(command.getMetadata().getActor()).build());
    if (asked != null && command.getKeepCommissioners()) {
      // what the commissioners decide: whose referrals it gets, and whether it is their link worker service and for whom
      next.setCommissioners(current == null ? List.of() : current.getCommissioners());
      next.setKind(current == null ? ServiceKind.COMMUNITY : current.getKind());
      next.setPractices(current == null ? List.of() : current.getPractices());
    }
    if (command.getIntakePaused() != null) {
      next.setIntakePaused(command.getIntakePaused());
    } else if (current != null) {
      next.setIntakePaused(current.getIntakePaused());
    }
    List<String> commissioners = new ArrayList<>(next.getCommissioners());
    if (command.getAddCommissioner() != null && !commissioners.contains(command.getAddCommissioner())) {
      commissioners.add(command.getAddCommissioner());
    }
    if (command.getRemoveCommissioner() != null) commissioners.remove(command.getRemoveCommissioner());
    next.setCommissioners(commissioners);
    ServiceListed listing = next.build();
    // nothing changes but the metadata: nothing to write, and the answer is the listing as it is
    if (current != null && ServiceListed.newBuilder(listing).setMetadata(current.getMetadata()).build().equals(current)) {
      return Step.accepted(current);
    }
    return Step.accepted(listing);
  }
}
