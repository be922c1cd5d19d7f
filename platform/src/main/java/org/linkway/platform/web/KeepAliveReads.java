package org.linkway.platform.web;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.LastHttpContent;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import reactor.netty.NettyPipeline;
import reactor.netty.http.server.HttpServer;

/**
 * Each HTTP connection asks for the next request as soon as a response has gone out, so that a kept-alive connection
 * is never left unread.
 *
 * <p>Reactor Netty's server (1.3.6, Spring Boot 4.0's) reads a connection only when asked, and one path forgets to
 * ask: a request that arrives before the server has finished with the one before it is held back, and when it is then
 * answered at once the read for the request after it is never asked for (reactor-netty issue 4361, mended upstream
 * in a later snapshot; {@code KeepAliveReadsTest} fails on the release that no longer needs this). The client's next
 * request on that connection then lies unread in the socket until the client gives up: a GP system or a provider's
 * system sees a call time out with nothing in the service's logs. The tests saw it as a request unanswered for 30 s
 * now and then (a readiness poll, a page after an API call, a live stream), the server taking it up only when the
 * client closed the connection.
 *
 * <p>A read asked for while one is pending is the same read; asking after each response costs nothing else.
 */
public final class KeepAliveReads implements NettyServerCustomizer {

  /** The handler's name in each connection's pipeline, just after the HTTP codec. */
  public static final String HANDLER = "linkway.keepAliveReads";

  private static final ChannelHandler READ_AFTER_RESPONSE = new ReadAfterResponse();

  @Override
  public HttpServer apply(HttpServer server) {
    return server.doOnChannelInit((observer, channel, remoteAddress) -> {
      ChannelPipeline pipeline = channel.pipeline();
      if (pipeline.get(NettyPipeline.HttpCodec) != null && pipeline.get(HANDLER) == null) {
        pipeline.addAfter(NettyPipeline.HttpCodec, HANDLER, READ_AFTER_RESPONSE);
      }
    });
  }

  /** Between the codec and Reactor Netty's traffic handler: sees each response's last part go out, then reads. */
  @ChannelHandler.Sharable
  private static final class ReadAfterResponse extends ChannelOutboundHandlerAdapter {
    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      if (!(msg instanceof LastHttpContent)) {
        ctx.write(msg, promise);
        return;
      }
      ctx.write(msg, promise.unvoid()).addListener(written -> {
        if (ctx.channel().isActive()) ctx.read();
      });
    }
  }
}
