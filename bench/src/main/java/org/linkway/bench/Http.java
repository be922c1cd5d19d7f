package org.linkway.bench;

import io.netty.handler.codec.http.HttpHeaderNames;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import org.linkway.stack.LocalIssuer;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * A non-blocking HTTP client for one service: many requests in flight at once, none waiting for
 * another. Given several instances of the service, each request goes to one of them at random, as
 * behind a load balancer.
 */
public final class Http {

  /** The status and body of one answer. */
  public record Answer(int status, String body) {
    public boolean ok() {
      return status >= 200 && status < 300;
    }
  }

  /** One server-sent event. */
  public record Sse(String id, String event, String data) {}

  private final List<HttpClient> clients;

  /**
   * Every request carries the token of the party whose resource it addresses (the provider for its
   * queue, the commissioner for its ledger, the bench's practice for referrals), signed once by the
   * local stack's issuer: the benchmark plays all of them, with security on.
   */
  private static LocalIssuer issuer;

  public Http(String baseUrl, int connections) {
    this(List.of(baseUrl), connections);
  }

  /** The instances of one service, at their base URLs; {@code connections} to each. */
  public Http(List<String> baseUrls, int connections) {
    if (baseUrls.isEmpty()) throw new IllegalArgumentException("no instance to send requests to");
    this.clients = baseUrls.stream().map(baseUrl -> {
      ConnectionProvider pool = ConnectionProvider.builder("bench-" + baseUrl).maxConnections(connections)
          .pendingAcquireMaxCount(-1).pendingAcquireTimeout(Duration.ofMinutes(5)).build();
      return HttpClient.create(pool).baseUrl(baseUrl).responseTimeout(Duration.ofSeconds(60))
          .headers(h -> h.set(HttpHeaderNames.CONTENT_TYPE, "application/json").set(HttpHeaderNames.ACCEPT, "application/json"));
    }).toList();
  }

  /** The client of one instance, at random. */
  private HttpClient client() {
    return clients.size() == 1 ? clients.get(0) : clients.get(ThreadLocalRandom.current().nextInt(clients.size()));
  }

  /**
   * Signs the tokens with another issuer than the local stack's (the chaos harness runs its own
   * stack, whose services trust its own issuer); for the whole JVM.
   */
  public static synchronized void useIssuer(LocalIssuer other) {
    issuer = other;
  }

  /** The local issuer of the stack in {@code .linkway/}, whose key the services trust. */
  static synchronized LocalIssuer issuer() {
    if (issuer == null) {
      try {
        issuer = LocalIssuer.inDirectory(Path.of(".linkway", "issuer"), "http://127.0.0.1:8089");
      } catch (IOException e) {
        throw new UncheckedIOException("no signing key of the local issuer in .linkway/issuer", e);
      }
    }
    return issuer;
  }

  private HttpClient as(HttpClient c, String path) {
    return as(c, path, BenchPeople.PRACTICE);
  }

  private HttpClient as(HttpClient c, String path, String practice) {
    String token = issuer().ownerOf(path, practice);
    return token == null ? c : c.headers(h -> h.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + token));
  }

  public Mono<Answer> post(String path, String json) {
    return post(path, json, null);
  }

  public Mono<Answer> post(String path, String json, String idempotencyKey) {
    return post(path, json, idempotencyKey, BenchPeople.PRACTICE);
  }

  /** A POST as the GP system of the practice, for a referral (the token of whoever owns the path otherwise). */
  public Mono<Answer> post(String path, String json, String idempotencyKey, String practice) {
    HttpClient client = client();
    HttpClient c = as(idempotencyKey == null ? client : client.headers(h -> h.set("Idempotency-Key", idempotencyKey)), path,
        practice);
    return c.post().uri(path).send(ByteBufFlux.fromString(Mono.just(json)))
        .responseSingle((response, body) -> body.asString(StandardCharsets.UTF_8).defaultIfEmpty("")
            .map(text -> new Answer(response.status().code(), text)));
  }

  public Mono<Answer> put(String path, String json) {
    return as(client(), path).put().uri(path).send(ByteBufFlux.fromString(Mono.just(json)))
        .responseSingle((response, body) -> body.asString(StandardCharsets.UTF_8).defaultIfEmpty("")
            .map(text -> new Answer(response.status().code(), text)));
  }

  public Mono<Answer> get(String path) {
    return get(path, Duration.ofSeconds(60));
  }

  public Mono<Answer> get(String path, Duration timeout) {
    return as(client(), path).responseTimeout(timeout).get().uri(path)
        .responseSingle((response, body) -> body.asString(StandardCharsets.UTF_8).defaultIfEmpty("")
            .map(text -> new Answer(response.status().code(), text)));
  }

  /**
   * A GET as the holder of {@code token} (a page's signed-in party: pages take the token they are given, not the
   * owner of the path), asking for {@code accept}.
   */
  public Mono<Answer> get(String path, String token, String accept) {
    return client().headers(h -> h.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + token).set(HttpHeaderNames.ACCEPT, accept))
        .get().uri(path)
        .responseSingle((response, body) -> body.asString(StandardCharsets.UTF_8).defaultIfEmpty("")
            .map(text -> new Answer(response.status().code(), text)));
  }

  /** A server-sent event stream resumed after the event {@code lastEventId} (none: from now), as a reconnecting browser asks. */
  public Flux<Sse> events(String path, String lastEventId) {
    return as(client(), path).headers(h -> {
      h.set(HttpHeaderNames.ACCEPT, "text/event-stream");
      if (lastEventId != null) h.set("Last-Event-ID", lastEventId);
    })
        .responseTimeout(Duration.ofDays(1))
        .get().uri(path).responseContent().asString(StandardCharsets.UTF_8)
        .concatMapIterable(new SseParser()::feed);
  }

  /** A server-sent event stream, event by event, for as long as it is subscribed. */
  public Flux<Sse> events(String path) {
    return events(path, null);
  }

  /** Splits a text stream into events: fields up to a blank line; comments (":") ignored. */
  static final class SseParser {
    private final StringBuilder pending = new StringBuilder();
    private String id;
    private String event;
    private final StringBuilder data = new StringBuilder();

    List<Sse> feed(String chunk) {
      List<Sse> out = new ArrayList<>();
      pending.append(chunk);
      int end;
      while ((end = pending.indexOf("\n")) >= 0) {
        String line = pending.substring(0, end);
        pending.delete(0, end + 1);
        if (line.endsWith("\r")) line = line.substring(0, line.length() - 1);
        line(line, out::add);
      }
      return out;
    }

    private void line(String line, Consumer<Sse> out) {
      if (line.isEmpty()) {
        if (data.length() > 0 || event != null) out.accept(new Sse(id, event == null ? "message" : event, data.toString()));
        id = null;
        event = null;
        data.setLength(0);
      } else if (!line.startsWith(":")) {
        int colon = line.indexOf(':');
        String field = colon < 0 ? line : line.substring(0, colon);
        String value = colon < 0 ? "" : line.substring(colon + 1).stripLeading();
        switch (field) {
          case "id" -> id = value;
          case "event" -> event = value;
          case "data" -> data.append(data.length() > 0 ? "\n" : "").append(value);
          default -> { }
        }
      }
    }
  }
}
