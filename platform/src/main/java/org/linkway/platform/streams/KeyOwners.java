package org.linkway.platform.streams;

import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.state.HostInfo;
import org.linkway.platform.security.Caller;
import org.linkway.platform.web.ProblemHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.PathContainer;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import reactor.core.publisher.Mono;

/**
 * Answers a request about one key (a read, or a command that first reads its state) on the instance
 * of this service that holds the key: with several instances, each holds the state of some
 * partitions only, so such a request is sent to the key's owner (found with Kafka Streams' {@code queryMetadataForKey}, each instance known by its
 * {@code application.server}), and its answer passed back as it is. The owner checks the caller's
 * token again: the request goes on with all its headers, marked {@value #FORWARDED} so that it is
 * sent on at most once. While the key's partition has no owner (an instance starting, stopping or
 * the partitions moving between instances) the answer is 503 with {@code Retry-After}, never a 404
 * for a key another instance holds.
 *
 * <p>With one instance (no {@code application.server} set) every request is answered here, as before.
 */
public final class KeyOwners implements WebFilter, Ordered {

  /** The header a forwarded request carries: the instance that sent it on. */
  public static final String FORWARDED = "Linkway-Forwarded";
  private static final Duration OWNER_ANSWERS_WITHIN = Duration.ofSeconds(30);
  private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-authenticate", "proxy-authorization",
      "te", "trailer", "transfer-encoding", "upgrade", "host");
  private static final Logger log = LoggerFactory.getLogger(KeyOwners.class);

  /**
   * A request about one key: a request with this method and path reads (or, for a command, first
   * reads) the store at a key whose partition is that of {@code partitionKey} (the key of the topic
   * the store is built from), taken from the path's variables, the query or the caller.
   */
  public record KeyedRoute(HttpMethod method, PathPattern path, String store,
      Function<ServerWebExchange, Mono<String>> partitionKey) {

    /** A GET whose path variable {@code variable} is the key, e.g. {@code get("/referrals/{referralId}", STATE, "referralId")}. */
    public static KeyedRoute get(String path, String store, String variable) {
      return byVariable(HttpMethod.GET, path, store, variable);
    }

    /** A POST (a command about one key) whose path variable {@code variable} is the key. */
    public static KeyedRoute post(String path, String store, String variable) {
      return byVariable(HttpMethod.POST, path, store, variable);
    }

    /** A GET keyed by a query parameter; requests without it are not about one key and are answered here. */
    public static KeyedRoute getByParameter(String path, String store, String parameter) {
      return new KeyedRoute(HttpMethod.GET, PathPatternParser.defaultInstance.parse(path), store,
          exchange -> Mono.justOrEmpty(exchange.getRequest().getQueryParams().getFirst(parameter)));
    }

    /** A GET whose answer is read at one fixed {@code key}, whatever the path, e.g. a view held under one key. */
    public static KeyedRoute getAt(String path, String store, String key) {
      return new KeyedRoute(HttpMethod.GET, PathPatternParser.defaultInstance.parse(path), store, exchange -> Mono.just(key));
    }

    /** A GET (a page) about the caller's own organisation: the key is the organisation of its token. */
    public static KeyedRoute getByCaller(String path, String store) {
      return new KeyedRoute(HttpMethod.GET, PathPatternParser.defaultInstance.parse(path), store,
          exchange -> Caller.ofCurrentRequest().mapNotNull(Caller::organisation));
    }

    private static KeyedRoute byVariable(HttpMethod method, String path, String store, String variable) {
      PathPattern pattern = PathPatternParser.defaultInstance.parse(path);
      return new KeyedRoute(method, pattern, store, exchange -> {
        var match = pattern.matchAndExtract(pathOf(exchange));
        return Mono.justOrEmpty(match == null ? null : match.getUriVariables().get(variable));
      });
    }

    /** Whether the request is this route's method and path. */
    boolean matches(ServerWebExchange exchange) {
      return method.equals(exchange.getRequest().getMethod()) && path.matches(pathOf(exchange));
    }

    /** The key of a request this route {@link #matches}; empty when it names none (it is then not about one key). */
    Mono<String> keyOf(ServerWebExchange exchange) {
      return partitionKey.apply(exchange).filter(key -> !key.isBlank());
    }

    private static PathContainer pathOf(ServerWebExchange exchange) {
      return exchange.getRequest().getPath().pathWithinApplication();
    }
  }

  /** A service's routes by key, declared as one bean per feature. */
  public record KeyedRoutes(List<KeyedRoute> routes) {
    public static KeyedRoutes of(KeyedRoute... routes) {
      return new KeyedRoutes(List.of(routes));
    }
  }

  private final StreamsBuilderFactoryBean factory;
  private final List<KeyedRoute> routes;
  private final WebClient owners;
  private final MeterRegistry meters;
  private final InstanceAddress self;

  public KeyOwners(StreamsBuilderFactoryBean factory, List<KeyedRoutes> routes, WebClient.Builder http, MeterRegistry meters) {
    this.factory = factory;
    this.self = new InstanceAddress(factory);
    this.routes = routes.stream().flatMap(r -> r.routes().stream()).toList();
    this.owners = http.build();
    this.meters = meters;
  }

  /** After security: a caller without a valid token is refused here, not sent on. */
  @Override
  public int getOrder() {
    return 0;
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    HostInfo here = self.get();
    if (here == null) return chain.filter(exchange);
    return route(routes, exchange, here, chain);
  }

  /** The first of the routes that matches the request and names a key decides where it is answered. */
  private Mono<Void> route(List<KeyedRoute> remaining, ServerWebExchange exchange, HostInfo self, WebFilterChain chain) {
    for (int i = 0; i < remaining.size(); i++) {
      KeyedRoute route = remaining.get(i);
      if (!route.matches(exchange)) continue;
      List<KeyedRoute> rest = remaining.subList(i + 1, remaining.size());
      return route.keyOf(exchange)
          .flatMap(key -> answer(route.store(), key, self, exchange, chain).thenReturn(true))
          .switchIfEmpty(Mono.defer(() -> route(rest, exchange, self, chain).thenReturn(true)))
          .then();
    }
    return chain.filter(exchange);
  }

  private Mono<Void> answer(String store, String key, HostInfo self, ServerWebExchange exchange, WebFilterChain chain) {
    KafkaStreams streams = factory.getKafkaStreams();
    if (streams == null || streams.state() != KafkaStreams.State.RUNNING) {
      return unavailable(exchange, "this instance is starting or its partitions are moving; try again shortly");
    }
    KeyQueryMetadata owner = streams.queryMetadataForKey(store, key, Serdes.String().serializer());
    if (owner == null || KeyQueryMetadata.NOT_AVAILABLE.equals(owner) || HostInfo.unavailable().equals(owner.activeHost())) {
      return unavailable(exchange, "the partition that holds this is moving between instances; try again shortly");
    }
    if (owner.activeHost().equals(self)) return chain.filter(exchange);
    if (exchange.getRequest().getHeaders().containsHeader(FORWARDED)) {
      // sent on once already and still not the owner: the partitions moved meanwhile
      return unavailable(exchange, "the partition that holds this moved while the request was on its way; try again shortly");
    }
    meters.counter("linkway.requests.forwarded", "store", store).increment();
    return forward(exchange, owner.activeHost(), self);
  }

  /**
   * The request again, to the owner, with its headers; the owner's answer (status, headers, body) passed back
   * as it comes, so that a live stream (SSE) is passed on for as long as it lasts. The owner must start
   * answering within {@link #OWNER_ANSWERS_WITHIN}; the body then takes as long as it takes.
   */
  private Mono<Void> forward(ServerWebExchange exchange, HostInfo owner, HostInfo self) {
    AtomicBoolean answering = new AtomicBoolean();
    var request = exchange.getRequest();
    URI uri = URI.create("http://" + owner.host() + ":" + owner.port() + request.getURI().getRawPath()
        + (request.getURI().getRawQuery() == null ? "" : "?" + request.getURI().getRawQuery()));
    var response = exchange.getResponse();
    return owners.method(request.getMethod()).uri(uri)
        .body(BodyInserters.fromDataBuffers(request.getBody()))
        .headers(h -> {
          request.getHeaders().forEach((name, values) -> {
            if (!HOP_BY_HOP.contains(name.toLowerCase())) h.addAll(name, values);
          });
          h.set(FORWARDED, self.host() + ":" + self.port());
        })
        .exchangeToMono(answer -> {
          answering.set(true);
          response.setStatusCode(answer.statusCode());
          answer.headers().asHttpHeaders().forEach((name, values) -> {
            if (!HOP_BY_HOP.contains(name.toLowerCase())) response.getHeaders().addAll(name, values);
          });
          return response.writeWith(answer.bodyToFlux(DataBuffer.class));
        })
        // a timeout only while no answer has begun: once one has, the delay never signals (an empty one would)
        .timeout(Mono.delay(OWNER_ANSWERS_WITHIN).filter(waited -> !answering.get()).switchIfEmpty(Mono.never()))
        .onErrorResume(e -> response.isCommitted() ? Mono.error(e) : ownerUnreachable(exchange, owner, e));
  }

  private Mono<Void> ownerUnreachable(ServerWebExchange exchange, HostInfo owner, Throwable e) {
    log.warn("the instance at {}:{} that holds a key did not answer: {}", owner.host(), owner.port(), e.toString());
    return unavailable(exchange, "the instance that holds this did not answer; try again shortly");
  }

  private static Mono<Void> unavailable(ServerWebExchange exchange, String detail) {
    exchange.getResponse().getHeaders().set(HttpHeaders.RETRY_AFTER, String.valueOf(ProblemHandler.RETRY_AFTER_SECONDS));
    return ProblemHandler.write(exchange, HttpStatus.SERVICE_UNAVAILABLE, detail);
  }
}
