package org.linkway.platform.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;
import org.linkway.platform.streams.KeyOwners.KeyedRoute;
import org.linkway.platform.streams.KeyOwners.KeyedRoutes;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/** Which requests are about one key, and what an instance does with one it does not hold, short of sending it on. */
class KeyOwnersTest {

  private static final String STORE = "referral-state";
  private static final KeyedRoutes ROUTES = KeyedRoutes.of(
      KeyedRoute.get("/referrals/{referralId}", STORE, "referralId"),
      KeyedRoute.post("/referrals/{referralId}/cancel", STORE, "referralId"),
      KeyedRoute.getByParameter("/commissioners/{code}/ledger", STORE, "referralId"));

  private final StreamsBuilderFactoryBean factory = mock(StreamsBuilderFactoryBean.class);
  private final KafkaStreams streams = mock(KafkaStreams.class);
  private final AtomicBoolean answeredHere = new AtomicBoolean();
  private final WebFilterChain here = exchange -> {
    answeredHere.set(true);
    return Mono.empty();
  };

  @Test
  void givenTheRoutes_whenARequestIsMatched_thenItsKeyIsThePathVariableOrTheParameter() {
    KeyedRoute byPath = ROUTES.routes().get(0);
    KeyedRoute command = ROUTES.routes().get(1);
    KeyedRoute byParameter = ROUTES.routes().get(2);

    assertThat(keyOf(byPath, MockServerHttpRequest.get("/referrals/r-1"))).isEqualTo("r-1");
    assertThat(keyOf(byPath, MockServerHttpRequest.post("/referrals/r-1"))).as("another method").isNull();
    assertThat(keyOf(byPath, MockServerHttpRequest.get("/referrals/r-1/audit"))).as("another path").isNull();
    assertThat(keyOf(command, MockServerHttpRequest.post("/referrals/r-2/cancel"))).isEqualTo("r-2");
    assertThat(keyOf(byParameter, MockServerHttpRequest.get("/commissioners/QMM/ledger?referralId=r-3"))).isEqualTo("r-3");
    assertThat(keyOf(byParameter, MockServerHttpRequest.get("/commissioners/QMM/ledger")))
        .as("the whole ledger is not about one key").isNull();
  }

  @Test
  void givenOneInstance_whenAskedAboutAKey_thenItAnswersItself() {
    running(null);

    filter(MockServerHttpRequest.get("/referrals/r-1"));

    assertThat(answeredHere).isTrue();
  }

  @Test
  void givenTheKeysOwnerIsThisInstance_whenAsked_thenItAnswersItself() {
    running("127.0.0.1:8081");
    owner("r-1", new KeyQueryMetadata(new HostInfo("127.0.0.1", 8081), java.util.Set.of(), 0));

    filter(MockServerHttpRequest.get("/referrals/r-1"));

    assertThat(answeredHere).isTrue();
  }

  @Test
  void givenTheStreamsAreRebalancing_whenAskedAboutAKey_thenTheAnswerIs503WithRetryAfterNeverA404() {
    running("127.0.0.1:8081");
    when(streams.state()).thenReturn(KafkaStreams.State.REBALANCING);

    MockServerWebExchange answered = filter(MockServerHttpRequest.get("/referrals/r-1"));

    assertUnavailable(answered);
  }

  @Test
  void givenTheKeysPartitionHasNoOwnerNow_whenAsked_thenTheAnswerIs503WithRetryAfter() {
    running("127.0.0.1:8081");
    owner("r-1", KeyQueryMetadata.NOT_AVAILABLE);

    assertUnavailable(filter(MockServerHttpRequest.get("/referrals/r-1")));
  }

  @Test
  void givenARequestAlreadySentOnToThisInstance_whenAnotherOwnsTheKeyNow_thenItIsNotSentOnAgain() {
    running("127.0.0.1:8081");
    owner("r-1", new KeyQueryMetadata(new HostInfo("127.0.0.1", 8181), java.util.Set.of(), 0));

    MockServerWebExchange answered = filter(MockServerHttpRequest.get("/referrals/r-1").header(KeyOwners.FORWARDED, "127.0.0.1:8281"));

    assertUnavailable(answered);
  }

  @Test
  void givenARouteThatNamesNoKeyForARequest_whenFiltered_thenTheNextMatchingRouteDecides() {
    running("127.0.0.1:8081");
    KeyedRoutes ledger = KeyedRoutes.of(
        KeyedRoute.getByParameter("/commissioners/{code}/ledger", STORE, "referralId"),
        KeyedRoute.get("/commissioners/{code}/ledger", "commissioner-view", "code"));
    when(streams.queryMetadataForKey(eq("commissioner-view"), eq("QMM"), any(org.apache.kafka.common.serialization.Serializer.class)))
        .thenReturn(KeyQueryMetadata.NOT_AVAILABLE);

    MockServerWebExchange exchange = exchange(MockServerHttpRequest.get("/commissioners/QMM/ledger"));
    new KeyOwners(factory, List.of(ledger), WebClient.builder(), new SimpleMeterRegistry()).filter(exchange, here).block();

    // the commissioner's view was asked for its owner (none now): the ledger was not answered from here, partial
    assertUnavailable(exchange);
  }

  @Test
  void givenARequestAboutNoKey_whenFiltered_thenItIsAnsweredHere() {
    running("127.0.0.1:8081");

    filter(MockServerHttpRequest.get("/referrers/D82044/referrals/stream"));

    assertThat(answeredHere).isTrue();
  }

  private static String keyOf(KeyedRoute route, MockServerHttpRequest.BaseBuilder<?> request) {
    MockServerWebExchange exchange = exchange(request);
    return route.matches(exchange) ? route.keyOf(exchange).block() : null;
  }

  private void running(String applicationServer) {
    Properties config = new Properties();
    if (applicationServer != null) config.setProperty(StreamsConfig.APPLICATION_SERVER_CONFIG, applicationServer);
    when(factory.getStreamsConfiguration()).thenReturn(config);
    when(factory.getKafkaStreams()).thenReturn(streams);
    when(streams.state()).thenReturn(KafkaStreams.State.RUNNING);
  }

  private void owner(String key, KeyQueryMetadata metadata) {
    when(streams.queryMetadataForKey(eq(STORE), eq(key), any(org.apache.kafka.common.serialization.Serializer.class)))
        .thenReturn(metadata);
  }

  private MockServerWebExchange filter(MockServerHttpRequest.BaseBuilder<?> request) {
    MockServerWebExchange exchange = exchange(request);
    new KeyOwners(factory, List.of(ROUTES), WebClient.builder(), new SimpleMeterRegistry()).filter(exchange, here).block();
    return exchange;
  }

  private static MockServerWebExchange exchange(MockServerHttpRequest.BaseBuilder<?> request) {
    return MockServerWebExchange.from(request);
  }

  private void assertUnavailable(MockServerWebExchange answered) {
    assertThat(answeredHere).isFalse();
    assertThat(answered.getResponse().getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
    assertThat(answered.getResponse().getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("1");
    assertThat(answered.getResponse().getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
    assertThat(answered.getResponse().getBodyAsString().block()).contains("\"status\":503").contains("try again shortly");
  }
}
