package org.linkway.referral.intake;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.linkway.events.NeedCode;
import org.linkway.platform.domain.FreeText;
import org.linkway.platform.domain.Postcodes;
import org.linkway.platform.domain.SocialPrescribing;
import org.linkway.platform.people.NhsNumber;
import org.linkway.platform.web.ProblemException.FieldProblem;

/** Checks a referral request field by field and names every problem, not just the first. */
public final class ReferralValidator {

  /** An email address as HTML forms take it (the WHATWG "valid email address"): no spaces, quotes or markup. */
  private static final Pattern EMAIL = Pattern.compile("^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+"
      + "@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$");
  private static final Pattern PHONE = Pattern.compile("^\\+?[0-9 ()-]{7,20}$");
  /**
   * A person's name: letters of any script and their marks, digits, spaces, and the apostrophes,
   * hyphens, full stops and commas names are written with; it starts with a letter or digit.
   */
  private static final Pattern NAME = Pattern.compile("^[\\p{L}\\p{Nd}][\\p{L}\\p{M}\\p{Nd} '\u2019.,-]*$");
  /** A directory service id, as provider-service keeps them. */
  private static final Pattern SERVICE_ID = Pattern.compile("^[a-z0-9][a-z0-9-]{1,63}$");
  private static final int MAX_NOTES = 2000;
  private static final int MAX_NAME = 100;
  private static final int MAX_EMAIL = 254;
  private static final int MAX_NEEDS = 20;
  /** No one alive was born before this; dates before it are mistakes (or tests of the input). */
  private static final LocalDate EARLIEST_BIRTH = LocalDate.of(1900, 1, 1);

  public static final List<NeedCode> NEEDS = Arrays.stream(NeedCode.values())
      .filter(need -> need != NeedCode.UNKNOWN).toList();

  private ReferralValidator() {}

  public static List<FieldProblem> validate(ReferralRequest request) {
    List<FieldProblem> problems = new ArrayList<>();
    if (request == null) {
      problems.add(new FieldProblem("body", "is required"));
      return problems;
    }
    ReferralRequest.Patient patient = request.patient();
    if (patient == null) {
      problems.add(new FieldProblem("patient", "is required"));
    } else {
      String nhsNumber = NhsNumber.problem(patient.nhsNumber());
      if (nhsNumber != null) problems.add(new FieldProblem("patient.nhsNumber", nhsNumber));
      name(patient.givenName(), "patient.givenName", problems);
      name(patient.familyName(), "patient.familyName", problems);
      birthDate(patient.birthDate(), problems);
      if (blank(patient.postcode())) {
        problems.add(new FieldProblem("patient.postcode", "is required"));
      } else if (!Postcodes.isPostcode(patient.postcode())) {
        problems.add(new FieldProblem("patient.postcode", "is not a UK postcode (e.g. NR1 3SR)"));
      }
      if (!blank(patient.phone()) && !PHONE.matcher(patient.phone()).matches()) {
        problems.add(new FieldProblem("patient.phone", "is not a phone number"));
      }
      if (!blank(patient.email()) && (patient.email().length() > MAX_EMAIL || !EMAIL.matcher(patient.email()).matches())) {
        problems.add(new FieldProblem("patient.email", "is not an email address"));
      }
    }
    if (!Boolean.TRUE.equals(request.consent())) {
      problems.add(new FieldProblem("consent", "must be true: the person must agree to the referral and to sharing their details with the provider"));
    }
    if (request.referrer() == null || blank(request.referrer().odsCode())) {
      problems.add(new FieldProblem("referrer.odsCode", "is required"));
    } else if (!SocialPrescribing.isPracticeCode(request.referrer().odsCode())) {
      problems.add(new FieldProblem("referrer.odsCode", "is not a GP practice ODS code (a letter and 5 digits, e.g. A81001)"));
    }
    if (request.referrer() != null && request.referrer().clinician() != null) {
      text(request.referrer().clinician(), "referrer.clinician", MAX_NAME, false, problems);
    }
    if (blank(request.commissioner())) {
      problems.add(new FieldProblem("commissioner", "is required"));
    } else if (!SocialPrescribing.isIcbCode(request.commissioner())) {
      problems.add(new FieldProblem("commissioner", "is not an ICB ODS code (Q and two more characters, e.g. QMM)"));
    }
    needs(request.needs(), problems);
    if (request.notes() != null) text(request.notes(), "notes", MAX_NOTES, true, problems);
    if (request.preferredServiceId() != null && !SERVICE_ID.matcher(request.preferredServiceId()).matches()) {
      problems.add(new FieldProblem("preferredServiceId", "is not a service id (2-64 lower-case letters, digits and hyphens)"));
    }
    return problems;
  }

  private static void birthDate(String value, List<FieldProblem> problems) {
    if (blank(value)) {
      problems.add(new FieldProblem("patient.birthDate", "is required"));
      return;
    }
    try {
      LocalDate date = LocalDate.parse(value);
      if (date.isAfter(LocalDate.now())) {
        problems.add(new FieldProblem("patient.birthDate", "is in the future"));
      } else if (date.isBefore(LocalDate.now().minusYears(130))) {
        problems.add(new FieldProblem("patient.birthDate", "is more than 130 years ago"));
      } else if (date.isBefore(EARLIEST_BIRTH)) {
        problems.add(new FieldProblem("patient.birthDate", "is before 1900"));
      }
    } catch (DateTimeParseException e) {
      problems.add(new FieldProblem("patient.birthDate", "is not a date in the form YYYY-MM-DD"));
    }
  }

  private static void needs(List<String> needs, List<FieldProblem> problems) {
    if (needs == null || needs.isEmpty()) {
      problems.add(new FieldProblem("needs", "must name at least one need"));
      return;
    }
    if (needs.size() > MAX_NEEDS) {
      problems.add(new FieldProblem("needs", "lists " + needs.size() + " needs: at most " + MAX_NEEDS));
      return;
    }
    String known = NEEDS.stream().map(Enum::name).collect(Collectors.joining(", "));
    for (int i = 0; i < needs.size(); i++) {
      String need = needs.get(i);
      if (need == null || NEEDS.stream().noneMatch(n -> n.name().equals(need))) {
        problems.add(new FieldProblem("needs[" + i + "]", "is not a known need code (" + known + ")"));
      }
    }
  }

  /** A person's name: required, at most 100 characters, written with the characters names have. */
  private static void name(String value, String field, List<FieldProblem> problems) {
    if (blank(value)) {
      problems.add(new FieldProblem(field, "is required"));
    } else if (text(value, field, MAX_NAME, false, problems) && !NAME.matcher(value.strip()).matches()) {
      problems.add(new FieldProblem(field, "may have only letters, digits, spaces, apostrophes, hyphens, full stops"
          + " and commas"));
    }
  }

  /**
   * Free text: at most {@code max} characters, no control characters (line breaks and tabs only
   * where {@code lines}) and no unpaired surrogates. True if it passed.
   */
  private static boolean text(String value, String field, int max, boolean lines, List<FieldProblem> problems) {
    String problem = FreeText.problem(value, max, lines);
    if (problem != null) problems.add(new FieldProblem(field, problem));
    return problem == null;
  }

  private static boolean blank(String value) {
    return value == null || value.isBlank();
  }
}
