package org.linkway.outcome.opendata;

import static org.linkway.platform.domain.SocialPrescribing.UK;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import java.time.Duration;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.linkway.outcome.opendata.DisclosureControl.PublishedRow;
import org.linkway.platform.streams.StoreQueries;
import org.linkway.platform.web.ProblemException;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The open-data releases: one per closed month, built from the month's cells when first asked for, then served as
 * they are.
 *
 * <p>A month closes {@code linkway.open-data.grace} (2 days by default, for events of its last hours still on their
 * way) after its last day ends, UK time. Its release is built from the month's cells ({@link OpenDataEntries#CELLS}:
 * one read of as many cells as the release has rows, however many referrals the month had), on the bounded elastic
 * scheduler, never on the event loop, on the instance that owns the month ({@code OpenDataRoutes} sends each
 * request about a month there); the one read is shared by all the requests waiting for it. After that, a request
 * costs a map lookup and the bytes of the answer, however many come. The last {@value #RELEASES_KEPT} releases asked
 * for are kept; an older one asked again, or one asked after a restart, is built again from its month's cells, and
 * nothing else: a start reads no month until one is asked for. A release of a closed month is derived from that
 * month's events only ({@link OpenDataTable}), so built again it is the same. {@code linkway.open_data.builds} counts
 * the builds (the reads of a month's cells), so that an operator can see a flood of requests cost none.
 */
@Component
class OpenDataReleases implements MeterBinder {

  /** How many releases one instance keeps built (the most recently asked for). */
  static final int RELEASES_KEPT = 24;

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

  private final StoreQueries stores;
  private final Clock clock;
  private final Duration grace;
  /** The releases built, the most recently asked for last. */
  private final Map<YearMonth, Release> kept = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<YearMonth, Release> eldest) {
      return size() > RELEASES_KEPT;
    }
  };
  /** The builds under way, each shared by every request that waits for it. */
  private final Map<YearMonth, Mono<Release>> building = new HashMap<>();
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
   * The months that have a release, oldest first: every closed month from the first with a referral (the last closed
   * alone when there is none). One read of one key ({@link OpenDataEntries#MONTHS}), off the event loop.
   */
  Mono<List<YearMonth>> months() {
    YearMonth due = lastClosed();
    return Mono.fromCallable(() -> OpenDataEntries.firstMonth(stores).filter(m -> m.isBefore(due)).orElse(due))
        .subscribeOn(Schedulers.boundedElastic())
        .map(first -> {
          List<YearMonth> months = new ArrayList<>();
          for (YearMonth m = first; !m.isAfter(due); m = m.plusMonths(1)) months.add(m);
          return months;
        });
  }

  /** The release of the last closed month. */
  Mono<Release> latest() {
    return release(lastClosed());
  }

  /**
   * The release of a closed month (empty when no referral was submitted in it): at once when it is built; otherwise
   * after the one build that every caller shares, which fails with 503 while the store is not ready (the next call
   * tries again). 404 for a month not closed yet.
   */
  Mono<Release> release(YearMonth month) {
    YearMonth due = lastClosed();
    if (month.isAfter(due)) {
      return Mono.error(new ProblemException.NotFound("no open-data release for " + month
          + ": releases are of closed months, the last " + due + " (GET /open-data/releases)"));
    }
    return build(month);
  }

  /** How many times a month's cells have been read for a release: for the tests that show a request does not. */
  int builds() {
    return builds.get();
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    FunctionCounter.builder("linkway.open_data.builds", builds, AtomicInteger::get)
        .description("Open-data builds: reads of a month's open-data cells for its release").register(registry);
  }

  private synchronized Mono<Release> build(YearMonth month) {
    Release release = kept.get(month);
    if (release != null) return Mono.just(release);
    // the outcome is recorded before any waiting request sees it, so that the next request finds the release
    // built (or, after a failure, builds again) rather than this build
    return building.computeIfAbsent(month, m -> Mono.fromCallable(() -> built(m))
        .subscribeOn(Schedulers.boundedElastic())
        .doOnNext(built -> done(m, built))
        .doOnError(failure -> done(m, null))
        .cache());
  }

  private synchronized void done(YearMonth month, Release built) {
    if (built != null) kept.put(month, built);
    building.remove(month);
  }

  /** The month's release, from one read of its cells. */
  private Release built(YearMonth month) {
    builds.incrementAndGet();
    return Release.of(month, DisclosureControl.publish(OpenDataEntries.rows(stores, month)));
  }
}
