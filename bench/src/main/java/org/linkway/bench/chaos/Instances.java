package org.linkway.bench.chaos;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.linkway.bench.Http;
import org.linkway.stack.Instance;
import org.linkway.stack.Part;

/**
 * The instances of one service, as the harness's GP systems and providers reach them: each request to
 * one of them at random, as behind a load balancer, so that every instance takes requests for keys
 * another owns; and each of them by name, for the questions asked of every instance (the ledger's
 * reconciliation) or of those still running while one is away. With one instance, that one.
 */
final class Instances {

  private final List<Instance> instances;
  private final List<Http> clients;

  Instances(ChaosStack stack, Part service, int connections) {
    this.instances = stack.instancesOf(service);
    this.clients = instances.stream().map(i -> new Http(stack.url(i), connections)).toList();
  }

  /** One instance, at random. */
  Http any() {
    return clients.get(ThreadLocalRandom.current().nextInt(clients.size()));
  }

  /** Every instance. */
  List<Http> all() {
    return clients;
  }

  /** Every instance but the given one, or all when that leaves none (one instance: the one restarted). */
  List<Http> besides(Instance away) {
    List<Http> others = clients.stream().filter(c -> !instances.get(clients.indexOf(c)).equals(away)).toList();
    return others.isEmpty() ? clients : others;
  }

  int count() {
    return clients.size();
  }
}
