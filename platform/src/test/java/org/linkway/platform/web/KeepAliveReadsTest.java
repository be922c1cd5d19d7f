package org.linkway.platform.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.DisposableServer;
import reactor.netty.NettyPipeline;
import reactor.netty.http.server.HttpServer;

/**
 * A kept-alive connection goes on being read after a request that came before the server had finished with the one
 * before it and was then answered at once. On one socket, {@code /slow} (answered after 100 ms) and {@code /fast}
 * (answered at once) are sent together, so that {@code /fast} is held back while {@code /slow} is under way; then a
 * third request. Reactor Netty's server alone leaves the third unread; with {@link KeepAliveReads} it is answered.
 */
class KeepAliveReadsTest {

  /** Long past an answer on loopback; how long the unmended server is watched not answering. */
  private static final Duration ANSWER_WITHIN = Duration.ofSeconds(5);

  @Test
  void withKeepAliveReads_theRequestAfterAHeldBackOneIsAnswered() throws IOException {
    assertThat(thirdAnswer(new KeepAliveReads()::apply)).startsWith("HTTP/1.1 200").endsWith("third");
  }

  @Test
  void withoutIt_theServerLeavesTheRequestAfterAHeldBackOneUnread() throws IOException {
    // Reactor Netty's own behaviour, which KeepAliveReads mends: when this fails, a release has mended it, and
    // KeepAliveReads can go
    assertThat(thirdAnswer(UnaryOperator.identity())).as("no answer within " + ANSWER_WITHIN).isNull();
  }

  /**
   * A Spring Boot application's server has it without asking: the platform's auto-configuration
   * ({@link HttpServerAutoConfiguration}) gives it to every service's, and to any test application's.
   */
  @Nested
  @SpringBootTest(classes = Pipeline.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
      properties = {"server.address=127.0.0.1", "spring.main.web-application-type=reactive"})
  class InASpringBootApplication {

    @LocalServerPort int port;

    @Test
    void eachConnectionHasItJustAfterTheHttpCodec() {
      List<String> handlers = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port).build()
          .get().uri("/pipeline").exchange().expectStatus().isOk()
          .expectBody(new org.springframework.core.ParameterizedTypeReference<List<String>>() {}).returnResult()
          .getResponseBody();
      assertThat(handlers).containsSubsequence(NettyPipeline.HttpCodec, KeepAliveReads.HANDLER,
          NettyPipeline.HttpTrafficHandler);
      assertThat(handlers.indexOf(KeepAliveReads.HANDLER)).isEqualTo(handlers.indexOf(NettyPipeline.HttpCodec) + 1);
    }
  }

  /** An application that answers with the names of the handlers on the request's own connection. */
  @SpringBootConfiguration
  @EnableAutoConfiguration
  @Import(Pipeline.Handlers.class)
  static class Pipeline {

    @Bean
    SecurityWebFilterChain anyoneMayAsk(ServerHttpSecurity http) {
      return http.authorizeExchange(exchanges -> exchanges.anyExchange().permitAll()).build();
    }

    @RestController
    static class Handlers {
      @GetMapping("/pipeline")
      List<String> names(ServerHttpRequest request) {
        Connection connection = ServerHttpRequestDecorator.getNativeRequest(request);
        return connection.channel().pipeline().names();
      }
    }
  }

  /** The answer to the third request, or null if none came within {@link #ANSWER_WITHIN}. */
  private static String thirdAnswer(UnaryOperator<HttpServer> customizer) throws IOException {
    DisposableServer server = customizer.apply(HttpServer.create().host("127.0.0.1").port(0))
        .handle((request, response) -> {
          String path = request.uri().substring(1);
          Mono<String> body = path.equals("slow")
              ? Mono.delay(Duration.ofMillis(100)).thenReturn(path) : Mono.just(path);
          return response.sendString(body);
        })
        .bindNow();
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout((int) ANSWER_WITHIN.toMillis());
      write(socket, get("slow") + get("fast"));
      InputStream in = socket.getInputStream();
      assertThat(response(in)).endsWith("slow");
      assertThat(response(in)).endsWith("fast");
      write(socket, get("third"));
      try {
        return response(in);
      } catch (SocketTimeoutException unanswered) {
        return null;
      }
    } finally {
      server.disposeNow();
    }
  }

  private static String get(String path) {
    return "GET /" + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  }

  private static void write(Socket socket, String requests) throws IOException {
    socket.getOutputStream().write(requests.getBytes(StandardCharsets.US_ASCII));
    socket.getOutputStream().flush();
  }

  /** One response: its head, up to the blank line, then as many bytes of body as its content-length says. */
  private static String response(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) throw new IOException("the connection closed within a response");
      head.write(b);
    }
    String text = head.toString(StandardCharsets.US_ASCII);
    int length = text.lines().filter(line -> line.toLowerCase().startsWith("content-length:"))
        .mapToInt(line -> Integer.parseInt(line.substring(line.indexOf(':') + 1).strip())).findFirst().orElse(0);
    return text.strip() + "\n" + new String(in.readNBytes(length), StandardCharsets.US_ASCII);
  }
}
