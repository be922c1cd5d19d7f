package org.linkway.platform.web;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import reactor.netty.http.server.HttpServer;

/** What every Linkway application's HTTP server gets, whatever configuration it imports: {@link KeepAliveReads}. */
@AutoConfiguration
@ConditionalOnClass(HttpServer.class)
public class HttpServerAutoConfiguration {

  @Bean
  KeepAliveReads keepAliveReads() {
    return new KeepAliveReads();
  }
}
