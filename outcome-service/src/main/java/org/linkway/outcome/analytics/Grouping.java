package org.linkway.outcome.analytics;

import static org.linkway.platform.domain.SocialPrescribing.UK;

import java.time.Instant;
import java.time.YearMonth;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.linkway.events.OutcomeReported;
import org.linkway.state.FundingState;

/**
 * How a commissioner's referrals are broken down: by the provider or service that holds (or held)
 * each referral, by the referring GP practice, or by the month of submission in UK time.
 */
public enum Grouping {
  /** The provider that holds (or held) the referral; {@value Breakdown#NONE} when it was never offered. */
  PROVIDER,
  /** The service that holds (or held) the referral; {@value Breakdown#NONE} when it was never offered. */
  SERVICE,
  /** The referring practice's ODS code; {@value Breakdown#UNKNOWN} while the submission has not been seen. */
  PRACTICE,
  /** YYYY-MM of submission in UK time (Europe/London); {@value Breakdown#UNKNOWN} while not seen. */
  MONTH;


  /** The name used in the query, e.g. {@code provider}. */
  public String param() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The names accepted in the query, in declaration order. */
  public static List<String> params() {
    return Arrays.stream(values()).map(Grouping::param).toList();
  }

  /** The grouping named (case-insensitively), if any. */
  public static Optional<Grouping> parse(String value) {
    if (value == null) return Optional.empty();
    String wanted = value.trim();
    return Arrays.stream(values()).filter(g -> g.param().equalsIgnoreCase(wanted)).findFirst();
  }

  /** The group a referral falls in. */
  String key(FundingState s) {
    return switch (this) {
      case PROVIDER -> orElse(s.getProviderId(), lastOutcome(s).map(OutcomeReported::getProviderId).orElse(null), Breakdown.NONE);
      case SERVICE -> orElse(s.getServiceId(), lastOutcome(s).map(OutcomeReported::getServiceId).orElse(null), Breakdown.NONE);
      case PRACTICE -> orElse(s.getPractice(), null, Breakdown.UNKNOWN);
      case MONTH -> month(s.getSubmittedAt());
    };
  }

  static String month(Instant submittedAt) {
    return submittedAt == null ? Breakdown.UNKNOWN : YearMonth.from(submittedAt.atZone(UK)).toString();
  }

  static Optional<OutcomeReported> lastOutcome(FundingState s) {
    List<OutcomeReported> outcomes = s.getOutcomes();
    return outcomes == null || outcomes.isEmpty() ? Optional.empty() : Optional.of(outcomes.get(outcomes.size() - 1));
  }

  private static String orElse(String value, String fallback, String otherwise) {
    if (value != null && !value.isBlank()) return value;
    if (fallback != null && !fallback.isBlank()) return fallback;
    return otherwise;
  }
}
