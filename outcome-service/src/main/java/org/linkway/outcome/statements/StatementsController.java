package org.linkway.outcome.statements;

import java.nio.charset.StandardCharsets;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.math.BigDecimal;
import org.linkway.events.BudgetAgreed;
import org.linkway.platform.streams.TableView;
import org.linkway.outcome.ledger.stream.FundingProcessor;
import org.linkway.platform.web.ProblemException;
import org.linkway.platform.web.ProblemException.FieldProblem;
import org.linkway.platform.streams.StoreQueries;
import org.linkway.state.FundingState;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The commissioner's checks on the ledger, and monthly statements of what is due to each provider. */
@RestController
public class StatementsController {

  /** The funding ledger's state store (FundingProcessor.STORE). */
  static final String STORE = FundingProcessor.STORE;
  static final MediaType TEXT_CSV = MediaType.parseMediaType("text/csv");
  private static final Pattern MONTH = Pattern.compile("\\d{4}-\\d{2}");

  private final StoreQueries stores;
  private final TableView<BudgetAgreed> budgets;

  StatementsController(StoreQueries stores, TableView<BudgetAgreed> budgets) {
    this.stores = stores;
    this.budgets = budgets;
  }

  @GetMapping("/commissioners/{code}/ledger/reconciliation")
  public Reconciliation reconciliation(@PathVariable String code) {
    Map<String, BigDecimal> budgetByYear = budgets.values().stream().filter(b -> b.getCommissioner().equals(code))
        .collect(Collectors.toMap(BudgetAgreed::getFinancialYear, BudgetAgreed::getAmount));
    // read referral by referral: a commissioner's states do not all fit in memory at once
    Reconciliation.Accumulator accumulator = new Reconciliation.Accumulator(code);
    stores.<FundingState>forEach(STORE, accumulator::add);
    return accumulator.result(budgetByYear);
  }

  /** JSON unless the client prefers CSV (Accept: text/csv). */
  @GetMapping("/commissioners/{code}/statements")
  public ResponseEntity<?> statement(@PathVariable String code, @RequestParam(required = false) String providerId,
      @RequestParam(required = false) String month, @RequestHeader(name = HttpHeaders.ACCEPT, required = false) String accept) {
    YearMonth when = month(month);
    Statement statement = Statement.of(code, when, providerId, states(code));
    if (!prefersCsv(accept)) return ResponseEntity.ok(statement);
    String name = "statement-" + code + "-" + when + (statement.providerId() == null ? "" : "-" + statement.providerId()) + ".csv";
    return ResponseEntity.ok()
        .contentType(new MediaType(TEXT_CSV, StandardCharsets.UTF_8))
        .header(HttpHeaders.CONTENT_DISPOSITION,
            ContentDisposition.attachment().filename(name, StandardCharsets.UTF_8).build().toString())
        .body(statement.toCsv());
  }

  private List<FundingState> states(String code) {
    return stores.<FundingState>all(STORE, s -> code.equals(s.getCommissioner()));
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
      if (bare.includes(TEXT_CSV)) return true;
    }
    return false;
  }
}
