package org.linkway.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.linkway.commands.DirectoryCommand;
import org.linkway.events.EventMetadata;
import org.linkway.events.NeedCode;
import org.linkway.events.ReferralAccepted;
import org.linkway.events.ReferralCancelled;
import org.linkway.events.ServiceListed;
import org.linkway.events.ServiceStatus;
import org.linkway.platform.kafka.AvroSerdes;
import org.linkway.platform.kafka.EventPublisher;
import org.linkway.platform.kafka.Events;
import org.linkway.platform.kafka.KafkaPlatformConfiguration;
import org.linkway.platform.kafka.LinkwayKafkaProperties;
import org.linkway.platform.kafka.Topic;
import org.linkway.platform.kafka.Topics;
import org.linkway.platform.streams.Decisions;
import org.linkway.platform.web.ProblemException;
import org.linkway.provider.ProviderServiceApplication;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Issue 15 point 3: a command's answer reaches the caller only after the decision is committed, and
 * whichever instance took the request. Each decider (the referral's, the offer's, the directory's, the
 * contracts') is asked over HTTP, and as soon as the answer is in, a read-committed reader of the topic it
 * decided on already finds what it decided. Then a second instance's {@link Decisions} (its own reader of
 * provider-service-replies, its own producer, no stream task: the running provider-service decides every
 * command) sends directory commands and is answered, with the listing and with a refusal. Two {@code Decisions}
 * on one replies topic with one topology, rather than two whole provider-services: a second service in this
 * JVM would take half the partitions and double the memory, and what is shown here (the answer is read off
 * the topic, not handed over in the JVM) does not depend on which instance decides.
 *
 * <p>Commissioners QRY and QRZ, and the providers named {@code replies-…}, are used only here.
 */
class CommandRepliesIT {

  static final String COMMISSIONER = "QRY";
  static final String PROVIDER = "replies-walks";
  static final String SERVICE = "replies-walks-green";
  /** How many accepts are timed: the first pays for a cold start (schemas registered, code not yet compiled). */
  static final int ACCEPTS = 3;

  private final RunningPlatform platform = EmbeddedPlatform.get();

  @Test
  void givenEachDecider_whenItsCommandIsAnswered_thenWhatItDecidedIsAlreadyCommitted() {
    platform.providerService().post().uri("/providers").bodyValue(Map.of("providerId", PROVIDER, "name", "Replies Walks",
            "services", List.of(Map.of("serviceId", SERVICE, "name", "Green walks", "needs", List.of("NATURE"),
                "commissioners", List.of(COMMISSIONER), "capacity", 10))))
        .exchange().expectStatus().isCreated();
    assertCommitted(Topics.PROVIDER_DIRECTORY, listing -> listing.getServiceId().equals(SERVICE));

    platform.outcomeService().put().uri("/commissioners/{c}/contracts/{id}", COMMISSIONER, "replies-tariff")
        .bodyValue(Map.of("providerId", PROVIDER, "validFrom", "2026-04-01", "validTo", "2027-03-31", "engagementFee", 20))
        .exchange().expectStatus().isOk();
    assertCommitted(Topics.FUNDING_CONTRACTS, contract -> contract.getContractId().equals("replies-tariff"));

    for (int i = 1; i <= ACCEPTS; i++) {
      String accepted = JourneyScenario.referAndAwaitOffer(platform, COMMISSIONER, List.of("NATURE"), PROVIDER);
      long started = System.nanoTime();
      platform.providerService().post().uri("/providers/{p}/referrals/{r}/accept", PROVIDER, accepted).exchange()
          .expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("ACCEPTED");
      long acceptMillis = (System.nanoTime() - started) / 1_000_000;
      assertCommitted(Topics.PROVIDER_EVENTS, event -> isAbout(event.getMetadata(), accepted)
          && event.getPayload() instanceof ReferralAccepted);
      // a figure to compare, not a bound: an accept waits for the budget's answer, so for two commits and a reply
      System.out.printf("CommandRepliesIT: accept %d of %d was answered in %d ms (HTTP, through the budget, after commit)%n",
          i, ACCEPTS, acceptMillis);
    }

    String cancelled = JourneyScenario.referAndAwaitOffer(platform, COMMISSIONER, List.of("NATURE"), PROVIDER);
    long started = System.nanoTime();
    platform.referralService().post().uri("/referrals/{r}/cancel", cancelled).bodyValue(Map.of("reason", "moved away"))
        .exchange().expectStatus().isAccepted();
    long cancelMillis = (System.nanoTime() - started) / 1_000_000;
    assertCommitted(Topics.REFERRALS, event -> isAbout(event.getMetadata(), cancelled)
        && event.getPayload() instanceof ReferralCancelled);
    System.out.printf("CommandRepliesIT: a cancel was answered in %d ms (HTTP, after commit)%n", cancelMillis);
  }

  @Test
  void givenAnotherInstancesDecisions_whenItSendsCommandsThisInstanceDecides_thenItIsAnsweredWithTheDecisionAndTheRefusal() {
    AvroSerdes serdes = new AvroSerdes(new LinkwayKafkaProperties(platform.registryUrl(), null, null, null, 0, null));
    Decisions other = new Decisions(Duration.ofSeconds(30), Topics.PROVIDER_REPLIES, KafkaPlatformConfiguration.tailReaders(
        Map.of("bootstrap.servers", platform.bootstrapServers()), serdes, Topics.PROVIDER_REPLIES, 50));
    Map<String, Object> producer = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers());
    DefaultKafkaProducerFactory<String, SpecificRecord> producers =
        new DefaultKafkaProducerFactory<>(producer, StringSerializer::new, serdes::serializer, false);
    EventPublisher publisher = new EventPublisher(new KafkaTemplate<>(producers));
    other.start();
    try {
      String serviceId = "replies-other-" + UUID.randomUUID();
      ServiceListed asked = ServiceListed.newBuilder().setMetadata(Events.metadata(ProviderServiceApplication.NAME, null, null))
          .setServiceId(serviceId).setProviderId("replies-other-walks").setProviderName("Other Walks")
          .setServiceName("Walks elsewhere").setNeeds(List.of(NeedCode.NATURE)).setCommissioners(List.of("QRZ"))
          .setCapacity(3).setStatus(ServiceStatus.ACTIVE).build();

      ServiceListed listed = ask(other, publisher, serviceId, command("replies-other-walks").setListing(asked).build());

      assertThat(listed.getServiceId()).isEqualTo(serviceId);
      assertThat(listed.getProviderId()).isEqualTo("replies-other-walks");
      assertCommitted(Topics.PROVIDER_DIRECTORY, listing -> listing.getServiceId().equals(serviceId));
      assertThatThrownBy(() -> ask(other, publisher, serviceId, command("replies-squatter").setListing(asked).build()))
          .isInstanceOf(ProblemException.Conflict.class).hasMessageContaining("belongs to another provider");
    } finally {
      other.stop();
      producers.destroy();
    }
  }

  private static DirectoryCommand.Builder command(String providerId) {
    return DirectoryCommand.newBuilder().setMetadata(Events.metadata(ProviderServiceApplication.NAME, null, null))
        .setProviderId(providerId);
  }

  private static ServiceListed ask(Decisions decisions, EventPublisher publisher, String serviceId, DirectoryCommand command) {
    return decisions.send(publisher, Topics.DIRECTORY_COMMANDS, serviceId, command, command.getMetadata().getEventId(),
        ServiceListed.class).block(Duration.ofSeconds(60));
  }

  private static boolean isAbout(EventMetadata metadata, String referralId) {
    return metadata.getReferralId() != null && metadata.getReferralId().toString().equals(referralId);
  }

  /**
   * Read at once, with no waiting: a read-committed reader reads to the last stable offset, so what it finds
   * was committed before this was called, which is after the answer came.
   */
  private <V extends SpecificRecord> void assertCommitted(Topic<V> topic, Predicate<V> decided) {
    assertThat(platform.events(topic)).as("committed on %s when the answer came", topic.name()).anyMatch(decided);
  }
}
