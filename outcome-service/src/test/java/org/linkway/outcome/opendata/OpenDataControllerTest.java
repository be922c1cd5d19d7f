package org.linkway.outcome.opendata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.linkway.outcome.opendata.Referrals.NOV_2026;
import static org.linkway.outcome.opendata.Referrals.submitted;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.linkway.events.NeedCode;
import org.linkway.platform.ProblemException;
import org.linkway.platform.ProblemHandler;
import org.linkway.platform.StoreQueries;
import org.linkway.state.FundingState;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** The open-data endpoints, with the funding-state store stubbed. */
class OpenDataControllerTest {

  private final List<FundingState> store = new ArrayList<>();
  private final StoreQueries stores = mock(StoreQueries.class);
  private WebTestClient client;

  @BeforeEach
  void setUp() {
    when(stores.all(eq("funding-state"), any())).thenAnswer(call -> {
      Predicate<FundingState> filter = call.getArgument(1);
      return store.stream().filter(filter).toList();
    });
    client = WebTestClient.bindToController(new OpenDataController(stores))
        .controllerAdvice(new ProblemHandler())
        .build();
    for (int i = 0; i < 7; i++) {
      Referrals r = submitted("QMM", NOV_2026, NeedCode.LONELINESS).accepted("wensum-walkers");
      if (i < 5) r.completed(i == 0);
      store.add(r.build());
    }
    store.add(submitted("QOC", NOV_2026, NeedCode.NATURE).build());
  }

  @Test
  void givenReferralsInTheStore_whenTheCsvIsFetched_thenItIsTextCsvWithTheHeaderAndControlledCounts() {
    String csv = client.get().uri("/open-data/outcomes.csv").exchange()
        .expectStatus().isOk()
        .expectHeader().contentTypeCompatibleWith(new MediaType("text", "csv"))
        .expectHeader().value(HttpHeaders.CONTENT_DISPOSITION, d -> assertThat(d).contains("linkway-outcomes.csv"))
        .expectBody(String.class).returnResult().getResponseBody();

    assertThat(csv).isEqualTo(OpenDataCsvTest.HEADER + "\r\n"
        + "QMM,wensum-walkers,LONELINESS,2026-11,5,5,5,0,*,0,0,0\r\n"
        + "QOC,none,NATURE,2026-11,*,0,0,0,0,0,0,0\r\n");
  }

  @Test
  void givenACommissioner_whenTheCsvIsFetchedForIt_thenOnlyItsRows() {
    String csv = client.get().uri("/open-data/outcomes.csv?commissioner=QOC").exchange()
        .expectStatus().isOk()
        .expectBody(String.class).returnResult().getResponseBody();

    assertThat(csv).isEqualTo(OpenDataCsvTest.HEADER + "\r\nQOC,none,NATURE,2026-11,*,0,0,0,0,0,0,0\r\n");
  }

  @Test
  void givenReferralsInTheStore_whenTheJsonIsFetched_thenSuppressedCountsAreNullAndFlagged() {
    client.get().uri("/open-data/outcomes").exchange()
        .expectStatus().isOk()
        .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
        .expectBody()
        .jsonPath("$.length()").isEqualTo(2)
        .jsonPath("$[0].commissioner").isEqualTo("QMM")
        .jsonPath("$[0].provider").isEqualTo("wensum-walkers")
        .jsonPath("$[0].need").isEqualTo("LONELINESS")
        .jsonPath("$[0].month").isEqualTo("2026-11")
        .jsonPath("$[0].referrals.value").isEqualTo(5)
        .jsonPath("$[0].referrals.suppressed").isEqualTo(false)
        .jsonPath("$[0].droppedOut.value").isEqualTo(0)
        .jsonPath("$[0].improved.suppressed").isEqualTo(true)
        .jsonPath("$[0].improved").value(improved -> assertThat(improved).asString().contains("value=null"))
        .jsonPath("$[1].referrals.suppressed").isEqualTo(true)
        .jsonPath("$[1].provider").isEqualTo("none");
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
        .jsonPath("$[8].meaning").value(m -> assertThat(m).asString().contains("meaningful"));
  }

  @Test
  void givenTheStoreIsNotReady_whenTheCsvIsFetched_thenServiceUnavailableAsProblemJson() {
    when(stores.all(eq("funding-state"), any()))
        .thenThrow(new ProblemException.Unavailable("the funding-state store is not ready yet"));

    client.get().uri("/open-data/outcomes.csv").accept(new MediaType("text", "csv"), MediaType.APPLICATION_PROBLEM_JSON)
        .exchange()
        .expectStatus().isEqualTo(503)
        .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
  }
}
