package org.linkway.platform;

import java.util.List;
import org.springframework.http.HttpStatus;

/** Errors that the HTTP layer turns into application/problem+json. */
public abstract class ProblemException extends RuntimeException {

  private final HttpStatus status;

  protected ProblemException(HttpStatus status, String detail) {
    super(detail);
    this.status = status;
  }

  public HttpStatus status() {
    return status;
  }

  /** One field that failed validation, and why. */
  public record FieldProblem(String field, String reason) {}

  /** 400: the request names each invalid field with the reason. */
  public static final class Invalid extends ProblemException {
    private final List<FieldProblem> errors;

    public Invalid(List<FieldProblem> errors) {
      super(HttpStatus.BAD_REQUEST, errors.size() == 1
          ? "1 field is invalid: " + errors.get(0).field()
          : errors.size() + " fields are invalid");
      this.errors = List.copyOf(errors);
    }

    public List<FieldProblem> errors() {
      return errors;
    }
  }

  /** 403: the caller is who they say, but this is not theirs to do. */
  public static final class Forbidden extends ProblemException {
    public Forbidden(String detail) {
      super(HttpStatus.FORBIDDEN, detail);
    }
  }

  /** 404. */
  public static final class NotFound extends ProblemException {
    public NotFound(String detail) {
      super(HttpStatus.NOT_FOUND, detail);
    }
  }

  /** 409: the state machine refused the transition. */
  public static final class Conflict extends ProblemException {
    public Conflict(String detail) {
      super(HttpStatus.CONFLICT, detail);
    }
  }

  /** 429: the caller holds as much of something as one caller may (live streams); the detail says what and how much. */
  public static final class TooManyRequests extends ProblemException {
    public TooManyRequests(String detail) {
      super(HttpStatus.TOO_MANY_REQUESTS, detail);
    }
  }

  /** 503: a dependency (the broker, a state store being restored) is not ready. */
  public static final class Unavailable extends ProblemException {
    public Unavailable(String detail) {
      super(HttpStatus.SERVICE_UNAVAILABLE, detail);
    }
  }
}
