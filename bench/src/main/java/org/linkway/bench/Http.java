package org.linkway.bench;

import io.netty.handler.codec.http.HttpHeaderNames;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/** A non-blocking HTTP client for one service: many requests in flight at once, none waiting for another. */
final class Http {

  /** The status and body of one answer. */
  record Answer(int status, String body) {
    boolean ok() {
      return status >= 200 && status < 300;
    }
  }

  /** One server-sent event. */
  record Sse(String id, String event, String data) {}

  private final HttpClient client;

  Http(String baseUrl, int connections) {
    ConnectionProvider pool = ConnectionProvider.builder("bench-" + baseUrl).maxConnections(connections)
        .pendingAcquireMaxCount(-1).pendingAcquireTimeout(Duration.ofMinutes(5)).build();
    this.client = HttpClient.create(pool).baseUrl(baseUrl).responseTimeout(Duration.ofSeconds(60))
        .headers(h -> h.set(HttpHeaderNames.CONTENT_TYPE, "application/json").set(HttpHeaderNames.ACCEPT, "application/json"));
  }

  Mono<Answer> post(String path, String json) {
    return post(path, json, null);
  }

  Mono<Answer> post(String path, String json, String idempotencyKey) {
    HttpClient c = idempotencyKey == null ? client : client.headers(h -> h.set("Idempotency-Key", idempotencyKey));
    return c.post().uri(path).send(ByteBufFlux.fromString(Mono.just(json)))
        .responseSingle((response, body) -> body.asString(StandardCharsets.UTF_8).defaultIfEmpty("")
            .map(text -> new Answer(response.status().code(), text)));
  }

  Mono<Answer> put(String path, String json) {
    return client.put().uri(path).send(ByteBufFlux.fromString(Mono.just(json)))
        .responseSingle((response, body) -> body.asString(StandardCharsets.UTF_8).defaultIfEmpty("")
            .map(text -> new Answer(response.status().code(), text)));
  }

  Mono<Answer> get(String path) {
    return get(path, Duration.ofSeconds(60));
  }

  Mono<Answer> get(String path, Duration timeout) {
    return client.responseTimeout(timeout).get().uri(path)
        .responseSingle((response, body) -> body.asString(StandardCharsets.UTF_8).defaultIfEmpty("")
            .map(text -> new Answer(response.status().code(), text)));
  }

  /** A server-sent event stream, event by event, for as long as it is subscribed. */
  Flux<Sse> events(String path) {
    return client.headers(h -> h.set(HttpHeaderNames.ACCEPT, "text/event-stream"))
        .responseTimeout(Duration.ofDays(1))
        .get().uri(path).responseContent().asString(StandardCharsets.UTF_8)
        .concatMapIterable(new SseParser()::feed);
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
