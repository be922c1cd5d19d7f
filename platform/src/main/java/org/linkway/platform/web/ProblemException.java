package org.linkway.platform.web;

import java.util.List;
import org.springframework.http.HttpStatus;

/** Errors that the HTTP layer turns into application/problem+json. */
public abstract class ProblemException extends RuntimeException {

  private final HttpStatus status;
  private final List<FieldProblem> errors;

  protected ProblemException(HttpStatus status, String detail) {
    this(status, detail, List.of());
  }

  protected ProblemException(HttpStatus status, String detail, List<FieldProblem> errors) {
    super(detail);
    this.status = status;
    this.errors = List.copyOf(errors);
  }

  public HttpStatus status() {
    return status;
  }

  /** The fields the problem is about, each with why; empty when it is about the request as a whole. */
  public List<FieldProblem> errors() {
    return errors;
  }

  /** One field that failed validation, and why. */
  public record FieldProblem(String field, String reason) {}

  /** 400: the request names each invalid field with the reason. */
  public static final class Invalid extends ProblemException {
    public Invalid(List<FieldProblem> errors) {
      super(HttpStatus.BAD_REQUEST, errors.size() == 1
          ? "1 field is invalid: " + errors.get(0).field()
          : errors.size() + " fields are invalid", errors);
    }
  }

  /** 403: the caller is who they say, but this is not theirs to do. */
  public static final class Forbidden extends ProblemException {
    public Forbidden(String detail) {
      super(HttpStatus.FORBIDDEN, detail);
    }

    /** Refused because of what one field asks for, which the caller may not decide. */
    public Forbidden(FieldProblem field) {
      super(HttpStatus.FORBIDDEN, field.field() + " " + field.reason(), List.of(field));
    }
  }

  /** 404. */
  public static final class NotFound extends ProblemException {
    public NotFound(String detail) {
      super(HttpStatus.NOT_FOUND, detail);
    }
  }

  /** 410: it was here and is no longer kept here (an ended referral archived); the detail says when and where it is. */
  public static final class Gone extends ProblemException {
    public Gone(String detail) {
      super(HttpStatus.GONE, detail);
    }
  }

  /** 409: the state machine refused the transition. */
  public static final class Conflict extends ProblemException {
    public Conflict(String detail) {
      super(HttpStatus.CONFLICT, detail);
    }
  }

  /** 422: the request is well formed but cannot be taken as it is; the field (or header) says why. */
  public static final class Unprocessable extends ProblemException {
    public Unprocessable(FieldProblem field) {
      super(HttpStatus.UNPROCESSABLE_CONTENT, field.field() + " " + field.reason(), List.of(field));
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
