package org.linkway.outcome.opendata;

import static org.linkway.platform.domain.SocialPrescribing.UK;

import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import org.linkway.events.Completion;
import org.linkway.events.NeedCode;
import org.linkway.events.OutcomeReported;
import org.linkway.outcome.opendata.DisclosureControl.Count;
import org.linkway.outcome.opendata.DisclosureControl.PublishedRow;
import org.linkway.state.FundingState;
import org.linkway.state.OpenDataEntry;
import org.linkway.state.ReferralStatus;

/**
 * Counts one month's referrals by commissioner, provider and need, from outcome-service's
 * {@code funding-state} store: the raw (unpublished) counts behind one open-data release. Pure: no
 * Spring, no store. {@link DisclosureControl} turns these rows into what may be published.
 *
 * <p>A release of a month counts the referrals submitted in that month (UK time), each as it stood
 * at the end of the month: only what happened before midnight on its last day counts (acceptance
 * by {@code acceptedAt}, an ending by {@code endedAt}, which are set once). So a closed month's
 * rows are derived from that month's events only, and stay the same however often they are
 * rebuilt; a referral whose submission has not been seen is in no release.
 *
 * <p>One row per (commissioner, provider, need) with at least one referral:
 * <ul>
 *   <li>{@code commissioner}: the commissioner's code; {@value #UNKNOWN} when not known.</li>
 *   <li>{@code provider}: the provider that had accepted the referral by the end of the month;
 *       {@value #NONE} when none had (later offers and acceptances are not seen by the release).</li>
 *   <li>{@code need}: a {@link NeedCode} name. A referral with several needs counts once under each
 *       of them (so rows of one commissioner do not add up to its number of referrals);
 *       {@value #NONE} when the referral names no need.</li>
 *   <li>{@code month}: the release's month, YYYY-MM.</li>
 * </ul>
 * The counts are defined by {@link Measure}. No referral id, person id, practice, service or date
 * finer than the month is carried into a row.
 */
public final class OpenDataTable {

  /** The provider of a referral not accepted by the end of the month, the need of a referral that names none. */
  public static final String NONE = "none";
  /** The commissioner of a referral submitted without one; the provider of one accepted without one. */
  public static final String UNKNOWN = "unknown";

  /**
   * What is counted in each row, in column order, as at the end of the month. Each referral counts
   * once per row it falls in.
   */
  public enum Measure {
    /** Referrals submitted in the month. */
    REFERRALS(Row::referrals, PublishedRow::referrals),
    /** Of those, accepted by a provider by the end of the month (whatever happened next). */
    ACCEPTED(Row::accepted, PublishedRow::accepted),
    /** Ended with the programme completed (the provider reported completion COMPLETED). */
    COMPLETED(Row::completed, PublishedRow::completed),
    /** Ended with the person dropping out after starting (the provider reported DROPPED_OUT). */
    DROPPED_OUT(Row::droppedOut, PublishedRow::droppedOut),
    /** Completed, with at least one outcome measure showing a meaningful improvement. */
    IMPROVED(Row::improved, PublishedRow::improved),
    /** The person declined or could not be contacted (before or after acceptance). */
    DECLINED(Row::declined, PublishedRow::declined),
    /** No provider could take the referral. */
    UNPLACED(Row::unplaced, PublishedRow::unplaced),
    /** Cancelled by the referrer. */
    CANCELLED(Row::cancelled, PublishedRow::cancelled);

    /** Where a row of raw counts keeps this measure, and where a published row does. */
    final ToLongFunction<Row> raw;
    final Function<PublishedRow, Count> published;

    Measure(ToLongFunction<Row> raw, Function<PublishedRow, Count> published) {
      this.raw = raw;
      this.published = published;
    }

    /**
     * The counts of the same row that every referral counted here is counted in too (one who
     * completed was accepted, and referred), so that this count is no more than any of them.
     */
    public Set<Measure> partOf() {
      return switch (this) {
        case REFERRALS -> EnumSet.noneOf(Measure.class);
        case ACCEPTED, DECLINED, UNPLACED, CANCELLED -> EnumSet.of(REFERRALS);
        case COMPLETED, DROPPED_OUT -> EnumSet.of(ACCEPTED, REFERRALS);
        case IMPROVED -> EnumSet.of(COMPLETED, ACCEPTED, REFERRALS);
      };
    }

    /** Whether only an accepted referral can count here: 0 by definition in a row of provider {@value #NONE}. */
    public boolean needsAcceptance() {
      return this == ACCEPTED || partOf().contains(ACCEPTED);
    }

    /** Whether the referral counts here, as it stood just before {@code end}. */
    boolean counts(FundingState s, Instant end) {
      if (needsAcceptance() && !acceptedBy(s, end)) return false;
      ReferralStatus ended = endedBy(s, end);
      return switch (this) {
        case REFERRALS -> true;
        case ACCEPTED -> acceptedBy(s, end);
        case COMPLETED -> ended == ReferralStatus.COMPLETED && completion(s) == Completion.COMPLETED;
        case DROPPED_OUT -> ended == ReferralStatus.COMPLETED && completion(s) == Completion.DROPPED_OUT;
        case IMPROVED -> COMPLETED.counts(s, end) && last(s).getChanges().stream().anyMatch(c -> c.getMeaningful());
        case DECLINED -> ended == ReferralStatus.DECLINED;
        case UNPLACED -> ended == ReferralStatus.UNPLACED;
        case CANCELLED -> ended == ReferralStatus.CANCELLED;
      };
    }
  }

  /** One row's raw counts: never published as they are. */
  public record Row(String commissioner, String provider, String need, String month, long referrals, long accepted,
      long completed, long droppedOut, long improved, long declined, long unplaced, long cancelled) {

    public long count(Measure m) {
      return m.raw.applyAsLong(this);
    }
  }

  private record Key(String commissioner, String provider, String need, String month) implements Comparable<Key> {
    private static final Comparator<Key> ORDER = Comparator.comparing(Key::commissioner)
        .thenComparing(Key::provider).thenComparing(Key::need).thenComparing(Key::month);

    @Override
    public int compareTo(Key other) {
      return ORDER.compare(this, other);
    }
  }

  private OpenDataTable() {}

  /**
   * The raw rows of the release of {@code month}: the referrals submitted in it, as they stood at
   * its end; sorted by commissioner, provider, need (plain string order).
   */
  public static List<Row> rows(Collection<FundingState> states, YearMonth month) {
    String released = month.toString();
    return rows(states.stream().map(OpenDataTable::entry).flatMap(Optional::stream)
        .filter(e -> released.equals(e.getMonth())).toList());
  }

  /**
   * The raw rows of the referrals' {@code entries} ({@link #entry}), each counted once under each of
   * its needs; sorted by commissioner, provider, need and month (plain string order).
   */
  public static List<Row> rows(Iterable<OpenDataEntry> entries) {
    Map<Key, long[]> counts = new TreeMap<>();
    for (OpenDataEntry e : entries) {
      for (String need : e.getNeeds()) {
        long[] row = counts.computeIfAbsent(new Key(e.getCommissioner(), e.getProvider(), need, e.getMonth()),
            k -> new long[Measure.values().length]);
        for (int m = 0; m < row.length; m++) row[m] += e.getCounts().get(m);
      }
    }
    List<Row> rows = new ArrayList<>(counts.size());
    counts.forEach((k, c) -> rows.add(new Row(k.commissioner(), k.provider(), k.need(), k.month(),
        c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7])));
    return rows;
  }

  /**
   * One referral's part in the release of the month it was submitted in, as it stands at that month's
   * end (or now, while the month is open); empty while its submission has not been seen.
   */
  public static Optional<OpenDataEntry> entry(FundingState s) {
    if (s.getSubmittedAt() == null) return Optional.empty();
    YearMonth month = YearMonth.from(s.getSubmittedAt().atZone(UK));
    Instant end = month.plusMonths(1).atDay(1).atStartOfDay(UK).toInstant();
    List<Long> counts = new ArrayList<>();
    for (Measure m : Measure.values()) counts.add(m.counts(s, end) ? 1L : 0L);
    return Optional.of(OpenDataEntry.newBuilder()
        .setReferralId(s.getReferralId())
        .setMonth(month.toString())
        .setCommissioner(orElse(s.getCommissioner(), UNKNOWN))
        // NONE means not accepted: its accepted, completed, dropped-out and improved counts are 0 by definition
        .setProvider(acceptedBy(s, end) ? orElse(s.getProviderId(), UNKNOWN) : NONE)
        .setNeeds(List.copyOf(needs(s)))
        .setCounts(counts)
        .build());
  }

  /** Each distinct need once; {@value #NONE} when there are none. */
  private static Set<String> needs(FundingState s) {
    Set<String> needs = new TreeSet<>();
    if (s.getNeeds() != null) {
      for (NeedCode need : s.getNeeds()) needs.add(need.name());
    }
    if (needs.isEmpty()) needs.add(NONE);
    return needs;
  }

  private static boolean acceptedBy(FundingState s, Instant end) {
    return s.getAcceptedAt() != null && s.getAcceptedAt().isBefore(end);
  }

  /** How the referral had ended before {@code end} (a status is final once ended); null while open. */
  private static ReferralStatus endedBy(FundingState s, Instant end) {
    return s.getEndedAt() != null && s.getEndedAt().isBefore(end) ? s.getStatus() : null;
  }

  private static OutcomeReported last(FundingState s) {
    List<OutcomeReported> outcomes = s.getOutcomes();
    return outcomes == null || outcomes.isEmpty() ? null : outcomes.get(outcomes.size() - 1);
  }

  private static Completion completion(FundingState s) {
    OutcomeReported last = last(s);
    return last == null ? null : last.getCompletion();
  }

  private static String orElse(String value, String otherwise) {
    return value == null || value.isBlank() ? otherwise : value;
  }
}
