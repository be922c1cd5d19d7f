package org.linkway.outcome.opendata;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.linkway.outcome.opendata.DisclosureControl.PublishedRow;
import org.linkway.outcome.opendata.OpenDataReleases.Release;
import org.linkway.outcome.statements.StatementQueries;
import org.springframework.http.CacheControl;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * Public open data on referrals and outcomes, by commissioner, provider, need and month, with no
 * identifiers and every count under {@link DisclosureControl}, published as monthly releases
 * ({@link OpenDataReleases}): one per closed month, which never changes once published.
 * <ul>
 *   <li>{@code GET /open-data/releases}: the releases, oldest first, with their links.</li>
 *   <li>{@code GET /open-data/releases/{yyyy-MM}/outcomes.csv}: text/csv, a header line then one line
 *       per row; suppressed counts are {@code *}. {@code .../outcomes}: the same rows as JSON; each
 *       count is {@code {"value": 10, "suppressed": false}} or {@code {"value": null, "suppressed": true}}.</li>
 *   <li>{@code GET /open-data/outcomes.csv} and {@code /open-data/outcomes}: the latest release.</li>
 *   <li>{@code GET /open-data/outcomes/columns}: each column's name and meaning.</li>
 * </ul>
 * {@code ?commissioner=CODE} keeps one commissioner's rows. The columns are described in
 * {@link OpenDataColumn}; 503 while the month's cells are not ready to read for a release not built yet. A closed
 * month in which no referral was submitted has a release with no rows.
 */
@RestController
class OpenDataController {

  static final MediaType TEXT_CSV = new MediaType("text", "csv", StandardCharsets.UTF_8);
  /** A dated release never changes; the latest changes when a month closes. */
  private static final CacheControl FOREVER = CacheControl.maxAge(Duration.ofDays(365)).cachePublic().immutable();
  private static final CacheControl AN_HOUR = CacheControl.maxAge(Duration.ofHours(1)).cachePublic();

  record ColumnView(String name, String meaning) {}

  record ReleaseView(String month, String csv, String json) {}

  private final OpenDataReleases releases;

  OpenDataController(OpenDataReleases releases) {
    this.releases = releases;
  }

  @GetMapping(path = "/open-data/outcomes.csv", produces = "text/csv")
  Mono<ResponseEntity<String>> csv(@RequestParam(required = false) String commissioner) {
    return releases.latest().map(r -> csv(r, commissioner, AN_HOUR));
  }

  @GetMapping(path = "/open-data/outcomes", produces = MediaType.APPLICATION_JSON_VALUE)
  Mono<ResponseEntity<List<PublishedRow>>> json(@RequestParam(required = false) String commissioner) {
    return releases.latest().map(r -> json(r, commissioner, AN_HOUR));
  }

  @GetMapping(path = "/open-data/releases", produces = MediaType.APPLICATION_JSON_VALUE)
  Mono<List<ReleaseView>> releases() {
    return releases.months().map(months -> months.stream().map(month -> new ReleaseView(month.toString(),
        "/open-data/releases/" + month + "/outcomes.csv", "/open-data/releases/" + month + "/outcomes")).toList());
  }

  @GetMapping(path = "/open-data/releases/{month}/outcomes.csv", produces = "text/csv")
  Mono<ResponseEntity<String>> releaseCsv(@PathVariable String month, @RequestParam(required = false) String commissioner) {
    return release(month).map(r -> csv(r, commissioner, FOREVER));
  }

  @GetMapping(path = "/open-data/releases/{month}/outcomes", produces = MediaType.APPLICATION_JSON_VALUE)
  Mono<ResponseEntity<List<PublishedRow>>> releaseJson(@PathVariable String month,
      @RequestParam(required = false) String commissioner) {
    return release(month).map(r -> json(r, commissioner, FOREVER));
  }

  @GetMapping(path = "/open-data/outcomes/columns", produces = MediaType.APPLICATION_JSON_VALUE)
  List<ColumnView> columns() {
    return Arrays.stream(OpenDataColumn.values()).map(c -> new ColumnView(c.header(), c.meaning())).toList();
  }

  private Mono<Release> release(String month) {
    return releases.release(StatementQueries.month(month));
  }

  private static ResponseEntity<String> csv(Release release, String commissioner, CacheControl cache) {
    return ResponseEntity.ok()
        .contentType(TEXT_CSV)
        .cacheControl(cache)
        .header(HttpHeaders.CONTENT_DISPOSITION,
            ContentDisposition.inline().filename("linkway-outcomes-" + release.month() + ".csv").build().toString())
        .body(release.csv(commissioner));
  }

  private static ResponseEntity<List<PublishedRow>> json(Release release, String commissioner, CacheControl cache) {
    return ResponseEntity.ok().cacheControl(cache).body(release.rows(commissioner));
  }
}
