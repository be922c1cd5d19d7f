package org.linkway.provider.offers.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BiPredicate;
import java.util.function.Predicate;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.linkway.events.NeedCode;
import org.linkway.events.Patient;
import org.linkway.events.ReferralOffered;
import org.linkway.events.ServiceKind;
import org.linkway.events.ServiceListed;
import org.linkway.events.ServiceStatus;
import org.linkway.platform.kafka.Events;
import org.linkway.platform.kafka.EventPublisher;
import org.linkway.platform.people.Identities;
import org.linkway.platform.security.LiveStreams;
import org.linkway.platform.streams.Decisions;
import org.linkway.platform.streams.PartyView;
import org.linkway.platform.streams.StoreQueries;
import org.linkway.platform.testing.Problems;
import org.linkway.platform.testing.SelfDescribingAvro;
import org.linkway.platform.web.ProblemHandler;
import org.linkway.provider.offers.api.OfferService.OfferView;
import org.linkway.provider.offers.stream.ArchivedOffer;
import org.linkway.provider.offers.stream.OfferFeed;
import org.linkway.provider.offers.stream.OfferProcessor;
import org.linkway.provider.offers.stream.ProviderOffers;
import org.linkway.state.OfferState;
import org.linkway.state.OfferStatus;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * GET /providers/{providerId}/referrals: one page of the provider's queue, oldest first, the page after linked from the
 * {@code Link} header. With {@code ?status=}, read from the provider's list of that status ({@link ProviderOffers#BY_STATUS},
 * stubbed), never the provider's whole list filtered; a status that is none is a 400 naming the field. And the
 * inbox's lists ({@link OfferService#newestFirst}): newest first across their statuses, a page at a time.
 */
class ProviderQueueControllerTest {

  private static final Instant MORNING = Instant.parse("2026-11-02T09:00:00Z");

  private final StoreQueries stores = mock(StoreQueries.class);
  private final KeyValueStore<String, OfferState> all = store(ProviderOffers.STORE);
  private final KeyValueStore<String, OfferState> byStatus = store(ProviderOffers.BY_STATUS.store());
  private final java.util.Map<String, ServiceListed> directory = new java.util.HashMap<>();
  private OfferService offers;
  private WebTestClient client;
  private int made;

  @BeforeEach
  void setUp() {
    answerPages(ProviderOffers.STORE, all);
    answerPages(ProviderOffers.BY_STATUS.store(), byStatus);
    doAnswer(call -> {
      assertInPartition(call.getArgument(1), call.getArgument(2));
      BiPredicate<String, OfferState> action = call.getArgument(5);
      StoreQueries.scan(byStatus, call.<String>getArgument(2), call.getArgument(3), call.<Boolean>getArgument(4), action);
      return null;
    }).when(stores).scan(eq(ProviderOffers.BY_STATUS.store()), anyString(), anyString(), any(), anyBoolean(), any());
    offers = new OfferService(stores, mock(EventPublisher.class), mock(Decisions.class), mock(Identities.class),
        org.linkway.platform.testing.ReferenceTables.readByKeyOnly(directory));
    client = WebTestClient.bindToController(new ProviderQueueController(offers, mock(OfferFeed.class), mock(LiveStreams.class)))
        .controllerAdvice(new ProblemHandler())
        .build();
  }

  @Test
  void givenAHistoryOfEndedOffers_whenTheQueueIsAskedForOneStatus_thenOnlyThatStatusListIsReadOldestFirstAPageAtATime() {
    List<UUID> declined = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      offer("prov-1", OfferStatus.COMPLETED);
      declined.add(offer("prov-1", OfferStatus.DECLINED));
      offer("prov-2", OfferStatus.DECLINED);
    }
    offer("prov-1", OfferStatus.OFFERED);

    EntityExchangeResult<List<OfferView>> one = fetch("/providers/prov-1/referrals?status=DECLINED&limit=2");
    EntityExchangeResult<List<OfferView>> two = fetch(next(one));
    EntityExchangeResult<List<OfferView>> three = fetch(next(two));

    assertThat(ids(one)).containsExactly(declined.get(0), declined.get(1));
    assertThat(ids(two)).containsExactly(declined.get(2), declined.get(3));
    assertThat(ids(three)).containsExactly(declined.get(4));
    assertThat(three.getResponseHeaders().get(HttpHeaders.LINK)).isNull();
    assertThat(next(one)).startsWith("/providers/prov-1/referrals?").contains("status=DECLINED", "limit=2", "after=");
    verify(stores, never()).page(eq(ProviderOffers.STORE), anyString(), anyString(), any(), anyInt(), any());
  }

  @Test
  void givenOffersInSeveralStatuses_whenTheQueueIsAskedForNone_thenEveryOfferOfTheProviderOldestFirst() {
    UUID first = offer("prov-1", OfferStatus.COMPLETED);
    UUID second = offer("prov-1", OfferStatus.OFFERED);
    offer("prov-2", OfferStatus.OFFERED);
    UUID third = offer("prov-1", OfferStatus.ACCEPTED);

    assertThat(ids(fetch("/providers/prov-1/referrals"))).containsExactly(first, second, third);
  }

  @Test
  void givenPrescriptionsThatCannotBe_whenSent_thenEachIsABadRequestNamingTheFieldBeforeAnyOfferIsRead() {
    directory.put("lw", listing("lw", NeedCode.LONELINESS).setKind(ServiceKind.LINK_WORKER).build());
    directory.put("walks-paused", listing("walks-paused", NeedCode.PHYSICAL_ACTIVITY).setIntakePaused(true).build());
    directory.put("walks", listing("walks", NeedCode.PHYSICAL_ACTIVITY).build());
    String at = "/providers/prov-1/referrals/" + UUID.randomUUID() + "/prescriptions";

    java.util.function.BiConsumer<String, String> refused = (body, field) -> Problems.assertOneInvalidField(
        client.post().uri(at).header("Idempotency-Key", "k-1").contentType(MediaType.APPLICATION_JSON).bodyValue(body)
            .exchange(), field, reason -> assertThat(reason).isNotBlank());
    refused.accept("{\"needs\": []}", "needs");
    refused.accept("{\"needs\": [\"UNKNOWN\"]}", "needs[0]");
    refused.accept("{\"needs\": [\"LONELINESS\"], \"serviceId\": \"lw\"}", "serviceId");
    refused.accept("{\"needs\": [\"PHYSICAL_ACTIVITY\"], \"serviceId\": \"walks-paused\"}", "serviceId");
    refused.accept("{\"needs\": [\"LONELINESS\"], \"serviceId\": \"walks\"}", "serviceId");
    refused.accept("{\"needs\": [\"LONELINESS\"], \"serviceId\": \"nobody\"}", "serviceId");
    Problems.assertOneInvalidField(client.post().uri(at).contentType(MediaType.APPLICATION_JSON)
        .bodyValue("{\"needs\": [\"PHYSICAL_ACTIVITY\"], \"serviceId\": \"walks\"}").exchange(), "Idempotency-Key",
        reason -> assertThat(reason).contains("required"));
    verify(stores, never()).get(anyString(), anyString());
  }

  private static ServiceListed.Builder listing(String serviceId, NeedCode need) {
    return ServiceListed.newBuilder().setMetadata(Events.metadata("provider-service", null, null)).setServiceId(serviceId)
        .setProviderId("prov-" + serviceId).setProviderName("Provider").setServiceName(serviceId).setNeeds(List.of(need))
        .setCommissioners(List.of("QMM")).setCapacity(5).setStatus(ServiceStatus.ACTIVE);
  }

  @Test
  void givenAStatusThatIsNone_whenTheQueueIsAsked_thenBadRequestNamingTheStatus() {
    Problems.assertOneInvalidField(client.get().uri("/providers/prov-1/referrals?status=LOST").exchange(), "status",
        reason -> assertThat(reason).contains("OFFERED", "COMPLETED"));
  }

  @Test
  void givenOffersInEveryStatus_whenTheInboxListsAreRead_thenEachIsItsStatusesNewestFirstAPageAtATime() {
    List<UUID> ended = new ArrayList<>();
    List<UUID> active = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      ended.add(0, offer("prov-1", i % 2 == 0 ? OfferStatus.DECLINED : OfferStatus.CANCELLED));
      active.add(0, offer("prov-1", i % 2 == 0 ? OfferStatus.ACCEPTED : OfferStatus.ACCEPTING));
      ended.add(0, offer("prov-1", OfferStatus.COMPLETED));
      offer("prov-1", OfferStatus.OFFERED);
      offer("prov-2", OfferStatus.COMPLETED);
    }

    OfferService.QueuePage first = offers.newestFirst("prov-1", ProviderOffers.ENDED, null, 5);
    OfferService.QueuePage rest = offers.newestFirst("prov-1", ProviderOffers.ENDED, first.next(), 5);

    assertThat(first.offers()).extracting(OfferView::referralId).containsExactlyElementsOf(ended.subList(0, 5));
    assertThat(first.next()).matches(PartyView.CURSOR);
    assertThat(rest.offers()).extracting(OfferView::referralId).containsExactlyElementsOf(ended.subList(5, 8));
    assertThat(rest.next()).isNull();
    assertThat(offers.newestFirst("prov-1", ProviderOffers.ACTIVE, null, 50).offers()).extracting(OfferView::referralId)
        .containsExactlyElementsOf(active);
    assertThat(offers.waiting("prov-1", 2)).hasSize(2).allSatisfy(s -> assertThat(s.getStatus()).isEqualTo(OfferStatus.OFFERED));
  }

  @Test
  void givenAnOfferThatEndedAndWasArchived_whenItsProviderActsOnIt_thenGoneSayingWhenItEndedAndWasArchived() {
    String referralId = UUID.randomUUID().toString();
    when(stores.get(OfferProcessor.STORE, referralId)).thenReturn(Optional.empty());
    when(stores.get(OfferProcessor.ARCHIVE, referralId)).thenReturn(Optional.of(new ArchivedOffer(MORNING,
        MORNING.plus(Duration.ofDays(90)), "COMPLETED", "prov-1", "svc-prov-1", 1).text()));

    client.post().uri("/providers/prov-1/referrals/{r}/complete", referralId)
        .bodyValue(Map.of("completion", "COMPLETED")).exchange()
        .expectStatus().isEqualTo(HttpStatus.GONE)
        .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody().jsonPath("$.detail").value(detail -> assertThat((String) detail)
            .contains(referralId, "ended (COMPLETED) on 2026-11-02", "archived 90 days later, on 2027-01-31"));
    assertThat(offers.archived("prov-1", referralId)).isPresent();
    // another provider is not told of it: not found, as if it had never been offered to it
    client.post().uri("/providers/prov-2/referrals/{r}/decline", referralId)
        .bodyValue(Map.of("reason", "CAPACITY")).exchange().expectStatus().isNotFound();
    assertThat(offers.archived("prov-2", referralId)).isEmpty();
  }

  @Test
  void givenOffersOfSeveralProviders_whenAProviderReadsOneOfItsOwn_thenItAsItStandsAndAnotherProvidersIsNotFound() {
    UUID accepted = offer("prov-1", OfferStatus.ACCEPTED);
    String referralId = accepted.toString();
    when(stores.get(OfferProcessor.STORE, referralId)).thenReturn(Optional.of(stateOf(accepted)));
    when(stores.get(OfferProcessor.ARCHIVE, referralId)).thenReturn(Optional.empty());

    client.get().uri("/providers/prov-1/referrals/{r}", referralId).exchange()
        .expectStatus().isOk()
        .expectBody().jsonPath("$.referralId").isEqualTo(referralId).jsonPath("$.status").isEqualTo("ACCEPTED")
        .jsonPath("$.sessionsAttended").isEqualTo(0);
    client.get().uri("/providers/prov-2/referrals/{r}", referralId).exchange()
        .expectStatus().isNotFound()
        .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
  }

  @Test
  void givenAnOfferThatEndedAndWasArchived_whenItsProviderReadsIt_thenGone() {
    String referralId = UUID.randomUUID().toString();
    when(stores.get(OfferProcessor.STORE, referralId)).thenReturn(Optional.empty());
    when(stores.get(OfferProcessor.ARCHIVE, referralId)).thenReturn(Optional.of(new ArchivedOffer(MORNING,
        MORNING.plus(Duration.ofDays(90)), "COMPLETED", "prov-1", "svc-prov-1", 1).text()));

    client.get().uri("/providers/prov-1/referrals/{r}", referralId).exchange()
        .expectStatus().isEqualTo(HttpStatus.GONE)
        .expectBody().jsonPath("$.detail").value(detail -> assertThat((String) detail).contains(referralId, "COMPLETED"));
    client.get().uri("/providers/prov-2/referrals/{r}", referralId).exchange().expectStatus().isNotFound();
  }

  /** The offer made by {@link #offer} with that id, as the offers' store holds it. */
  private OfferState stateOf(UUID referralId) {
    try (var it = all.all()) {
      while (it.hasNext()) {
        OfferState state = it.next().value;
        if (state.getReferralId().equals(referralId)) return state;
      }
    }
    throw new IllegalArgumentException("no offer " + referralId);
  }

  /** An offer of the provider in that status, a minute after the one before, in both its lists. */
  private UUID offer(String provider, OfferStatus status) {
    UUID id = UUID.randomUUID();
    OfferState state = OfferState.newBuilder().setReferralId(id).setStatus(status)
        .setOffer(ReferralOffered.newBuilder().setProviderId(provider).setServiceId("svc-" + provider).setAttempt(1)
            .setNeedsMet(List.of(NeedCode.LONELINESS)).setCommissioner("QMM").setPersonId("p-0123456789abcdef")
            .setNeeds(List.of(NeedCode.LONELINESS))
            .setPatient(new Patient("9434765919", "Ada", "Lovelace", LocalDate.of(1950, 12, 10), "NR1 3SR", null, null))
            .build())
        .setOfferedAt(MORNING.plusSeconds(60L * made++)).build();
    all.put(ProviderOffers.VIEW.keyOf(state), state);
    byStatus.put(ProviderOffers.BY_STATUS.keyOf(state), state);
    return id;
  }

  private void answerPages(String name, KeyValueStore<String, OfferState> store) {
    when(stores.page(eq(name), anyString(), anyString(), any(), anyInt(), any())).thenAnswer(call -> {
      assertInPartition(call.getArgument(1), call.getArgument(2));
      Predicate<OfferState> filter = call.getArgument(5);
      return StoreQueries.page(store, call.<String>getArgument(2), call.getArgument(3), call.<Integer>getArgument(4), filter);
    });
  }

  /** A provider's lists are read in the partition of the provider. */
  private static void assertInPartition(String partitionKey, String prefix) {
    assertThat(prefix).startsWith(PartyView.prefix(partitionKey));
  }

  private static KeyValueStore<String, OfferState> store(String name) {
    KeyValueStore<String, OfferState> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name),
        Serdes.String(), SelfDescribingAvro.serdes().forValues(OfferState.class)).withLoggingDisabled().build();
    store.init(new MockProcessorContext<Void, Void>().getStateStoreContext(), store);
    return store;
  }

  private EntityExchangeResult<List<OfferView>> fetch(String uri) {
    return client.get().uri(URI.create(uri)).exchange().expectStatus().isOk().expectBodyList(OfferView.class).returnResult();
  }

  private static String next(EntityExchangeResult<?> result) {
    String link = result.getResponseHeaders().getFirst(HttpHeaders.LINK);
    assertThat(link).as("a Link to the next page").isNotNull().endsWith(">; rel=\"next\"");
    return link.substring(1, link.indexOf('>'));
  }

  private static List<UUID> ids(EntityExchangeResult<List<OfferView>> result) {
    return result.getResponseBody().stream().map(OfferView::referralId).toList();
  }
}
