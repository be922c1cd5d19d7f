package org.linkway.outcome.statements;

import static org.linkway.platform.domain.SocialPrescribing.UK;

import java.nio.charset.StandardCharsets;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.regex.Pattern;
import org.linkway.platform.streams.StoreQueries;
import org.linkway.platform.web.PageRequest;
import org.linkway.platform.web.ProblemException;
import org.linkway.platform.web.ProblemException.FieldProblem;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * A commissioner's monthly statements: what the API answers ({@link StatementsController}) and the dashboard shows
 * and offers to download, read from the lines and totals kept by month ({@link StatementLines}). Reads only, so
 * holding two is as good as one. (The checks on the ledger: {@link ReconciliationJob}.)
 */
@Component
public class StatementQueries {

  static final MediaType TEXT_CSV = MediaType.parseMediaType("text/csv");
  /** The items of a statement read for each chunk of its CSV. */
  static final int CSV_PAGE = PageRequest.MAX_LIMIT;

  private static final Pattern MONTH = Pattern.compile("\\d{4}-\\d{2}");

  private final StoreQueries stores;

  StatementQueries(StoreQueries stores) {
    this.stores = stores;
  }

  /** One page of the items of a month's statement ({@link StatementLines#page}). */
  public StatementLines.Page statement(String code, String providerId, String month, PageRequest page) {
    return StatementLines.page(stores::scan, code, month(month), providerId, page.after(), page.limit());
  }

  /** The latest {@code count} months with payments due, and this month, latest first, with their totals. */
  public List<StatementLines.MonthTotal> latestMonths(String code, int count) {
    return StatementLines.latestMonths(stores::scan, code, YearMonth.now(UK), count);
  }

  /**
   * Writes the whole statement of a month ({@code month}, YYYY-MM: 400 naming it otherwise), of one provider or of all,
   * as a CSV file to download, named for the commissioner, the month and the provider if one. It is written as it is
   * read, {@value #CSV_PAGE} items at a time off the event loop ({@link StatementCsv#byPages}): however many items the
   * month has, one page is held and the first bytes go once one page is read. (Written on the response itself: a
   * handler that answers JSON or this cannot declare one type of body.)
   */
  public Mono<Void> writeCsv(String code, String providerId, String month, ServerHttpResponse response) {
    YearMonth asked = month(month);
    String only = providerId == null || providerId.isBlank() ? null : providerId;
    String name = "statement-" + code + "-" + asked + (only == null ? "" : "-" + only) + ".csv";
    Flux<DataBuffer> chunks = Flux.fromIterable(() -> StatementCsv.byPages(
            after -> StatementLines.page(stores::scan, code, asked, only, after, CSV_PAGE)))
        .map(chunk -> response.bufferFactory().wrap(chunk.getBytes(StandardCharsets.UTF_8)))
        .subscribeOn(Schedulers.boundedElastic());
    response.setStatusCode(HttpStatus.OK);
    response.getHeaders().setContentType(new MediaType(TEXT_CSV, StandardCharsets.UTF_8));
    response.getHeaders().set(HttpHeaders.CONTENT_DISPOSITION,
        ContentDisposition.attachment().filename(name, StandardCharsets.UTF_8).build().toString());
    return response.writeWith(chunks);
  }

  /** A {@code month} parameter, YYYY-MM; 400 naming the field otherwise (the open-data releases parse theirs here too). */
  public static YearMonth month(String month) {
    if (month == null || month.isBlank()) {
      throw invalidMonth("required, as YYYY-MM, e.g. 2026-04");
    }
    if (!MONTH.matcher(month).matches()) {
      throw invalidMonth("must be YYYY-MM, e.g. 2026-04; was '" + month + "'");
    }
    try {
      return YearMonth.parse(month);
    } catch (DateTimeParseException e) {
      throw invalidMonth("not a month: '" + month + "'; must be YYYY-MM with the month 01 to 12");
    }
  }

  private static ProblemException.Invalid invalidMonth(String reason) {
    return new ProblemException.Invalid(List.of(new FieldProblem("month", reason)));
  }
}
