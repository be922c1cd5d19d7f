package org.linkway.outcome.opendata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.linkway.outcome.opendata.Referrals.NOV_2026;
import static org.linkway.outcome.opendata.Referrals.submitted;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.isNull;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.linkway.platform.testing.SettableClock;
import org.linkway.events.NeedCode;
import org.linkway.platform.streams.StoreQueries;
import org.linkway.platform.web.ProblemException;
import org.linkway.platform.web.ProblemHandler;
import org.linkway.state.FundingState;
import org.linkway.state.OpenDataEntry;
import org.linkway.state.ReferralStatus;
import org.mockito.stubbing.OngoingStubbing;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** The open-data endpoints, with the months' cells stubbed (summed from funding states) and the clock set to 5 December 2026. */
class OpenDataControllerTest {

  private static final String NOVEMBER_CSV = OpenDataCsvTest.HEADER + "\r\n"
      + "QMM,ALL,LONELINESS,2026-11,5,5,5,*,*,*,*,*\r\n"
      + "QMM,wensum-walkers,LONELINESS,2026-11,5,5,5,*,*,*,*,*\r\n"
      + "QOC,ALL,NATURE,2026-11,*,*,*,*,*,*,*,*\r\n"
      + "QOC,none,NATURE,2026-11,*,*,*,*,*,*,*,*\r\n";

  private final List<FundingState> store = new CopyOnWriteArrayList<>();
  /** The threads the store was read on. */
  private final List<String> scans = new CopyOnWriteArrayList<>();
  private final StoreQueries stores = mock(StoreQueries.class);
  private final SettableClock clock = new SettableClock(Instant.parse("2026-12-05T10:00:00Z"));
  private final List<Referrals> november = new ArrayList<>();
  private OpenDataReleases releases;
  private WebTestClient client;

  @BeforeEach
  void setUp() {
    // a build reads one month's cells: each read is a build
    whenAMonthsCellsAreRead().thenAnswer(call -> {
      scans.add(Thread.currentThread().getName());
      return cells(call.getArgument(1));
    });
    when(stores.<OpenDataEntry>page(eq(OpenDataEntries.MONTHS), eq(OpenDataEntries.KEY), eq("open-data|"), isNull(), eq(1),
        any())).thenAnswer(call -> new StoreQueries.Page<>(entries().stream().limit(1).toList(), null));
    for (int i = 0; i < 7; i++) {
      Referrals r = submitted("QMM", NOV_2026, NeedCode.LONELINESS).accepted("wensum-walkers");
      if (i < 5) r.completed(i == 0);
      november.add(r);
    }
    november.add(submitted("QOC", NOV_2026, NeedCode.NATURE));
    november.forEach(r -> store.add(r.build()));
    startService();
  }

  private OngoingStubbing<Map<String, String>> whenAMonthsCellsAreRead() {
    return when(stores.<String>entriesWithPrefix(eq(OpenDataEntries.CELLS.store()), anyString(), anyString()));
  }

  /** The store's referrals as the open-data entries hold them ({@link OpenDataEntries}), in key order. */
  private List<OpenDataEntry> entries() {
    return store.stream().map(OpenDataTable::entry).flatMap(Optional::stream)
        .sorted(Comparator.comparing((OpenDataEntry e) -> e.getMonth()).thenComparing(e -> e.getReferralId().toString()))
        .toList();
  }

  /** One month's cells as the tally holds them, by the rest of their keys: summed from the month's entries. */
  private Map<String, String> cells(String month) {
    Map<String, List<BigDecimal>> sums = new TreeMap<>();
    entries().stream().filter(e -> e.getMonth().equals(month)).forEach(e -> OpenDataEntries.cells(e).forEach((cell, n) ->
        sums.merge(cell, n, (a, b) -> IntStream.range(0, a.size()).mapToObj(i -> a.get(i).add(b.get(i))).toList())));
    Map<String, String> cells = new TreeMap<>();
    sums.forEach((cell, n) -> cells.put(cell, String.join(";", n.stream().map(BigDecimal::toPlainString).toList())));
    return cells;
  }

  /** A new outcome-service over the same store (as after a restart). */
  private void startService() {
    releases = new OpenDataReleases(stores, clock, Duration.ofDays(2));
    client = WebTestClient.bindToController(new OpenDataController(releases))
        .controllerAdvice(new ProblemHandler())
        .build();
  }

  @AfterEach
  void noScanOnTheRequestThread() {
    assertThat(scans).allSatisfy(thread -> assertThat(thread).startsWith("boundedElastic-"));
  }

  @Test
  void givenReferralsInTheStore_whenTheCsvIsFetched_thenItIsTheLastClosedMonthsReleaseAsTextCsv() {
    String csv = client.get().uri("/open-data/outcomes.csv").exchange()
        .expectStatus().isOk()
        .expectHeader().contentTypeCompatibleWith(new MediaType("text", "csv"))
        .expectHeader().value(HttpHeaders.CONTENT_DISPOSITION, d -> assertThat(d).contains("linkway-outcomes-2026-11.csv"))
        .expectHeader().value(HttpHeaders.CACHE_CONTROL, c -> assertThat(c).contains("public"))
        .expectBody(String.class).returnResult().getResponseBody();

    assertThat(csv).isEqualTo(NOVEMBER_CSV);
  }

  @Test
  void givenACommissioner_whenTheCsvIsFetchedForIt_thenOnlyItsRows() {
    String csv = client.get().uri("/open-data/outcomes.csv?commissioner=QOC").exchange()
        .expectStatus().isOk()
        .expectBody(String.class).returnResult().getResponseBody();

    assertThat(csv).isEqualTo(OpenDataCsvTest.HEADER + "\r\n"
        + "QOC,ALL,NATURE,2026-11,*,*,*,*,*,*,*,*\r\n"
        + "QOC,none,NATURE,2026-11,*,*,*,*,*,*,*,*\r\n");
    assertThat(client.get().uri("/open-data/outcomes.csv?commissioner=QXX").exchange()
        .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody())
        .isEqualTo(OpenDataCsvTest.HEADER + "\r\n");
  }

  @Test
  void givenReferralsInTheStore_whenTheJsonIsFetched_thenSuppressedCountsAreNullAndFlagged() {
    client.get().uri("/open-data/outcomes").exchange()
        .expectStatus().isOk()
        .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
        .expectBody()
        .jsonPath("$.length()").isEqualTo(4)
        .jsonPath("$[1].commissioner").isEqualTo("QMM")
        .jsonPath("$[1].provider").isEqualTo("wensum-walkers")
        .jsonPath("$[1].need").isEqualTo("LONELINESS")
        .jsonPath("$[1].month").isEqualTo("2026-11")
        .jsonPath("$[1].referrals.value").isEqualTo(5)
        .jsonPath("$[1].referrals.suppressed").isEqualTo(false)
        .jsonPath("$[1].droppedOut.suppressed").isEqualTo(true)
        .jsonPath("$[1].improved.suppressed").isEqualTo(true)
        .jsonPath("$[1].improved").value(improved -> assertThat(improved).asString().contains("value=null"))
        .jsonPath("$[0].provider").isEqualTo("ALL")
        .jsonPath("$[3].referrals.suppressed").isEqualTo(true)
        .jsonPath("$[3].provider").isEqualTo("none");
  }

  @Test
  void givenTheColumns_whenFetched_thenEachIsNamedInCsvOrderWithItsMeaning() {
    client.get().uri("/open-data/outcomes/columns").exchange()
        .expectStatus().isOk()
        .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
        .expectBody()
        .jsonPath("$.length()").isEqualTo(12)
        .jsonPath("$[0].name").isEqualTo("commissioner")
        .jsonPath("$[11].name").isEqualTo("cancelled")
        .jsonPath("$[1].meaning").value(m -> assertThat(m).asString().contains("ALL"))
        .jsonPath("$[8].meaning").value(m -> assertThat(m).asString().contains("meaningful"));
  }

  @Test
  void givenTheStoreIsNotReady_whenTheCsvIsFetched_thenServiceUnavailableAsProblemJsonAndTheNextRequestTriesAgain() {
    whenAMonthsCellsAreRead().thenThrow(new ProblemException.Unavailable("the open-data-cells store is not ready yet"));

    client.get().uri("/open-data/outcomes.csv").accept(new MediaType("text", "csv"), MediaType.APPLICATION_PROBLEM_JSON)
        .exchange()
        .expectStatus().isEqualTo(503)
        .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);

    whenAMonthsCellsAreRead().thenAnswer(call -> cells(call.getArgument(1)));
    client.get().uri("/open-data/outcomes.csv").exchange().expectStatus().isOk();
  }

  @Test
  void givenReferralsSinceSeptember_whenTheReleasesAreListed_thenOnePerClosedMonthWithItsLinks() {
    store.add(submitted("QMM", Instant.parse("2026-09-14T09:00:00Z"), NeedCode.NATURE).build());
    store.add(submitted("QMM", Instant.parse("2026-12-01T09:00:00Z"), NeedCode.NATURE).build());

    client.get().uri("/open-data/releases").exchange()
        .expectStatus().isOk()
        .expectBody()
        .jsonPath("$.length()").isEqualTo(3)
        .jsonPath("$[0].month").isEqualTo("2026-09")
        .jsonPath("$[1].month").isEqualTo("2026-10")
        .jsonPath("$[2].month").isEqualTo("2026-11")
        .jsonPath("$[2].csv").isEqualTo("/open-data/releases/2026-11/outcomes.csv")
        .jsonPath("$[2].json").isEqualTo("/open-data/releases/2026-11/outcomes");
    client.get().uri("/open-data/releases/2026-10/outcomes.csv").exchange()
        .expectStatus().isOk()
        .expectHeader().value(HttpHeaders.CACHE_CONTROL, c -> assertThat(c).contains("immutable"))
        .expectBody(String.class).isEqualTo(OpenDataCsvTest.HEADER + "\r\n");
    // a closed month before the first referral has a release with no rows too, as the month's cells say
    client.get().uri("/open-data/releases/2026-08/outcomes.csv").exchange()
        .expectStatus().isOk()
        .expectBody(String.class).isEqualTo(OpenDataCsvTest.HEADER + "\r\n");
  }

  @Test
  void givenReferralsSinceSeptember_whenTheServiceStartsAndTheLatestIsAsked_thenOnlyThatMonthsCellsAreRead() {
    store.add(submitted("QMM", Instant.parse("2026-09-14T09:00:00Z"), NeedCode.NATURE).build());
    startService();

    client.get().uri("/open-data/releases").exchange().expectStatus().isOk().expectBody().jsonPath("$.length()").isEqualTo(3);
    assertThat(releases.builds()).as("the list reads the first month, no month's cells").isZero();
    assertThat(csv("/open-data/outcomes.csv")).isEqualTo(NOVEMBER_CSV);
    assertThat(csv("/open-data/releases/2026-11/outcomes.csv")).isEqualTo(NOVEMBER_CSV);
    assertThat(releases.builds()).isEqualTo(1);
    assertThat(scans).hasSize(1);
  }

  @Test
  void givenTheMonthNotClosedYet_whenItsReleaseIsAsked_thenNotFoundAndAMonthThatIsNoneIsNamedAsBad() {
    client.get().uri("/open-data/releases/2026-12/outcomes.csv").exchange()
        .expectStatus().isNotFound()
        .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
    client.get().uri("/open-data/releases/2026-13/outcomes").exchange()
        .expectStatus().isBadRequest()
        .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody().jsonPath("$.errors[0].field").isEqualTo("month");
  }

  @Test
  void givenAMonthJustClosed_whenWithinTheGrace_thenTheMonthBeforeIsTheLatest() {
    clock.set(Instant.parse("2026-12-02T10:00:00Z"));

    client.get().uri("/open-data/releases").exchange()
        .expectStatus().isOk()
        .expectBody().jsonPath("$[-1:].month").isEqualTo(List.of("2026-10"));
  }

  @Test
  void givenAPublishedRelease_whenItsReferralsMoveOnAndNewOnesArrive_thenEveryDownloadOfItIsTheSame() {
    String first = csv("/open-data/releases/2026-11/outcomes.csv");
    assertThat(first).isEqualTo(NOVEMBER_CSV);

    // December: November's referrals go on (an eighth walker's referral completes, one declines), new ones come
    Instant december = Instant.parse("2026-12-03T10:00:00Z");
    store.clear();
    for (int i = 0; i < november.size(); i++) {
      Referrals later = Referrals.of(november.get(i).build());
      if (i == 5) later.completed(true).endedAt(december);
      if (i == 6) later.status(ReferralStatus.DECLINED).endedAt(december);
      store.add(later.build());
    }
    for (int i = 0; i < 9; i++) store.add(submitted("QOC", december, NeedCode.NATURE).accepted("aylsham-arts").build());
    // and one submitted on 30 November read late, after the release was published
    Referrals late = submitted("QOC", Instant.parse("2026-11-30T20:00:00Z"), NeedCode.NATURE);
    store.add(late.build());

    assertThat(csv("/open-data/releases/2026-11/outcomes.csv")).isEqualTo(first);
    assertThat(csv("/open-data/outcomes.csv")).isEqualTo(first);

    // a restart builds it again from November's events: the same (the late one stays out only while the
    // service runs; the grace of two days after the month is there so that none comes that late)
    store.remove(store.size() - 1);
    startService();
    assertThat(csv("/open-data/releases/2026-11/outcomes.csv")).isEqualTo(first);

    // January: December is published, November is still the same
    clock.set(Instant.parse("2027-01-03T00:00:01Z"));
    assertThat(csv("/open-data/outcomes.csv")).contains("QOC,aylsham-arts,NATURE,2026-12,10,10,*,*,*,*,*,*\r\n");
    assertThat(csv("/open-data/releases/2026-11/outcomes.csv")).isEqualTo(first);
  }

  @Test
  void givenAFloodOfAnonymousRequests_whenServed_thenTheStoreIsReadOnceOffTheEventLoop() throws Exception {
    // the store is held in its scan until 16 requests wait at once: they all share that one build
    CountDownLatch scanning = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    whenAMonthsCellsAreRead().thenAnswer(call -> {
      scans.add(Thread.currentThread().getName());
      scanning.countDown();
      assertThat(release.await(30, TimeUnit.SECONDS)).isTrue();
      return cells(call.getArgument(1));
    });
    AtomicInteger arrived = new AtomicInteger();
    client = WebTestClient.bindToController(new OpenDataController(releases))
        .controllerAdvice(new ProblemHandler())
        .webFilter((exchange, chain) -> {
          arrived.incrementAndGet();
          return chain.filter(exchange);
        })
        .build();
    ExecutorService callers = Executors.newFixedThreadPool(16);
    try {
      List<Future<String>> answers = new ArrayList<>();
      for (int i = 0; i < 400; i++) {
        String path = i % 4 == 0 ? "/open-data/outcomes" : i % 4 == 1 ? "/open-data/releases"
            : i % 4 == 2 ? "/open-data/outcomes.csv?commissioner=Q" + i : "/open-data/releases/2026-11/outcomes.csv";
        answers.add(callers.submit(() -> client.get().uri(path).exchange().expectStatus().isOk()
            .expectBody(String.class).returnResult().getResponseBody()));
      }
      assertThat(scanning.await(30, TimeUnit.SECONDS)).isTrue();
      await().atMost(Duration.ofSeconds(30)).until(() -> arrived.get() >= 16);
      release.countDown();
      for (Future<String> answer : answers) assertThat(answer.get()).isNotEmpty();
    } finally {
      release.countDown();
      callers.shutdownNow();
    }

    assertThat(arrived).hasValue(400);
    assertThat(releases.builds()).isEqualTo(1);
    assertThat(scans).hasSize(1);
  }

  /** A clock the test moves. */
  private String csv(String path) {
    return client.get().uri(path).exchange().expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
  }
}
