package org.linkway.platform;

import java.net.URI;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.server.ServerWebInputException;

/** Every error as application/problem+json, with the invalid fields named. */
@RestControllerAdvice
public class ProblemHandler {

  private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

  @ExceptionHandler(ProblemException.class)
  public ResponseEntity<ProblemDetail> problem(ProblemException e) {
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(e.status(), e.getMessage());
    problem.setType(URI.create("https://linkway.org/problems/" + e.status().name().toLowerCase().replace('_', '-')));
    if (e instanceof ProblemException.Invalid invalid) {
      problem.setProperty("errors", invalid.errors());
    }
    return ResponseEntity.status(e.status()).body(problem);
  }

  /** A body that is not JSON, or a value of the wrong type: name the field where Jackson knows it. */
  @ExceptionHandler(ServerWebInputException.class)
  public ResponseEntity<ProblemDetail> unreadable(ServerWebInputException e) {
    String field = fieldOf(e);
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
        "the request body could not be read" + (field.isEmpty() ? "" : " at " + field));
    problem.setType(URI.create("https://linkway.org/problems/bad-request"));
    problem.setProperty("errors", List.of(new ProblemException.FieldProblem(
        field.isEmpty() ? "body" : field, "malformed or of the wrong type")));
    log.debug("unreadable request: {}", e.getReason());
    return ResponseEntity.badRequest().body(problem);
  }

  private static String fieldOf(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof tools.jackson.databind.DatabindException de) {
        StringBuilder path = new StringBuilder();
        for (var ref : de.getPath()) {
          if (ref.getPropertyName() != null) {
            if (!path.isEmpty()) path.append('.');
            path.append(ref.getPropertyName());
          } else if (ref.getIndex() >= 0) {
            path.append('[').append(ref.getIndex()).append(']');
          }
        }
        return path.toString();
      }
    }
    return "";
  }

}
