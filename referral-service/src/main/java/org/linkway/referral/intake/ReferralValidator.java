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
import org.linkway.platform.ProblemException.FieldProblem;

/** Checks a referral request field by field and names every problem, not just the first. */
public final class ReferralValidator {

  /** UK postcode: outward code (area, district) and inward code (sector, unit). */
  private static final Pattern POSTCODE =
      Pattern.compile("^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$", Pattern.CASE_INSENSITIVE);
  /** GP practice ODS code, e.g. A81001. */
  private static final Pattern PRACTICE_ODS = Pattern.compile("^[A-Z][0-9]{5}$");
  /** ICB ODS code, e.g. QMM. */
  private static final Pattern ICB_ODS = Pattern.compile("^Q[A-Z0-9]{2}$");
  private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");
  private static final Pattern PHONE = Pattern.compile("^\\+?[0-9 ()-]{7,20}$");
  private static final int MAX_NOTES = 2000;

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
      if (blank(patient.nhsNumber())) {
        problems.add(new FieldProblem("patient.nhsNumber", "is required"));
      } else if (!NhsNumber.isValid(patient.nhsNumber())) {
        problems.add(new FieldProblem("patient.nhsNumber", "is not a valid NHS number (10 digits with a modulus-11 check digit)"));
      }
      if (blank(patient.givenName())) problems.add(new FieldProblem("patient.givenName", "is required"));
      if (blank(patient.familyName())) problems.add(new FieldProblem("patient.familyName", "is required"));
      birthDate(patient.birthDate(), problems);
      if (blank(patient.postcode())) {
        problems.add(new FieldProblem("patient.postcode", "is required"));
      } else if (!POSTCODE.matcher(patient.postcode().trim()).matches()) {
        problems.add(new FieldProblem("patient.postcode", "is not a UK postcode (e.g. NR1 3SR)"));
      }
      if (!blank(patient.phone()) && !PHONE.matcher(patient.phone()).matches()) {
        problems.add(new FieldProblem("patient.phone", "is not a phone number"));
      }
      if (!blank(patient.email()) && !EMAIL.matcher(patient.email()).matches()) {
        problems.add(new FieldProblem("patient.email", "is not an email address"));
      }
    }
    if (!Boolean.TRUE.equals(request.consent())) {
      problems.add(new FieldProblem("consent", "must be true: the person must agree to the referral and to sharing their details with the provider"));
    }
    if (request.referrer() == null || blank(request.referrer().odsCode())) {
      problems.add(new FieldProblem("referrer.odsCode", "is required"));
    } else if (!PRACTICE_ODS.matcher(request.referrer().odsCode()).matches()) {
      problems.add(new FieldProblem("referrer.odsCode", "is not a GP practice ODS code (a letter and 5 digits, e.g. A81001)"));
    }
    if (blank(request.commissioner())) {
      problems.add(new FieldProblem("commissioner", "is required"));
    } else if (!ICB_ODS.matcher(request.commissioner()).matches()) {
      problems.add(new FieldProblem("commissioner", "is not an ICB ODS code (Q and two more characters, e.g. QMM)"));
    }
    needs(request.needs(), problems);
    if (request.notes() != null && request.notes().length() > MAX_NOTES) {
      problems.add(new FieldProblem("notes", "is longer than " + MAX_NOTES + " characters"));
    }
    return problems;
  }

  /** The postcode district (outward code): "NR1 3SR" gives "NR1". */
  public static String postcodeDistrict(String postcode) {
    String compact = postcode.replace(" ", "").toUpperCase(Locale.ROOT);
    return compact.substring(0, compact.length() - 3);
  }

  /** The postcode as Royal Mail writes it: upper case, one space before the inward code. */
  public static String formatPostcode(String postcode) {
    String compact = postcode.replace(" ", "").toUpperCase(Locale.ROOT);
    return compact.substring(0, compact.length() - 3) + " " + compact.substring(compact.length() - 3);
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
    String known = NEEDS.stream().map(Enum::name).collect(Collectors.joining(", "));
    for (int i = 0; i < needs.size(); i++) {
      String need = needs.get(i);
      if (need == null || NEEDS.stream().noneMatch(n -> n.name().equals(need))) {
        problems.add(new FieldProblem("needs[" + i + "]", "is not a known need code (" + known + ")"));
      }
    }
  }

  private static boolean blank(String value) {
    return value == null || value.isBlank();
  }
}
