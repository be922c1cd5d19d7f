package org.linkway.outcome.statements;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.linkway.platform.security.Caller;
import org.linkway.platform.web.PageRequest;
import org.linkway.platform.web.ProblemException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** The commissioner's checks on the ledger, and monthly statements of what is due to each provider. */
@RestController
public class StatementsController {

  /** The items of a statement a page holds when the request does not say. */
  static final int DEFAULT_LIMIT = PageRequest.MAX_LIMIT;

  private final StatementQueries statements;
  private final ReconciliationJob reconciliations;

  StatementsController(StatementQueries statements, ReconciliationJob reconciliations) {
    this.statements = statements;
    this.reconciliations = reconciliations;
  }

  /** What a request for a run answers: the run is asked for; its result, once made, has a {@code ranAt} from then on. */
  public record RunRequested(String commissioner, Instant requestedAt, String result) {}

  /**
   * The last reconciliation of the commissioner's ledger, with when it ran ({@link ReconciliationJob}); 503 with
   * Retry-After before its first run on the instance that holds the commissioner.
   */
  @GetMapping("/commissioners/{code}/ledger/reconciliation")
  public ReconciliationRun reconciliation(@PathVariable String code) {
    return reconciliations.last(code);
  }

  /**
   * Asks for a run of the commissioner's reconciliation now, by the commissioner itself or an admin: 202, the
   * result to be read at {@code Location} once its {@code ranAt} is no earlier than {@code requestedAt}.
   */
  @PostMapping("/commissioners/{code}/ledger/reconciliation")
  public Mono<ResponseEntity<RunRequested>> runReconciliation(@PathVariable String code) {
    return Caller.current().map(caller -> {
      if (!ReconciliationJob.mayRequest(caller, code)) {
        throw new ProblemException.Forbidden(caller.actor() + " may not ask for the reconciliation of " + code
            + ": only the commissioner itself or an admin may");
      }
      Instant at = reconciliations.request(code);
      String result = "/commissioners/" + code + "/ledger/reconciliation";
      return ResponseEntity.accepted().location(URI.create(result)).body(new RunRequested(code, at, result));
    });
  }

  /**
   * JSON unless the client prefers CSV (Accept: text/csv). The JSON lists the month's items a page at a time
   * ({@code ?after=…&limit=…}, {@value #DEFAULT_LIMIT} by default, a {@code Link: rel="next"} to the page after),
   * each page with the totals of the whole month; the CSV is the whole month, written as it is read a page at a
   * time ({@link StatementQueries#csv}).
   */
  @GetMapping("/commissioners/{code}/statements")
  public Mono<ResponseEntity<Statement>> statement(@PathVariable String code,
      @RequestParam(required = false) String providerId, @RequestParam(required = false) String month,
      @RequestParam(required = false) String after, @RequestParam(required = false) String limit,
      @RequestHeader(name = HttpHeaders.ACCEPT, required = false) String accept, ServerHttpRequest request,
      ServerHttpResponse response) {
    StatementQueries.month(month);
    if (prefersCsv(accept)) return statements.writeCsv(code, providerId, month, response).then(Mono.empty());
    PageRequest page = PageRequest.of(after, limit, DEFAULT_LIMIT, StatementLines.CURSOR);
    StatementLines.Page answer = statements.statement(code, providerId, month, page);
    String next = page.nextLink(request, answer.next());
    ResponseEntity.BodyBuilder ok = ResponseEntity.ok();
    if (next != null) ok.header(HttpHeaders.LINK, "<" + next + ">; rel=\"next\"");
    return Mono.just(ok.body(answer.statement()));
  }

  /**
   * Whether the Accept header prefers CSV to JSON: the acceptable types in order of quality (the
   * header's order among equals), the first that admits JSON or CSV decides; JSON wins a tie (a
   * missing header, or *&#47;*). An unreadable header gets JSON.
   */
  static boolean prefersCsv(String accept) {
    if (accept == null || accept.isBlank()) return false;
    List<MediaType> types;
    try {
      types = new ArrayList<>(MediaType.parseMediaTypes(accept));
    } catch (InvalidMediaTypeException e) {
      return false;
    }
    types.sort(Comparator.comparingDouble(MediaType::getQualityValue).reversed());
    for (MediaType type : types) {
      if (type.getQualityValue() <= 0) continue;
      MediaType bare = new MediaType(type.getType(), type.getSubtype());
      if (bare.includes(MediaType.APPLICATION_JSON)) return false;
      if (bare.includes(StatementQueries.TEXT_CSV)) return true;
    }
    return false;
  }
}
