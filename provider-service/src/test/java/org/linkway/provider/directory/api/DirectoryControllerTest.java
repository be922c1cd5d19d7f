package org.linkway.provider.directory.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.atLeast;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import java.io.IOException;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.linkway.events.ServiceKind;
import org.linkway.events.ServiceListed;
import org.linkway.platform.kafka.EventPublisher;
import org.linkway.platform.kafka.Topics;
import org.linkway.platform.streams.ReferenceTable;
import org.linkway.platform.testing.ReferenceTables;
import org.linkway.platform.web.PageRequest;
import org.linkway.platform.web.ProblemHandler;
import org.linkway.provider.directory.stream.DirectoryCommands;
import org.mockito.ArgumentCaptor;
import org.springframework.http.MediaType;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.web.reactive.server.WebTestClient;

/** The HTTP side of the directory, with the broker and the directory table stubbed. */
class DirectoryControllerTest {

  private final Map<String, ServiceListed> listed = new HashMap<>();
  @SuppressWarnings("unchecked")
  private final KafkaTemplate<String, SpecificRecord> kafka = mock(KafkaTemplate.class);
  private WebTestClient client;
  private DirectoryService service;

  @BeforeEach
  @SuppressWarnings("unchecked")
  void setUp() {
    when(kafka.send(any(ProducerRecord.class))).thenReturn(CompletableFuture.completedFuture(null));
    ReferenceTable<ServiceListed> directory = ReferenceTables.readByKeyOnly(listed);
    DirectoryCommands decider = ImmediateDecider.over(listed::get, new EventPublisher(kafka));
    service = new DirectoryService(decider, directory);
    client = WebTestClient.bindToController(new DirectoryController(service))
        .controllerAdvice(new ProblemHandler())
        .build();
  }

  @Test
  void givenTheNorfolkDirectory_whenImported_thenEveryServiceIsPublishedUnderItsIdAndTheCountsAnswer() throws IOException {
    byte[] norfolk = Files.readAllBytes(HsdsImportTest.NORFOLK);

    client.post().uri("/providers/import").contentType(MediaType.APPLICATION_JSON).bodyValue(norfolk).exchange()
        .expectStatus().isOk()
        .expectBody()
        .jsonPath("$.organizations").isEqualTo(16)
        .jsonPath("$.services").isEqualTo(24)
        .jsonPath("$.needsMapped").value(n -> assertThat((Integer) n).isGreaterThanOrEqualTo(24))
        .jsonPath("$.unmappedTerms").value(terms -> assertThat(terms).asInstanceOf(InstanceOfAssertFactories.LIST).contains("snomedCT:871731000000106"))
        .jsonPath("$.servicesWithoutNeeds[0]").isEqualTo("norfolk-tablet-lending");

    List<ServiceListed> published = published(24);
    assertThat(published).extracting(ServiceListed::getServiceId).doesNotHaveDuplicates()
        .contains("norfolk-dereham-mens-shed", "norfolk-costessey-befriending");
  }

  @Test
  void givenAMalformedDirectory_whenImported_thenProblemJsonNamesEachBadElementAndNothingIsPublished() {
    String bad = HsdsImportTest.SMALL
        .replace("\"organization_id\": \"dereham-growers\", \"name\": \"Seed swap\"", "\"organization_id\": \"nobody\", \"name\": \"Seed swap\"")
        .replace("\"status\": \"temporarily closed\"", "\"status\": \"closed\"");

    client.post().uri("/providers/import").contentType(MediaType.APPLICATION_JSON).bodyValue(bad).exchange()
        .expectStatus().isBadRequest()
        .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody()
        .jsonPath("$.detail").isEqualTo("2 fields are invalid")
        .jsonPath("$.errors[0].field").isEqualTo("services[1].status")
        .jsonPath("$.errors[1].field").isEqualTo("services[2].organization_id");

    verifyNoInteractions(kafka);
  }

  @Test
  void givenAListedService_whenItsProviderPausesAndResumesIntake_thenTheListingIsRepublishedEachTime() {
    list(listing("wensum-walkers", "riverside-walks", false));

    client.post().uri("/providers/wensum-walkers/services/riverside-walks/pause").exchange()
        .expectStatus().isOk().expectBody().jsonPath("$.intakePaused").isEqualTo(true);
    ServiceListed paused = published(1).get(0);
    assertThat(paused.getIntakePaused()).isTrue();
    assertThat(paused.getCapacity()).isEqualTo(12);
    assertThat(paused.getMinAge()).isEqualTo(18);
    list(paused);

    client.post().uri("/providers/wensum-walkers/services/riverside-walks/resume").exchange()
        .expectStatus().isOk().expectBody().jsonPath("$.intakePaused").isEqualTo(false);
    assertThat(published(2).get(1).getIntakePaused()).isFalse();
  }

  @Test
  void givenAnUnknownService_whenPaused_thenNotFound() {
    client.post().uri("/providers/wensum-walkers/services/no-such-service/pause").exchange()
        .expectStatus().isNotFound();

    verifyNoInteractions(kafka);
  }

  @Test
  void givenAServiceOfAnotherProvider_whenPaused_thenConflict() {
    list(listing("wensum-walkers", "riverside-walks", false));

    client.post().uri("/providers/someone-else/services/riverside-walks/pause").exchange()
        .expectStatus().isEqualTo(409);

    verifyNoInteractions(kafka);
  }

  @Test
  void givenAPausedService_whenPutWithAgesButNoPause_thenTheAgesChangeAndIntakeStaysPaused() {
    list(listing("wensum-walkers", "riverside-walks", true));

    client.put().uri("/providers/wensum-walkers/services/riverside-walks").contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("name", "Riverside walks", "needs", List.of("PHYSICAL_ACTIVITY"), "commissioners", List.of("QMM"),
            "capacity", 12, "minAge", 50, "maxAge", 90))
        .exchange()
        .expectStatus().isOk()
        .expectBody().jsonPath("$.minAge").isEqualTo(50).jsonPath("$.maxAge").isEqualTo(90).jsonPath("$.intakePaused").isEqualTo(true);

    ServiceListed put = published(1).get(0);
    assertThat(put.getMinAge()).isEqualTo(50);
    assertThat(put.getMaxAge()).isEqualTo(90);
    assertThat(put.getIntakePaused()).isTrue();
  }

  @Test
  void givenAProvidersListing_whenItNamesAnIcbThatHasNotListedIt_thenForbiddenNamingCommissionersAndNothingIsPublished() {
    list(listing("wensum-walkers", "riverside-walks", false));

    client.put().uri("/providers/wensum-walkers/services/riverside-walks").contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("name", "Riverside walks", "needs", List.of("PHYSICAL_ACTIVITY"), "commissioners", List.of("QMM", "QUE"),
            "capacity", 1_000_000))
        .exchange()
        .expectStatus().isForbidden()
        .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody().jsonPath("$.errors[0].field").isEqualTo("commissioners");

    verifyNoInteractions(kafka);
  }

  @Test
  void givenAProvidersNewService_whenListedWithoutCommissioners_thenItIsListedForNone() {
    list(listing("wensum-walkers", "riverside-walks", false));

    client.put().uri("/providers/wensum-walkers/services/canal-walks").contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("name", "Canal walks", "needs", List.of("PHYSICAL_ACTIVITY"), "capacity", 8))
        .exchange()
        .expectStatus().isOk()
        .expectBody().jsonPath("$.commissioners").isEmpty();

    assertThat(published(1).get(0).getCommissioners()).isEmpty();
  }

  @Test
  void givenAListedService_whenAnIcbListsAndUnlistsIt_thenEachChangeIsPublishedAndTheRestStays() {
    list(listing("wensum-walkers", "riverside-walks", true));

    client.put().uri("/providers/wensum-walkers/services/riverside-walks/commissioners/QUE").exchange()
        .expectStatus().isOk().expectBody().jsonPath("$.commissioners").value(c -> assertThat(c.toString()).contains("QMM", "QUE"));
    ServiceListed listedByQue = published(1).get(0);
    assertThat(listedByQue.getCommissioners()).containsExactly("QMM", "QUE");
    assertThat(listedByQue.getIntakePaused()).isTrue();
    list(listedByQue);

    client.delete().uri("/providers/wensum-walkers/services/riverside-walks/commissioners/QMM").exchange()
        .expectStatus().isOk();
    assertThat(published(2).get(1).getCommissioners()).containsExactly("QUE");
  }

  @Test
  void givenANewProviderWithAMaximumAgeBelowItsMinimum_whenRegistered_thenTheMaximumIsNamed() {
    client.post().uri("/providers").contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("providerId", "acle-youth", "name", "Acle Youth", "services", List.of(Map.of(
            "serviceId", "acle-youth-club", "name", "Youth club", "needs", List.of("LONELINESS"),
            "commissioners", List.of("QMM"), "capacity", 10, "minAge", 25, "maxAge", 11))))
        .exchange()
        .expectStatus().isBadRequest()
        .expectBody().jsonPath("$.errors[0].field").isEqualTo("services[0].maxAge");

    verifyNoInteractions(kafka);
  }

  @Test
  void givenANewProviderWithAgesAndPausedIntake_whenRegistered_thenTheListingCarriesThem() {
    client.post().uri("/providers").contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("providerId", "acle-youth", "name", "Acle Youth", "services", List.of(Map.of(
            "serviceId", "acle-youth-club", "name", "Youth club", "needs", List.of("LONELINESS"),
            "commissioners", List.of("QMM"), "capacity", 10, "minAge", 11, "maxAge", 18, "intakePaused", true))))
        .exchange()
        .expectStatus().isCreated();

    ServiceListed registered = published(1).get(0);
    assertThat(registered.getMinAge()).isEqualTo(11);
    assertThat(registered.getMaxAge()).isEqualTo(18);
    assertThat(registered.getIntakePaused()).isTrue();
  }

  @Test
  void givenListedServices_whenTheDirectoryIsRead_thenAgesAndIntakePauseAreShown() {
    list(listing("wensum-walkers", "riverside-walks", true));

    client.get().uri("/providers").exchange()
        .expectStatus().isOk()
        .expectBody()
        .jsonPath("$[0].services[0].minAge").isEqualTo(18)
        .jsonPath("$[0].services[0].maxAge").doesNotExist()
        .jsonPath("$[0].services[0].intakePaused").isEqualTo(true);
  }

  @Test
  void givenFiveProviders_whenTheDirectoryIsReadTwoAtATime_thenEachPageLinksTheNextAndTogetherTheyHoldEveryProviderOnce() {
    for (String provider : List.of("e-walkers", "a-walkers", "c-walkers", "d-walkers", "b-walkers")) {
      list(WalksListing.of(provider, provider + "-hill").setProviderName("Provider " + provider).build());
      list(WalksListing.of(provider, provider + "-river").setProviderName("Provider " + provider).build());
    }

    List<String> read = new java.util.ArrayList<>();
    String path = "/providers?limit=2";
    List<String> links = new java.util.ArrayList<>();
    while (path != null) {
      var page = client.get().uri(path).exchange().expectStatus().isOk().expectBody(List.class).returnResult();
      for (Object provider : page.getResponseBody()) {
        Map<?, ?> p = (Map<?, ?>) provider;
        read.add(p.get("providerId") + " " + p.get("name") + " "
            + ((List<?>) p.get("services")).stream().map(svc -> ((Map<?, ?>) svc).get("serviceId")).toList());
      }
      String link = page.getResponseHeaders().getFirst(org.springframework.http.HttpHeaders.LINK);
      links.add(link);
      path = link == null ? null : link.substring(1, link.indexOf('>'));
    }

    assertThat(read).containsExactly(
        "a-walkers Provider a-walkers [a-walkers-hill, a-walkers-river]",
        "b-walkers Provider b-walkers [b-walkers-hill, b-walkers-river]",
        "c-walkers Provider c-walkers [c-walkers-hill, c-walkers-river]",
        "d-walkers Provider d-walkers [d-walkers-hill, d-walkers-river]",
        "e-walkers Provider e-walkers [e-walkers-hill, e-walkers-river]");
    assertThat(links).containsExactly("</providers?after=b-walkers&limit=2>; rel=\"next\"",
        "</providers?after=d-walkers&limit=2>; rel=\"next\"", null);
    client.get().uri("/providers").exchange().expectStatus().isOk().expectHeader().doesNotExist("Link")
        .expectBody().jsonPath("$.length()").isEqualTo(5);
  }

  /** What the provider's services page reads: its own services by the index by provider, one of them by key. */
  @Test
  void givenServicesOfTwoProviders_whenOneProvidersOwnAreRead_thenItGetsItsOwnByIdAndNoOneElses() {
    list(WalksListing.of("a-walkers", "svc-2").build());
    list(WalksListing.of("b-walkers", "svc-3").build());
    list(WalksListing.of("a-walkers", "svc-1").build());

    assertThat(service.services("a-walkers", new PageRequest(null, 10)).services())
        .extracting(DirectoryService.ServiceView::serviceId).containsExactly("svc-1", "svc-2");
    DirectoryService.ServicesPage first = service.services("a-walkers", new PageRequest(null, 1));
    assertThat(first.services()).extracting(DirectoryService.ServiceView::serviceId).containsExactly("svc-1");
    assertThat(first.next()).isEqualTo("svc-1");
    DirectoryService.ServicesPage second = service.services("a-walkers", new PageRequest(first.next(), 1));
    assertThat(second.services()).extracting(DirectoryService.ServiceView::serviceId).containsExactly("svc-2");
    assertThat(second.next()).isNull();
    assertThat(service.services("c-walkers", new PageRequest(null, 10)).services()).isEmpty();
    assertThat(service.service("a-walkers", "svc-1")).map(DirectoryService.ServiceView::serviceId).contains("svc-1");
    assertThat(service.service("a-walkers", "svc-3")).as("another provider's").isEmpty();
    assertThat(service.service("a-walkers", "svc-9")).isEmpty();
  }

  /** What the local sign-in page offers as demo parties: the first providers, each once, by id, with its name. */
  @Test
  void givenProvidersOfSeveralServices_whenTheirNamesAreRead_thenEachProviderOnceByIdUpToTheLimit() {
    list(WalksListing.of("b-walkers", "svc-3").setProviderName("B Walkers").build());
    list(WalksListing.of("a-walkers", "svc-2").build());
    list(WalksListing.of("a-walkers", "svc-1").build());
    list(WalksListing.of("c-walkers", "svc-4").build());

    assertThat(service.providerNames(2)).containsExactly(Map.entry("a-walkers", "Wensum Walkers"), Map.entry("b-walkers", "B Walkers"));
    assertThat(service.providerNames(10)).containsOnlyKeys("a-walkers", "b-walkers", "c-walkers");
  }

  @Test
  void givenALinkWorkerService_whenRegistered_thenTheListingCarriesItsKindAndPracticesAndNeedsNoNeeds() {
    client.post().uri("/providers").contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("providerId", "city-pcn", "name", "City PCN", "services", List.of(Map.of(
            "serviceId", "city-pcn-link-workers", "name", "Social prescribing link workers", "kind", "LINK_WORKER",
            "practices", List.of("D82044", "D82001"), "commissioners", List.of("QMM"), "capacity", 120))))
        .exchange()
        .expectStatus().isCreated()
        .expectBody().jsonPath("$.services[0].kind").isEqualTo("LINK_WORKER")
        .jsonPath("$.services[0].practices[1]").isEqualTo("D82001");

    ServiceListed registered = published(1).get(0);
    assertThat(registered.getKind()).isEqualTo(ServiceKind.LINK_WORKER);
    assertThat(registered.getPractices()).containsExactly("D82044", "D82001");
    assertThat(registered.getNeeds()).isEmpty();
  }

  @Test
  void givenLinkWorkerListingsThatCannotBe_whenRegistered_thenEachBadFieldIsNamedAndNothingIsPublished() {
    Map<String, Object> noPractices = Map.of("serviceId", "lw-none", "name", "Link workers", "kind", "LINK_WORKER",
        "commissioners", List.of("QMM"), "capacity", 10);
    Map<String, Object> communityWithPractices = Map.of("serviceId", "walks-with-practices", "name", "Walks",
        "needs", List.of("PHYSICAL_ACTIVITY"), "practices", List.of("D82044"), "commissioners", List.of("QMM"), "capacity", 10);
    Map<String, Object> badCodes = Map.of("serviceId", "lw-bad", "name", "Link workers", "kind", "LINK_WORKER",
        "practices", List.of("D82044", "QMM", "D82044"), "commissioners", List.of("QMM"), "capacity", 10);
    Map<String, Object> badKind = Map.of("serviceId", "lw-kind", "name", "Link workers", "kind", "SPLW",
        "needs", List.of("LONELINESS"), "commissioners", List.of("QMM"), "capacity", 10);

    client.post().uri("/providers").contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("providerId", "city-pcn", "name", "City PCN",
            "services", List.of(noPractices, communityWithPractices, badCodes, badKind)))
        .exchange()
        .expectStatus().isBadRequest()
        .expectBody().jsonPath("$.errors[*].field").value(fields -> assertThat(fields).asInstanceOf(InstanceOfAssertFactories.LIST)
            .containsExactly("services[0].practices", "services[1].practices", "services[2].practices[1]",
                "services[2].practices[2]", "services[3].kind"));

    verifyNoInteractions(kafka);
  }

  @Test
  void givenALinkWorkerService_whenItsProviderChangesItsPlacesAlone_thenItStaysALinkWorkerServiceForTheSamePractices() {
    list(linkWorkers());

    client.put().uri("/providers/city-pcn/services/city-pcn-link-workers").contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("name", "Social prescribing link workers", "capacity", 150))
        .exchange()
        .expectStatus().isOk()
        .expectBody().jsonPath("$.kind").isEqualTo("LINK_WORKER").jsonPath("$.capacity").isEqualTo(150);

    ServiceListed changed = published(1).get(0);
    assertThat(changed.getKind()).isEqualTo(ServiceKind.LINK_WORKER);
    assertThat(changed.getPractices()).containsExactly("D82044");
    assertThat(changed.getCapacity()).isEqualTo(150);
  }

  @Test
  void givenAProvider_whenItMakesItsServiceALinkWorkerServiceOrAddsAPractice_thenForbiddenNamingTheFieldAndNothingIsPublished() {
    list(listing("wensum-walkers", "riverside-walks", false));
    list(linkWorkers());

    // a community provider claiming a practice's referrals before any community service sees them
    client.put().uri("/providers/wensum-walkers/services/riverside-walks").contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("name", "Riverside walks", "kind", "LINK_WORKER", "practices", List.of("D82044"), "capacity", 5))
        .exchange()
        .expectStatus().isForbidden()
        .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody().jsonPath("$.errors[0].field").isEqualTo("kind");
    // a link worker service taking another practice's referrals
    client.put().uri("/providers/city-pcn/services/city-pcn-link-workers").contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("name", "Social prescribing link workers", "practices", List.of("D82044", "D82099"), "capacity", 120))
        .exchange()
        .expectStatus().isForbidden()
        .expectBody().jsonPath("$.errors[0].field").isEqualTo("practices");

    verifyNoInteractions(kafka);
  }

  @Test
  void givenABadCursorOrLimit_whenTheDirectoryIsRead_thenProblemJsonNamesIt() {
    client.get().uri("/providers?after=Not%20An%20Id").exchange().expectStatus().isBadRequest()
        .expectBody().jsonPath("$.errors[0].field").isEqualTo("after");
    client.get().uri("/providers?limit=501").exchange().expectStatus().isBadRequest()
        .expectBody().jsonPath("$.errors[0].field").isEqualTo("limit");
  }

  // ---------------------------------------------------------------------------------------------

  private void list(ServiceListed listing) {
    listed.put(listing.getServiceId(), listing);
  }

  private List<ServiceListed> published(int atLeast) {
    @SuppressWarnings("unchecked")
    ArgumentCaptor<ProducerRecord<String, SpecificRecord>> captor = ArgumentCaptor.forClass(ProducerRecord.class);
    verify(kafka, atLeast(atLeast)).send(captor.capture());
    List<ProducerRecord<String, SpecificRecord>> records = captor.getAllValues();
    assertThat(records).extracting(ProducerRecord::topic).containsOnly(Topics.PROVIDER_DIRECTORY.name());
    List<ServiceListed> listings = records.stream().map(ProducerRecord::value).map(ServiceListed.class::cast).toList();
    assertThat(listings).hasSize(atLeast);
    assertThat(records.stream().map(ProducerRecord::key).toList())
        .isEqualTo(listings.stream().map(ServiceListed::getServiceId).toList());
    return listings;
  }

  private static ServiceListed linkWorkers() {
    return WalksListing.of("city-pcn", "city-pcn-link-workers").setServiceName("Social prescribing link workers")
        .setNeeds(List.of()).setKind(ServiceKind.LINK_WORKER).setPractices(List.of("D82044")).setCapacity(120).build();
  }

  private static ServiceListed listing(String providerId, String serviceId, boolean paused) {
    return WalksListing.of(providerId, serviceId).setMinAge(18).setIntakePaused(paused).build();
  }
}
