package org.linkway.platform.pages;

import org.linkway.platform.web.ProblemException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.server.ServerWebExchange;

/**
 * A page whose action the API refuses (a referral changed meanwhile, no longer there, the service
 * busy) says so as a page, in words, where the API would answer problem+json. A form's own field
 * problems are shown beside the fields by the page itself; what reaches here is the rest.
 */
@ControllerAdvice(annotations = PageController.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
class PageProblems {

  @ExceptionHandler(ProblemException.class)
  String problem(ProblemException problem, Model model, ServerWebExchange exchange) {
    HttpStatus status = problem.status();
    exchange.getResponse().setStatusCode(status);
    String title = switch (status) {
      case NOT_FOUND -> "Not found";
      case GONE -> "No longer kept here";
      case CONFLICT -> "This has changed since you opened the page";
      case SERVICE_UNAVAILABLE -> "Try again in a moment";
      case FORBIDDEN -> "You cannot do this";
      default -> "There is a problem";
    };
    return Templates.page(model, "linkway/problem", new Problem(status.value(), title, problem.getMessage()));
  }

  /** The model of {@code linkway/problem}. */
  record Problem(int status, String title, String detail) {}
}
