package org.linkway.referral.lifecycle.api;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.linkway.events.Measure;
import org.linkway.events.MeasureChange;
import org.linkway.events.Patient;
import org.linkway.events.ReferralCompleted;
import org.linkway.platform.domain.SocialPrescribing;
import org.linkway.referral.lifecycle.domain.ReferralLifecycle;
import org.linkway.state.HistoryEntry;
import org.linkway.state.ReferralState;
import org.linkway.state.ReferralStatus;

/**
 * The message back to the GP and the referrer, after the PRSB Social Prescribing Information
 * Standard's "message back to GP and referrer": who the person is, the support offered and what
 * became of each offer, sessions attended and missed, the outcome measures and how they changed,
 * and the SNOMED CT codes to record in the GP record.
 */
public final class ReferralSummary {

  /** Who the person is; all null and {@code erased} once their identity has been erased. */
  record Person(String nhsNumber, String givenName, String familyName, LocalDate birthDate, boolean erased) {}

  record Step(Instant at, String event, String by, String detail) {}

  record Sessions(int attended, int missed) {}

  record MeasureView(String instrument, String stage, List<Integer> answers, Integer rawTotal, BigDecimal metricScore,
      Integer directAnswer) {}

  record ChangeView(String instrument, String score, BigDecimal baseline, BigDecimal followUp, BigDecimal improvement,
      boolean meaningful) {}

  record CodeToRecord(String system, String code, String display, Instant when) {}

  public record Summary(UUID referralId, String referrer, Person person, List<String> needs, String status,
      String serviceRequestStatus, String taskStatus, List<Step> supportOffered, Sessions sessions,
      String completion, List<MeasureView> measures, List<ChangeView> changes, List<CodeToRecord> codesToRecord,
      List<String> flags) {}

  private static final Set<String> JOURNEY = Set.of("ReferralOffered", "ReferralDeclined", "ReferralAccepted",
      "ReferralCompleted", "ReferralUnplaced", "ReferralCancelled", "OfferReminderDue", "ServicePrescribed");

  private ReferralSummary() {}

  /** The summary, with the person's identity and what was written about them, if they can still be opened. */
  static Summary of(ReferralState s, java.util.Optional<Patient> identity, java.util.function.Function<HistoryEntry, String> detail) {
    Person person = identity.map(p -> new Person(p.getNhsNumber(), p.getGivenName(), p.getFamilyName(), p.getBirthDate(), false))
        .orElse(new Person(null, null, null, null, true));
    List<Step> steps = s.getHistory().stream().filter(h -> JOURNEY.contains(h.getEvent()))
        .map(h -> new Step(h.getAt(), h.getEvent(), h.getActor(), detail.apply(h))).toList();
    List<CodeToRecord> codes = new ArrayList<>();
    for (HistoryEntry h : s.getHistory()) {
      // the person accepting or declining social prescribing: not a link worker's prescription of one service
      boolean prescription = s.getSubmission().getEpisodeId() != null;
      if (h.getEvent().equals("ReferralAccepted") && !prescription) {
        codes.add(new CodeToRecord(SocialPrescribing.SNOMED_SYSTEM, SocialPrescribing.SNOMED_REFERRED, "Referral to social prescribing service", h.getAt()));
      }
      if (h.getEvent().equals("ReferralDeclined") && h.getStatus() == ReferralStatus.DECLINED && !prescription) {
        codes.add(new CodeToRecord(SocialPrescribing.SNOMED_SYSTEM, SocialPrescribing.SNOMED_DECLINED, "Social prescribing declined", h.getAt()));
      }
    }
    List<String> flags = s.getHistory().stream().map(HistoryEntry::getDetail)
        .filter(d -> d != null && d.contains("FLAG")).toList();
    ReferralCompleted completed = s.getCompletion();
    return new Summary(s.getReferralId(), s.getSubmission().getReferrer().getOdsCode(),
        person,
        s.getSubmission().getNeeds().stream().map(Enum::name).toList(),
        s.getStatus().name(), ReferralLifecycle.serviceRequestStatus(s.getStatus()), s.getTaskStatus(), steps,
        new Sessions(s.getSessionsAttended(), s.getSessionsMissed()),
        completed == null ? null : completed.getCompletion().name(),
        completed == null ? List.of() : completed.getMeasures().stream().map(ReferralSummary::measure).toList(),
        completed == null ? List.of() : completed.getChanges().stream().map(ReferralSummary::change).toList(),
        codes, flags);
  }

  private static MeasureView measure(Measure m) {
    return new MeasureView(m.getInstrument().name(), m.getStage().name(), m.getAnswers(), m.getRawTotal(),
        m.getMetricScore(), m.getDirectAnswer());
  }

  private static ChangeView change(MeasureChange c) {
    return new ChangeView(c.getInstrument().name(), c.getScore(), c.getBaseline(), c.getFollowUp(), c.getImprovement(),
        c.getMeaningful());
  }
}
