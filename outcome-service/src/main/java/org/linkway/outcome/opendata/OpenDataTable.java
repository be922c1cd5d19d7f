package org.linkway.outcome.opendata;

import static org.linkway.platform.SocialPrescribing.UK;

import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.linkway.events.Completion;
import org.linkway.events.NeedCode;
import org.linkway.events.OutcomeReported;
import org.linkway.state.FundingState;
import org.linkway.state.ReferralStatus;

/**
 * Counts referrals by commissioner, provider, need and month, from outcome-service's
 * {@code funding-state} store: the raw (unpublished) counts behind the open data. Pure: no Spring,
 * no store. {@link DisclosureControl} turns these rows into what may be published.
 *
 * <p>One row per (commissioner, provider, need, month) that has at least one referral:
 * <ul>
 *   <li>{@code commissioner}: the commissioner's code; {@value #UNKNOWN} when not known yet.</li>
 *   <li>{@code provider}: the provider that holds (or held) the referral, i.e. the last one it was
 *       offered to or accepted by; {@value #NONE} when it was never offered.</li>
 *   <li>{@code need}: a {@link NeedCode} name. A referral with several needs counts once under each
 *       of them (so rows of one commissioner and month do not add up to its number of referrals);
 *       {@value #NONE} when the referral names no need.</li>
 *   <li>{@code month}: YYYY-MM of submission, in UK time (Europe/London); {@value #UNKNOWN} while
 *       the submission has not been seen (a provider's event read first).</li>
 * </ul>
 * The counts are defined by {@link Measure}. No referral id, person id, practice, service or date
 * finer than the month is carried into a row.
 */
public final class OpenDataTable {

  /** The provider of a referral never offered, the need of a referral that names none. */
  public static final String NONE = "none";
  /** The commissioner or month of a referral whose submission has not been seen. */
  public static final String UNKNOWN = "unknown";

  /** What is counted in each row, in column order. Each referral counts once per row it falls in. */
  public enum Measure {
    /** Referrals submitted in the month. */
    REFERRALS,
    /** Of those, accepted by a provider (whatever happened next). */
    ACCEPTED,
    /** Ended with the programme completed (the provider reported completion COMPLETED). */
    COMPLETED,
    /** Ended with the person dropping out after starting (the provider reported DROPPED_OUT). */
    DROPPED_OUT,
    /** Completed, with at least one outcome measure showing a meaningful improvement. */
    IMPROVED,
    /** The person declined or could not be contacted (before or after acceptance). */
    DECLINED,
    /** No provider could take the referral. */
    UNPLACED,
    /** Cancelled by the referrer. */
    CANCELLED;

    boolean counts(FundingState s) {
      ReferralStatus status = s.getStatus();
      return switch (this) {
        case REFERRALS -> true;
        case ACCEPTED -> s.getAcceptedAt() != null;
        case COMPLETED -> status == ReferralStatus.COMPLETED && completion(s) == Completion.COMPLETED;
        case DROPPED_OUT -> status == ReferralStatus.COMPLETED && completion(s) == Completion.DROPPED_OUT;
        case IMPROVED -> COMPLETED.counts(s) && last(s).getChanges().stream().anyMatch(c -> c.getMeaningful());
        case DECLINED -> status == ReferralStatus.DECLINED;
        case UNPLACED -> status == ReferralStatus.UNPLACED;
        case CANCELLED -> status == ReferralStatus.CANCELLED;
      };
    }
  }

  /** One row's raw counts: never published as they are. */
  public record Row(String commissioner, String provider, String need, String month, long referrals, long accepted,
      long completed, long droppedOut, long improved, long declined, long unplaced, long cancelled) {

    public long count(Measure m) {
      return switch (m) {
        case REFERRALS -> referrals;
        case ACCEPTED -> accepted;
        case COMPLETED -> completed;
        case DROPPED_OUT -> droppedOut;
        case IMPROVED -> improved;
        case DECLINED -> declined;
        case UNPLACED -> unplaced;
        case CANCELLED -> cancelled;
      };
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

  /** The rows, sorted by commissioner, provider, need, then month (plain string order). */
  public static List<Row> rows(Collection<FundingState> states) {
    Measure[] measures = Measure.values();
    Map<Key, long[]> counts = new TreeMap<>();
    for (FundingState s : states) {
      String commissioner = orElse(s.getCommissioner(), UNKNOWN);
      String provider = orElse(s.getProviderId(), NONE);
      String month = month(s.getSubmittedAt());
      for (String need : needs(s)) {
        long[] row = counts.computeIfAbsent(new Key(commissioner, provider, need, month), k -> new long[measures.length]);
        for (Measure m : measures) {
          if (m.counts(s)) row[m.ordinal()]++;
        }
      }
    }
    List<Row> rows = new ArrayList<>(counts.size());
    counts.forEach((k, c) -> rows.add(new Row(k.commissioner(), k.provider(), k.need(), k.month(),
        c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7])));
    return rows;
  }

  /** YYYY-MM in UK time. */
  static String month(Instant submittedAt) {
    return submittedAt == null ? UNKNOWN : YearMonth.from(submittedAt.atZone(UK)).toString();
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
