package org.linkway.provider.directory.stream;

import org.linkway.commands.DirectoryCommand;
import org.linkway.events.ServiceListed;
import reactor.core.publisher.Mono;

/**
 * Sends a change of one service to the directory's decider and answers with its decision: the
 * listing as it now stands, or a 409 problem when it was refused (another provider holds the id).
 */
@FunctionalInterface
public interface DirectoryCommands {

  Mono<ServiceListed> send(String serviceId, DirectoryCommand command);
}
