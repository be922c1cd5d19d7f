package org.linkway.outcome.analytics;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.linkway.platform.streams.StoreQueries;
import org.linkway.platform.web.ProblemException;
import org.linkway.platform.web.ProblemException.FieldProblem;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /commissioners/{code}/summary/breakdown?from=YYYY-MM-DD&to=YYYY-MM-DD&by=provider|service|practice|month}:
 * the commissioner's referrals broken down as {@link Breakdown} describes. {@code by} defaults to
 * provider; {@code from} and {@code to} are optional, inclusive, on the submission date in UK time;
 * an empty parameter is as if absent. An invalid value is 400 (problem+json naming each field); 503
 * while the commissioner's cells are not ready. Read from the cells kept as the referrals change
 * ({@link BreakdownCells}): with neither {@code from} nor {@code to}, one cell a group; with either, a cell a group
 * for each whole month in from..to and the day cells of the part-months at its ends; never the commissioner's
 * referrals one by one. The median days to acceptance is as precise as
 * {@link BreakdownCells} says.
 */
@RestController
public class BreakdownController {

  private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");

  private final StoreQueries stores;

  BreakdownController(StoreQueries stores) {
    this.stores = stores;
  }

  @GetMapping(path = "/commissioners/{code}/summary/breakdown", produces = MediaType.APPLICATION_JSON_VALUE)
  public Breakdown breakdown(@PathVariable String code, @RequestParam(required = false) String from,
      @RequestParam(required = false) String to, @RequestParam(required = false) String by) {
    List<FieldProblem> problems = new ArrayList<>();
    LocalDate since = date("from", from, problems);
    LocalDate until = date("to", to, problems);
    if (since != null && until != null && until.isBefore(since)) {
      problems.add(new FieldProblem("to", "must not be before from (" + since + "); was " + until));
    }
    Grouping grouping = grouping(by, problems);
    if (!problems.isEmpty()) throw new ProblemException.Invalid(problems);
    return BreakdownCells.of(stores, code, grouping, since, until);
  }

  private static LocalDate date(String field, String value, List<FieldProblem> problems) {
    if (value == null || value.isBlank()) return null;
    String trimmed = value.trim();
    if (!DATE.matcher(trimmed).matches()) {
      problems.add(new FieldProblem(field, "must be a date as YYYY-MM-DD, e.g. 2026-04-01; was '" + value + "'"));
      return null;
    }
    try {
      return LocalDate.parse(trimmed);
    } catch (DateTimeParseException e) {
      problems.add(new FieldProblem(field, "not a date: '" + value + "'; must be YYYY-MM-DD with a real month and day"));
      return null;
    }
  }

  private static Grouping grouping(String by, List<FieldProblem> problems) {
    if (by == null || by.isBlank()) return Grouping.PROVIDER;
    Optional<Grouping> grouping = Grouping.parse(by);
    if (grouping.isEmpty()) {
      problems.add(new FieldProblem("by", "must be one of " + String.join(", ", Grouping.params()) + "; was '" + by + "'"));
    }
    return grouping.orElse(null);
  }
}
