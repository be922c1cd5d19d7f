package org.linkway.platform.web;

import java.net.URI;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.core.MethodParameter;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.server.ContentTooLargeException;
import org.springframework.web.server.MissingRequestValueException;
import org.springframework.web.server.PayloadTooLargeException;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebInputException;
import org.springframework.web.server.UnsupportedMediaTypeStatusException;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.TokenStreamContext;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.InputCoercionException;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.type.LogicalType;

/**
 * Every error as application/problem+json, with the invalid fields named.
 *
 * <p>Ordered first after the pages' own ({@code PageProblems}, which answers a person's page in words), so that what it handles (a body that cannot be read, one that is too large, a
 * content type that is not taken, and whatever else the framework refuses a request with: 405,
 * 406...) is answered here, naming the field or the type and always with a detail, rather than by
 * Spring Boot's generic problem details ("Failed to read HTTP message", or none).
 *
 * <p>What counts as unreadable: {@code linkway-defaults.properties} has Jackson refuse unknown
 * fields, a string for a number or a boolean, and a fraction for a whole number; as a
 * {@link JsonMapperBuilderCustomizer} this class has it refuse a number or a boolean for a string
 * too (no property says that), so that {@code "nhsNumber": 9434765919} is a wrong type like
 * {@code "consent": "true"}.
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE + 1)
public class ProblemHandler implements JsonMapperBuilderCustomizer {

  /** The largest request body a service reads: {@code spring.http.codecs.max-in-memory-size}, set in linkway-defaults. */
  public static final String MAX_BODY = "1 MB";

  /** How long a caller is asked to wait (Retry-After, seconds) when the state it reads is not ready. */
  public static final int RETRY_AFTER_SECONDS = 1;
  private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);
  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** A JSON number or boolean where the request has a string is a wrong type, not a string. */
  @Override
  public void customize(JsonMapper.Builder builder) {
    builder.withCoercionConfig(LogicalType.Textual, config -> config
        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail));
  }

  @ExceptionHandler(ProblemException.class)
  public ResponseEntity<ProblemDetail> problem(ProblemException e) {
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(e.status(), e.getMessage());
    problem.setType(type(e.status()));
    if (!e.errors().isEmpty()) {
      problem.setProperty("errors", e.errors());
    }
    ResponseEntity.BodyBuilder answer = ResponseEntity.status(e.status());
    // a state not ready yet (starting, partitions moving between instances): when to ask again
    if (e instanceof ProblemException.Unavailable) answer.header(HttpHeaders.RETRY_AFTER, String.valueOf(RETRY_AFTER_SECONDS));
    // said outright: a live stream's request accepts text/event-stream, in which any object could be written as an event
    return answer.contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
  }

  /**
   * Writes a problem+json answer from where no handler is reached (a filter: security, the
   * forwarding of reads to the instance that owns the key).
   */
  public static Mono<Void> write(ServerWebExchange exchange, HttpStatus status, String detail) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", type(status).toString());
    body.put("title", status.getReasonPhrase());
    body.put("status", status.value());
    body.put("detail", detail);
    body.put("instance", exchange.getRequest().getPath().value());
    var response = exchange.getResponse();
    response.setStatusCode(status);
    response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
    return response.writeWith(Mono.fromSupplier(() -> response.bufferFactory().wrap(JSON.writeValueAsBytes(body))));
  }

  /**
   * A body that is not JSON, a value of the wrong type, a field the request does not have, no body
   * where one is required, or a missing parameter: name the field where Jackson knows it. The
   * reason never repeats the value sent (it may be a person's details).
   */
  @ExceptionHandler(ServerWebInputException.class)
  public ResponseEntity<ProblemDetail> unreadable(ServerWebInputException e) {
    if (e instanceof MissingRequestValueException missing) {
      return invalid("the " + missing.getLabel() + " " + missing.getName() + " is required",
          new ProblemException.FieldProblem(missing.getName(), "is required"));
    }
    MethodParameter parameter = e.getMethodParameter();
    if (parameter != null && !parameter.hasParameterAnnotation(RequestBody.class)) {
      String name = parameter.getParameterName() == null ? "parameter" : parameter.getParameterName();
      return invalid("the " + name + " is not valid", new ProblemException.FieldProblem(name, "is not valid"));
    }
    JacksonException jackson = jacksonCause(e);
    String field = jackson == null ? "" : fieldOf(jackson);
    String reason = jackson == null ? noBody(e) : reasonOf(jackson);
    log.debug("unreadable request: {}", e.getReason());
    return invalid("the request body could not be read" + (field.isEmpty() ? "" : " at " + field) + ": " + reason,
        new ProblemException.FieldProblem(field.isEmpty() ? "body" : field, reason));
  }

  /** 413: more than the services read into memory ({@value #MAX_BODY}); nothing of it is used. */
  @ExceptionHandler({ContentTooLargeException.class, PayloadTooLargeException.class, DataBufferLimitException.class})
  public ResponseEntity<ProblemDetail> tooLarge(Exception e) {
    HttpStatus status = HttpStatus.CONTENT_TOO_LARGE;
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(status,
        "the request body is larger than " + MAX_BODY + ", the most a Linkway service reads");
    problem.setType(type(status));
    problem.setProperty("errors", List.of(new ProblemException.FieldProblem("body", "is larger than " + MAX_BODY)));
    return ResponseEntity.status(status).body(problem);
  }

  /** 415: the content type, as sent, and the ones the endpoint takes. */
  @ExceptionHandler(UnsupportedMediaTypeStatusException.class)
  public ResponseEntity<ProblemDetail> unsupportedType(UnsupportedMediaTypeStatusException e, ServerWebExchange exchange) {
    return unsupportedType(e.getSupportedMediaTypes(), exchange);
  }

  /**
   * Any other status a request was refused with by the framework (405, 406, a form body where JSON
   * is taken: 415...): as problem+json, with a detail even where the framework gave none.
   */
  @ExceptionHandler(ResponseStatusException.class)
  public ResponseEntity<ProblemDetail> refused(ResponseStatusException e, ServerWebExchange exchange) {
    if (e.getStatusCode().value() == HttpStatus.UNSUPPORTED_MEDIA_TYPE.value()) {
      return unsupportedType(List.of(MediaType.APPLICATION_JSON), exchange);
    }
    ProblemDetail problem = e.getBody();
    HttpStatus known = HttpStatus.resolve(e.getStatusCode().value());
    if (problem.getDetail() == null || problem.getDetail().isBlank()) {
      problem.setDetail(e.getReason() != null ? e.getReason() : known != null ? known.getReasonPhrase() : "the request was refused");
    }
    if (known != null && (problem.getType() == null || "about:blank".equals(problem.getType().toString()))) {
      problem.setType(type(known));
    }
    return ResponseEntity.status(e.getStatusCode()).headers(e.getHeaders()).body(problem);
  }

  private static ResponseEntity<ProblemDetail> unsupportedType(List<MediaType> accepted, ServerWebExchange exchange) {
    HttpStatus status = HttpStatus.UNSUPPORTED_MEDIA_TYPE;
    String sent = exchange.getRequest().getHeaders().getFirst(HttpHeaders.CONTENT_TYPE);
    List<MediaType> supported = accepted.stream()
        .filter(type -> !type.isWildcardType() && !type.isWildcardSubtype()).distinct().toList();
    String takes = supported.isEmpty() ? "application/json" : supported.stream().map(MediaType::toString)
        .collect(Collectors.joining(", "));
    String detail = (sent == null || sent.isBlank() ? "a body without a Content-Type" : "the Content-Type '" + printable(sent) + "'")
        + " is not taken here: send " + takes;
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
    problem.setType(type(status));
    problem.setProperty("errors", List.of(new ProblemException.FieldProblem("Content-Type", "must be " + takes)));
    ResponseEntity.BodyBuilder answer = ResponseEntity.status(status);
    if (!supported.isEmpty()) answer.header(HttpHeaders.ACCEPT, supported.stream().map(MediaType::toString).toArray(String[]::new));
    return answer.body(problem);
  }

  private static ResponseEntity<ProblemDetail> invalid(String detail, ProblemException.FieldProblem error) {
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, detail);
    problem.setType(type(HttpStatus.BAD_REQUEST));
    problem.setProperty("errors", List.of(error));
    return ResponseEntity.badRequest().body(problem);
  }

  private static URI type(HttpStatus status) {
    return URI.create("https://linkway.org/problems/" + status.name().toLowerCase().replace('_', '-'));
  }

  private static String noBody(ServerWebInputException e) {
    String reason = e.getReason() == null ? "" : e.getReason();
    return reason.toLowerCase().contains("no request body") ? "is required: the request has no body"
        : "is malformed or of the wrong type";
  }

  private static JacksonException jacksonCause(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof JacksonException jackson) return jackson;
    }
    return null;
  }

  /** Why Jackson could not read the body, in words that do not repeat the value. */
  static String reasonOf(JacksonException e) {
    if (e instanceof UnrecognizedPropertyException) {
      return "is not a field of this request";
    }
    if (e instanceof MismatchedInputException mismatched) {
      return "is of the wrong type: expected " + expected(mismatched.getTargetType());
    }
    if (e instanceof StreamConstraintsException) {
      // the reader's limits (StreamReadConstraints): which one, from its message, without the value
      String message = String.valueOf(e.getOriginalMessage()).toLowerCase();
      if (message.contains("number")) return "has a number longer than the JSON reader takes";
      if (message.contains("nesting")) return "is nested deeper than the JSON reader takes";
      if (message.contains("string") || message.contains("name")) return "has a string longer than the JSON reader takes";
      return "is beyond what the JSON reader takes";
    }
    if (e instanceof InputCoercionException) {
      return "is out of range for its type";
    }
    if (e instanceof StreamReadException) {
      TokenStreamLocation at = e.getLocation();
      String where = at == null || at.getLineNr() < 0 ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
      return "is not well-formed JSON" + where;
    }
    return "is malformed or of the wrong type";
  }

  private static String expected(Class<?> type) {
    if (type == null) return "another type";
    if (type == String.class || CharSequence.class.isAssignableFrom(type)) return "a string";
    if (type == Boolean.class || type == boolean.class) return "true or false";
    if (type == Integer.class || type == int.class || type == Long.class || type == long.class
        || type == Short.class || type == short.class) {
      return "a whole number";
    }
    if (Number.class.isAssignableFrom(type) || type.isPrimitive()) return "a number";
    if (Collection.class.isAssignableFrom(type) || type.isArray()) return "an array";
    if (Map.class.isAssignableFrom(type) || type.isRecord() || !type.getName().startsWith("java.")) return "an object";
    return "a " + type.getSimpleName();
  }

  /** The field's path; for an error of the JSON reader itself, where the reader was (if not too deep to show). */
  private static String fieldOf(JacksonException e) {
    if (e.getPath().isEmpty() && e instanceof StreamReadException && e.processor() instanceof JsonParser parser) {
      return readerPath(parser.streamReadContext());
    }
    StringBuilder path = new StringBuilder();
    for (var ref : e.getPath()) {
      if (ref.getPropertyName() != null) {
        if (!NAME.matcher(ref.getPropertyName()).matches()) return "";
        if (!path.isEmpty()) path.append('.');
        path.append(ref.getPropertyName());
      } else if (ref.getIndex() >= 0) {
        path.append('[').append(ref.getIndex()).append(']');
      }
    }
    return path.toString();
  }

  private static final int MAX_SHOWN_DEPTH = 16;
  /**
   * A field name as the problem may repeat it; a name the sender made up that is not one (blank,
   * long, with control characters or markup) is not repeated, and the problem names the body.
   */
  private static final Pattern NAME = Pattern.compile("^[\\p{L}\\p{N}_$@:-]{1,64}$");

  private static String readerPath(TokenStreamContext context) {
    ArrayDeque<String> steps = new ArrayDeque<>();
    for (TokenStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
      if (steps.size() >= MAX_SHOWN_DEPTH) return "";
      if (c.inObject()) {
        if (c.currentName() == null || !NAME.matcher(c.currentName()).matches()) return "";
        steps.push("." + c.currentName());
      } else if (c.inArray()) {
        steps.push("[" + Math.max(0, c.getCurrentIndex()) + "]");
      }
    }
    String path = String.join("", steps);
    return path.startsWith(".") ? path.substring(1) : path;
  }

  /** A header as sent, without control characters and not too long to show. */
  private static String printable(String value) {
    String shown = value.codePoints().filter(c -> !Character.isISOControl(c))
        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    return shown.length() > 100 ? shown.substring(0, 100) + "…" : shown;
  }
}
