package org.linkway.platform.pages;

import org.linkway.platform.security.Caller;
import org.springframework.security.web.server.csrf.CsrfToken;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * What every page's template can use: who is signed in ({@code caller}), the form token
 * ({@code csrf}) and how to show dates ({@code dates}).
 */
@ControllerAdvice(annotations = PageController.class)
class PageModel {

  private static final PageDates DATES = new PageDates();

  @ModelAttribute("dates")
  PageDates dates() {
    return DATES;
  }

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
