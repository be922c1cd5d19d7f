package org.linkway.outcome.opendata;

import static org.linkway.platform.domain.SocialPrescribing.UK;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import java.time.Duration;
import java.time.YearMonth;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.linkway.outcome.opendata.DisclosureControl.PublishedRow;
import org.linkway.platform.streams.StoreQueries;
import org.linkway.state.OpenDataEntry;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The open-data releases: one per closed month, built once and then served as they are.
 *
 * <p>A month closes {@code linkway.open-data.grace} (2 days by default, for events of its last
 * hours still on their way) after its last day ends, UK time. Its release is then built from the
 * month's {@link OpenDataEntries}, on the bounded elastic scheduler, never on the event loop: one read
 * of each month due, shared by all the requests waiting for it, on the instance that holds the entries
 * ({@code OpenDataRoutes} sends every open-data request there). After that, a request
 * costs a map lookup and the bytes of the answer, however many come. A release once built never
 * changes (it is derived from the month's events only, see {@link OpenDataTable}); a restart builds
 * the same release again from the same events. {@code linkway.open_data.builds} counts the builds
 * (the store's reads for open data), so that an operator can see a flood of requests cost none.
 */
@Component
class OpenDataReleases implements MeterBinder {

  /** Each referral's part in the release of its month, all on the instance that owns {@link OpenDataEntries#KEY}. */
  static final String STORE = OpenDataEntries.STORE;

  /** One month's published rows and their CSV, whole and by commissioner, made once. */
  record Release(YearMonth month, List<PublishedRow> rows, String csv, Map<String, List<PublishedRow>> rowsByCommissioner,
      Map<String, String> csvByCommissioner) {

    private static final String NO_ROWS = OpenDataCsv.write(List.of());

    static Release of(YearMonth month, List<PublishedRow> rows) {
      Map<String, List<PublishedRow>> byCommissioner = rows.stream()
          .collect(Collectors.groupingBy(PublishedRow::commissioner, TreeMap::new, Collectors.toUnmodifiableList()));
      Map<String, String> csvByCommissioner = new TreeMap<>();
      byCommissioner.forEach((code, theirs) -> csvByCommissioner.put(code, OpenDataCsv.write(theirs)));
      return new Release(month, List.copyOf(rows), OpenDataCsv.write(rows), Collections.unmodifiableMap(byCommissioner),
          Collections.unmodifiableMap(csvByCommissioner));
    }

    /** The rows of one commissioner (none for a code with no rows), or all of them when {@code commissioner} is null. */
    List<PublishedRow> rows(String commissioner) {
      return commissioner == null ? rows : rowsByCommissioner.getOrDefault(commissioner, List.of());
    }

    /** The CSV of one commissioner (only the header for a code with no rows), or of all of them. */
    String csv(String commissioner) {
      return commissioner == null ? csv : csvByCommissioner.getOrDefault(commissioner, NO_ROWS);
    }
  }

  /** The releases built so far, by month; {@code latest} is the last closed month when they were built. */
  record Published(YearMonth latest, NavigableMap<YearMonth, Release> releases) {

    Release latestRelease() {
      return releases.get(latest);
    }
  }

  private final StoreQueries stores;
  private final Clock clock;
  private final Duration grace;
  private final AtomicReference<Published> published = new AtomicReference<>();
  /** The build under way, shared by every request that waits for it; null when none is. */
  private Mono<Published> building;
  private final AtomicInteger builds = new AtomicInteger();

  @Autowired
  OpenDataReleases(StoreQueries stores, @Value("${linkway.open-data.grace:P2D}") Duration grace) {
    this(stores, Clock.system(UK), grace);
  }

  OpenDataReleases(StoreQueries stores, Clock clock, Duration grace) {
    this.stores = stores;
    this.clock = clock;
    this.grace = grace;
  }

  /** The last month whose release is due now: closed, and its grace over. */
  YearMonth lastClosed() {
    return YearMonth.from(clock.instant().minus(grace).atZone(UK)).minusMonths(1);
  }

  /**
   * The releases due now: at once when they are built; otherwise after the one build that every
   * caller shares, which fails with 503 while the store is not ready (the next call tries again).
   */
  Mono<Published> published() {
    YearMonth due = lastClosed();
    Published now = published.get();
    if (now != null && !now.latest().isBefore(due)) return Mono.just(now);
    return build(due);
  }

  /** How many times the store has been read for releases: for the tests that show a request does not. */
  int builds() {
    return builds.get();
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    FunctionCounter.builder("linkway.open_data.builds", builds, AtomicInteger::get)
        .description("Open-data builds: reads of the open-data entries for the monthly releases").register(registry);
  }

  private synchronized Mono<Published> build(YearMonth due) {
    Published now = published.get();
    if (now != null && !now.latest().isBefore(due)) return Mono.just(now);
    if (building == null) {
      // the outcome is recorded before any waiting request sees it, so that the next request
      // finds the releases built (or, after a failure, builds again) rather than this build
      building = Mono.fromCallable(() -> built(now, due))
          .subscribeOn(Schedulers.boundedElastic())
          .doOnNext(built -> {
            published.set(built);
            done();
          })
          .doOnError(failure -> done())
          .cache();
    }
    return building;
  }

  private synchronized void done() {
    building = null;
  }

  /** Every release due and not built yet, each from one read of its month's entries; those already built are kept as they are. */
  private Published built(Published before, YearMonth due) {
    builds.incrementAndGet();
    NavigableMap<YearMonth, Release> releases = before == null ? new TreeMap<>() : new TreeMap<>(before.releases());
    YearMonth first = firstMonth().filter(m -> m.isBefore(due)).orElse(due);
    for (YearMonth month = first; !month.isAfter(due); month = month.plusMonths(1)) {
      if (releases.containsKey(month)) continue;
      List<OpenDataEntry> entries = stores.withPrefix(STORE, OpenDataEntries.KEY, OpenDataEntries.prefix(month.toString()));
      releases.put(month, Release.of(month, DisclosureControl.publish(OpenDataTable.rows(entries))));
    }
    return new Published(due, Collections.unmodifiableNavigableMap(releases));
  }

  /** The month of the earliest submission seen, if any: that of the first entry. */
  private Optional<YearMonth> firstMonth() {
    StoreQueries.Page<OpenDataEntry> first = stores.page(STORE, OpenDataEntries.KEY, "", null, 1, entry -> true);
    return first.values().stream().findFirst().map(entry -> YearMonth.parse(entry.getMonth()));
  }
}
