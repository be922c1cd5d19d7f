package org.linkway.outcome.opendata;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.linkway.outcome.ledger.FundingProcessor;
import org.linkway.outcome.opendata.DisclosureControl.PublishedRow;
import org.linkway.platform.StoreQueries;
import org.linkway.state.FundingState;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Public open data on referrals and outcomes, by commissioner, provider, need and month, with no
 * identifiers and every count under {@link DisclosureControl}:
 * <ul>
 *   <li>{@code GET /open-data/outcomes.csv}: text/csv, a header line then one line per row;
 *       suppressed counts are {@code *}.</li>
 *   <li>{@code GET /open-data/outcomes}: the same rows as JSON; each count is
 *       {@code {"value": 10, "suppressed": false}} or {@code {"value": null, "suppressed": true}}.</li>
 *   <li>{@code GET /open-data/outcomes/columns}: each column's name and meaning.</li>
 * </ul>
 * {@code ?commissioner=CODE} keeps one commissioner's rows. The columns are described in
 * {@link OpenDataColumn}; 503 while the funding-state store is not ready.
 */
@RestController
class OpenDataController {

  /** outcome-service's store of one FundingState per referral. */
  static final String STORE = FundingProcessor.STORE;
  static final MediaType TEXT_CSV = new MediaType("text", "csv", StandardCharsets.UTF_8);

  record ColumnView(String name, String meaning) {}

  private final StoreQueries stores;

  OpenDataController(StoreQueries stores) {
    this.stores = stores;
  }

  @GetMapping(path = "/open-data/outcomes.csv", produces = "text/csv")
  ResponseEntity<String> csv(@RequestParam(required = false) String commissioner) {
    return ResponseEntity.ok()
        .contentType(TEXT_CSV)
        .header(HttpHeaders.CONTENT_DISPOSITION,
            ContentDisposition.inline().filename("linkway-outcomes.csv").build().toString())
        .body(OpenDataCsv.write(published(commissioner)));
  }

  @GetMapping(path = "/open-data/outcomes", produces = MediaType.APPLICATION_JSON_VALUE)
  List<PublishedRow> json(@RequestParam(required = false) String commissioner) {
    return published(commissioner);
  }

  @GetMapping(path = "/open-data/outcomes/columns", produces = MediaType.APPLICATION_JSON_VALUE)
  List<ColumnView> columns() {
    return Arrays.stream(OpenDataColumn.values()).map(c -> new ColumnView(c.header(), c.meaning())).toList();
  }

  private List<PublishedRow> published(String commissioner) {
    List<FundingState> states = stores.all(STORE,
        (FundingState s) -> commissioner == null || commissioner.equals(s.getCommissioner()));
    return DisclosureControl.publish(OpenDataTable.rows(states));
  }
}
