package org.linkway.platform.pages;

import org.linkway.platform.security.Caller;
import org.springframework.security.web.server.csrf.CsrfToken;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/** What every page's template can use: who is signed in ({@code caller}) and the form token ({@code csrf}). */
@ControllerAdvice(annotations = PageController.class)
class PageModel {

  @ModelAttribute("caller")
  Mono<Caller> caller() {
    return Caller.ofCurrentRequest();
  }

  @ModelAttribute("csrf")
  Mono<CsrfToken> csrf(ServerWebExchange exchange) {
    Mono<CsrfToken> token = exchange.getAttribute(CsrfToken.class.getName());
    return token == null ? Mono.empty() : token;
  }
}
